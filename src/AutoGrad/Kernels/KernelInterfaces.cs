using System.Numerics;

namespace AutoGrad.Kernels;

/// <summary>An element-wise map <c>y = f(x)</c> over spans; implemented by small structs so calls are inlined per type.</summary>
internal interface IUnaryKernel
{
    void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>An element-wise map <c>y = f(a, b)</c> over spans of equal length.</summary>
internal interface IBinaryKernel
{
    void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>;
}
