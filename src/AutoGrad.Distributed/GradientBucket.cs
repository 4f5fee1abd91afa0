using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AutoGrad.Distributed;

// A group of parameters whose gradients travel in one collective: staged into one pinned buffer as each becomes ready, sent
// when the last one arrives, averaged when the first consumer needs it, reset when every member has taken its result.
internal sealed unsafe class GradientBucket
{
    private readonly float[] _buffer;      // pinned: MPI reads and writes it while backward goes on
    private readonly float[]? _gathered;   // pinned, rank-major copies for ReductionOrder.Fixed
    private readonly bool[] _staged;
    private nint _request;

    public GradientBucket(int index, IReadOnlyList<(string Name, Tensor Parameter)> members, int ranks, ReductionOrder order)
    {
        Index = index;
        Members = members;
        Offsets = new int[members.Count];
        int n = 0;
        for (int i = 0; i < members.Count; i++) { Offsets[i] = n; n += members[i].Parameter.Size; }
        Count = n;
        _buffer = GC.AllocateArray<float>(n, pinned: true);
        if (order == ReductionOrder.Fixed) _gathered = GC.AllocateArray<float>(checked(n * ranks), pinned: true);
        // Fixed for the bucket's life, so a step's wait formats nothing; used only in a timeout's message.
        _description = $"gradient {(_gathered is null ? "all-reduce" : "all-gather")} of bucket {Index} ({Count} floats: {string.Join(", ", Members.Select(m => m.Name))})";
        _staged = new bool[members.Count];
    }

    public int Index { get; }
    public IReadOnlyList<(string Name, Tensor Parameter)> Members { get; }

    private readonly string _description;
    public int[] Offsets { get; }
    public int Count { get; }
    public int StagedCount { get; private set; }
    public int Consumed { get; set; }
    public bool Launched { get; private set; }
    public bool Reduced { get; private set; }
    public bool Busy => StagedCount > 0 || Launched;
    public bool Full => StagedCount == Members.Count;

    /// <summary>Copies member <paramref name="slot"/>'s gradient of this pass, plus what .Grad already holds (no-sync accumulation).</summary>
    public void Stage(int slot, Tensor g, Tensor? accumulated)
    {
        if (_staged[slot]) throw new InvalidOperationException($"DistributedDataParallel: parameter '{Members[slot].Name}' got two gradients before the all-reduce of its bucket finished.");
        var dst = _buffer.AsSpan(Offsets[slot], g.Size);
        g.ToFloatArray().CopyTo(dst);
        if (accumulated is not null)
        {
            var a = accumulated.ToFloatArray();
            for (int i = 0; i < dst.Length; i++) dst[i] = a[i] + dst[i];   // .Grad + g, the order Backward accumulates in
        }
        _staged[slot] = true;
        StagedCount++;
    }

    public IEnumerable<string> Missing() => Members.Where((_, i) => !_staged[i]).Select(m => m.Name);

    public void Launch(Communicator comm)
    {
        float* buffer = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_buffer));
        _request = _gathered is null
            ? comm.StartAllReduceSum(buffer, Count)
            : comm.StartAllGather(buffer, Count, (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_gathered)));
        Launched = true;
    }

    public void Progress(Communicator comm)
    {
        if (Launched && !Reduced) comm.Poll(ref _request);
    }

    /// <summary>Waits for the collective and turns the sum into the mean over <paramref name="ranks"/>.</summary>
    public void Complete(Communicator comm, int ranks)
    {
        comm.Wait(ref _request, _description);
        if (_gathered is not null)
        {
            _gathered.AsSpan(0, Count).CopyTo(_buffer);
            for (int r = 1; r < ranks; r++)
            {
                var slice = _gathered.AsSpan(r * Count, Count);
                for (int i = 0; i < Count; i++) _buffer[i] += slice[i];   // rank order, the same on every rank
            }
        }
        float n = ranks;
        for (int i = 0; i < Count; i++) _buffer[i] /= n;
        Reduced = true;
    }

    public Tensor Result(int slot, Shape shape) => Tensor.FromArray(_buffer.AsSpan(Offsets[slot], shape.Size).ToArray(), shape.ToArray());

    public void Reset()
    {
        Array.Clear(_staged);
        StagedCount = 0;
        Consumed = 0;
        Launched = Reduced = false;
        _request = 0;
    }
}
