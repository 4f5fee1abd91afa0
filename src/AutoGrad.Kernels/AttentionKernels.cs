using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace AutoGrad.Kernels;

/// <summary>
/// The additive bias of an attention's scores, read in place through broadcast strides: for head <c>h</c>, row <c>i</c>, key
/// <c>j</c> the value <c>Data[HeadOffsets[h] + i·RowStride + j·ColumnStride]</c>. No data means no bias.
/// </summary>
internal readonly record struct AttentionBias<T>(T[]? Data, int[] HeadOffsets, int RowStride, int ColumnStride);

/// <summary>The shape and options of one attention call over <c>Heads</c> independent (query, key, value) triples.</summary>
internal readonly record struct AttentionShape(int Heads, int L, int S, int E, int Ev, double Scale, bool Causal, double DropoutP, ulong Seed)
{
    /// <summary>
    /// One dropout seed per example when the call batches several (Vmap's rule, Note [Dropout seeds per example] in
    /// src/AutoGrad/Ops/AttentionOps.cs): the heads split evenly among them, in order. Null: <see cref="Seed"/> for all heads.
    /// </summary>
    public ulong[]? ExampleSeeds { get; init; }

    /// <summary>
    /// Whether dropout keeps the weight at flat head-row-key position <paramref name="index"/> (<c>(h·L + i)·S + j</c>): drawn
    /// from <see cref="Seed"/> at that position, or from the example's own seed at its position within the example.
    /// </summary>
    public bool Keeps(long index)
    {
        if (ExampleSeeds is not { } seeds) return AttentionKernels.DropoutKeep(Seed, index, DropoutP);
        long perExample = (long)(Heads / seeds.Length) * L * S;
        long e = index / perExample;
        return AttentionKernels.DropoutKeep(seeds[e], index - e * perExample, DropoutP);
    }
}

/// <summary>
/// Fused scaled dot-product attention: forward and backward blocked over keys with an online softmax (FlashAttention-2,
/// Dao 2023, https://arxiv.org/abs/2307.08691, Algorithms 1 and 2), so no more than a <see cref="BlockQ"/>×<see cref="BlockK"/>
/// tile of a head's L×S scores exists at a time.
/// </summary>
/// <remarks>
/// The forward keeps per query row the running maximum m and the running sum ℓ of e^{s − m}, rescales its output
/// accumulator whenever m grows, and at the end writes <c>O = acc/ℓ</c> and the row's log-sum-exp <c>m + ln ℓ</c>. The backward
/// recomputes each tile's probabilities from that log-sum-exp, <c>P = e^{s − lse}</c>, and uses <c>Dᵢ = Σₑ dOᵢₑ·Oᵢₑ</c> for the
/// softmax's row term. A row whose every key is masked (all scores −∞) has ℓ = 0: its output is 0, its log-sum-exp −∞ and its
/// gradients 0. Heads run in parallel, each on one thread from start to end, so results do not depend on the thread count.
/// </remarks>
internal static class AttentionKernels
{
    public const int BlockQ = 64;
    public const int BlockK = 64;

    // Below this many multiply-adds a second thread costs more than it saves.
    private const long ParallelMacs = 1 << 20;

    /// <summary>
    /// Whether the dropout of head-row-key position <paramref name="index"/> keeps its probability: a uniform draw from a
    /// counter-based hash (SplitMix64's finaliser) of the seed and the position is below 1 − p. The forward and backward
    /// passes, and the composed form, draw the same mask from the same seed.
    /// </summary>
    public static bool DropoutKeep(ulong seed, long index, double p)
    {
        ulong z = seed + 0x9E3779B97F4A7C15UL * (ulong)(index + 1);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53)) < 1 - p;
    }

    /// <summary>O (heads, L, Ev) and the per-row log-sum-exp (heads, L) of softmax(Q·Kᵀ·scale + bias)·V.</summary>
    public static void Forward<T>(T[] q, T[] k, T[] v, AttentionBias<T> bias, T[] o, T[] lse, AttentionShape sh)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Parallelism(sh) is int threads and > 1)
            Parallel.For(0, sh.Heads, new ParallelOptions { MaxDegreeOfParallelism = threads }, h => ForwardHead(q, k, v, bias, o, lse, sh, h));
        else
            for (int h = 0; h < sh.Heads; h++) ForwardHead(q, k, v, bias, o, lse, sh, h);
    }

    /// <summary>dQ, dK, dV of the same attention from dO, O and the saved log-sum-exp (all written, not accumulated).</summary>
    public static void Backward<T>(T[] q, T[] k, T[] v, AttentionBias<T> bias, T[] o, T[] lse, T[] dO, T[] dQ, T[] dK, T[] dV, AttentionShape sh)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Parallelism(sh) is int threads and > 1)
            Parallel.For(0, sh.Heads, new ParallelOptions { MaxDegreeOfParallelism = threads }, h => BackwardHead(q, k, v, bias, o, lse, dO, dQ, dK, dV, sh, h));
        else
            for (int h = 0; h < sh.Heads; h++) BackwardHead(q, k, v, bias, o, lse, dO, dQ, dK, dV, sh, h);
    }

    private static int Parallelism(AttentionShape sh) =>
        sh.Heads > 1 && (long)sh.Heads * sh.L * sh.S * (sh.E + sh.Ev) >= ParallelMacs ? Math.Min(sh.Heads, Math.Max(1, Gemm.MaxDegreeOfParallelism)) : 1;

    private static void ForwardHead<T>(T[] q, T[] k, T[] v, AttentionBias<T> bias, T[] o, T[] lse, AttentionShape sh, int h)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int L = sh.L, S = sh.S, E = sh.E, Ev = sh.Ev;
        var qh = q.AsSpan(h * L * E, L * E);
        var kh = k.AsSpan(h * S * E, S * E);
        var vh = v.AsSpan(h * S * Ev, S * Ev);
        var oh = o.AsSpan(h * L * Ev, L * Ev);
        var lh = lse.AsSpan(h * L, L);
        T[] tile = ArrayPool<T>.Shared.Rent(BlockQ * BlockK), acc = ArrayPool<T>.Shared.Rent(BlockQ * Ev);
        T[] m = ArrayPool<T>.Shared.Rent(BlockQ), l = ArrayPool<T>.Shared.Rent(BlockQ);
        try
        {
            for (int i0 = 0; i0 < L; i0 += BlockQ)
            {
                int br = Math.Min(BlockQ, L - i0);
                m.AsSpan(0, br).Fill(T.NegativeInfinity);
                l.AsSpan(0, br).Clear();
                acc.AsSpan(0, br * Ev).Clear();
                int keys = sh.Causal ? Math.Min(S, i0 + br) : S;   // causal: key j takes part in row i only when j ≤ i
                for (int j0 = 0; j0 < keys; j0 += BlockK)
                {
                    int bc = Math.Min(BlockK, keys - j0);
                    var s = tile.AsSpan(0, br * bc);
                    Scores(qh.Slice(i0 * E, br * E), kh.Slice(j0 * E, bc * E), s, br, bc, E, bias, sh, h, i0, j0);
                    for (int r = 0; r < br; r++)
                    {
                        var row = s.Slice(r * bc, bc);
                        T mNew = T.Max(m[r], TensorPrimitives.Max<T>(row));
                        if (T.IsNegativeInfinity(mNew)) { row.Clear(); continue; }   // nothing unmasked yet in this row
                        T alpha = T.Exp(m[r] - mNew);                                  // e^{−∞} = 0 on the first live tile
                        TensorPrimitives.Subtract(row, mNew, row);
                        TensorPrimitives.Exp(row, row);
                        l[r] = l[r] * alpha + TensorPrimitives.Sum<T>(row);
                        m[r] = mNew;
                        if (alpha != T.One) TensorPrimitives.Multiply(acc.AsSpan(r * Ev, Ev), alpha, acc.AsSpan(r * Ev, Ev));
                        if (sh.DropoutP > 0) Drop(row, sh, h, i0 + r, j0);
                    }
                    Mm<T>(s, vh.Slice(j0 * Ev, bc * Ev), acc.AsSpan(0, br * Ev), br, bc, Ev, false, false, true);
                }
                for (int r = 0; r < br; r++)
                {
                    var dst = oh.Slice((i0 + r) * Ev, Ev);
                    if (l[r] == T.Zero) { dst.Clear(); lh[i0 + r] = T.NegativeInfinity; continue; }   // every key masked
                    TensorPrimitives.Divide(acc.AsSpan(r * Ev, Ev), l[r], dst);
                    lh[i0 + r] = m[r] + T.Log(l[r]);
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(tile);
            ArrayPool<T>.Shared.Return(acc);
            ArrayPool<T>.Shared.Return(m);
            ArrayPool<T>.Shared.Return(l);
        }
    }

    private static void BackwardHead<T>(T[] q, T[] k, T[] v, AttentionBias<T> bias, T[] o, T[] lse, T[] dO, T[] dQ, T[] dK, T[] dV, AttentionShape sh, int h)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int L = sh.L, S = sh.S, E = sh.E, Ev = sh.Ev;
        var qh = q.AsSpan(h * L * E, L * E);
        var kh = k.AsSpan(h * S * E, S * E);
        var vh = v.AsSpan(h * S * Ev, S * Ev);
        var oh = o.AsSpan(h * L * Ev, L * Ev);
        var doh = dO.AsSpan(h * L * Ev, L * Ev);
        var lh = lse.AsSpan(h * L, L);
        var dqh = dQ.AsSpan(h * L * E, L * E);
        var dkh = dK.AsSpan(h * S * E, S * E);
        var dvh = dV.AsSpan(h * S * Ev, S * Ev);
        dqh.Clear();
        dkh.Clear();
        dvh.Clear();
        T scale = T.CreateTruncating(sh.Scale);
        T[] p = ArrayPool<T>.Shared.Rent(BlockQ * BlockK), dp = ArrayPool<T>.Shared.Rent(BlockQ * BlockK), d = ArrayPool<T>.Shared.Rent(L);
        try
        {
            for (int i = 0; i < L; i++) d[i] = TensorPrimitives.Dot<T>(doh.Slice(i * Ev, Ev), oh.Slice(i * Ev, Ev));
            for (int j0 = 0; j0 < S; j0 += BlockK)
            {
                int bc = Math.Min(BlockK, S - j0);
                // causal: rows above j0 see none of these keys
                for (int i0 = sh.Causal ? j0 / BlockQ * BlockQ : 0; i0 < L; i0 += BlockQ)
                {
                    int br = Math.Min(BlockQ, L - i0);
                    var pt = p.AsSpan(0, br * bc);
                    var dpt = dp.AsSpan(0, br * bc);
                    Scores(qh.Slice(i0 * E, br * E), kh.Slice(j0 * E, bc * E), pt, br, bc, E, bias, sh, h, i0, j0);
                    for (int r = 0; r < br; r++)
                    {
                        var row = pt.Slice(r * bc, bc);
                        T rowLse = lh[i0 + r];
                        if (T.IsNegativeInfinity(rowLse)) { row.Clear(); continue; }
                        TensorPrimitives.Subtract(row, rowLse, row);
                        TensorPrimitives.Exp(row, row);
                    }
                    // dP = dO·Vᵀ, then dropout's mask on both P (for dV) and dP.
                    Mm<T>(doh.Slice(i0 * Ev, br * Ev), vh.Slice(j0 * Ev, bc * Ev), dpt, br, Ev, bc, false, true, false);
                    if (sh.DropoutP > 0)
                    {
                        var pd = ArrayPool<T>.Shared.Rent(br * bc);
                        try
                        {
                            pt.CopyTo(pd);
                            for (int r = 0; r < br; r++)
                            {
                                Drop(pd.AsSpan(r * bc, bc), sh, h, i0 + r, j0);
                                Drop(dpt.Slice(r * bc, bc), sh, h, i0 + r, j0);
                            }
                            Mm<T>(pd.AsSpan(0, br * bc), doh.Slice(i0 * Ev, br * Ev), dvh.Slice(j0 * Ev, bc * Ev), bc, br, Ev, true, false, true);
                        }
                        finally { ArrayPool<T>.Shared.Return(pd); }
                    }
                    else Mm<T>(pt, doh.Slice(i0 * Ev, br * Ev), dvh.Slice(j0 * Ev, bc * Ev), bc, br, Ev, true, false, true);
                    // dS = P ∘ (dP − D)·scale, into dp.
                    for (int r = 0; r < br; r++)
                    {
                        var dsr = dpt.Slice(r * bc, bc);
                        TensorPrimitives.Subtract(dsr, d[i0 + r], dsr);
                        TensorPrimitives.Multiply(dsr, pt.Slice(r * bc, bc), dsr);
                        TensorPrimitives.Multiply(dsr, scale, dsr);
                    }
                    Mm<T>(dpt, kh.Slice(j0 * E, bc * E), dqh.Slice(i0 * E, br * E), br, bc, E, false, false, true);
                    Mm<T>(dpt, qh.Slice(i0 * E, br * E), dkh.Slice(j0 * E, bc * E), bc, br, E, true, false, true);
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(p);
            ArrayPool<T>.Shared.Return(dp);
            ArrayPool<T>.Shared.Return(d);
        }
    }

    // s = Q_blk·K_blkᵀ·scale + bias, with −∞ where causality hides a key.
    private static void Scores<T>(ReadOnlySpan<T> qb, ReadOnlySpan<T> kb, Span<T> s, int br, int bc, int e, AttentionBias<T> bias, AttentionShape sh, int h, int i0, int j0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Mm<T>(qb, kb, s, br, e, bc, false, true, false);
        TensorPrimitives.Multiply(s, T.CreateTruncating(sh.Scale), s);
        for (int r = 0; r < br; r++)
        {
            var row = s.Slice(r * bc, bc);
            if (bias.Data is { } b)
            {
                int at = bias.HeadOffsets[h] + (i0 + r) * bias.RowStride + j0 * bias.ColumnStride;
                if (bias.ColumnStride == 1) TensorPrimitives.Add(row, b.AsSpan(at, bc), row);
                else for (int c = 0; c < bc; c++) row[c] += b[at + c * bias.ColumnStride];
            }
            if (sh.Causal)
                for (int c = Math.Max(0, i0 + r + 1 - j0); c < bc; c++) row[c] = T.NegativeInfinity;
        }
    }

    // Row i's dropout over keys j0…: kept entries scaled by 1/(1 − p), dropped ones 0.
    private static void Drop<T>(Span<T> row, AttentionShape sh, int h, int i, int j0) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T keepScale = T.CreateTruncating(1 / (1 - sh.DropoutP));
        long baseIndex = ((long)h * sh.L + i) * sh.S + j0;
        for (int c = 0; c < row.Length; c++)
            row[c] = sh.Keeps(baseIndex + c) ? row[c] * keepScale : T.Zero;
    }

    private static void Mm<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n, bool transA, bool transB, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T> => Gemm.Multiply<T>(a, b, c, m, k, n, transA, transB, accumulate);
}
