using System.Diagnostics;
using AutoGrad.Distributed.Mpi;

namespace AutoGrad.Distributed;

/// <summary>
/// The processes of one MPI job (<c>MPI_COMM_WORLD</c>): this process's <see cref="Rank"/> among <see cref="Size"/>, and the few
/// collectives data-parallel training uses, each bounded by <see cref="Timeout"/>.
/// </summary>
/// <remarks>
/// Every collective is started nonblocking and polled with <c>MPI_Test</c> until it completes or the deadline passes (Note [Bounded
/// waits] in Communicator.Requests.cs), so a rank that died or hangs turns into a <see cref="CommunicationTimeoutException"/> naming the
/// operation instead of a silent hang. Collectives must be called by every rank in the same order (MPI's rule). MPI is initialised
/// with <c>MPI_THREAD_FUNNELED</c>: call it from the thread that created the communicator.
/// </remarks>
public sealed partial class Communicator : IDisposable
{
    private static Communicator? s_world;
    private bool _failed, _disposed;

    private Communicator(int rank, int size, TimeSpan timeout) => (Rank, Size, Timeout) = (rank, size, timeout);

    /// <summary>
    /// Initialises MPI (once per process) and returns the communicator of every process started by <c>mpirun</c>/<c>srun</c>.
    /// </summary>
    /// <param name="timeout">How long any collective may take before the job is declared broken (default 60 s).</param>
    /// <exception cref="DllNotFoundException">Open MPI's libmpi is not installed.</exception>
    public static Communicator World(TimeSpan? timeout = null)
    {
        if (s_world is { _disposed: false } w)
        {
            if (timeout is { } t) w.Timeout = t;
            return w;
        }
        if (s_world is not null) throw new InvalidOperationException("Communicator.World: MPI was finalized in this process and cannot be started again.");
        Check(MpiNative.Initialized(out int initialized), "MPI_Initialized");
        if (initialized == 0)
        {
            Check(MpiNative.InitThread(0, 0, MpiNative.ThreadFunneled, out int provided), "MPI_Init_thread");
            if (provided < MpiNative.ThreadFunneled)
                throw new InvalidOperationException($"Communicator.World: the MPI library provides thread level {provided}; MPI_THREAD_FUNNELED (1) is needed.");
        }
        Check(MpiNative.CommRank(MpiNative.CommWorld, out int rank), "MPI_Comm_rank");
        Check(MpiNative.CommSize(MpiNative.CommWorld, out int size), "MPI_Comm_size");
        return s_world = new Communicator(rank, size, timeout ?? TimeSpan.FromSeconds(60));
    }

    /// <summary>This process's rank, 0 ≤ rank &lt; <see cref="Size"/>.</summary>
    public int Rank { get; }

    /// <summary>The number of processes N in the job.</summary>
    public int Size { get; }

    /// <summary>True on rank 0, the rank that logs and writes checkpoints.</summary>
    public bool IsRoot => Rank == 0;

    /// <summary>The longest any collective may take; past it the operation throws <see cref="CommunicationTimeoutException"/>.</summary>
    public TimeSpan Timeout { get; set; }

    /// <summary>Total bytes this rank has passed to all-reduce and all-gather operations (their input sizes).</summary>
    public long BytesReduced { get; private set; }

    /// <summary>Seconds this rank has spent blocked waiting for collectives to complete (communication not hidden by compute).</summary>
    public double WaitSeconds => _waitTicks / (double)Stopwatch.Frequency;
    private long _waitTicks;

    /// <summary>Waits until every rank has reached this call.</summary>
    public void Barrier()
    {
        ThrowIfUnusable();
        Check(MpiNative.Ibarrier(MpiNative.CommWorld, out var request), "MPI_Ibarrier");
        Wait(ref request, "barrier");
    }

    /// <summary>Sums <paramref name="data"/> element-wise over all ranks, in place (MPI's reduction order, the same on every rank).</summary>
    public unsafe void AllReduceSum(Span<float> data)
    {
        ThrowIfUnusable();
        fixed (float* p = data)
        {
            Check(MpiNative.Iallreduce((void*)MpiNative.InPlace, p, data.Length, MpiNative.Float, MpiNative.OpSum, MpiNative.CommWorld, out var request), "MPI_Iallreduce");
            BytesReduced += (long)data.Length * sizeof(float);
            Wait(ref request, $"all-reduce of {data.Length} floats");
        }
    }

    /// <summary>Sums <paramref name="data"/> element-wise over all ranks, in place.</summary>
    public unsafe void AllReduceSum(Span<double> data)
    {
        ThrowIfUnusable();
        fixed (double* p = data)
        {
            Check(MpiNative.Iallreduce((void*)MpiNative.InPlace, p, data.Length, MpiNative.Double, MpiNative.OpSum, MpiNative.CommWorld, out var request), "MPI_Iallreduce");
            BytesReduced += (long)data.Length * sizeof(double);
            Wait(ref request, $"all-reduce of {data.Length} doubles");
        }
    }

    /// <summary>Copies rank <paramref name="root"/>'s <paramref name="data"/> into every other rank's.</summary>
    public unsafe void Broadcast(Span<float> data, int root = 0)
    {
        ThrowIfUnusable();
        CheckRoot(root);
        fixed (float* p = data)
        {
            Check(MpiNative.Ibcast(p, data.Length, MpiNative.Float, root, MpiNative.CommWorld, out var request), "MPI_Ibcast");
            Wait(ref request, $"broadcast of {data.Length} floats from rank {root}");
        }
    }

    /// <summary>Every rank's <paramref name="value"/>, indexed by rank.</summary>
    public unsafe int[] AllGather(int value)
    {
        ThrowIfUnusable();
        var all = new int[Size];
        fixed (int* r = all)
        {
            Check(MpiNative.Iallgather(&value, 1, MpiNative.Int, r, 1, MpiNative.Int, MpiNative.CommWorld, out var request), "MPI_Iallgather");
            Wait(ref request, "all-gather of one int");
        }
        return all;
    }

    /// <summary>Every rank's <paramref name="bytes"/> (lengths may differ), indexed by rank.</summary>
    public unsafe byte[][] AllGather(ReadOnlySpan<byte> bytes)
    {
        var lengths = AllGather(bytes.Length);
        int max = lengths.Max();
        var send = new byte[max];
        bytes.CopyTo(send);
        var recv = new byte[(long)max * Size];
        fixed (byte* s = send)
        fixed (byte* r = recv)
        {
            Check(MpiNative.Iallgather(s, max, MpiNative.Byte, r, max, MpiNative.Byte, MpiNative.CommWorld, out var request), "MPI_Iallgather");
            Wait(ref request, $"all-gather of {max} bytes");
        }
        return [.. Enumerable.Range(0, Size).Select(i => recv.AsSpan(i * max, lengths[i]).ToArray())];
    }

    /// <summary>Stops every process of the job with <paramref name="errorCode"/> (<c>MPI_Abort</c>); does not return.</summary>
    public void Abort(int errorCode = 1)
    {
        Console.Out.Flush();
        Console.Error.Flush();
        MpiNative.Abort(MpiNative.CommWorld, errorCode);
        Environment.Exit(errorCode);   // MPI_Abort normally kills this process; exit anyway if it returned
    }

    /// <summary>Finalizes MPI; after a failed collective it aborts the whole job instead, since the other ranks may be stuck.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_failed) Abort(1);
        MpiNative.Finalized(out int finalized);
        if (finalized == 0) MpiNative.Finalize();
    }

    private void CheckRoot(int root)
    {
        if ((uint)root >= (uint)Size) throw new ArgumentOutOfRangeException(nameof(root), $"Communicator: root {root} is not a rank of a job of {Size}.");
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_failed) throw new InvalidOperationException($"Communicator (rank {Rank}): an earlier collective failed; the job must be aborted (dispose the communicator).");
    }

    private static void Check(int code, string call)
    {
        if (code != 0) throw new InvalidOperationException($"AutoGrad.Distributed: {call} returned MPI error {code}.");
    }
}
