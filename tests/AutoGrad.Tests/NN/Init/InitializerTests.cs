using AutoGrad.NN;
using AutoGrad.NN.Init;

namespace AutoGrad.Tests.NN.Init;

public class InitializerTests
{
    private static double Variance(Tensor t)
    {
        var v = t.ToDoubleArray();
        double m = v.Average();
        return v.Select(x => (x - m) * (x - m)).Average();
    }

    [Theory]
    [InlineData("GlorotUniform", 2.0 / (300 + 200))]
    [InlineData("GlorotNormal", 2.0 / (300 + 200))]
    [InlineData("HeUniform", 2.0 / 300)]
    [InlineData("HeNormal", 2.0 / 300)]
    [InlineData("LeCunNormal", 1.0 / 300)]
    [InlineData("StandardNormal", 1.0)]
    public void Variance_matches_the_scheme(string name, double expected)
    {
        Initializer init = name switch
        {
            "GlorotUniform" => Initializers.GlorotUniform,
            "GlorotNormal" => Initializers.GlorotNormal,
            "HeUniform" => Initializers.HeUniform,
            "HeNormal" => Initializers.HeNormal,
            "LeCunNormal" => Initializers.LeCunNormal,
            _ => Initializers.StandardNormal,
        };
        var w = init(new Shape(300, 200), 300, 200, new Generator(11), DType.Float64);
        Assert.InRange(Variance(w) / expected, 0.97, 1.03);   // 60,000 draws: relative sd of the estimate ≈ 0.6 %
    }

    [Fact]
    public void Glorot_uniform_stays_within_its_bound()
    {
        double a = Math.Sqrt(6.0 / 10);
        Assert.All(Initializers.GlorotUniform(new Shape(4, 6), 4, 6, new Generator(1)).ToDoubleArray(), v => Assert.InRange(v, -a, a));
    }

    [Theory]
    [InlineData(5, 3)]
    [InlineData(3, 5)]
    [InlineData(4, 4)]
    public void Orthogonal_has_orthonormal_rows_or_columns(int rows, int cols)
    {
        var q = Initializers.Orthogonal(new Shape(rows, cols), cols, rows, new Generator(2), DType.Float64);
        var gram = rows >= cols ? q.Transpose().MatMul(q) : q.MatMul(q.Transpose());
        var eye = Tensor.Eye(Math.Min(rows, cols), dtype: DType.Float64).ToDoubleArray();
        var got = gram.ToDoubleArray();
        for (int i = 0; i < got.Length; i++) Assert.Equal(eye[i], got[i], 12);
    }

    [Fact]
    public void Zeros_constant_and_seeding()
    {
        Assert.All(Initializers.Zeros(new Shape(3), 1, 1, new Generator(1)).ToDoubleArray(), v => Assert.Equal(0.0, v));
        Assert.All(Initializers.Constant(0.3)(new Shape(3), 1, 1, new Generator(1), DType.Float64).ToDoubleArray(), v => Assert.Equal(0.3, v));
        Assert.Equal(Initializers.HeNormal(new Shape(5), 3, 3, new Generator(9)).ToDoubleArray(), Initializers.HeNormal(new Shape(5), 3, 3, new Generator(9)).ToDoubleArray());
    }

    [Fact]
    public void Layers_start_with_zero_biases_and_take_an_initializer()
    {
        var l = new Linear(3, 2, new Generator(1), init: Initializers.Constant(0.5));
        Assert.All(l.Weight.ToDoubleArray(), v => Assert.Equal(0.5, v));
        Assert.All(l.Bias!.ToDoubleArray(), v => Assert.Equal(0.0, v));
        Assert.All(new Conv2d(1, 2, 3, new Generator(1)).Bias!.ToDoubleArray(), v => Assert.Equal(0.0, v));
    }
}
