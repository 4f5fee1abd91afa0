using AutoGrad.Differentiation;
using AutoGrad.Losses;
using AutoGrad.NN;
using Xunit.Abstractions;
using AutoGrad.Inspection;

namespace AutoGrad.Tests.Inspection;

public class GradientReportTests(ITestOutputHelper output)
{
    private static Sequential Mlp(Func<Module> activation, ulong seed)
    {
        var g = new Generator(seed);
        var net = new Sequential();
        for (int i = 0; i < 10; i++) net.Add(new Linear(i == 0 ? 8 : 16, 16, g, dtype: DType.Float64)).Add(activation());
        return net.Add(new Linear(16, 1, g, dtype: DType.Float64));
    }

    private static GradientReport Train1(Sequential net)
    {
        var g = new Generator(7);
        var x = Tensor.Randn(new Shape(32, 8), g, DType.Float64);
        var y = Tensor.Randn(new Shape(32, 1), g, DType.Float64);
        net.Forward(x).MseLoss(y).Backward();
        return GradientReport.For(net.NamedParameters());
    }

    [Fact]
    public void Deep_sigmoid_network_has_far_smaller_first_layer_gradients_than_a_relu_one()
    {
        var sig = Train1(Mlp(() => new Sigmoid(), 1));
        var relu = Train1(Mlp(() => new Relu(), 1));
        output.WriteLine(sig.ToString());
        output.WriteLine(relu.ToString());
        // First layer relative to last: sigmoid's σ' ≤ ¼ per layer shrinks it geometrically.
        double sigRatio = sig["0.weight"].Norm / sig["20.weight"].Norm;
        double reluRatio = relu["0.weight"].Norm / relu["20.weight"].Norm;
        output.WriteLine($"sigmoid first/last {sigRatio:g3}, relu first/last {reluRatio:g3}");
        Assert.True(sigRatio < 1e-3 * reluRatio, $"sigmoid {sigRatio:g3} vs relu {reluRatio:g3}");
        Assert.Empty(sig.Missing);
        Assert.Equal(22, sig.Parameters.Count);
    }

    [Fact]
    public void Unused_parameter_is_listed_and_values_match_hand_computation()
    {
        var w = Tensor.FromArray(new double[] { 3, 4 }).RequireGrad();
        var unused = Tensor.FromArray(new double[] { 1 }).RequireGrad();
        var frozen = Tensor.FromArray(new double[] { 1 });
        (w * Tensor.FromArray(new double[] { 0, 2 })).Sum().Backward();   // g = (0, 2)
        var r = GradientReport.For([("w", w), ("unused", unused), ("frozen", frozen)]);
        Assert.Equal(new[] { "unused" }, r.Missing);
        Assert.Equal(2, r.Parameters.Count);                  // "frozen" does not require a gradient
        var s = r["w"];
        Assert.Equal(2.0, s.Norm, 12);
        Assert.Equal(2.0, s.MaxAbs, 12);
        Assert.Equal(0.5, s.ZeroFraction, 12);
        Assert.Equal(5.0, s.ParamNorm, 12);
        Assert.Equal(0.4, s.Ratio, 12);
        Assert.Equal(GradientFlag.Ok, s.Flag);
        var table = r.ToString().Split('\n');
        Assert.Equal(3, table.Length);
        Assert.StartsWith("parameter", table[0]);
        Assert.Contains("MISSING", table[2]);
        Assert.StartsWith("unused", table[2]);
    }

    [Fact]
    public void Vanishing_and_exploding_gradients_are_flagged_with_configurable_thresholds()
    {
        var small = Tensor.FromArray(new double[] { 1 }).RequireGrad();
        var big = Tensor.FromArray(new double[] { 1 }).RequireGrad();
        var nan = Tensor.FromArray(new double[] { 1 }).RequireGrad();
        (small * 1e-9 + big * 1e4 + nan * double.NaN).Sum().Backward();
        var r = GradientReport.For([("small", small), ("big", big), ("nan", nan)]);
        Assert.Equal(GradientFlag.Vanishing, r["small"].Flag);
        Assert.Equal(GradientFlag.Exploding, r["big"].Flag);
        Assert.Equal(GradientFlag.Exploding, r["nan"].Flag);
        var loose = GradientReport.For([("small", small), ("big", big)], new GradientReportOptions(VanishingNorm: 1e-10, VanishingRatio: 1e-10, ExplodingNorm: 1e5));
        Assert.All(loose.Parameters, p => Assert.Equal(GradientFlag.Ok, p.Flag));
        Assert.Contains("VANISHING", r.ToString());
        Assert.Contains("EXPLODING", r.ToString());
    }
}
