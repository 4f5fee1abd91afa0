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

    private static void Check(Tensor theta, Tensor other)
    {
        if (other.Shape != theta.Shape || other.DType != theta.DType)
            throw new ArgumentException($"InPlaceUpdate: operand {other.Shape} {other.DType.Name()} does not match the parameter {theta.Shape} {theta.DType.Name()}.");
    }
}
