namespace AutoGrad;

/// <summary>
/// The flat buffer behind one or more tensors (a reshape shares it) and its version counter.
/// </summary>
/// <remarks>
/// The version counts in-place writes, so a backward rule that saved a value can tell it was changed
/// (see Note [Saved values] in Autograd/Node.cs).
/// </remarks>
internal sealed class Storage
{
    public readonly Array Data;   // float[] or double[]
    public int Version;
    public Autograd.CallSite LastWriter;   // the user's line of the latest in-place write, for Note [Saved values]

    public Storage(Array data) => Data = data;

    public static Storage Allocate(DType dtype, int size) =>
        new(dtype == DType.Float32 ? new float[size] : new double[size]);

    // For outputs a kernel overwrites completely: skips the runtime's zeroing of reused heap memory (large buffers).
    public static Storage AllocateUninitialized(DType dtype, int size) =>
        new(dtype == DType.Float32 ? GC.AllocateUninitializedArray<float>(size) : GC.AllocateUninitializedArray<double>(size));
}
