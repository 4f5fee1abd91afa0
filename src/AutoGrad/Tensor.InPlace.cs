namespace AutoGrad;

public sealed partial class Tensor
{
    // In-place write used by optimizers, state loading and running statistics: it keeps the tensor object (so
    // optimizers and models keep referring to the same parameter) and bumps the version so a backward rule that
    // saved the old values can tell (see Note [Saved values] in Autograd/Node.cs).
    internal void CopyFrom(Tensor src)
    {
        if (src.Shape != Shape)
            throw new ArgumentException($"CopyFrom: source shape {src.Shape} differs from destination shape {Shape}.");
        var s = src.DType == DType ? src : src.Detach().To(DType);
        if (DType == DType.Float32) s.F32.CopyTo(F32); else s.F64.CopyTo(F64);
        BumpVersion();
    }
}
