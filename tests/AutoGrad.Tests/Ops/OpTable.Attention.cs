using AutoGrad.Kernels;
using FsCheck;
using FsCheck.Fluent;

namespace AutoGrad.Tests.Ops;

public static partial class OpTable
{
    private sealed record AttentionCase(int[] Batch, int L, int S, int E, int Ev);

    private static Gen<AttentionCase> AttentionShapes =>
        from rank in Gen.Choose(0, 2)
        from batch in Gen.ArrayOf(Gen.Choose(1, 2), rank)
        from l in Gen.Choose(1, 4)
        from s in Gen.Choose(1, 4)
        from e in Gen.Choose(1, 3)
        from ev in Gen.Choose(1, 3)
        select new AttentionCase(batch, l, s, e, ev);

    // Mask values: −∞ hides a key (a whole row of them is a fully masked row, whose output is 0).
    private static readonly double[] s_maskValues = [double.NegativeInfinity, -1, 0, 0, 0.5];

    private static Gen<OpSample> Attention(bool masked, bool causal, double dropout, bool customScale) =>
        from c in AttentionShapes
        from q in Generators.Tensor([.. c.Batch, c.L, c.E], Wide)
        from k in Generators.Tensor([.. c.Batch, c.S, c.E], Wide)
        from v in Generators.Tensor([.. c.Batch, c.S, c.Ev], Wide)
        from maskShape in Generators.BroadcastableTo([.. c.Batch, c.L, c.S])
        from maskValues in Gen.ArrayOf(Gen.Elements(s_maskValues), SizeOf(maskShape))
        from seed in Gen.Choose(0, 1 << 20)
        let mask = masked ? Tensor.FromArray(maskValues).Reshape(maskShape) : null
        let scale = customScale ? 0.7 : (double?)null
        select new OpSample([q, k, v],
            xs => xs[0].ScaledDotProductAttention(xs[1], xs[2], mask?.To(xs[0].DType), causal, dropout, scale, dropout > 0 ? new Generator((ulong)seed) : null),
            $"ScaledDotProductAttention(mask {(masked ? mask!.Shape.ToString() : "none")}, causal {causal}, dropout {dropout}, scale {scale})",
            () => NaiveAttention(q, k, v, mask, causal, dropout, dropout > 0 ? new Generator((ulong)seed).NextUInt64() : 0, scale))
        {
            ApplyWith = dropout > 0 ? (xs, g) => xs[0].ScaledDotProductAttention(xs[1], xs[2], mask?.To(xs[0].DType), causal, dropout, scale, g) : null,
        };

    private static readonly OpCase[] AttentionRows =
    [
        new("ScaledDotProductAttention", "ScaledDotProductAttention(q, k, v)", Attention(false, false, 0, false)) { ReferenceTolerance = 1e-11 },
        new("ScaledDotProductAttention", "ScaledDotProductAttention(q, k, v, additive mask with −∞)", Attention(true, false, 0, false)) { ReferenceTolerance = 1e-11 },
        new("ScaledDotProductAttention", "ScaledDotProductAttention(q, k, v, isCausal, scale 0.7)", Attention(false, true, 0, true)) { ReferenceTolerance = 1e-11 },
        new("ScaledDotProductAttention", "ScaledDotProductAttention(q, k, v, mask, isCausal, dropout 0.3)", Attention(true, true, 0.3, false)) { ReferenceTolerance = 1e-11 },
    ];

    /// <summary>Attention by definition, row by row in float64: a fully hidden row gives zeros.</summary>
    internal static double[] NaiveAttention(Tensor q, Tensor k, Tensor v, Tensor? mask, bool causal, double dropout, ulong seed, double? scale)
    {
        int L = q.Shape[-2], E = q.Shape[-1], S = k.Shape[-2], Ev = v.Shape[-1];
        int heads = q.Size / (L * E);
        double sc = scale ?? 1 / Math.Sqrt(E);
        var (qa, ka, va) = (q.ToDoubleArray(), k.ToDoubleArray(), v.ToDoubleArray());
        int[] full = [.. q.Shape.ToArray()[..^2], L, S];
        var m = mask?.ToDoubleArray();
        var y = new double[heads * L * Ev];
        for (int h = 0; h < heads; h++)
            for (int i = 0; i < L; i++)
            {
                var s = new double[S];
                for (int j = 0; j < S; j++)
                {
                    double dot = 0;
                    for (int e = 0; e < E; e++) dot += qa[(h * L + i) * E + e] * ka[(h * S + j) * E + e];
                    s[j] = dot * sc + (m is null ? 0 : m[BroadcastSource(mask!.Shape.ToArray(), full, (h * L + i) * S + j)]);
                    if (causal && j > i) s[j] = double.NegativeInfinity;
                }
                double max = s.Max();
                if (double.IsNegativeInfinity(max)) continue;
                double sum = s.Sum(x => Math.Exp(x - max));
                for (int j = 0; j < S; j++)
                {
                    double p = Math.Exp(s[j] - max) / sum;
                    if (dropout > 0) p = AttentionKernels.DropoutKeep(seed, (long)(h * L + i) * S + j, dropout) ? p / (1 - dropout) : 0;
                    for (int e = 0; e < Ev; e++) y[(h * L + i) * Ev + e] += p * va[(h * S + j) * Ev + e];
                }
            }
        return y;
    }
}
