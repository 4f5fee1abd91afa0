using System.Runtime.CompilerServices;
using AutoGrad.Differentiation;
using AutoGrad.Kernels;

namespace AutoGrad;

/// <summary>Matrix products: matmul (1-D, 2-D and batched with broadcast batch axes), dot and outer.</summary>
public static class LinearAlgebraOps
{
    /// <summary>
    /// Matrix product with NumPy's <c>matmul</c> rules: <c>[…, m, k]·[…, k, n] → […, m, n]</c> with broadcast batch axes;
    /// a 1-D left operand is a row vector and a 1-D right operand a column vector, their axis removed afterwards.
    /// </summary>
    public static Tensor MatMul(this Tensor a, Tensor b, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (a.Rank == 0 || b.Rank == 0)
            throw Diagnostics.OperandError("MatMul", $"MatMul: operands must have rank ≥ 1, got shapes {a.Shape} and {b.Shape}; use Multiply for scalars.", a, b);
        if (a.Rank == 1 && b.Rank == 1) return a.Dot(b);
        if (a.Rank == 1) return a.Unsqueeze(0).MatMul(b).Squeeze(-2);
        if (b.Rank == 1) return a.MatMul(b.Unsqueeze(1)).Squeeze(-1);
        return MatMul(a, b, false, false);
    }

    /// <summary>Inner product <c>Σᵢ aᵢbᵢ</c> of two vectors of equal length.</summary>
    public static Tensor Dot(this Tensor a, Tensor b, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (a.Rank != 1 || b.Rank != 1 || a.Size != b.Size)
            throw Diagnostics.OperandError("Dot", $"Dot: needs two 1-D tensors of equal length, got shapes {a.Shape} and {b.Shape}.", a, b);
        return (a * b).Sum();
    }

    /// <summary>Outer product <c>yᵢⱼ = aᵢbⱼ</c> of two vectors.</summary>
    public static Tensor Outer(this Tensor a, Tensor b, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (a.Rank != 1 || b.Rank != 1)
            throw Diagnostics.OperandError("Outer", $"Outer: needs two 1-D tensors, got shapes {a.Shape} and {b.Shape}.", a, b);
        return a.Unsqueeze(1) * b.Unsqueeze(0);
    }

    // Primitive because: a product computed from Multiply and Sum would build an m×k×n intermediate; the GEMM
    // kernel reads the transposed operands in place, so the rule below needs no transpose copies.
    internal static Tensor MatMul(Tensor a, Tensor b, bool transA, bool transB) => MatMul(a, b, transA, transB, null);

    /// <summary><c>op(A)·op(B) + bias</c>, the bias broadcast to the product and added in place before recording.</summary>
    // Primitive because: fusing the bias saves Linear and Conv2d a second output-sized buffer and a recorded Add per
    // call (conv: 4.7 MB per step of the compare CNN). The bias's gradient is g itself, which the engine sums down to
    // the bias's shape (see Note [Broadcast gradients] in Engine.cs).
    internal static Tensor MatMul(Tensor a, Tensor b, bool transA, bool transB, Tensor? bias)
    {
        if (Batching.Any(a, b, bias)) return Batching.MatMul(a, b, transA, transB, bias);
        Tensor.CheckSameDType("MatMul", a, b);
        if (a.Rank < 2 || b.Rank < 2) throw new ArgumentException($"MatMul: internal form needs rank ≥ 2, got {a.Shape} and {b.Shape}.");
        int m = transA ? a.Shape[-1] : a.Shape[-2], k = transA ? a.Shape[-2] : a.Shape[-1];
        int kb = transB ? b.Shape[-1] : b.Shape[-2], n = transB ? b.Shape[-2] : b.Shape[-1];
        if (k != kb)
            throw Diagnostics.OperandError("MatMul",
                $"MatMul: inner dimensions differ: shapes {a.Shape} and {b.Shape} give [{m}×{k}]·[{kb}×{n}]; the left operand's last axis must equal the right operand's second-to-last.", a, b);
        if (a.Rank > 2 && b.Rank == 2 && !transA)
        {
            // A shared 2-D right operand (every Linear on (N, T, d)): the batch's rows are contiguous, so (…, m, k) is one
            // (B·m, k) matrix and the product one GEMM; through Reshape, B's gradient is one product too, where the batched
            // form made B copies of ∂B and summed them (16 MB per CharTransformer feed-forward layer).
            var dims = a.Shape.Dims;
            var flat = MatMul(a.Reshape(-1, k), b, false, transB, bias);
            return flat.Reshape([.. dims[..^1], n]);
        }
        Tensor y;
        if (a.Rank == 2 && b.Rank == 2)
        {
            // The plain product (every Linear): no batch axes, so no batch shapes, strides or index arrays.
            y = Tensor.Uninitialized((long)m * n <= int.MaxValue ? Shape.Wrap([m, n]) : new Shape(m, n), a.DType);
            if (a.DType == DType.Float32) Gemm.Multiply(a.F32, b.F32, y.F32, m, k, n, transA, transB);
            else Gemm.Multiply(a.F64, b.F64, y.F64, m, k, n, transA, transB);
        }
        else y = Batched(a, b, transA, transB, m, k, n);
        if (OpTrace.IsActive) OpTrace.Describe(y, "MatMul", [a, b, bias], ("transA", transA), ("transB", transB));   // Note [Op traces]
        // see Note [Unrecorded ops] in Recorder.cs
        if (bias is null)
            return Recorder.Finish("MatMul", y, a, b, null, (a, b, transA, transB), static s => Rule(s.a, s.b, s.transA, s.transB));
        Tensor.CheckSameDType("MatMul", y, bias);
        if (!bias.Shape.CanBroadcastTo(y.Shape))
            throw new ArgumentException($"MatMul: bias of shape {bias.Shape} does not broadcast to the product's shape {y.Shape}.");
        Dispatch.AddInPlace(y, bias);
        return Recorder.Finish("MatMulAddBias", y, a, b, bias, (a, b, transA, transB, bias), static s => BiasRule(s.a, s.b, s.transA, s.transB, s.bias));
    }

    private static Tensor Batched(Tensor a, Tensor b, bool transA, bool transB, int m, int k, int n)
    {
        var batchA = new Shape(a.Shape.Dims[..^2]);
        var batchB = new Shape(b.Shape.Dims[..^2]);
        var batch = Shape.Broadcast(batchA, batchB, "MatMul (batch axes)");
        var y = Tensor.Uninitialized(new Shape([.. batch.Dims, m, n]), a.DType);
        var sa = Strided.BroadcastStrides(batchA.Dims, batch.Dims);
        var sb = Strided.BroadcastStrides(batchB.Dims, batch.Dims);
        int count = batch.Size, mk = m * k, kn = k * n, mn = m * n;
        var idx = new int[batch.Rank];
        for (int t = 0; t < count; t++)
        {
            int oa = 0, ob = 0;
            for (int i = 0; i < idx.Length; i++) { oa += idx[i] * sa[i]; ob += idx[i] * sb[i]; }
            if (a.DType == DType.Float32)
                Gemm.Multiply(a.F32.Slice(oa * mk, mk), b.F32.Slice(ob * kn, kn), y.F32.Slice(t * mn, mn), m, k, n, transA, transB);
            else
                Gemm.Multiply(a.F64.Slice(oa * mk, mk), b.F64.Slice(ob * kn, kn), y.F64.Slice(t * mn, mn), m, k, n, transA, transB);
            for (int i = idx.Length - 1; i >= 0; i--) { if (++idx[i] < batch.Dims[i]) break; idx[i] = 0; }
        }
        return y;
    }

    private static BackwardRule Rule(Tensor a, Tensor b, bool transA, bool transB) => g =>
    {
        var (ga, gb) = Grads(a, b, transA, transB, g);
        return [ga, gb];
    };

    private static BackwardRule BiasRule(Tensor a, Tensor b, bool transA, bool transB, Tensor bias) => g =>
    {
        var (ga, gb) = Grads(a, b, transA, transB, g);
        return [ga, gb, bias.RequiresGrad ? g : null];
    };

    // For y = op(A)·op(B): ∂A and ∂B in the four layouts, each again a product of stored operands.
    private static (Tensor?, Tensor?) Grads(Tensor a, Tensor b, bool transA, bool transB, Tensor g) => (transA, transB) switch
    {
        (false, false) => (ProductGrad(a, g, b, false, true), ProductGrad(b, a, g, true, false)),
        (false, true) => (ProductGrad(a, g, b, false, false), ProductGrad(b, g, a, true, false)),
        (true, false) => (ProductGrad(a, b, g, false, true), ProductGrad(b, a, g, false, false)),
        _ => (ProductGrad(a, b, g, true, true), ProductGrad(b, g, a, true, true)),
    };

    // op(P)·op(Q), the gradient of `input`, handed to the engine, which may accumulate it straight into a leaf's .Grad
    // (then the entry is null) or makes it here (Note [Gradient sinks] in GradientSinks.cs).
    private static Tensor? ProductGrad(Tensor input, Tensor p, Tensor q, bool transP, bool transQ) =>
        GradientSinks.Product(input, p, q, transP, transQ, static (p, q, transP, transQ) => MatMul(p, q, transP, transQ));
}
