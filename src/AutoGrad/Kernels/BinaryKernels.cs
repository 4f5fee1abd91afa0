using System.Numerics;
using System.Numerics.Tensors;

namespace AutoGrad.Kernels;

internal readonly struct AddKernel : IBinaryKernel
{
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Add(a, b, y);
}

internal readonly struct SubtractKernel : IBinaryKernel
{
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Subtract(a, b, y);
}

internal readonly struct MultiplyKernel : IBinaryKernel
{
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Multiply(a, b, y);
}

internal readonly struct DivideKernel : IBinaryKernel
{
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Divide(a, b, y);
}

internal readonly struct PowKernel : IBinaryKernel
{
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Pow(a, b, y);
}

internal readonly struct MaximumKernel : IBinaryKernel
{
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Max(a, b, y);
}

internal readonly struct MinimumKernel : IBinaryKernel
{
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Min(a, b, y);
}

internal enum Comparison { Greater, GreaterEqual, Less, LessEqual, Equal, NotEqual }

/// <summary>y = 1 where the comparison holds, else 0 (NaN compares false, except NotEqual).</summary>
internal readonly struct CompareKernel(Comparison cmp) : IBinaryKernel
{
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < a.Length; i++)
        {
            bool r = cmp switch
            {
                Comparison.Greater => a[i] > b[i],
                Comparison.GreaterEqual => a[i] >= b[i],
                Comparison.Less => a[i] < b[i],
                Comparison.LessEqual => a[i] <= b[i],
                Comparison.Equal => a[i] == b[i],
                _ => a[i] != b[i],
            };
            y[i] = r ? T.One : T.Zero;
        }
    }
}
