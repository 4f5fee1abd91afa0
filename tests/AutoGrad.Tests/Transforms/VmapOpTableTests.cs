using AutoGrad.Differentiation;
using AutoGrad.Tests.Ops;

namespace AutoGrad.Tests.Transforms;

/// <summary>
/// Every op-table row under <see cref="Functional.Vmap(Func{Tensor[], Tensor}, int?[], int)"/>: the vmapped value and its
/// gradient equal the loop over the batch (float64, to rounding), with batch axes in generated positions, unbatched inputs
/// mixed with batched ones, and the batch axis of the result first or last.
/// </summary>
public class VmapOpTableTests
{
    private const int Batch = 3;

    // The ops that still fall back to a loop when some row runs under Vmap (exact: a new rule or a new row changes it).
    // None: ScaledDotProductAttention with dropout, the last, now draws one mask seed per example as the loop does
    // (Note [Dropout seeds per example] in src/AutoGrad/Ops/AttentionOps.cs).
    private static readonly string[] ExpectedFallbacks = [];

    [Theory, MemberData(nameof(OpTable.Labels), MemberType = typeof(OpTable))]
    public void Vmap_equals_the_loop_over_the_batch_in_value_and_gradient(string label)
    {
        var op = OpTable.Get(label);
        Generators.ForAll(op.Samples, 4, "vmap " + label, s => Check(s, label));
    }

    [Fact]
    public void Only_the_listed_ops_fall_back_to_a_loop()
    {
        var log = new List<string>();
        Functional.t_fallbackLog = log;
        try
        {
            foreach (var op in OpTable.All)
                Generators.ForAll(op.Samples, 2, "vmap fallback " + op.Label, s => Check(s, op.Label));
            foreach (var row in OpTable.NoGradient) CheckNoGradient(row);
        }
        finally { Functional.t_fallbackLog = null; }
        var actual = log.Distinct().Order(StringComparer.Ordinal).ToArray();
        Assert.True(ExpectedFallbacks.SequenceEqual(actual), "ops that fall back: " + string.Join(", ", actual));
    }

    [Fact]
    public void Ops_without_a_gradient_vmap_to_the_loop()
    {
        foreach (var row in OpTable.NoGradient) CheckNoGradient(row);
    }

    private static void CheckNoGradient(NoGradientCase row)
    {
        var x = Tensor.FromArray(new double[] { 1, -2, 3, 0.5, -1, 2, 2, 0.25, -3, 4, 1, -1 }).Reshape(2, 2, 3);
        var got = Functional.Vmap(t => row.Call(t), 0)(x);
        var expected = CombineOps.Stack([row.Call(x.Select(0, 0)), row.Call(x.Select(0, 1))], 0);
        Assert.Equal(expected.Shape, got.Shape);
        Assert.Equal(expected.ToDoubleArray(), got.ToDoubleArray());
    }

    private static void Check(OpSample s, string label)
    {
        var rng = new Random(label.Length * 7919 + s.Inputs.Length);
        int n = s.Inputs.Length;
        var inDims = new int?[n];
        for (int i = 0; i < n; i++) inDims[i] = rng.Next(4) == 0 ? null : rng.Next(s.Inputs[i].Rank + 1);
        if (inDims.All(d => d is null)) inDims[0] = 0;
        // Example b's inputs: the sample's values, permuted (so each stays in the row's domain) for b > 0.
        var examples = new Tensor[Batch][];
        for (int b = 0; b < Batch; b++)
            examples[b] = s.Inputs.Select((x, i) => b == 0 || inDims[i] is null ? x : Permuted(x, rng)).ToArray();
        var batched = new Tensor[n];
        for (int i = 0; i < n; i++)
            batched[i] = (inDims[i] is int d ? CombineOps.Stack(examples.Select(e => e[i]).ToArray(), d) : s.Inputs[i]).Detach().Clone().RequireGrad();

        var y0 = s.Apply(s.Inputs);
        int outDim = rng.Next(2) == 0 ? 0 : y0.Rank;
        // A row that draws random numbers runs with one generator for the whole vmapped call and an equal one for the whole
        // loop, so the loop's examples draw in turn (as from a model's generator): the masks must be the loop's.
        Func<Tensor[], Tensor> fv = s.Apply, fl = s.Apply;
        if (s.ApplyWith is { } with)
        {
            Generator genV = new(4242), genL = new(4242);
            fv = xs => with(xs, genV);
            fl = xs => with(xs, genL);
        }
        var got = Functional.Vmap(fv, inDims, outDim)(batched);
        var loop = CombineOps.Stack(Enumerable.Range(0, Batch)
            .Select(b => fl(batched.Select((x, i) => inDims[i] is int d ? x.Select(d, b) : x).ToArray())).ToArray(), outDim);
        string what = $"{label}: inDims [{string.Join(", ", inDims.Select(d => d?.ToString() ?? "null"))}], outDim {outDim}, {s}";
        Assert.True(loop.Shape == got.Shape, $"{what}: shape {got.Shape}, loop {loop.Shape}");
        AssertClose(loop.ToDoubleArray(), got.ToDoubleArray(), what + " (value)");

        if (!loop.RequiresGrad) return;
        Assert.True(got.RequiresGrad, $"{what}: the vmapped result does not require gradients");
        var cot = Tensor.Randn(got.Shape, new Generator(17)).To(got.DType);
        var gv = Functional.Grad([(got * cot).Sum()], batched, allowUnused: true);
        var gl = Functional.Grad([(loop * cot).Sum()], batched, allowUnused: true);
        for (int i = 0; i < n; i++)
            AssertClose((gl[i] ?? Tensor.ZerosLike(batched[i])).ToDoubleArray(), (gv[i] ?? Tensor.ZerosLike(batched[i])).ToDoubleArray(), $"{what} (gradient of input {i})");
    }

    private static Tensor Permuted(Tensor x, Random rng)
    {
        var v = x.ToDoubleArray();
        rng.Shuffle(v);
        return Tensor.FromArray(v).Reshape(x.Shape).To(x.DType);
    }

    internal static void AssertClose(double[] expected, double[] got, string what)
    {
        Assert.Equal(expected.Length, got.Length);
        for (int k = 0; k < expected.Length; k++)
        {
            double e = expected[k], g = got[k];
            if (double.IsNaN(e) && double.IsNaN(g)) continue;
            if (e == g) continue;
            Assert.True(Math.Abs(e - g) <= 1e-12 * (1 + Math.Abs(e)), $"{what}: element {k} is {g:R}, the loop gives {e:R}");
        }
    }
}
