using System.Numerics;
using System.Numerics.Tensors;

namespace AutoGrad.Kernels;

internal readonly struct AddKernel : IBinaryKernel
{
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Add(a, b, y);
    public void Apply<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Add(a, b, y);
    public void Apply<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Add(b, a, y);
}

internal readonly struct SubtractKernel : IBinaryKernel
{
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Subtract(a, b, y);
    public void Apply<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Subtract(a, b, y);
    public void Apply<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Subtract(a, b, y);
}

internal readonly struct MultiplyKernel : IBinaryKernel
{
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Multiply(a, b, y);
    public void Apply<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Multiply(a, b, y);
    public void Apply<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Multiply(b, a, y);
}

internal readonly struct DivideKernel : IBinaryKernel
{
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Divide(a, b, y);
    public void Apply<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Divide(a, b, y);
    public void Apply<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Divide(a, b, y);
}

internal readonly struct PowKernel : IBinaryKernel
{
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Pow(a, b, y);
    public void Apply<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Pow(a, b, y);
    public void Apply<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Pow(a, b, y);
}

internal readonly struct MaximumKernel : IBinaryKernel
{
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Max(a, b, y);
    public void Apply<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Max(a, b, y);
    public void Apply<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Max(b, a, y);
}

internal readonly struct MinimumKernel : IBinaryKernel
{
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Min(a, b, y);
    public void Apply<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Min(a, b, y);
    public void Apply<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Min(b, a, y);
}

internal enum Comparison { Greater, GreaterEqual, Less, LessEqual, Equal, NotEqual }

/// <summary>y = 1 where the comparison holds, else 0 (NaN compares false, except NotEqual).</summary>
internal readonly struct CompareKernel(Comparison cmp) : IBinaryKernel
{
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < a.Length; i++) y[i] = Test(a[i], b[i]) ? T.One : T.Zero;
    }

    public void Apply<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < a.Length; i++) y[i] = Test(a[i], b) ? T.One : T.Zero;
    }

    public void Apply<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < b.Length; i++) y[i] = Test(a, b[i]) ? T.One : T.Zero;
    }

    private bool Test<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => cmp.Holds(a, b);
}

/// <summary>The one definition of each <see cref="Comparison"/>, for the float kernel above and the integer loops in ComparisonOps.</summary>
internal static class ComparisonExtensions
{
    /// <summary>Whether <c>a cmp b</c> holds (IEEE rules for floats: every comparison with NaN is false except NotEqual).</summary>
    public static bool Holds<T>(this Comparison cmp, T a, T b) where T : System.Numerics.INumber<T> => cmp switch
    {
        Comparison.Greater => a > b,
        Comparison.GreaterEqual => a >= b,
        Comparison.Less => a < b,
        Comparison.LessEqual => a <= b,
        Comparison.Equal => a == b,
        _ => a != b,
    };
}
