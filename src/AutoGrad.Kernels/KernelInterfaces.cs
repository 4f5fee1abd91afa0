using System.Numerics;

namespace AutoGrad.Kernels;

/// <summary>An element-wise map <c>y = f(x)</c> over spans; implemented by small structs so calls are inlined per type.</summary>
internal interface IUnaryKernel
{
    void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>An element-wise map <c>y = f(a, b)</c> over spans of equal length, and its forms with one operand a scalar.</summary>
internal interface IBinaryKernel
{
    void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary><c>y = f(a, b)</c> with <c>b</c> repeated (a broadcast scalar or a row constant along the last axis).</summary>
    void Apply<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary><c>y = f(a, b)</c> with <c>a</c> repeated.</summary>
    void Apply<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>;
}
