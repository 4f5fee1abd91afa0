using System.Numerics;
using System.Numerics.Tensors;

namespace AutoGrad.Kernels;

// Spans in, spans out: no Tensor, no tape. TensorPrimitives where it has the function, a scalar loop otherwise.

internal readonly struct NegateKernel : IUnaryKernel
{
    public void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Negate(x, y);
}

internal readonly struct ExpKernel : IUnaryKernel
{
    public void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Exp(x, y);
}

internal readonly struct LogKernel : IUnaryKernel
{
    public void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Log(x, y);
}

internal readonly struct SqrtKernel : IUnaryKernel
{
    public void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Sqrt(x, y);
}

internal readonly struct AbsKernel : IUnaryKernel
{
    public void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Abs(x, y);
}

/// <summary>tanh x, exact near 0 (see <see cref="TanhMath"/>).</summary>
internal readonly struct TanhKernel : IUnaryKernel
{
    public void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TanhMath.Tanh(x, y);
}

/// <summary>σ(x) = 1/(1 + e^{−x}); for x → −∞ the exponential overflows to ∞ and σ → 0, never NaN.</summary>
internal readonly struct SigmoidKernel : IUnaryKernel
{
    public void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Sigmoid(x, y);
}

/// <summary>sign(x) ∈ {−1, 0, 1}; NaN stays NaN.</summary>
internal readonly struct SignKernel : IUnaryKernel
{
    public void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++)
            y[i] = T.IsNaN(x[i]) ? x[i] : x[i] > T.Zero ? T.One : x[i] < T.Zero ? -T.One : T.Zero;
    }
}

internal readonly struct ReluKernel : IUnaryKernel
{
    public void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Max(x, T.Zero, y);
}

internal readonly struct PowScalarKernel(double p) : IUnaryKernel
{
    public void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (p == 2) TensorPrimitives.Multiply(x, x, y);
        else if (p == 1) x.CopyTo(y);
        else TensorPrimitives.Pow(x, T.CreateTruncating(p), y);
    }
}

internal readonly struct ClampKernel(double lo, double hi) : IUnaryKernel
{
    public void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T l = T.CreateTruncating(lo), h = T.CreateTruncating(hi);
        for (int i = 0; i < x.Length; i++) y[i] = T.IsNaN(x[i]) ? x[i] : x[i] < l ? l : x[i] > h ? h : x[i];
    }
}

/// <summary>y = 1(lo ≤ x ≤ hi): where Clamp passes its gradient through.</summary>
internal readonly struct InRangeMaskKernel(double lo, double hi) : IUnaryKernel
{
    public void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T l = T.CreateTruncating(lo), h = T.CreateTruncating(hi);
        for (int i = 0; i < x.Length; i++) y[i] = x[i] >= l && x[i] <= h ? T.One : T.Zero;
    }
}

internal readonly struct ErfKernel : IUnaryKernel
{
    public void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
            SpecialFunctions.ErfSingle(System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(x), System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(y));
        else
            for (int i = 0; i < x.Length; i++) y[i] = T.CreateTruncating(SpecialFunctions.Erf(double.CreateTruncating(x[i])));
    }
}

/// <summary>y = softplus(x) = ln(1 + eˣ) in double precision (<see cref="SpecialFunctions.Softplus"/>); NaN stays NaN.</summary>
internal readonly struct SoftplusKernel : IUnaryKernel
{
    public void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++) y[i] = T.CreateTruncating(SpecialFunctions.Softplus(double.CreateTruncating(x[i])));
    }
}

/// <summary>y = eˣ − 1 in double precision (<see cref="SpecialFunctions.Expm1"/>), exact near 0; NaN stays NaN.</summary>
internal readonly struct Expm1Kernel : IUnaryKernel
{
    public void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++) y[i] = T.CreateTruncating(SpecialFunctions.Expm1(double.CreateTruncating(x[i])));
    }
}

internal readonly struct AddScalarKernel(double c) : IUnaryKernel
{
    public void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Add(x, T.CreateTruncating(c), y);
}

/// <summary>y = x / c, a true division (c rounded to T first).</summary>
internal readonly struct DivideScalarKernel(double c) : IUnaryKernel
{
    public void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Divide(x, T.CreateTruncating(c), y);
}

internal readonly struct MultiplyScalarKernel(double c) : IUnaryKernel
{
    public void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Multiply(x, T.CreateTruncating(c), y);
}
