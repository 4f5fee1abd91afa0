using AutoGrad.NN;

namespace AutoGrad.Tests.NN;

public class ModuleTests
{
    private static Sequential Mlp(ulong seed = 1)
    {
        var g = new Generator(seed);
        return new Sequential(new Linear(3, 4, g), new Relu(), new Linear(4, 2, g));
    }

    [Fact]
    public void Named_parameters_use_dotted_paths_in_registration_order()
    {
        var names = Mlp().NamedParameters().Select(p => p.Key).ToArray();
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], names);
        Assert.Equal(4, Mlp().Parameters().Count);
    }

    [Fact]
    public void State_dict_round_trips_into_another_model()
    {
        var a = Mlp(1);
        var b = Mlp(2);
        var x = Tensor.Randn(new Shape(5, 3), new Generator(9));
        Assert.NotEqual(a.Forward(x).ToDoubleArray(), b.Forward(x).ToDoubleArray());
        b.LoadStateDict(a.StateDict());
        Assert.Equal(a.Forward(x).ToDoubleArray(), b.Forward(x).ToDoubleArray());
    }

    [Fact]
    public void Load_with_a_wrong_shape_leaves_the_model_untouched()
    {
        var a = Mlp(1);
        var before = a.StateDict();
        var bad = Mlp(2).StateDict();
        bad["2.weight"] = Tensor.Zeros(new Shape(4, 3));
        var ex = Assert.Throws<ArgumentException>(() => a.LoadStateDict(bad));
        Assert.Contains("2.weight", ex.Message);
        foreach (var (k, v) in a.StateDict()) Assert.Equal(before[k].ToDoubleArray(), v.ToDoubleArray());
    }

    [Fact]
    public void Load_with_missing_or_extra_keys_throws_when_strict()
    {
        var a = Mlp(1);
        var s = a.StateDict();
        s.Remove("0.bias");
        Assert.Throws<ArgumentException>(() => a.LoadStateDict(s));
        a.LoadStateDict(s, strict: false);
        var extra = a.StateDict();
        extra["foo"] = Tensor.Zeros(new Shape(1));
        Assert.Throws<ArgumentException>(() => a.LoadStateDict(extra));
    }

    [Fact]
    public void Train_and_eval_propagate_to_children()
    {
        var m = new Sequential(new Dropout(0.5, new Generator(1)), new Sequential(new BatchNorm1d(2)));
        m.Eval();
        Assert.False(((Sequential)m[1])[0].Training);
        m.Train();
        Assert.True(((Sequential)m[1])[0].Training);
    }

    [Fact]
    public void To_float64_converts_every_parameter_and_buffer()
    {
        var m = new Sequential(new Linear(2, 2, new Generator(1)), new BatchNorm1d(2)).To(DType.Float64);
        Assert.All(m.StateDict().Values, t => Assert.Equal(DType.Float64, t.DType));
        Assert.All(m.Parameters(), p => Assert.True(p.RequiresGrad));
    }

    [Fact]
    public void ZeroGrad_clears_every_gradient()
    {
        var m = Mlp();
        m.Forward(Tensor.Ones(new Shape(1, 3))).Sum().Backward();
        Assert.All(m.Parameters(), p => Assert.NotNull(p.Grad));
        m.ZeroGrad();
        Assert.All(m.Parameters(), p => Assert.Null(p.Grad));
    }

    [Fact]
    public void Linear_computes_xW_plus_b()
    {
        var l = new Linear(2, 3, new Generator(1)).To(DType.Float64);
        var lin = (Linear)l;
        var x = Tensor.FromArray(new double[] { 1, 2 }, 1, 2);
        var y = lin.Forward(x).ToDoubleArray();
        var w = lin.Weight.ToArray2D();
        for (int j = 0; j < 3; j++) Assert.Equal(w[0, j] + 2 * w[1, j], y[j], 12);
        Assert.Equal(new double[3], lin.Bias!.ToDoubleArray());
    }
}
