namespace AutoGrad.Memory;

/// <summary>
/// The flat buffer behind one or more tensors (a reshape shares it) and its version counter.
/// </summary>
/// <remarks>
/// The version counts in-place writes, so a backward rule that saved a value can tell it was changed
/// (see Note [Saved values] in Node.cs). The array may be longer than the tensors that use it (a recycled
/// buffer, see Note [Pooled buffers] in BufferPool.cs); tensors slice it to their size.
/// </remarks>
internal class Storage
{
    public Array? Data;   // float[], double[], int[], long[] or bool[] (integer and bool buffers are never pooled); null once a StepScope has taken it back (Note [Step scopes] in ScopeBuffers.cs)
    public int Version;
    public WriteSite LastWriter;   // the user's line of the latest in-place write, for Note [Saved values]

    public Storage(Array data) => Data = data;

    // float32: float[] elements, else double[] (the tensor's DType, which lives a layer above, decides).
    public static Storage Allocate(bool float32, int size) => BufferPool.Allocate(float32, size, clear: true);

    // For outputs a kernel overwrites completely: skips the runtime's zeroing of reused heap memory (large buffers).
    public static Storage AllocateUninitialized(bool float32, int size) => BufferPool.Allocate(float32, size, clear: false);
}

// A buffer rented from the pool, with the one owner that may give it back (Note [Pooled buffers] in BufferPool.cs): a
// backward pass (PassBuffers) by its positive id, or a StepScope (ScopeBuffers) by its negative one; 0 once nobody may
// (kept, escaped or given back). A
// subclass, so that the many small storages nobody pools (the tape's scalars) carry no extra fields.
internal sealed class PooledStorage(Array data, long owner) : Storage(data)
{
    public long Owner = owner;
    public int PassRefs;   // while its pass runs: how many of the pass's gradient-map entries refer to it
}

// Where an in-place write was made: the fields of an Differentiation.CallSite, kept here as plain values so that the memory
// layer does not depend on the tape's types.
internal readonly record struct WriteSite(string? File, int Line, string? Member);
