using System.Numerics;

namespace AutoGrad.Kernels;

/// <summary>y = ln(1 + x) in double precision (<see cref="SpecialFunctions.Log1P"/>), exact near 0; −1 gives −∞, below −1 NaN.</summary>
internal readonly struct Log1pKernel : IUnaryKernel
{
    public void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++) y[i] = T.CreateTruncating(SpecialFunctions.Log1P(double.CreateTruncating(x[i])));
    }
}
