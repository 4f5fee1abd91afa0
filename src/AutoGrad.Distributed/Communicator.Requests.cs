using System.Diagnostics;
using AutoGrad.Distributed.Mpi;

namespace AutoGrad.Distributed;

public sealed partial class Communicator
{
    // Note [Bounded waits]
    // A blocking MPI collective never returns when a peer died without the launcher noticing, or hangs: MPI has no timeout.
    // So every collective here is nonblocking, and waiting is a loop over MPI_Test (which also drives Open MPI's progress
    // engine — without an asynchronous progress thread, a nonblocking collective advances only inside MPI calls) until it
    // completes or Timeout passes. The loop spins briefly, then yields, then sleeps 1 ms, so a long wait leaves the core to
    // the other ranks on an oversubscribed machine. On timeout the communicator is marked failed and throws; disposing it
    // calls MPI_Abort so mpirun stops every rank, including the one that hangs.

    /// <summary>Starts a nonblocking in-place sum of <paramref name="count"/> floats at <paramref name="buffer"/> (pinned by the caller).</summary>
    internal unsafe nint StartAllReduceSum(float* buffer, int count)
    {
        ThrowIfUnusable();
        Check(MpiNative.Iallreduce((void*)MpiNative.InPlace, buffer, count, MpiNative.Float, MpiNative.OpSum, MpiNative.CommWorld, out var request), "MPI_Iallreduce");
        BytesReduced += (long)count * sizeof(float);
        return request;
    }

    /// <summary>Starts a nonblocking gather of every rank's <paramref name="count"/> floats into <paramref name="all"/> (rank-major, pinned).</summary>
    internal unsafe nint StartAllGather(float* send, int count, float* all)
    {
        ThrowIfUnusable();
        Check(MpiNative.Iallgather(send, count, MpiNative.Float, all, count, MpiNative.Float, MpiNative.CommWorld, out var request), "MPI_Iallgather");
        BytesReduced += (long)count * sizeof(float);
        return request;
    }

    /// <summary>Lets MPI progress <paramref name="request"/> without blocking; true once it has completed (the handle is then 0).</summary>
    internal bool Poll(ref nint request)
    {
        if (request == 0) return true;
        Check(MpiNative.Test(ref request, out int done, 0), "MPI_Test");
        return done != 0;
    }

    /// <summary>Waits for <paramref name="request"/> until <see cref="Timeout"/>; <paramref name="what"/> names it in the error.</summary>
    /// <exception cref="CommunicationTimeoutException">The deadline passed.</exception>
    internal void Wait(ref nint request, string what)
    {
        long start = Stopwatch.GetTimestamp();
        try
        {
            for (int spins = 0; ; spins++)
            {
                if (Poll(ref request)) return;
                var waited = Stopwatch.GetElapsedTime(start);
                if (waited > Timeout)
                {
                    _failed = true;
                    throw new CommunicationTimeoutException(
                        $"Communicator (rank {Rank} of {Size}): the {what} did not complete within {Timeout.TotalSeconds:0.###} s; another rank died, hangs, " +
                        "or is not making the same collective calls. The job must be aborted.");
                }
                if (spins < 200) Thread.SpinWait(20);
                else if (waited.TotalMilliseconds < 5) Thread.Yield();
                else Thread.Sleep(1);
            }
        }
        finally { _waitTicks += Stopwatch.GetTimestamp() - start; }
    }
}
