using System.Numerics;

namespace AutoGrad.Memory;

// Note [Pooled buffers]
// Every op returns a fresh buffer, and in a training step most of them die soon: the gradient of an activation lives from
// the rule that makes it to the rule that consumes it, an activation until the step's backward has read it. .NET cannot
// tell whether user code still holds a tensor, so a buffer goes back to the pool only when its one owner says so:
//  - a backward pass (PassBuffers, Note [Recycled buffers] in PassBuffers.cs) owns what its trusted rules allocate, and
//    recycles each buffer once no gradient-map entry refers to it;
//  - a StepScope (ScopeBuffers, Note [Step scopes] in ScopeBuffers.cs) owns what is allocated while it is open, and gives
//    back, when it ends, the buffers behind the op results it listed.
// The owner is recorded in the buffer's PooledStorage (its id; a running pass wins over an open scope). Whatever must
// outlive its owner (a .Grad, Keep(), a gradient user code saw) clears it, and nobody ever gives that buffer back; it is
// then the garbage collector's, like every buffer made with no owner current.
// Arrays wait in buckets by ⌊log₂ length⌋, each bucket holding at most PerBucket arrays or PerBucketBytes, whichever
// allows more (an unrolled recurrent layer keeps hundreds of same-sized activations alive until its backward pass, and a
// count cap alone sent all but 8 of them to the garbage collector every step), and MaxPooledBytes in all; a rented array
// may be longer than asked, and tensors slice it to their size. Tests run with MemoryTestHooks.Poison on, which fills every array given
// back with NaN, so a stale reference shows as a wrong value.
internal static class BufferPool
{
    // Smaller buffers cost the allocator little; tracking them would cost the tape more than it saves.
    internal const int MinLength = 64;
    private const int PerBucket = 8;
    private const long PerBucketBytes = 32L << 20;
    private const long MaxPooledBytes = 128L << 20;
    private const int Buckets = 31;

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

    public static Storage Allocate(bool float32, int size, bool clear)
    {
        var pass = PassBuffers.Current;
        if (pass is null)
        {
            // Inside a StepScope, a buffer that ends up behind an op's result comes back at the scope's end; a small one is
            // not worth pooling, but it is released all the same, so what survives a scope never depends on a tensor's size.
            var scope = ScopeBuffers.Current;
            if (scope is not null) return new PooledStorage(size < MinLength ? FreshArray(float32, size, clear) : Rent(float32, size, clear), scope.Id);
            return new Storage(FreshArray(float32, size, clear));
        }
        if (size < MinLength) return new Storage(FreshArray(float32, size, clear));
        return pass.Created(new PooledStorage(Rent(float32, size, clear), pass.Id));
    }

    private static Array Rent(bool float32, int size, bool clear)
    {
        var data = float32 ? (Array?)Take(s_f32, size) : Take(s_f64, size);
        if (data is null) return FreshArray(float32, size, clear);
        if (clear) Array.Clear(data, 0, size);   // a recycled array holds older values (NaN under Poison)
        return data;
    }

    private static Array FreshArray(bool float32, int size, bool clear) =>
        float32
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

    // Gives a buffer's array back: its owner is cleared and its Storage forgets the array, so reading a tensor on it throws.
    internal static void Release(PooledStorage s)
    {
        s.Owner = 0;
        if (s.Data is not { } data) return;
        s.Data = null;
        if (data.Length >= MinLength) Give(data);
    }

    // Like Release, for a pass's buffer: the array goes back, the Storage keeps it (it can only be reached through tensors
    // nobody holds any more, Note [Recycled buffers] in PassBuffers.cs).
    internal static void Recycle(PooledStorage s)
    {
        s.Owner = 0;
        MemoryTestHooks.RecycledCount++;
        Give(s.Data!);
    }

    private static void Give(Array data)
    {
        if (MemoryTestHooks.Poison)
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
                if (Full(s_f32[k].Count, bytes)) return;
                s_f32[k].Push(f);
            }
            else
            {
                var d = (double[])data;
                if (Full(s_f64[k].Count, bytes)) return;
                s_f64[k].Push(d);
            }
            s_pooledBytes += bytes;
        }
    }

    // A bucket of `count` arrays of `bytes` each takes no more of them.
    private static bool Full(int count, long bytes) => count >= PerBucket && (count + 1) * bytes > PerBucketBytes;

    // Owner ids, unique across threads and shared by scopes and passes (a gradient may cross threads); each thread
    // reserves them in blocks, so taking one is a thread-static increment.
    private static long s_nextId;
    [ThreadStatic] private static long t_nextId;
    private const long IdBlock = 1 << 16;

    internal static long NextOwnerId()
    {
        if ((t_nextId & (IdBlock - 1)) == 0) t_nextId = Interlocked.Add(ref s_nextId, IdBlock) - IdBlock + 1;
        return t_nextId++;
    }
}
