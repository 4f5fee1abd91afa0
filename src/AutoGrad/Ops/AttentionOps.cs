using System.Runtime.CompilerServices;
using AutoGrad.Differentiation;
using AutoGrad.Kernels;

namespace AutoGrad;

/// <summary>Scaled dot-product attention as one op with a fused, blocked CPU kernel.</summary>
public static class AttentionOps
{
    // Primitive because: memory and speed. Composed, softmax(QKᵀ·scale + mask)·V holds the whole L×S score matrix per head
    // three times (scores, probabilities, their gradient) and records five nodes; the kernel (AttentionKernels) keeps one
    // 64×64 tile of it and saves only O and each row's log-sum-exp. Its speed against the composed form is measured by
    // benchmarks/AutoGrad.Benchmarks/AttentionBenchmarks.cs.
    /// <summary>
    /// <c>softmax(Q·Kᵀ·scale + mask)·V</c> over the last two axes, with PyTorch's <c>scaled_dot_product_attention</c> semantics:
    /// q (…, L, E), k (…, S, E), v (…, S, Ev) give (…, L, Ev).
    /// </summary>
    /// <param name="q">Queries (…, L, E).</param>
    /// <param name="k">Keys (…, S, E), with q's leading axes.</param>
    /// <param name="v">Values (…, S, Ev), with q's leading axes.</param>
    /// <param name="attnMask">
    /// Broadcastable to (…, L, S). A float mask is added to the scores (0 lets a key take part, −∞ hides it); a boolean mask
    /// (True = takes part) is read through the same rule as MaskedFill's masks once a boolean dtype exists. The mask is data:
    /// no gradient flows to it.
    /// </param>
    /// <param name="isCausal">Hide key j from query i when j &gt; i (the top-left aligned lower triangle, as PyTorch); combines with a mask.</param>
    /// <param name="dropoutP">Probability of dropping each attention weight (kept ones scaled by 1/(1 − p)); needs a generator.</param>
    /// <param name="scale">The scores' factor; 1/√E when null.</param>
    /// <param name="generator">Draws one seed per call when <paramref name="dropoutP"/> &gt; 0; forward and backward use the same mask.</param>
    /// <param name="callerFile">The caller's file, filled in by the compiler.</param>
    /// <param name="callerLine">The caller's line, filled in by the compiler.</param>
    /// <remarks>
    /// A query row whose every key is hidden gives an output row of zeros and zero gradients (as PyTorch's fused CPU kernels
    /// do; its math path gives NaN). The backward recomputes the scores tile by tile; with <c>createGraph</c> it is composed
    /// from ops instead, so second derivatives exist.
    /// </remarks>
    public static Tensor ScaledDotProductAttention(this Tensor q, Tensor k, Tensor v, Tensor? attnMask = null, bool isCausal = false,
        double dropoutP = 0, double? scale = null, Generator? generator = null,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        const string op = "ScaledDotProductAttention";
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(k);
        ArgumentNullException.ThrowIfNull(v);
        CheckShapes(q, k, v);
        if (!(dropoutP >= 0 && dropoutP < 1)) throw new ArgumentOutOfRangeException(nameof(dropoutP), $"{op}: dropoutP must be in [0, 1), got {dropoutP}.");
        if (dropoutP > 0 && generator is null) throw new ArgumentException($"{op}: dropoutP = {dropoutP} needs a generator for the dropout mask.", nameof(generator));
        if (Batching.Any(q, k, v) || attnMask is not null && Batching.IsOn(attnMask)) return Batched(q, k, v, attnMask, isCausal, dropoutP, scale, generator);
        int L = q.Shape[-2], S = k.Shape[-2], E = q.Shape[-1], Ev = v.Shape[-1];
        int heads = q.Size / Math.Max(1, L * E);
        if (L * E == 0) heads = new Shape(q.Shape.Dims[..^2]).Size;
        double sc = scale ?? 1 / Math.Sqrt(E);
        if (!double.IsFinite(sc)) throw new ArgumentException($"{op}: scale must be finite, got {sc} (E = {E}).", nameof(scale));
        Tensor? bias = null;
        if (attnMask is not null)
        {
            var scoreShape = new Shape([.. q.Shape.Dims[..^2], L, S]);
            if (!attnMask.Shape.CanBroadcastTo(scoreShape))
                throw Diagnostics.OperandError(op,
                    $"{op}: attention mask of shape {attnMask.Shape} does not broadcast to the scores' shape {scoreShape} (batch…, L = {L}, S = {S}) of q {q.Shape}, k {k.Shape}.", q, attnMask);
            bias = MaskValues.IsBoolean(attnMask) ? MaskValues.ToAdditive(attnMask, q.DType) : attnMask.DType == q.DType ? attnMask.Detach() : attnMask.Detach().To(q.DType);
        }
        var seeds = t_exampleSeeds;   // Note [Dropout seeds per example]
        t_exampleSeeds = null;
        var sh = seeds is null
            ? new AttentionShape(heads, L, S, E, Ev, sc, isCausal, dropoutP, dropoutP > 0 ? generator!.NextUInt64() : 0)
            : new AttentionShape(heads, L, S, E, Ev, sc, isCausal, dropoutP, seeds[0]) { ExampleSeeds = seeds };
        var o = Tensor.Uninitialized(new Shape([.. q.Shape.Dims[..^1], Ev]), q.DType);
        var lse = Tensor.Uninitialized(Shape.Wrap([Math.Max(1, heads * L)]), q.DType);
        if (q.DType == DType.Float32) AttentionKernels.Forward(q.Buffer<float>(), k.Buffer<float>(), v.Buffer<float>(), Bias<float>(bias, q, L, S), o.Buffer<float>(), lse.Buffer<float>(), sh);
        else AttentionKernels.Forward(q.Buffer<double>(), k.Buffer<double>(), v.Buffer<double>(), Bias<double>(bias, q, L, S), o.Buffer<double>(), lse.Buffer<double>(), sh);
        Recorder.Finish(op, lse, q, k, v);   // saved for the rule only (as SoftmaxCrossEntropy's row log-sum-exp)
        Tensor[] saved = bias is null ? [q, k, v, o] : [q, k, v, o, bias];
        var y = Recorder.Finish(op, o, [q, k, v],
            g => Recorder.IsEnabled ? AttentionComposed.Gradients(q, k, v, bias, sh, g) : Fused(q, k, v, bias, o, lse, sh, g), saved);
        // Note [Op traces]: the node lists q, k and v only; an exporter also needs the additive mask, the scale and causality
        if (OpTrace.IsActive) OpTrace.Describe(y, op, [q, k, v, bias], ("scale", sc), ("isCausal", isCausal), ("dropoutP", dropoutP));
        return y;
    }

    // Batching rule (Note [Batched tensors] in Ops/Batching.cs): the batch axes are more leading (batch, head) axes.
    // q, k and v are repeated along the levels they lack (they must share their leading axes); the mask is aligned and
    // broadcasts as before.
    //
    // Note [Dropout seeds per example]
    // The loop over the batch calls the op once per example, and each call draws one seed from the generator, so example e
    // (in the loop's order: the batch axes row-major, outer vmap level first) gets the e-th draw and masks its heads from it.
    // The rule draws the same seeds in the same order, one per example, and hands them to the one batched call
    // (t_exampleSeeds, read and cleared by that call before its kernel runs); the kernel and the composed backward then take
    // example e's mask at head-row-key position p from (seeds[e], p's position within the example) (AttentionShape.Keeps in
    // src/AutoGrad.Kernels/AttentionKernels.cs): exactly the loop's masks. A generator made afresh inside f for every call
    // gives the loop the same seed for every example; the rule, called once, cannot tell, and draws as a shared one would.
    [ThreadStatic] private static ulong[]? t_exampleSeeds;

    private static Tensor Batched(Tensor q, Tensor k, Tensor v, Tensor? attnMask, bool isCausal, double dropoutP, double? scale, Generator? generator)
    {
        var u = Batching.Union(q, k, v);
        if (attnMask is not null && Batching.IsOn(attnMask)) u = [.. u.Concat(Batching.Levels(attnMask)).Distinct().Order()];
        Tensor?[] ops = [q, k, v, attnMask];
        var mask = attnMask is null ? null : Batching.Align(attnMask, u, Math.Max(attnMask.Rank, q.Rank));
        if (mask is not null && !Batching.IsOn(attnMask!)) mask = attnMask;
        Tensor qr = Batching.Expand(q, u, ops), kr = Batching.Expand(k, u, ops), vr = Batching.Expand(v, u, ops);
        if (dropoutP > 0)
        {
            int examples = new Shape(qr.Shape.Dims[..u.Length]).Size;
            var seeds = new ulong[examples];
            for (int e = 0; e < examples; e++) seeds[e] = generator!.NextUInt64();
            t_exampleSeeds = examples > 0 ? seeds : null;
        }
        try
        {
            var o = ScaledDotProductAttention(qr, kr, vr, mask, isCausal, dropoutP, scale ?? 1 / Math.Sqrt(q.Shape[-1]), generator);
            return Batching.Wrap(o, u);
        }
        finally { t_exampleSeeds = null; }
    }

    private static void CheckShapes(Tensor q, Tensor k, Tensor v)
    {
        const string op = "ScaledDotProductAttention";
        string Shapes() => $"q {q.Shape}, k {k.Shape}, v {v.Shape}";
        if (q.Rank < 2 || k.Rank != q.Rank || v.Rank != q.Rank)
            throw new ArgumentException($"{op}: q, k and v must have the same rank ≥ 2 — (…, L, E), (…, S, E), (…, S, Ev) — got {Shapes()}.");
        if (!q.Shape.Dims.AsSpan(0, q.Rank - 2).SequenceEqual(k.Shape.Dims.AsSpan(0, k.Rank - 2)) ||
            !q.Shape.Dims.AsSpan(0, q.Rank - 2).SequenceEqual(v.Shape.Dims.AsSpan(0, v.Rank - 2)))
            throw new ArgumentException($"{op}: q, k and v must have the same leading (batch, head) axes, got {Shapes()}.");
        if (k.Shape[-1] != q.Shape[-1])
            throw new ArgumentException($"{op}: q and k must have the same last axis E, got {Shapes()}.");
        if (v.Shape[-2] != k.Shape[-2])
            throw new ArgumentException($"{op}: k and v must have the same number of keys S (second-to-last axis), got {Shapes()}.");
        Tensor.CheckSameDType(op, q, k);
        Tensor.CheckSameDType(op, q, v);
    }


    // The mask read in place: per head the offset of its (L, S) plane, and the plane's strides (0 along a broadcast axis).
    private static AttentionBias<T> Bias<T>(Tensor? bias, Tensor q, int L, int S)
    {
        if (bias is null) return new AttentionBias<T>(null, [], 0, 0);
        var batch = q.Shape.Dims[..^2];
        var full = new Shape([.. batch, L, S]);
        var strides = Strided.BroadcastStrides(bias.Shape.Dims, full.Dims);
        int heads = new Shape(batch).Size;
        var offsets = new int[heads];
        var idx = new int[batch.Length];
        for (int h = 0; h < heads; h++)
        {
            int off = 0;
            for (int i = 0; i < idx.Length; i++) off += idx[i] * strides[i];
            offsets[h] = off;
            for (int i = idx.Length - 1; i >= 0; i--) { if (++idx[i] < batch[i]) break; idx[i] = 0; }
        }
        return new AttentionBias<T>(bias.Buffer<T>(), offsets, strides[^2], strides[^1]);
    }

    private static Tensor?[] Fused(Tensor q, Tensor k, Tensor v, Tensor? bias, Tensor o, Tensor lse, AttentionShape sh, Tensor g)
    {
        var dq = Tensor.Uninitialized(q.Shape, q.DType);
        var dk = Tensor.Uninitialized(k.Shape, k.DType);
        var dv = Tensor.Uninitialized(v.Shape, v.DType);
        int L = sh.L, S = sh.S;
        if (q.DType == DType.Float32)
            AttentionKernels.Backward(q.Buffer<float>(), k.Buffer<float>(), v.Buffer<float>(), Bias<float>(bias, q, L, S), o.Buffer<float>(), lse.Buffer<float>(), g.Buffer<float>(),
                dq.Buffer<float>(), dk.Buffer<float>(), dv.Buffer<float>(), sh);
        else
            AttentionKernels.Backward(q.Buffer<double>(), k.Buffer<double>(), v.Buffer<double>(), Bias<double>(bias, q, L, S), o.Buffer<double>(), lse.Buffer<double>(), g.Buffer<double>(),
                dq.Buffer<double>(), dk.Buffer<double>(), dv.Buffer<double>(), sh);
        return [q.RequiresGrad ? dq : null, k.RequiresGrad ? dk : null, v.RequiresGrad ? dv : null];
    }
}
