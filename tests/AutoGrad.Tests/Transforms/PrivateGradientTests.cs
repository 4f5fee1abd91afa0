using AutoGrad.Differentiation;
using AutoGrad.Losses;
using AutoGrad.NN;
using AutoGrad.Transforms;

namespace AutoGrad.Tests.Transforms;

/// <summary>
/// DifferentialPrivacy.PrivateGradient of a model and a batch (per-example norms and the clipped sum from the Linear layers'
/// factors, no per-sample tensors) against the same gradient from the written-out per-sample gradients, in float64.
/// </summary>
public class PrivateGradientTests
{
    private const int B = 6;

    private static Tensor CrossEntropy(Tensor logits, Tensor target) => logits.SoftmaxCrossEntropy(target);

    private static Tensor Classes(int n, int c, int seed)
    {
        var rng = new Random(seed);
        return Tensor.FromArray(Enumerable.Range(0, n).Select(_ => (double)rng.Next(c)).ToArray());
    }

    // The clipping norm halfway between the smallest and the largest example's gradient norm, so that some examples are
    // clipped and some are not; asserts both kinds exist.
    private static double MidNorm(Dictionary<string, Tensor> perSample)
    {
        var norms = new double[B];
        foreach (var g in perSample.Values)
        {
            var v = g.ToDoubleArray();
            int per = v.Length / B;
            for (int b = 0; b < B; b++)
                for (int k = 0; k < per; k++) norms[b] += v[b * per + k] * v[b * per + k];
        }
        var sorted = norms.Select(Math.Sqrt).Order().ToArray();
        Assert.True(sorted[0] < sorted[^1] * 0.9, $"the examples' gradient norms {string.Join(", ", sorted)} are too alike to test clipping");
        return (sorted[0] + sorted[^1]) / 2;
    }

    private static void AssertAgree(Module model, Func<Tensor, Tensor, Tensor> loss, Tensor x, Tensor y, double sigma)
    {
        var perSample = ModuleTransforms.PerSampleGradients(model, loss, x, y, shortcuts: false);
        double clip = MidNorm(perSample);
        var written = DifferentialPrivacy.PrivateGradient(perSample, clip, sigma, new Generator(42));
        var factored = DifferentialPrivacy.PrivateGradient(model, loss, x, y, clip, sigma, new Generator(42));
        Assert.Equal(written.Keys, factored.Keys);
        foreach (var (name, e) in written)
        {
            Assert.Equal(e.Shape, factored[name].Shape);
            var (ev, gv) = (e.ToDoubleArray(), factored[name].ToDoubleArray());
            for (int k = 0; k < ev.Length; k++)
                Assert.True(Math.Abs(ev[k] - gv[k]) <= 1e-12 * Math.Max(1, Math.Abs(ev[k])), $"{name}[{k}]: {gv[k]:R}, from the per-sample gradients {ev[k]:R}");
        }
    }

    [Fact]
    public void Mlp_factored_gradient_equals_the_one_from_written_out_per_sample_gradients()
    {
        var model = new Sequential(new Linear(5, 4, new Generator(1)), new Tanh(), new Linear(4, 3, new Generator(2))).To(DType.Float64);
        var x = Tensor.Randn(new Shape(B, 5), new Generator(3), DType.Float64) * 2;
        var y = Classes(B, 3, 4);
        AssertAgree(model, CrossEntropy, x, y, sigma: 0);
        AssertAgree(model, CrossEntropy, x, y, sigma: 1.3);
    }

    [Fact]
    public void Square_layers_and_layers_without_bias_agree_too()
    {
        var model = new Sequential(new Linear(3, 3, new Generator(5), bias: false), new Sigmoid(), new Linear(3, 3, new Generator(6))).To(DType.Float64);
        var x = Tensor.Randn(new Shape(B, 3), new Generator(7), DType.Float64) * 3;
        var t = Tensor.Randn(new Shape(B, 3), new Generator(8), DType.Float64);
        AssertAgree(model, (p, q) => p.MseLoss(q), x, t, sigma: 0.7);
    }

    [Fact]
    public void A_model_without_the_factored_form_takes_the_per_sample_path()
    {
        var model = new Sequential(new Conv2d(1, 2, 3, new Generator(10), 1, 1), new Relu(), new MaxPool2d(2), new Flatten(), new Linear(8, 3, new Generator(11))).To(DType.Float64);
        var x = Tensor.Randn(new Shape(B, 1, 4, 4), new Generator(12), DType.Float64);
        AssertAgree(model, CrossEntropy, x, Classes(B, 3, 13), sigma: 0.5);
    }

    [Fact]
    public void The_model_and_its_gradients_are_left_untouched()
    {
        var model = new Sequential(new Linear(5, 4, new Generator(1)), new Relu(), new Linear(4, 3, new Generator(2))).To(DType.Float64);
        var before = model.NamedParameters().ToDictionary(p => p.Key, p => p.Value.ToDoubleArray());
        var g = DifferentialPrivacy.PrivateGradient(model, CrossEntropy, Tensor.Randn(new Shape(B, 5), new Generator(3), DType.Float64), Classes(B, 3, 4), 1.0, 1.0, new Generator(1));
        foreach (var (name, p) in model.NamedParameters())
        {
            Assert.Equal(before[name], p.ToDoubleArray());
            Assert.Null(p.Grad);
            Assert.Equal(p.Shape, g[name].Shape);
            Assert.False(g[name].RequiresGrad);
        }
    }

    [Fact]
    public void Bad_input_names_the_argument()
    {
        var model = new Sequential(new Linear(5, 3, new Generator(1))).To(DType.Float64);
        var x = Tensor.Randn(new Shape(B, 5), new Generator(3), DType.Float64);
        Assert.Contains("same number of examples", Assert.Throws<ArgumentException>(() => DifferentialPrivacy.PrivateGradient(model, CrossEntropy, x, Classes(B - 1, 3, 4), 1, 1, new Generator(1))).Message);
        Assert.Contains("no examples", Assert.Throws<ArgumentException>(() => DifferentialPrivacy.PrivateGradient(model, CrossEntropy, Tensor.Zeros(new Shape(0, 5), DType.Float64), Tensor.Zeros(new Shape(0), DType.Float64), 1, 1, new Generator(1))).Message);
        Assert.Equal("clipNorm", Assert.Throws<ArgumentOutOfRangeException>(() => DifferentialPrivacy.PrivateGradient(model, CrossEntropy, x, Classes(B, 3, 4), double.NaN, 1, new Generator(1))).ParamName);
        Assert.Equal("noiseMultiplier", Assert.Throws<ArgumentOutOfRangeException>(() => DifferentialPrivacy.PrivateGradient(model, CrossEntropy, x, Classes(B, 3, 4), 1, -1, new Generator(1))).ParamName);
    }
}
