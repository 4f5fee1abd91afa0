using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace AutoGrad.Kernels;

/// <summary>
/// Layer normalisation over rows of length <c>d</c>, forward and backward each in one sweep over the rows (Note [Fused LayerNorm]).
/// </summary>
internal static class LayerNormKernels
{
    // Note [Fused LayerNorm]
    // Per row r of x (rows × d): μ = Σx/d, σ² = Σ(x − μ)²/d (biased, two passes as the composed form), ρ = 1/√(σ² + ε),
    // x̂ = (x − μ)·ρ, y = x̂·γ + β (γ, β optional). μ and ρ are saved per row for the backward, which with ĝ = g·γ is
    //   ∂x = ρ·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)),   ∂γ = Σ_rows g·x̂,   ∂β = Σ_rows g
    // (differentiate x̂ = (x − μ)ρ through μ and ρ: https://arxiv.org/abs/1607.06450 gives the forward; the backward is the
    // chain rule through the two means). The composed form (F.LayerNormComposed in src/AutoGrad/NN/Functional.cs) is the
    // reference FusedNormActivationTests hold this to in float64, and the rule under createGraph.

    /// <summary>y = LN(x) per row; <paramref name="mean"/> and <paramref name="rstd"/> receive μ and ρ of each row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // called a few times a step: optimized from the first call
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weight, ReadOnlySpan<T> bias, Span<T> y, Span<T> mean, Span<T> rstd, int d, double eps)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = mean.Length;
        T n = T.CreateTruncating(d), e = T.CreateTruncating(eps);
        for (int r = 0; r < rows; r++)
        {
            var xr = x.Slice(r * d, d);
            var yr = y.Slice(r * d, d);
            T mu = TensorPrimitives.Sum(xr) / n;
            TensorPrimitives.Subtract(xr, mu, yr);
            T rho = T.One / T.Sqrt(TensorPrimitives.SumOfSquares<T>(yr) / n + e);
            TensorPrimitives.Multiply(yr, rho, yr);
            if (!weight.IsEmpty) TensorPrimitives.Multiply(yr, weight, yr);
            if (!bias.IsEmpty) TensorPrimitives.Add(yr, bias, yr);
            mean[r] = mu;
            rstd[r] = rho;
        }
    }

    /// <summary>
    /// ∂x from g, x and the saved μ, ρ; ∂γ and ∂β (when not empty) receive the sums over rows (overwritten, not accumulated).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // called a few times a step: optimized from the first call
    public static void Backward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, ReadOnlySpan<T> weight, ReadOnlySpan<T> mean, ReadOnlySpan<T> rstd,
        Span<T> dx, Span<T> dWeight, Span<T> dBias, int d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = mean.Length;
        T n = T.CreateTruncating(d);
        dWeight.Clear();
        dBias.Clear();
        var buffer = ArrayPool<T>.Shared.Rent(2 * d);
        try
        {
            var xhat = buffer.AsSpan(0, d);
            var gw = buffer.AsSpan(d, d);
            for (int r = 0; r < rows; r++)
            {
                var gr = g.Slice(r * d, d);
                var dxr = dx.Slice(r * d, d);
                T rho = rstd[r];
                TensorPrimitives.Subtract(x.Slice(r * d, d), mean[r], xhat);
                TensorPrimitives.Multiply(xhat, rho, xhat);
                if (!dWeight.IsEmpty) TensorPrimitives.FusedMultiplyAdd(gr, xhat, dWeight, dWeight);
                if (!dBias.IsEmpty) TensorPrimitives.Add(dBias, gr, dBias);
                ReadOnlySpan<T> gh = gr;
                if (!weight.IsEmpty)
                {
                    TensorPrimitives.Multiply(gr, weight, gw);
                    gh = gw;
                }
                T a = TensorPrimitives.Sum(gh) / n, c = TensorPrimitives.Dot(gh, xhat) / n;
                // ρ·(ĝ − a − x̂·c), as ((x̂·(−c) + ĝ) − a)·ρ
                TensorPrimitives.MultiplyAdd(xhat, -c, gh, dxr);
                TensorPrimitives.Subtract(dxr, a, dxr);
                TensorPrimitives.Multiply(dxr, rho, dxr);
            }
        }
        finally { ArrayPool<T>.Shared.Return(buffer); }
    }
}
