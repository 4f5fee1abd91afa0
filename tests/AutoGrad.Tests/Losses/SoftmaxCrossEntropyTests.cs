using AutoGrad.Differentiation;
using AutoGrad.Losses;
using AutoGrad.Checking;

namespace AutoGrad.Tests.Losses;

// The fused SoftmaxCrossEntropy against the composed formula it replaced: −(y · log softmax(z)).Sum(−1), then reduced.
public class SoftmaxCrossEntropyTests
{
    private static Tensor Composed(Tensor z, Tensor target, Reduction r)
    {
        var y = target.Shape == z.Shape ? target : target.Detach().OneHot(z.Shape[-1]).To(z.DType);
        return LossFunctions.Reduce(-(y * z.LogSoftmax(-1)).Sum(-1), r);
    }

    // Logits spread over ±4 around an offset (1000 makes a naive e^z overflow), and a target of either kind.
    private static (Tensor Z, Tensor Target) Sample(ulong seed, int[] shape, double offset, bool indices)
    {
        var g = new Generator(seed);
        var z = (Tensor.Uniform(new Shape(shape), g, -4, 4, DType.Float64) + offset).Detach();
        int c = shape[^1];
        var rowShape = new Shape(shape[..^1]);
        if (indices)
        {
            var labels = Tensor.Empty(rowShape, DType.Float64);
            for (int i = 0; i < labels.Size; i++) labels.SetFlat(i, g.NextInt(c));
            return (z, labels);
        }
        // Probability targets with some exact zeros, and rows that do not sum to 1 (the formula is linear in y).
        var y = Tensor.Uniform(new Shape(shape), g, -0.5, 1, DType.Float64).Clamp(min: 0);
        return (z, y);
    }

    public static TheoryData<Reduction, bool, double> Cases()
    {
        var d = new TheoryData<Reduction, bool, double>();
        foreach (var r in Enum.GetValues<Reduction>())
            foreach (var indices in new[] { true, false })
                foreach (var offset in new[] { 0.0, 1000.0, -1000.0 }) d.Add(r, indices, offset);
        return d;
    }

    private static readonly int[][] Shapes = [[7, 5], [1, 3], [2, 3, 4], [6], [4, 1], [3, 10]];

    private static void AssertClose(double[] expected, double[] actual, double tol)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * Math.Max(1, Math.Abs(expected[i])),
                $"element {i}: expected {expected[i]:R}, got {actual[i]:R}");
    }

    [Theory, MemberData(nameof(Cases))]
    public void Fused_loss_equals_the_composed_formula(Reduction r, bool indices, double offset)
    {
        ulong seed = 1;
        foreach (var shape in Shapes)
        {
            var (z, t) = Sample(seed++, shape, offset, indices);
            var fused = z.SoftmaxCrossEntropy(t, r);
            var composed = Composed(z, t, r);
            Assert.Equal(composed.Shape, fused.Shape);
            Assert.All(fused.ToDoubleArray(), v => Assert.True(double.IsFinite(v)));
            AssertClose(composed.ToDoubleArray(), fused.ToDoubleArray(), 1e-12);
        }
    }

    [Theory, MemberData(nameof(Cases))]
    public void Fused_gradients_equal_the_composed_gradients(Reduction r, bool indices, double offset)
    {
        ulong seed = 100;
        foreach (var shape in Shapes)
        {
            var (z0, t0) = Sample(seed++, shape, offset, indices);
            var z = z0.Clone().RequireGrad();
            var t = indices ? t0 : t0.Clone().RequireGrad();   // a dense target receives −log softmax(z)·g
            var seedGrad = r == Reduction.None ? Tensor.Uniform(new Shape(shape[..^1]), new Generator(seed), -1, 1, DType.Float64) : null;
            Tensor[] inputs = indices ? [z] : [z, t];
            var fused = Functional.Grad([z.SoftmaxCrossEntropy(t, r)], inputs, [seedGrad]);
            var composed = Functional.Grad([Composed(z, t, r)], inputs, [seedGrad]);
            for (int i = 0; i < inputs.Length; i++) AssertClose(composed[i]!.ToDoubleArray(), fused[i]!.ToDoubleArray(), 1e-12);
        }
    }

    [Theory, MemberData(nameof(Cases))]
    public void Second_derivatives_match_the_composed_ones(Reduction r, bool indices, double offset)
    {
        var (z0, t) = Sample(7, [3, 4], offset, indices);
        var v = Tensor.Uniform(new Shape(3, 4), new Generator(8), -1, 1, DType.Float64);
        // Hessian-vector product ∂(∂L/∂z · v)/∂z, through the rule recorded with createGraph.
        double[] Hvp(Func<Tensor, Tensor> loss)
        {
            var z = z0.Clone().RequireGrad();
            var gz = Functional.Grad([loss(z).Sum()], [z], createGraph: true)[0]!;
            return Functional.Grad([(gz * v).Sum()], [z])[0]!.ToDoubleArray();
        }
        AssertClose(Hvp(z => Composed(z, t, r)), Hvp(z => z.SoftmaxCrossEntropy(t, r)), 1e-12);
        if (offset == 0) Assert.True(GradGradCheck.Check(xs => xs[0].SoftmaxCrossEntropy(t, r), [z0], seed: 3).Passed);
    }

    [Fact]
    public void Float32_matches_the_float64_loss_and_gradient()
    {
        var (z, t) = Sample(21, [64, 10], 0, indices: true);
        var z32 = z.To(DType.Float32).RequireGrad();
        var loss = z32.SoftmaxCrossEntropy(t);
        loss.Backward();
        var z64 = z.Clone().RequireGrad();
        var expected = z64.SoftmaxCrossEntropy(t);
        expected.Backward();
        Assert.Equal(DType.Float32, loss.DType);
        Assert.Equal(expected.Item(), loss.Item(), 5);
        AssertClose(z64.Grad!.ToDoubleArray(), z32.Grad!.ToDoubleArray(), 1e-6);
    }

    [Fact]
    public void Known_values_and_a_masked_class()
    {
        // Row 1: uniform over 3 classes, −ln(1/3); row 2: z = (0, ln 3), class 1: −ln(3/4).
        var z = Tensor.FromArray(new double[] { 0, 0, 0, 0, Math.Log(3), double.NegativeInfinity }, 2, 3).RequireGrad();
        var loss = z.SoftmaxCrossEntropy(Tensor.FromArray([2.0, 1.0]), Reduction.None);
        Assert.Equal(Math.Log(3), loss[0], 14);
        Assert.Equal(-Math.Log(0.75), loss[1], 14);
        // A −∞ logit (a masked class) takes no probability and, unlike 0·(−∞) in the composed form, no NaN.
        loss.Sum().Backward();
        AssertClose([1 / 3.0, 1 / 3.0, 1 / 3.0 - 1, 0.25, 0.75 - 1, 0], z.Grad!.ToDoubleArray(), 1e-15);
    }

    [Fact]
    public void Bad_targets_keep_their_messages()
    {
        var z = Tensor.Zeros(new Shape(2, 3));
        Assert.Contains("SoftmaxCrossEntropy: class 3 at flat position 1 is outside 0..2",
            Assert.Throws<IndexOutOfRangeException>(() => z.SoftmaxCrossEntropy(Tensor.FromArray([0f, 3f]))).Message);
        Assert.Contains("SoftmaxCrossEntropy: class -1 at flat position 0 is outside 0..2",
            Assert.Throws<IndexOutOfRangeException>(() => z.SoftmaxCrossEntropy(Tensor.FromArray([-1f, 3f]))).Message);
        Assert.Contains("SoftmaxCrossEntropy: class index 1.5 at flat position 1 is not an integer.",
            Assert.Throws<ArgumentException>(() => z.SoftmaxCrossEntropy(Tensor.FromArray([5f, 1.5f]))).Message);
        Assert.Contains("SoftmaxCrossEntropy: target shape (3,) is neither the prediction's (2, 3) (one-hot) nor its shape without the class axis (indices).",
            Assert.Throws<ArgumentException>(() => z.SoftmaxCrossEntropy(Tensor.Zeros(new Shape(3)))).Message);
        Assert.Contains("Loss: unknown reduction 7",
            Assert.Throws<ArgumentOutOfRangeException>(() => z.SoftmaxCrossEntropy(Tensor.FromArray([0f, 1f]), (Reduction)7)).Message);
        Assert.Contains("OneHot: numClasses must be positive",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(new Shape(2, 0)).SoftmaxCrossEntropy(Tensor.FromArray([0f, 1f]))).Message);
        Assert.Contains("out of range", Assert.ThrowsAny<ArgumentException>(() => Tensor.Scalar(1).SoftmaxCrossEntropy(Tensor.Scalar(1))).Message);
    }

    [Fact]
    public void Changing_the_target_in_place_before_backward_is_an_error()
    {
        var z = Tensor.Zeros(new Shape(2, 3), DType.Float64).RequireGrad();
        var labels = Tensor.FromArray([0.0, 2.0]);
        var loss = z.SoftmaxCrossEntropy(labels);
        labels.Fill(1);
        var e = Assert.Throws<InvalidOperationException>(() => loss.Backward());
        Assert.Contains("SoftmaxCrossEntropy", e.Message);
        Assert.Contains("modified in place", e.Message);
    }

    [Fact]
    public void A_target_of_another_dtype_is_converted_and_gets_no_gradient()
    {
        var (z, t) = Sample(31, [4, 3], 0, indices: false);
        var t32 = t.To(DType.Float32).RequireGrad();
        var zg = z.Clone().RequireGrad();
        var loss = zg.SoftmaxCrossEntropy(t32, Reduction.Sum);
        Assert.Equal(DType.Float64, loss.DType);
        Assert.Equal(Composed(z, t32.Detach().To(DType.Float64), Reduction.Sum).Item(), loss.Item(), 6);
        loss.Backward();
        Assert.Null(t32.Grad);
        var zc = z.Clone().RequireGrad();
        var expected = Functional.Grad(Composed(zc, t32.Detach().To(DType.Float64), Reduction.Sum), zc)[0]!;
        AssertClose(expected.ToDoubleArray(), zg.Grad!.ToDoubleArray(), 1e-12);
    }
}
