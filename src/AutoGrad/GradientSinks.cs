using AutoGrad.Kernels;

namespace AutoGrad.Differentiation;

// Note [Gradient sinks]
// Without createGraph a leaf's gradient ends up added into its existing .Grad in place (GradientMap.StoreLeafGrads). A
// rule whose gradient for an input is a product (MatMul's weight gradient) says so instead of computing it: it returns
// GradientSinks.Product(input, P, Q, …) as that input's gradient, and the engine decides where the product goes. When the
// pass allows it (PassMode.Sinks: a Backward pass that runs no user code — hooks, user-recorded rules, RetainGrad — and no
// anomaly checks, and whose saved values have all been checked before the walk, so that no exception can come after a
// .Grad changed) and the input is a leaf with a plain .Grad of the product's layout, the product is accumulated straight
// into that .Grad with the GEMM's accumulate flag: no temporary and no separate add pass (about 20 µs per step for a
// 784×128 weight), and the rule's entry is null. Otherwise the product is made in a new buffer, as any gradient. The sum
// is the same, added in another order.
// A view's gradient is the same kind of sink (Note [Scattered view gradients]).

// Note [Scattered view gradients]
// The gradient of a view (AsStrided: Select, Slice, Split, Transpose…) is zeros of the input's shape with the view's
// gradient scatter-added in. A tensor read through many views — an unrolled recurrent layer selects each time step of its
// input, an LSTM splits its gates — so received one full-size gradient per view, each zero-filled and then summed into
// a new buffer: for 64 time steps of a (32, 64, 64) input, 64 × 512 KB filled and added for 32 KB of values each. In a pass
// with sinks open, the rule scatter-adds into the input's running sum in place instead, when that sum is a buffer the pass
// itself made for that entry alone (GradientMap.IsOwnSum): a fresh scatter or an engine sum, never a tensor a rule returned
// (a rule may return one gradient for two inputs) and never after the sum was handed to its node's rule (Done). The sum
// is the same: the in-place scatter adds the same values to the same elements, only in another order.

/// <summary>
/// The running gradient sums of the pass that is walking, as the sinks see them: the engine's GradientMap
/// (Differentiation/GradientMap.cs) implements it, so this layer, below the engine, names no engine type.
/// </summary>
internal interface IRunningSums
{
    /// <summary>The running sum of x's gradient, if the pass has one.</summary>
    bool TryGet(Tensor x, out Tensor sum);
    /// <summary>Whether the pass made this sum itself, for one entry alone (so it may be added into in place).</summary>
    bool IsOwnSum(Tensor sum);
    /// <summary>Marks a gradient the sinks made as the pass's own.</summary>
    void MarkOwnSum(Tensor fresh);
}

/// <summary>Where a rule's product-shaped gradient goes (see Note [Gradient sinks]).</summary>
internal static class GradientSinks
{
    [ThreadStatic] private static bool t_open;
    [ThreadStatic] private static IRunningSums? t_map;   // the walking pass's map while sinks are open

    // The engine opens sinks for a pass whose PassMode allows them; returns the previous state, to restore.
    internal static (bool, IRunningSums?) Open(bool open, IRunningSums? map)
    {
        var previous = (t_open, t_map);
        t_open = open;
        t_map = open ? map : null;
        return previous;
    }

    internal static void Restore((bool Open, IRunningSums? Map) previous) => (t_open, t_map) = previous;

    // The gradient of x from its view `g` read at (strides, offset) (Note [Scattered view gradients]): null when it was
    // scatter-added into x's running sum in place, else zeros of x's shape with g scatter-added (AsStridedScatter, recorded
    // under createGraph; the op, passed in by StridedOps, so that this layer does not call up into Ops/), which the map then owns.
    internal static Tensor? Scatter(Tensor x, Tensor g, int[] strides, int offset, string op, Func<Tensor, Shape, int[], int, string, Tensor> scatter)
    {
        if (t_map is { } map && x.RequiresGrad && g.DType is DType.Float32 or DType.Float64)
        {
            if (map.TryGet(x, out var acc) && map.IsOwnSum(acc) && acc.Shape == x.Shape && acc.DType == g.DType)
            {
                if (g.DType == DType.Float32) Strided.ScatterAdd<float>(g.F32, g.Shape.Dims, acc.F32, strides, offset);
                else Strided.ScatterAdd<double>(g.F64, g.Shape.Dims, acc.F64, strides, offset);
                EngineTestHooks.ScatterSunkCount++;
                return null;
            }
            var fresh = scatter(g, x.Shape, strides, offset, op);
            map.MarkOwnSum(fresh);
            return fresh;
        }
        return scatter(g, x.Shape, strides, offset, op);
    }

    // The gradient op(P)·op(Q) of `input`: null when it was accumulated into input's .Grad, else the product made by
    // `product` (the op, so that it is recorded under createGraph). Both operands must be matrices to be sunk.
    internal static Tensor? Product(Tensor input, Tensor p, Tensor q, bool transP, bool transQ, Func<Tensor, Tensor, bool, bool, Tensor> product)
    {
        if (!input.RequiresGrad) return null;
        if (t_open && p.Rank == 2 && q.Rank == 2 && p.DType == q.DType && Sink(input) is { } sink && sink.DType == p.DType)
        {
            int m = transP ? p.Shape[1] : p.Shape[0], k = transP ? p.Shape[0] : p.Shape[1], n = transQ ? q.Shape[0] : q.Shape[1];
            if (sink.Rank == 2 && sink.Shape[0] == m && sink.Shape[1] == n)
            {
                if (p.DType == DType.Float32) Gemm.Multiply(p.F32, q.F32, sink.F32, m, k, n, transP, transQ, accumulate: true);
                else Gemm.Multiply(p.F64, q.F64, sink.F64, m, k, n, transP, transQ, accumulate: true);
                sink.BumpVersion();
                EngineTestHooks.SunkCount++;
                return null;
            }
        }
        return product(p, q, transP, transQ);
    }

    // The leaf's existing .Grad when it may take the leaf's gradient in place, else null.
    private static Tensor? Sink(Tensor x)
    {
        if (!x.IsLeaf || x.HasHooks || x.HasReadyHooks) return null;
        return x.Grad is { } existing && CanAddInPlace(existing, x) ? existing : null;   // x's layout is its gradient's
    }

    // Whether `existing` (a .Grad) may take a gradient of g's layout in place: a plain tensor of the same shape and dtype
    // that shares no buffer with g. The engine asks the same (GradientMap.StoreLeafGrads in Differentiation/GradientMap.cs).
    internal static bool CanAddInPlace(Tensor existing, Tensor g) =>
        existing.GradFn is null && existing.Shape == g.Shape && existing.DType == g.DType && !ReferenceEquals(existing.Storage, g.Storage);
}
