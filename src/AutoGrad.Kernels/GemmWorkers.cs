using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace AutoGrad.Kernels;

/// <summary>One parallel GEMM: a fixed number of independent chunks, each run exactly once by some thread.</summary>
internal abstract class GemmJob
{
    internal abstract void RunChunk(int chunk);
}

/// <summary>
/// Persistent background workers (one per extra core) for GEMM. Replaces Parallel.For, which allocated
/// about 1–2 KB and cost microseconds per call. A call publishes a job, wakes the workers, and runs chunks
/// itself; whoever is free claims the next chunk, so a late worker costs nothing but its share of speed-up.
/// Which thread runs a chunk never matters: the chunks are fixed by the caller.
/// </summary>
/// <remarks>
/// One job at a time: a caller that finds the pool busy (another user thread is multiplying) gets false from
/// <see cref="TryEnter"/> and runs its product serially. Protocol: <c>s_generation</c> is odd while a job
/// is open. A worker announces itself in <c>s_inside</c> and then re-checks the generation; the caller closes
/// the job and then waits for <c>s_inside</c> to drain, so no worker can still be reading a job's fields
/// (or writing its C) once <see cref="Execute"/> returns. Both sides use interlocked operations, so the
/// announce/close race resolves one way or the other.
/// </remarks>
internal static class GemmWorkers
{
    // Spinning before blocking keeps back-to-back products (a training step) off the kernel's wake-up path,
    // but on a shared machine an idle spinner steals a core, so the window stays short.
    private static readonly long SpinTicks = Stopwatch.Frequency / 20_000;   // 50 µs

    private static readonly object Gate = new();
    private static int s_busy;
    private static int s_started;
    private static int s_generation;
    private static int s_sleepers;
    private static int s_inside;
    private static GemmJob? s_job;
    private static int s_chunks;
    private static int s_next;
    private static int s_pending;
    private static Exception? s_error;

    /// <summary>Threads besides the caller that may run chunks.</summary>
    internal static int WorkerCount { get; } = Math.Max(0, Environment.ProcessorCount - 1);

    /// <summary>Claims the pool for one <see cref="Execute"/>; false when it is in use or there are no workers.</summary>
    internal static bool TryEnter()
    {
        if (WorkerCount == 0 || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            return false;
        }

        if (s_started == 0)
        {
            try
            {
                StartWorkers();
            }
            catch (Exception e) when (e is OutOfMemoryException or ThreadStartException)
            {
                Exit();   // no threads (out of resources): this product runs serially on the caller
                return false;
            }
        }

        return true;
    }

    /// <summary>Releases the pool claimed by <see cref="TryEnter"/>.</summary>
    internal static void Exit() => Volatile.Write(ref s_busy, 0);

    /// <summary>
    /// Runs chunks 0..chunks-1 of <paramref name="job"/> on the caller and the workers, returns when all are
    /// done and no worker still holds the job, and rethrows the first exception a chunk threw.
    /// </summary>
    internal static void Execute(GemmJob job, int chunks)
    {
        s_job = job;
        s_chunks = chunks;
        s_next = 0;
        s_pending = chunks;
        s_error = null;
        Interlocked.Increment(ref s_generation);   // odd: open
        if (Volatile.Read(ref s_sleepers) > 0)
        {
            lock (Gate)
            {
                Monitor.PulseAll(Gate);
            }
        }

        Participate(job, chunks);
        var spin = default(SpinWait);
        while (Volatile.Read(ref s_pending) != 0)
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }

        Interlocked.Increment(ref s_generation);   // even: closed
        spin = default;
        while (Volatile.Read(ref s_inside) != 0)
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }

        s_job = null;
        Exception? error = s_error;
        if (error is not null)
        {
            s_error = null;
            ExceptionDispatchInfo.Capture(error).Throw();
        }
    }

    private static void Participate(GemmJob job, int chunks)
    {
        while (true)
        {
            int chunk = Interlocked.Increment(ref s_next) - 1;
            if (chunk >= chunks)
            {
                return;
            }

            try
            {
                job.RunChunk(chunk);
            }
            catch (Exception ex)
            {
                Interlocked.CompareExchange(ref s_error, ex, null);
            }

            Interlocked.Decrement(ref s_pending);
        }
    }

    private static void StartWorkers()
    {
        lock (Gate)
        {
            if (s_started != 0)
            {
                return;
            }

            for (int i = 0; i < WorkerCount; i++)
            {
                var thread = new Thread(WorkerLoop) { IsBackground = true, Name = $"AutoGrad GEMM worker {i + 1}" };
                thread.Start();
            }

            s_started = 1;
        }
    }

    private static void WorkerLoop()
    {
        int seen = 0;
        while (true)
        {
            int generation = WaitForOpenJob(seen);
            seen = generation;
            Interlocked.Increment(ref s_inside);
            if (Volatile.Read(ref s_generation) == generation)
            {
                // Still open after announcing, so the caller will wait for this thread before returning.
                Participate(s_job!, s_chunks);
            }

            Interlocked.Decrement(ref s_inside);
        }
    }

    private static bool IsNewOpenJob(int generation, int seen) => (generation & 1) == 1 && generation != seen;

    private static int WaitForOpenJob(int seen)
    {
        long deadline = Stopwatch.GetTimestamp() + SpinTicks;
        var spin = default(SpinWait);
        while (true)
        {
            int generation = Volatile.Read(ref s_generation);
            if (IsNewOpenJob(generation, seen))
            {
                return generation;
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                break;
            }

            spin.SpinOnce(sleep1Threshold: -1);
        }

        lock (Gate)
        {
            // Interlocked (a full fence) so that either the caller sees a sleeper or this thread sees the new job.
            Interlocked.Increment(ref s_sleepers);
            try
            {
                while (true)
                {
                    int generation = Volatile.Read(ref s_generation);
                    if (IsNewOpenJob(generation, seen))
                    {
                        return generation;
                    }

                    Monitor.Wait(Gate);
                }
            }
            finally
            {
                Interlocked.Decrement(ref s_sleepers);
            }
        }
    }
}
