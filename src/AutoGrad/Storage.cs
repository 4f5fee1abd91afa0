namespace AutoGrad;

/// <summary>
/// The flat buffer behind one or more tensors (a reshape shares it) and its version counter.
/// </summary>
/// <remarks>
/// The version counts in-place writes, so a backward rule that saved a value can tell it was changed
/// (see Note [Saved values] in Autograd/Node.cs). The array may be longer than the tensors that use it (a recycled
/// buffer, see Note [Recycled buffers] in Autograd/BufferPool.cs); tensors slice it to their size.
/// </remarks>
internal class Storage
{
    public Array? Data;   // float[] or double[]; null once a StepScope has taken it back (Note [Step scopes])
    public int Version;
    public Autograd.CallSite LastWriter;   // the user's line of the latest in-place write, for Note [Saved values]

    public Storage(Array data) => Data = data;

    public static Storage Allocate(DType dtype, int size) =>
        Autograd.BufferPool.Allocate(dtype, size, clear: true);

    // For outputs a kernel overwrites completely: skips the runtime's zeroing of reused heap memory (large buffers).
    public static Storage AllocateUninitialized(DType dtype, int size) =>
        Autograd.BufferPool.Allocate(dtype, size, clear: false);
}

// A buffer made inside a backward rule while the engine tracks them (Note [Recycled buffers] in Autograd/BufferPool.cs):
// the pass that may recycle it (0: none may) and how many of that pass's gradient-map entries refer to it. A subclass,
// so that the many small storages the engine never tracks (the tape's scalars) carry no extra fields.
internal sealed class TrackedStorage(Array data, long ownerPass) : Storage(data)
{
    public long OwnerPass = ownerPass;
    public int EngineRefs;
}

// A buffer made inside a StepScope (Note [Step scopes] in StepScope.cs): the scope it belongs to, and whether something that
// outlives the scope (a .Grad, Keep()) holds it, so the scope must leave it alone.
internal sealed class ScopedStorage(Array data, long scopeId) : Storage(data)
{
    public readonly long ScopeId = scopeId;
    public bool Kept;
}
