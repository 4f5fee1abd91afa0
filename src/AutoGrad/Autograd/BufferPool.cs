using System.Numerics;

namespace AutoGrad.Autograd;

// Note [Recycled buffers]
// Every op returns a fresh buffer, and in a training step most of them die within the backward pass: the gradient
// of an activation lives from the rule that makes it to the rule that consumes it. .NET cannot tell us whether user
// code still holds a tensor, so the engine recycles only buffers that provably never escaped:
//  - A buffer is a candidate only if a trusted rule (one recorded by this library's ops, not by user code through
//    Tape.Record or CustomFunction) allocated it while the engine ran it without createGraph and outside anomaly
//    mode; such a buffer is "owned" by the pass (TrackedStorage.OwnerPass). Nothing else is ever recycled: forward values,
//    seeds, hook results, clones made for RetainGrad.
//  - With no graph recorded, the only references to an owned buffer are the rule's returned gradients and the
//    engine's gradient map, so the engine counts the map entries per Storage (a reshape or the same tensor returned
//    twice shares one Storage). After each node's step, an owned buffer with no map entry is dead and is recycled.
//  - A gradient handed to a hook or to an untrusted rule escapes: its owner is cleared and it is never recycled.
//    The gradients left in the map when the walk ends are the results (leaves' .Grad, Grad's outputs); the pass
//    recycles nothing after that, and the next pass has another id, so they are never recycled either.
// Only those allocations, and those inside a StepScope (Note [Step scopes] in StepScope.cs), rent from the pool (a forward
// activation holding a pooled array would otherwise hand it to the GC and leave the next backward to allocate again).
// Arrays wait in buckets by ⌊log₂ length⌋, at most PerBucket each and MaxPooledBytes in all; a rented array may be
// longer than asked, and tensors slice it to their size.
// Tests run with Poison on, which fills every recycled buffer with NaN, so a stale reference shows as a wrong gradient.
internal static class BufferPool
{
    // Smaller buffers cost the allocator little; tracking them would cost the tape more than it saves.
    internal const int MinLength = 64;
    private const int PerBucket = 8;
    private const long MaxPooledBytes = 128L << 20;
    private const int Buckets = 31;

    internal static bool Poison;

    [ThreadStatic] private static Tracker? t_tracker;
    private static long s_nextPass;
    [ThreadStatic] private static long t_nextPass;
    private const long PassBlock = 1 << 16;

    private static readonly object s_lock = new();
    private static readonly Stack<float[]>[] s_f32 = NewBuckets<float>();
    private static readonly Stack<double[]>[] s_f64 = NewBuckets<double>();
    private static long s_pooledBytes;

    private static Stack<T[]>[] NewBuckets<T>()
    {
        var b = new Stack<T[]>[Buckets];
        for (int i = 0; i < Buckets; i++) b[i] = new Stack<T[]>(PerBucket);
        return b;
    }

    // Buffers this thread's passes have recycled so far (for tests).
    [ThreadStatic] internal static long RecycledCount;

    public static Storage Allocate(DType dtype, int size, bool clear)
    {
        var tracker = t_tracker;
        if (tracker is null)
        {
            // Inside a StepScope, a buffer that ends up behind an op's result comes back at the scope's end; a small one is
            // not worth pooling, but it is released all the same, so what survives a scope never depends on a tensor's size.
            long scope = StepScope.CurrentId;
            if (scope != 0) return new ScopedStorage(size < MinLength ? FreshArray(dtype, size, clear) : Rent(dtype, size, clear), scope);
            return new Storage(FreshArray(dtype, size, clear));
        }
        if (size < MinLength) return new Storage(FreshArray(dtype, size, clear));
        var s = new TrackedStorage(Rent(dtype, size, clear), tracker.Pass);
        tracker.Created.Add(s);
        return s;
    }

    private static Array Rent(DType dtype, int size, bool clear)
    {
        var data = dtype == DType.Float32 ? (Array?)Take(s_f32, size) : Take(s_f64, size);
        if (data is null) return FreshArray(dtype, size, clear);
        if (clear) Array.Clear(data, 0, size);   // a recycled array holds older values (NaN under Poison)
        return data;
    }

    private static Array FreshArray(DType dtype, int size, bool clear) =>
        dtype == DType.Float32
            ? clear ? new float[size] : GC.AllocateUninitializedArray<float>(size)
            : clear ? new double[size] : GC.AllocateUninitializedArray<double>(size);

    private static T[]? Take<T>(Stack<T[]>[] buckets, int size)
    {
        // Arrays live in bucket ⌊log₂ length⌋: this bucket may hold one long enough, the next one always does.
        int k = BitOperations.Log2((uint)size);
        lock (s_lock)
        {
            for (int b = k; b < Math.Min(k + 2, Buckets); b++)
            {
                var stack = buckets[b];
                if (stack.Count == 0) continue;
                if (b == k && stack.Peek().Length < size) continue;
                var a = stack.Pop();
                s_pooledBytes -= (long)a.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
                return a;
            }
        }
        return null;
    }

    internal static void Give(Array data)
    {
        if (Poison)
        {
            if (data is float[] f) f.AsSpan().Fill(float.NaN); else ((double[])data).AsSpan().Fill(double.NaN);
        }
        int k = BitOperations.Log2((uint)data.Length);
        long bytes = (long)data.Length * (data is float[] ? sizeof(float) : sizeof(double));
        lock (s_lock)
        {
            if (s_pooledBytes + bytes > MaxPooledBytes) return;
            if (data is float[] f)
            {
                if (s_f32[k].Count >= PerBucket) return;
                s_f32[k].Push(f);
            }
            else
            {
                var d = (double[])data;
                if (s_f64[k].Count >= PerBucket) return;
                s_f64[k].Push(d);
            }
            s_pooledBytes += bytes;
        }
    }

    /// <summary>One backward pass's bookkeeping of the buffers its rules made (see Note [Recycled buffers]).</summary>
    internal sealed class Tracker
    {
        public long Pass;
        public readonly List<TrackedStorage> Created = [];
        public readonly List<TrackedStorage> Dropped = [];

        public void Start()
        {
            // Ids are unique across threads (a gradient may cross threads); each thread reserves them in blocks.
            if ((t_nextPass & (PassBlock - 1)) == 0) t_nextPass = Interlocked.Add(ref s_nextPass, PassBlock) - PassBlock + 1;
            Pass = t_nextPass++;
            Created.Clear();
            Dropped.Clear();
        }

        // Makes next (null: none) own the buffers allocated on this thread; returns the previous owner, to restore.
        public static Tracker? Swap(Tracker? next)
        {
            var previous = t_tracker;
            t_tracker = next;
            return previous;
        }

        public void Hold(Tensor t)
        {
            if (t.Storage is TrackedStorage s && s.OwnerPass == Pass) s.EngineRefs++;
        }

        public void Release(Tensor t)
        {
            if (t.Storage is TrackedStorage s && s.OwnerPass == Pass && --s.EngineRefs == 0) Dropped.Add(s);
        }

        public static void Escape(Tensor t)
        {
            if (t.Storage is TrackedStorage s) s.OwnerPass = 0;
        }

        // A result of this pass that was added into an existing .Grad and handed to nobody (the caller checked) is dead.
        public void RecycleResult(Storage storage)
        {
            if (storage is TrackedStorage s && s.OwnerPass == Pass && Pass != 0)
            {
                s.OwnerPass = 0;
                RecycledCount++;
                Give(s.Data!);
            }
        }

        // Recycles every owned buffer that no gradient-map entry refers to any more.
        public void Sweep()
        {
            if (Created.Count == 0 && Dropped.Count == 0) return;
            Sweep(Created);
            Sweep(Dropped);
        }

        private void Sweep(List<TrackedStorage> list)
        {
            foreach (var s in list)
                if (s.OwnerPass == Pass && s.EngineRefs == 0)
                {
                    s.OwnerPass = 0;   // once only, even if listed twice
                    RecycledCount++;
                    Give(s.Data!);
                }
            list.Clear();
        }
    }
}
