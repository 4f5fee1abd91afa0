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

/// <summary>Where a rule's product-shaped gradient goes (see Note [Gradient sinks]).</summary>
internal static class GradientSinks
{
    [ThreadStatic] private static bool t_open;

    // The engine opens sinks for a pass whose PassMode allows them; returns the previous state, to restore.
    internal static bool Open(bool open)
    {
        bool previous = t_open;
        t_open = open;
        return previous;
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
