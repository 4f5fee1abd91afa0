using System.Runtime.CompilerServices;
using AutoGrad.Differentiation;
using AutoGrad.Kernels;

namespace AutoGrad;

/// <summary>Sorting along an axis: <see cref="Sort"/> and <see cref="TopK"/> return the values and their int64 positions.</summary>
/// <remarks>
/// The values are differentiable: each output position's gradient goes back to the input element it came from (a
/// <c>ScatterAdd</c> through the indices, so second derivatives exist too). Ties keep their input order (a stable sort),
/// and NaN sorts above every number, as in PyTorch: last ascending, first descending.
/// </remarks>
public static class SortingOps
{
    // Primitive because: a permutation cannot be composed from element-wise ops; its adjoint is a scatter through the indices.
    /// <summary>The values along <paramref name="axis"/> in ascending (or descending) order, and where each came from.</summary>
    public static (Tensor Values, Tensor Indices) Sort(this Tensor x, int axis = -1, bool descending = false,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        int a = x.Shape.NormalizeAxis(axis, "Sort");
        return Ordered("Sort", x, a, x.Shape[a], descending);
    }

    /// <summary>
    /// The <paramref name="k"/> largest (or smallest) values along <paramref name="axis"/> and their int64 positions; with
    /// <paramref name="sorted"/> they come in order, largest first (smallest first when not <paramref name="largest"/>).
    /// </summary>
    /// <remarks>With <paramref name="sorted"/> false the result is still in that order (PyTorch leaves it unspecified).</remarks>
    public static (Tensor Values, Tensor Indices) TopK(this Tensor x, int k, int axis = -1, bool largest = true, bool sorted = true,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        int a = x.Shape.NormalizeAxis(axis, "TopK");
        if (k < 0 || k > x.Shape[a])
            throw new ArgumentOutOfRangeException(nameof(k), $"TopK: k = {k} is outside 0..{x.Shape[a]} (axis {axis} of shape {x.Shape}).");
        return Ordered("TopK", x, a, k, descending: largest);
    }

    private static (Tensor, Tensor) Ordered(string op, Tensor x, int a, int k, bool descending)
    {
        x.RequireFloat(op);
        if (Batching.IsOn(x))
        {
            // Batching rule (Note [Batched tensors] in Ops/Batching.cs): each example's lines are lines of the real tensor.
            var levels = Batching.Levels(x);
            var (v, i) = Ordered(op, Batching.Real(x), a + levels.Length, k, descending);
            return (Batching.Wrap(v, levels), Batching.Wrap(i, levels));
        }
        var (outer, n, inner) = Reduce.Split(x.Shape.Dims, a);
        var dims = x.Shape.ToArray();
        dims[a] = k;
        var shape = new Shape(dims);
        var values = Tensor.Uninitialized(shape, x.DType);
        var indices = Tensor.Empty(shape, DType.Int64);
        var line = new double[n];
        var order = new int[n];
        var pos = indices.I64;
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int from = o * n * inner + i, to = o * k * inner + i;
                for (int j = 0; j < n; j++) { line[j] = x.GetFlat(from + j * inner); order[j] = j; }
                Array.Sort(order, (p, q) => Compare(line, p, q, descending));
                for (int j = 0; j < k; j++)
                {
                    values.SetFlat(to + j * inner, line[order[j]]);
                    pos[to + j * inner] = order[j];
                }
            }
        Recorder.Finish(op, indices, x);
        var inShape = x.Shape;
        var y = Recorder.Finish(op, values, [x], g => [Tensor.Zeros(inShape, g.DType).ScatterAdd(a, indices, g)], saved: []);
        return (y, indices);
    }

    // Stable order with NaN above every number; ties broken by position, so Array.Sort's unstable sort is stable here.
    private static int Compare(double[] v, int p, int q, bool descending)
    {
        double x = v[p], y = v[q];
        int c = double.IsNaN(x) ? (double.IsNaN(y) ? 0 : 1) : double.IsNaN(y) ? -1 : x.CompareTo(y);
        if (descending) c = -c;
        return c != 0 ? c : p.CompareTo(q);
    }
}
