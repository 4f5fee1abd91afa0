using AutoGrad.Differentiation;
using AutoGrad.Losses;
using AutoGrad.Checking;

namespace AutoGrad.Tests.Losses;

public class LossTests
{
    private static Tensor U(ulong seed, double lo, double hi, params int[] shape) =>
        Tensor.Uniform(new Shape(shape), new Generator(seed), lo, hi, DType.Float64);

    private static Tensor Probabilities(ulong seed) => U(seed, -1, 1, 3, 4).Softmax();

    private static readonly Tensor Classes = Tensor.FromArray([2.0, 0.0, 3.0]);

    public static TheoryData<string, Reduction> Cases()
    {
        var d = new TheoryData<string, Reduction>();
        foreach (var n in new[] { "Mse", "Mae", "Huber", "Bce", "BceLogits", "CceOneHot", "CceIndex", "SoftmaxCe", "SoftmaxCeIndex", "Nll" })
            foreach (var r in Enum.GetValues<Reduction>()) d.Add(n, r);
        return d;
    }

    private static (Func<Tensor, Tensor> F, Tensor X) Case(string name, Reduction r) => name switch
    {
        "Mse" => (p => p.MseLoss(U(1, -1, 1, 3, 4), r), U(2, -1, 1, 3, 4)),
        "Mae" => (p => p.MaeLoss(U(1, -1, 1, 3, 4), r), U(2, -1, 1, 3, 4)),
        "Huber" => (p => p.HuberLoss(U(1, -1, 1, 3, 4), 0.5, r), U(2, -1, 1, 3, 4)),
        "Bce" => (p => p.BinaryCrossEntropy(U(3, 0, 1, 3, 4), r), U(4, 0.05, 0.95, 3, 4)),
        "BceLogits" => (z => z.BinaryCrossEntropyWithLogits(U(3, 0, 1, 3, 4), r), U(4, -3, 3, 3, 4)),
        "CceOneHot" => (p => p.CategoricalCrossEntropy(Classes.OneHot(4).To(DType.Float64), r), Probabilities(5)),
        "CceIndex" => (p => p.CategoricalCrossEntropy(Classes, r), Probabilities(6)),
        "SoftmaxCe" => (z => z.SoftmaxCrossEntropy(U(7, 0, 1, 3, 4).Softmax(), r), U(8, -3, 3, 3, 4)),
        "SoftmaxCeIndex" => (z => z.SoftmaxCrossEntropy(Classes, r), U(9, -3, 3, 3, 4)),
        "Nll" => (z => z.NllLoss(Classes, r), U(10, -3, 0, 3, 4)),
        _ => throw new ArgumentException(name),
    };

    [Theory, MemberData(nameof(Cases))]
    public void Gradient_matches_finite_differences(string name, Reduction reduction)
    {
        var (f, x) = Case(name, reduction);
        GradCheck.Assert(xs => f(xs[0]), [x]);
    }

    [Fact]
    public void Quadratic_cost_and_penalties_gradients()
    {
        var y = U(1, 0, 1, 4, 3);
        GradCheck.Assert(xs => xs[0].QuadraticCost(y), [U(2, 0, 1, 4, 3)]);
        GradCheck.Assert(xs => Penalties.L1([xs[0], xs[1]], 0.3), [U(3, -1, 1, 2, 2), U(4, -1, 1, 3)]);
        GradCheck.Assert(xs => Penalties.L2([xs[0], xs[1]], 0.3), [U(3, -1, 1, 2, 2), U(4, -1, 1, 3)]);
    }

    [Fact]
    public void Reductions_relate_as_mean_sum_and_none()
    {
        var p = U(1, -1, 1, 3, 4);
        var t = U(2, -1, 1, 3, 4);
        var none = p.MseLoss(t, Reduction.None);
        Assert.Equal(p.Shape, none.Shape);
        Assert.Equal(none.ToDoubleArray().Sum(), p.MseLoss(t, Reduction.Sum).Item(), 12);
        Assert.Equal(none.ToDoubleArray().Average(), p.MseLoss(t).Item(), 12);
        Assert.Equal(new Shape(3), Probabilities(1).CategoricalCrossEntropy(Classes, Reduction.None).Shape);
    }

    [Fact]
    public void Known_values()
    {
        var p = Tensor.FromArray([0.5, 2.0, -1.0]);
        var t = Tensor.FromArray([0.0, 0.0, 0.0]);
        Assert.Equal((0.25 + 4 + 1) / 3, p.MseLoss(t).Item(), 12);
        Assert.Equal(3.5 / 3, p.MaeLoss(t).Item(), 12);
        Assert.Equal((0.125 + (2 - 0.5) + 0.5) / 3, p.HuberLoss(t, 1.0).Item(), 12);
        // A course-notes example (natural log): −ln 0.99 and −ln 0.01.
        var probs = Tensor.FromArray(new double[] { 0.99, 0.01, 0.01, 0.99 }, 2, 2);
        var ce = probs.CategoricalCrossEntropy(Tensor.FromArray([0.0, 0.0]), Reduction.None).ToDoubleArray();
        Assert.Equal(0.01005033585350145, ce[0], 12);
        Assert.Equal(4.605170185988091, ce[1], 12);
        Assert.Equal(-Math.Log(0.5) * 3 / 4 + 0, Tensor.FromArray(new double[] { 0.5, 0.5, 0.5, 1 }).BinaryCrossEntropy(Tensor.FromArray(new double[] { 1, 0, 1, 1 })).Item(), 6);
        var a = Tensor.FromArray(new double[] { 1, 2, 3, 4 }, 2, 2);
        Assert.Equal((1 + 4 + 9 + 16) / 4.0, Tensor.Zeros(new Shape(2, 2), DType.Float64).QuadraticCost(a).Item(), 12);
        Assert.Equal(0.5 * 10, Penalties.L1([a], 0.5).Item(), 12);
        Assert.Equal(0.5 * 30, Penalties.L2([a], 0.5).Item(), 12);
    }

    [Fact]
    public void Probability_losses_are_clipped_and_stay_finite()
    {
        var p = Tensor.FromArray([0.0, 1.0]);
        var bce = p.BinaryCrossEntropy(Tensor.FromArray([1.0, 0.0]), Reduction.None).ToDoubleArray();
        Assert.All(bce, v => Assert.Equal(-Math.Log(1e-7), v, 6));
        var cce = Tensor.FromArray(new double[] { 0, 1 }, 1, 2).CategoricalCrossEntropy(Tensor.FromArray([0.0])).Item();
        Assert.Equal(-Math.Log(1e-7), cce, 6);
    }

    [Fact]
    public void Bce_with_logits_is_stable_and_equals_bce_of_sigmoid()
    {
        var z = Tensor.FromArray([1000.0, -1000.0, 0.3]);
        var y = Tensor.FromArray([0.0, 1.0, 1.0]);
        Assert.Equal([1000.0, 1000.0], z.BinaryCrossEntropyWithLogits(y, Reduction.None).ToDoubleArray()[..2]);
        Assert.Equal(-Math.Log(1 / (1 + Math.Exp(-0.3))), z.BinaryCrossEntropyWithLogits(y, Reduction.None).ToDoubleArray()[2], 12);
        var z0 = Tensor.FromArray([0.0, 2.0]).RequireGrad();
        var y0 = Tensor.FromArray([1.0, 0.25]);
        z0.BinaryCrossEntropyWithLogits(y0, Reduction.Sum).Backward();
        var grad = z0.Grad!.ToDoubleArray();   // σ(z) − y, exact at the tie z = 0
        Assert.Equal(0.5 - 1, grad[0], 12);
        Assert.Equal(1 / (1 + Math.Exp(-2.0)) - 0.25, grad[1], 12);
    }

    [Fact]
    public void Softmax_cross_entropy_gradient_is_softmax_minus_target()
    {
        var z = Tensor.Uniform(new Shape(3, 5), new Generator(3), -4, 4, DType.Float64).RequireGrad();
        var y = Classes.OneHot(5).To(DType.Float64);
        z.SoftmaxCrossEntropy(y, Reduction.Sum).Backward();
        var expected = (z.Detach().Softmax() - y).ToDoubleArray();
        var got = z.Grad!.ToDoubleArray();
        for (int i = 0; i < got.Length; i++) Assert.Equal(expected[i], got[i], 12);
        var big = Tensor.FromArray(new double[] { 1000, 0, -1000 }, 1, 3);
        Assert.Equal(1000.0, big.SoftmaxCrossEntropy(Tensor.FromArray([1.0])).Item(), 9);
    }

    [Fact]
    public void Mae_subgradient_is_zero_where_prediction_equals_target()
    {
        var p = Tensor.FromArray([1.0, 2.0, 0.0]).RequireGrad();
        p.MaeLoss(Tensor.FromArray([1.0, 0.0, 1.0]), Reduction.Sum).Backward();
        Assert.Equal([0.0, 1.0, -1.0], p.Grad!.ToDoubleArray());
    }

    [Fact]
    public void Bad_target_shapes_are_rejected()
    {
        var p = Tensor.Zeros(new Shape(3, 4));
        Assert.Throws<ArgumentException>(() => p.MseLoss(Tensor.Zeros(new Shape(4, 3))));
        Assert.Throws<ArgumentException>(() => p.CategoricalCrossEntropy(Tensor.Zeros(new Shape(4))));
    }
}
