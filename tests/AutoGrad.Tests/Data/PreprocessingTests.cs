using AutoGrad.Data;

namespace AutoGrad.Tests.Data;

public class PreprocessingTests
{
    private static readonly Tensor Train = Tensor.FromArray(new double[,] { { 1, 10, 5 }, { 3, 30, 5 }, { 5, 20, 5 } });

    [Fact]
    public void Standard_scaler_uses_training_mean_and_population_std()
    {
        var s = new StandardScaler();
        var z = s.FitTransform(Train);
        // column 0: μ = 3, σ = √(8/3); column 2 is constant: σ stored as 1, z = 0
        Assert.Equal([3.0, 20.0, 5.0], s.Mean.ToDoubleArray());
        Assert.Equal(Math.Sqrt(8.0 / 3), s.Std.ToDoubleArray()[0], 12);
        Assert.Equal(1.0, s.Std.ToDoubleArray()[2]);
        Assert.Equal(-2 / Math.Sqrt(8.0 / 3), z[0, 0], 12);
        Assert.Equal(0.0, z[1, 2]);
        // test data use the training statistics, not their own
        var test = s.Transform(Tensor.FromArray(new double[,] { { 3, 20, 6 } }));
        Assert.Equal([0.0, 0.0, 1.0], test.ToDoubleArray());
        Assert.Equal(Train.ToDoubleArray(), s.InverseTransform(z).ToDoubleArray().Select(v => Math.Round(v, 10)));
    }

    [Fact]
    public void Min_max_scaler_maps_training_range_to_0_1_or_minus1_1()
    {
        var s01 = new MinMaxScaler();
        var y = s01.FitTransform(Train);
        Assert.Equal([0.0, 0.0, 0.0, 0.5, 1.0, 0.0, 1.0, 0.5, 0.0], y.ToDoubleArray());
        var pm = new MinMaxScaler(-1, 1);
        Assert.Equal([-1.0, -1.0, -1.0, 0.0, 1.0, -1.0, 1.0, 0.0, -1.0], pm.FitTransform(Train).ToDoubleArray());
        Assert.Equal(Train.ToDoubleArray(), pm.InverseTransform(pm.Transform(Train)).ToDoubleArray());
    }

    [Fact]
    public void State_round_trips_into_a_fresh_scaler()
    {
        var s = new StandardScaler();
        s.Fit(Train);
        var restored = new StandardScaler();
        restored.LoadState(s.GetState());
        var x = Tensor.FromArray(new double[,] { { 7, -1, 2 } });
        Assert.Equal(s.Transform(x).ToDoubleArray(), restored.Transform(x).ToDoubleArray());

        var m = new MinMaxScaler(-1, 1);
        m.Fit(Train);
        var m2 = new MinMaxScaler(-1, 1);
        m2.LoadState(m.GetState());
        Assert.Equal(m.Transform(x).ToDoubleArray(), m2.Transform(x).ToDoubleArray());
        Assert.Throws<ArgumentException>(() => new MinMaxScaler().LoadState(m.GetState()));
    }

    [Fact]
    public void Transform_before_fit_or_with_the_wrong_shape_is_refused()
    {
        Assert.Throws<InvalidOperationException>(() => new StandardScaler().Transform(Train));
        var s = new StandardScaler();
        s.Fit(Train);
        var e = Assert.Throws<ArgumentException>(() => s.Transform(Tensor.Zeros(new Shape(2, 4))));
        Assert.Contains("(4,)", e.Message);
    }

    [Fact]
    public void One_hot_encoder_fits_the_class_count_and_round_trips()
    {
        var enc = new OneHotEncoder();
        enc.Fit([0, 2, 1]);
        var y = enc.Transform([2, 0]);
        Assert.Equal([0f, 0f, 1f, 1f, 0f, 0f], y.ToFloatArray());
        Assert.Equal([2, 0], OneHotEncoder.InverseTransform(y));
        Assert.Throws<ArgumentException>(() => enc.Transform([3]));
        var other = new OneHotEncoder();
        other.LoadState(enc.GetState());
        Assert.Equal(3, other.ClassCount);
    }

    [Fact]
    public void Flatten_turns_images_into_vectors()
    {
        var x = Tensor.Arange(24).Reshape(2, 3, 4);
        var f = Preprocessing.Flatten(x);
        Assert.Equal(new Shape(2, 12), f.Shape);
        Assert.Equal(x.ToFloatArray(), f.ToFloatArray());
    }

    [Fact]
    public void Oversampling_equalizes_class_counts_with_original_examples()
    {
        var labels = new[] { 0, 0, 0, 0, 0, 1, 1, 2 };
        var d = new Dataset(Tensor.Arange(8).Reshape(8, 1), labels);
        var b = Preprocessing.OversampleClasses(d, new Generator(4));
        Assert.Equal([5, 5, 5], b.ClassCounts());
        for (int i = 0; i < b.Count; i++)
            Assert.Equal(labels[(int)b.Features[i, 0]], b.Labels[i]);   // every row is a copy of an original example
        Assert.Equal(b.Labels, Preprocessing.OversampleClasses(d, new Generator(4)).Labels);
    }
}
