using AutoGrad.Differentiation;
using AutoGrad.Kernels;

namespace AutoGrad;

/// <summary>
/// In-place parameter updates for the optimizers (never recorded: they run under NoGrad on detached parameters).
/// They write the parameter's own buffer and bump its version instead of building the new value from full-size
/// temporaries and copying it back.
/// </summary>
internal static class InPlaceUpdateOps
{
    /// <summary><c>θ ← θ − c·g</c>, rounded as the tensor expression <c>θ − g * c</c>.</summary>
    public static void SubtractScaledInPlace(this Tensor theta, Tensor g, double c)
    {
        Check(theta, g);
        if (theta.DType == DType.Float32) OptimizerKernels.SubtractScaled(theta.F32, g.F32, (float)c);
        else OptimizerKernels.SubtractScaled(theta.F64, g.F64, c);
        theta.BumpVersion();
    }

    /// <summary>One Adam step on θ and its moments m and s, in place; see <see cref="OptimizerKernels.Adam{T}"/>.</summary>
    public static void AdamInPlace(this Tensor theta, Tensor g, Tensor m, Tensor s, double beta1, double beta2, int t,
        double lr, double eps, double decoupledDecay)
    {
        Check(theta, g); Check(theta, m); Check(theta, s);
        double c1 = 1.0 / (1 - Math.Pow(beta1, t)), c2 = 1.0 / (1 - Math.Pow(beta2, t)), d = 1 - lr * decoupledDecay;
        bool decay = decoupledDecay != 0;
        if (theta.DType == DType.Float32)
            OptimizerKernels.Adam(theta.F32, g.F32, m.F32, s.F32, (float)beta1, (float)(1 - beta1), (float)beta2, (float)(1 - beta2),
                (float)c1, (float)c2, (float)lr, (float)eps, (float)d, decay);
        else
            OptimizerKernels.Adam(theta.F64, g.F64, m.F64, s.F64, beta1, 1 - beta1, beta2, 1 - beta2, c1, c2, lr, eps, d, decay);
        theta.BumpVersion(); m.BumpVersion(); s.BumpVersion();
    }

    /// <summary>
    /// A running average's step <c>r ← (1 − m)·r + m·s</c> (BatchNorm's running statistics). Under Vmap, a per-example
    /// <paramref name="stat"/> with a shared <paramref name="running"/> makes the examples' steps in turn, as a loop over the
    /// batch would, in closed form: <c>(1 − m)^B·r + Σ_b m(1 − m)^(B−1−b)·s_b</c> (Note [Batched tensors] in Ops/Batching.cs).
    /// </summary>
    public static void RunningAverageInPlace(this Tensor running, Tensor stat, double momentum)
    {
        if (Batching.IsOn(stat) && !Batching.IsOn(running))
        {
            var real = Batching.Real(stat);
            int count = real.Size / Math.Max(1, running.Size);
            var w = new double[count];
            for (int b = 0; b < count; b++) w[b] = momentum * Math.Pow(1 - momentum, count - 1 - b);
            var steps = (real.Reshape(count, running.Size) * Tensor.FromArray(w).To(real.DType).Reshape(count, 1)).Sum(0).Reshape(running.Shape);
            running.CopyFrom(running * Math.Pow(1 - momentum, count) + steps);
            return;
        }
        running.CopyFrom(running * (1 - momentum) + stat * momentum);
    }

    private static void Check(Tensor theta, Tensor other)
    {
        if (other.Shape != theta.Shape || other.DType != theta.DType)
            throw new ArgumentException($"InPlaceUpdate: operand {other.Shape} {other.DType.Name()} does not match the parameter {theta.Shape} {theta.DType.Name()}.");
    }
}
