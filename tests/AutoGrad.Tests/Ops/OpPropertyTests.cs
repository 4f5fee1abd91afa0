using AutoGrad.Differentiation;
using AutoGrad.Checking;

namespace AutoGrad.Tests.Ops;

/// <summary>Properties every row of <see cref="OpTable"/> must have, run on generated shapes and values.</summary>
public class OpPropertyTests
{
    [Theory, MemberData(nameof(OpTable.WithScalarReference), MemberType = typeof(OpTable))]
    public void Forward_matches_the_scalar_reference(string label)
    {
        var op = OpTable.Get(label);
        Generators.ForAll(op.Samples, op.MaxTest, "reference " + label, s =>
        {
            var y = s.Apply(s.Inputs);
            var got = y.ToDoubleArray();
            var expected = new double[got.Length];
            var outDims = y.Shape.ToArray();
            if (op.Unary is { } f)
            {
                Assert.Equal(s.Inputs[0].Shape, y.Shape);
                var x = s.Inputs[0].ToDoubleArray();
                for (int k = 0; k < x.Length; k++) expected[k] = f(x[k]);
            }
            else
            {
                var (a, b) = (s.Inputs[0], s.Inputs[1]);
                Assert.Equal(Shape.Broadcast(a.Shape, b.Shape, "test"), y.Shape);
                var (va, vb) = (a.ToDoubleArray(), b.ToDoubleArray());
                for (int k = 0; k < expected.Length; k++)
                    expected[k] = op.Binary!(va[OpTable.BroadcastSource(a.Shape.ToArray(), outDims, k)], vb[OpTable.BroadcastSource(b.Shape.ToArray(), outDims, k)]);
            }
            AssertClose(expected, got, op.ReferenceTolerance, s);
        });
    }

    [Theory, MemberData(nameof(OpTable.WithExpectedValues), MemberType = typeof(OpTable))]
    public void Forward_matches_the_naive_expected_values(string label)
    {
        var op = OpTable.Get(label);
        Generators.ForAll(op.Samples, op.MaxTest, "expected " + label, s =>
        {
            Assert.NotNull(s.Expected);
            AssertClose(s.Expected(), s.Apply(s.Inputs).ToDoubleArray(), op.ReferenceTolerance, s);
        });
    }

    [Theory, MemberData(nameof(OpTable.Labels), MemberType = typeof(OpTable))]
    public void Gradient_matches_finite_differences_in_float64(string label)
    {
        var op = OpTable.Get(label);
        Generators.ForAll(op.Samples, op.MaxTest, "gradcheck " + label, s =>
        {
            var r = GradCheck.Check(s.Apply, s.Inputs, op.GradCheckOptions);
            Assert.True(r.Passed, $"{s}\n{r.Report}");
        });
    }

    [Theory, MemberData(nameof(OpTable.Labels), MemberType = typeof(OpTable))]
    public void Second_derivatives_match_finite_differences_of_the_gradient(string label)
    {
        var op = OpTable.Get(label);
        Generators.ForAll(op.Samples, 10, "second order " + label, s =>
        {
            // s(x) = Σᵢ ⟨∂⟨y, u⟩/∂xᵢ, vᵢ⟩ with fixed u, v: its gradient is a Hessian-vector product, computed through
            // the backward rules recorded with createGraph.
            var gen = new Generator(17);
            Tensor? u = null;
            Tensor[]? v = null;
            Tensor F(Tensor[] xs)
            {
                using var _ = Recorder.EnableGrad();   // GradCheck evaluates f under NoGrad for its finite differences
                var y = s.Apply(xs);
                u ??= Tensor.Uniform(y.Shape, gen, -1, 1, DType.Float64);
                v ??= xs.Select(x => Tensor.Uniform(x.Shape, gen, -1, 1, DType.Float64)).ToArray();
                if (!y.RequiresGrad) return Tensor.Scalar(0, DType.Float64);
                // Only the inputs GradCheck differentiates (Embedding's indices are data, not variables).
                var wrt = Enumerable.Range(0, xs.Length).Where(i => xs[i].RequiresGrad).ToArray();
                var grads = Functional.Grad([y], wrt.Select(i => xs[i]).ToArray(), [u], createGraph: true, allowUnused: true);
                var total = Tensor.Scalar(0, DType.Float64);
                for (int k = 0; k < wrt.Length; k++)
                    if (grads[k] is { } g) total = total + (g * v[wrt[k]]).Sum();
                return total;
            }
            var r = GradCheck.Check(F, s.Inputs, op.GradCheckOptions);
            Assert.True(r.Passed, $"{s}\n{r.Report}");
        });
    }

    // PyTorch's gradgradcheck: GradCheck of (x, v) ↦ vᵀ∂f/∂x with a random v, through the public GradGradCheck.
    [Theory, MemberData(nameof(OpTable.Labels), MemberType = typeof(OpTable))]
    public void GradGradCheck_passes(string label)
    {
        var op = OpTable.Get(label);
        Generators.ForAll(op.Samples, 5, "gradgradcheck " + label, s =>
        {
            var r = GradGradCheck.Check(s.Apply, s.Inputs, seed: 5, op.GradCheckOptions);
            Assert.True(r.Passed, $"{s}\n{r.Report}");
        });
    }

    [Theory, MemberData(nameof(OpTable.Labels), MemberType = typeof(OpTable))]
    public void Float32_forward_agrees_with_float64(string label)
    {
        var op = OpTable.Get(label);
        Generators.ForAll(op.Samples, op.MaxTest, "float32 " + label, s =>
        {
            // Round the inputs to float32 first, so only the op's own float32 arithmetic is measured.
            var x32 = s.Inputs.Select(t => t.To(DType.Float32)).ToArray();
            var x64 = x32.Select(t => t.To(DType.Float64)).ToArray();
            var y32 = s.Apply(x32);
            var y64 = s.Apply(x64);
            Assert.Equal(y64.Shape, y32.Shape);
            if (label != "To(Float32) then To(Float64)") Assert.Equal(DType.Float32, y32.DType);
            var (a, b) = (y64.ToDoubleArray(), y32.ToDoubleArray());
            for (int k = 0; k < a.Length; k++)
                Assert.True(Math.Abs(a[k] - b[k]) <= op.Float32Tolerance * (1 + Math.Abs(a[k])),
                    $"{s}: element {k}: float64 {a[k]:R}, float32 {b[k]:R}");
        });
    }

    [Fact]
    public void Labels_are_unique_and_every_row_generates_samples()
    {
        var dup = OpTable.All.GroupBy(c => c.Label).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();
        Assert.Empty(dup);
        Assert.True(OpTable.All.Count >= 80, $"only {OpTable.All.Count} rows");
    }

    private static void AssertClose(double[] expected, double[] got, double rtol, OpSample s)
    {
        Assert.True(expected.Length == got.Length, $"{s}: expected {expected.Length} values, got {got.Length}");
        for (int k = 0; k < got.Length; k++)
            Assert.True(Math.Abs(expected[k] - got[k]) <= rtol * Math.Max(1, Math.Abs(expected[k])),
                $"{s}: element {k}: expected {expected[k]:R}, got {got[k]:R}");
    }
}
