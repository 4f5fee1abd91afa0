using AutoGrad.Kernels;

namespace AutoGrad.Differentiation;

// The engine's own arithmetic on gradients: sums of two gradients of one tensor, below the op layer (no tape, no
// StepScope listing, no broadcasting: Note [Broadcast gradients] in Engine.cs made them the same shape). With createGraph
// the engine adds with the public + instead, so the sum is recorded.
internal static class GradientSum
{
    // a + b in a new buffer.
    public static Tensor Add(Tensor a, Tensor b)
    {
        if (!SameLayout(a, b))
            using (Recorder.NoGrad()) return a + b;   // a .Grad the user set to another shape or dtype: the op's checks and broadcasting
        var y = Tensor.Uninitialized(a.Shape, a.DType);
        if (a.DType == DType.Float32) default(AddKernel).Apply<float>(a.F32, b.F32, y.F32);
        else default(AddKernel).Apply<double>(a.F64, b.F64, y.F64);
        return y;
    }

    // acc ← acc + g in place (the caller checked SameLayout and that they share no buffer).
    public static void AddInto(Tensor acc, Tensor g)
    {
        if (acc.DType == DType.Float32) default(AddKernel).Apply<float>(acc.F32, g.F32, acc.F32);
        else default(AddKernel).Apply<double>(acc.F64, g.F64, acc.F64);
    }

    public static bool SameLayout(Tensor a, Tensor b) => a.Shape == b.Shape && a.DType == b.DType;
}
