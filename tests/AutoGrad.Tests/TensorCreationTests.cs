namespace AutoGrad.Tests;

public class TensorCreationTests
{
    [Fact]
    public void Zeros_Ones_Full_hold_their_value_shape_and_dtype()
    {
        var z = Tensor.Zeros(new Shape(2, 3));
        Assert.Equal(new Shape(2, 3), z.Shape);
        Assert.Equal(DType.Float32, z.DType);
        Assert.Equal(new double[6], z.ToDoubleArray());
        Assert.Equal(Enumerable.Repeat(1.0, 4), Tensor.Ones(new Shape(4), DType.Float64).ToDoubleArray());
        var f = Tensor.Full(new Shape(2, 2), -2.5, DType.Float64);
        Assert.Equal(DType.Float64, f.DType);
        Assert.Equal([-2.5, -2.5, -2.5, -2.5], f.ToDoubleArray());
        Assert.Equal(new Shape(3), Tensor.ZerosLike(Tensor.Ones(new Shape(3))).Shape);
        Assert.Equal([1.0, 1.0], Tensor.OnesLike(Tensor.Zeros(new Shape(2), DType.Float64)).ToDoubleArray());
        Assert.Equal(DType.Float64, Tensor.OnesLike(Tensor.Zeros(new Shape(2), DType.Float64)).DType);
    }

    [Fact]
    public void Scalar_is_rank_0_with_one_element()
    {
        var s = Tensor.Scalar(4.25, DType.Float64);
        Assert.Equal(0, s.Rank);
        Assert.Equal(1, s.Size);
        Assert.Equal(Shape.Scalar, s.Shape);
        Assert.Equal(4.25, s.Item());
        Assert.Equal(4.25, s[Array.Empty<int>()]);
        Assert.Equal(0, Tensor.Zeros(Shape.Scalar).Rank);
    }

    [Fact]
    public void Arange_and_Linspace_give_the_numpy_sequences()
    {
        Assert.Equal([0.0, 1, 2, 3, 4], Tensor.Arange(5).ToDoubleArray());
        Assert.Equal([1.0, 1.5, 2.0, 2.5], Tensor.Arange(1, 3, 0.5, DType.Float64).ToDoubleArray());
        Assert.Equal([3.0, 2, 1], Tensor.Arange(3, 0, -1).ToDoubleArray());
        Assert.Equal(0, Tensor.Arange(3, 0).Size);                                   // not Arange(n: 3, dtype: (DType)0)
        Assert.Equal([2.0, 3, 4], Tensor.Arange(2, 5).ToDoubleArray());
        Assert.Equal(DType.Float64, Tensor.Arange(2, 5, dtype: DType.Float64).DType);
        Assert.Contains("Arange", Assert.Throws<ArgumentException>(() => Tensor.Arange(0, 1, 0)).Message);
        Assert.Equal([0.0, 0.25, 0.5, 0.75, 1.0], Tensor.Linspace(0, 1, 5, DType.Float64).ToDoubleArray());
        Assert.Equal([2.0], Tensor.Linspace(2, 7, 1).ToDoubleArray());
        Assert.Equal(0, Tensor.Linspace(2, 7, 0).Size);
        Assert.Equal(0.3, Tensor.Linspace(0.1, 0.3, 3, DType.Float64).ToDoubleArray()[2]);   // the stop value exactly
        Assert.Contains("Linspace", Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Linspace(0, 1, -1)).Message);
    }

    [Fact]
    public void Eye_is_the_identity_square_or_rectangular()
    {
        Assert.Equal(new double[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } }, Tensor.Eye(3).ToArray2D());
        Assert.Equal(new double[,] { { 1, 0, 0 }, { 0, 1, 0 } }, Tensor.Eye(2, 3).ToArray2D());
        Assert.Equal(new double[,] { { 1, 0 }, { 0, 1 }, { 0, 0 } }, Tensor.Eye(3, 2, DType.Float64).ToArray2D());
    }

    [Fact]
    public void FromArray_copies_values_in_row_major_order()
    {
        var data = new float[] { 1, 2, 3, 4, 5, 6 };
        var x = Tensor.FromArray(data, 2, 3);
        data[0] = 100;                                           // a copy, not a view
        Assert.Equal(new Shape(2, 3), x.Shape);
        Assert.Equal(DType.Float32, x.DType);
        Assert.Equal(6.0, x[1, 2]);
        Assert.Equal(1.0, x[0, 0]);
        Assert.Equal(new Shape(3), Tensor.FromArray(new double[] { 1, 2, 3 }).Shape);
        Assert.Equal(DType.Float64, Tensor.FromArray(new double[] { 1 }).DType);
        var m = Tensor.FromArray(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        Assert.Equal([1.0, 2, 3, 4, 5, 6], m.ToDoubleArray());
        Assert.Equal(new Shape(2, 3), m.Shape);
        var mf = Tensor.FromArray(new float[,] { { 1.5f }, { 2.5f } });
        Assert.Equal(new Shape(2, 1), mf.Shape);
        Assert.Equal([1.5f, 2.5f], mf.ToFloatArray());
    }

    [Fact]
    public void FromArray_with_the_wrong_size_throws_naming_FromArray()
    {
        var ex = Assert.Throws<ArgumentException>(() => Tensor.FromArray(new double[] { 1, 2, 3, 4, 5 }, 2, 3));
        Assert.Contains("FromArray", ex.Message);
        Assert.Contains("5 values", ex.Message);
        Assert.Contains("(2, 3)", ex.Message);
    }

    [Fact]
    public void Random_factories_follow_the_generator_stream()
    {
        var u = Tensor.Uniform(new Shape(2, 2), new Generator(10), -1, 3, DType.Float64).ToDoubleArray();
        var g = new Generator(10);
        Assert.Equal(Enumerable.Range(0, 4).Select(_ => -1 + 4 * g.NextDouble()), u);
        var r = Tensor.Rand(new Shape(3), new Generator(11), DType.Float64).ToDoubleArray();
        g = new Generator(11);
        Assert.Equal(Enumerable.Range(0, 3).Select(_ => g.NextDouble()), r);
        var n = Tensor.Normal(new Shape(3), new Generator(12), 5, 2, DType.Float64).ToDoubleArray();
        g = new Generator(12);
        Assert.Equal(Enumerable.Range(0, 3).Select(_ => 5 + 2 * g.NextNormal()), n);
        var rn = Tensor.Randn(new Shape(3), new Generator(12), DType.Float64).ToDoubleArray();
        g = new Generator(12);
        Assert.Equal(Enumerable.Range(0, 3).Select(_ => g.NextNormal()), rn);
        Assert.Equal(new double[5], Tensor.Bernoulli(new Shape(5), 0, new Generator(1)).ToDoubleArray());
        Assert.Equal(Enumerable.Repeat(1.0, 5), Tensor.Bernoulli(new Shape(5), 1, new Generator(1)).ToDoubleArray());
        Assert.Contains("Bernoulli", Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Bernoulli(new Shape(1), 1.5, new Generator(1))).Message);
        Assert.Contains("Uniform", Assert.Throws<ArgumentException>(() => Tensor.Uniform(new Shape(1), new Generator(1), 2, 1)).Message);
        Assert.Contains("Normal", Assert.Throws<ArgumentException>(() => Tensor.Normal(new Shape(1), new Generator(1), 0, -1)).Message);
        // float32 samples are the float64 ones rounded
        var f = Tensor.Uniform(new Shape(2, 2), new Generator(10), -1, 3).ToFloatArray();
        Assert.Equal(u.Select(v => (float)v), f);
    }

    [Fact]
    public void Item_needs_exactly_one_element()
    {
        Assert.Equal(7.0, Tensor.Full(new Shape(1, 1), 7).Item());
        var ex = Assert.Throws<InvalidOperationException>(() => Tensor.Zeros(new Shape(2)).Item());
        Assert.Contains("Item", ex.Message);
        Assert.Contains("(2,)", ex.Message);
    }

    [Fact]
    public void Indexer_counts_negative_indices_from_the_end_and_checks_range()
    {
        var x = Tensor.Arange(6).Reshape(2, 3);
        Assert.Equal(5.0, x[-1, -1]);
        Assert.Equal(3.0, x[1, -3]);
        Assert.Equal(2.0, x[-2, 2]);
        var ex = Assert.Throws<IndexOutOfRangeException>(() => x[0, 3]);
        Assert.Contains("index 3 is out of range for axis 1 of size 3", ex.Message);
        Assert.Throws<IndexOutOfRangeException>(() => x[-3, 0]);
        var wrongCount = Assert.Throws<ArgumentException>(() => x[1]);
        Assert.Contains("1 indices given for shape (2, 3)", wrongCount.Message);
    }

    [Fact]
    public void ToArray2D_needs_a_matrix()
    {
        Assert.Equal(new double[,] { { 0, 1 }, { 2, 3 } }, Tensor.Arange(4).Reshape(2, 2).ToArray2D());
        Assert.Contains("ToArray2D", Assert.Throws<InvalidOperationException>(() => Tensor.Arange(4).ToArray2D()).Message);
    }

    [Fact]
    public void Dtype_conversion_round_trips()
    {
        var x32 = Tensor.FromArray(new float[] { 0.1f, -3.75f, 1e-8f, 123456.7f });
        var back = x32.To(DType.Float64).To(DType.Float32);
        Assert.Equal(DType.Float32, back.DType);
        Assert.Equal(x32.ToFloatArray(), back.ToFloatArray());             // float32 → float64 → float32 is exact
        var x64 = Tensor.FromArray(new[] { 0.1, 1.0 / 3 });
        var rounded = x64.To(DType.Float32);
        Assert.Equal([0.1f, 1f / 3], rounded.ToFloatArray());              // float64 → float32 rounds to nearest
        Assert.Same(x64, x64.To(DType.Float64));
    }

    [Fact]
    public void Float64_sums_keep_what_float32_accumulation_would_lose()
    {
        // 1 + 10⁴·1e-9: in float32 every 1e-9 vanishes against 1 (ulp ≈ 1.2e-7).
        var values = new double[10_001];
        values[0] = 1;
        for (int i = 1; i < values.Length; i++) values[i] = 1e-9;
        var x = Tensor.FromArray(values);
        Assert.Equal(1.00001, x.Sum().Item(), 14);
        Assert.Equal(1.00001, x.Reshape(10_001, 1).Sum(0).Item(), 14);     // the per-axis reduction path
        Assert.Equal(1.0f, (float)Tensor.FromArray(values.Select(v => (float)v).ToArray()).Sum().Item(), 3);
    }

    [Fact]
    public void ToArray_keeps_the_element_type()
    {
        var f = Tensor.FromArray(new float[] { 1.5f, -2f }).ToArray();
        var d = Tensor.FromArray(new double[] { 0.25, 3 }, 2, 1).ToArray();
        Assert.Equal(new float[] { 1.5f, -2f }, Assert.IsType<float[]>(f));
        Assert.Equal(new double[] { 0.25, 3 }, Assert.IsType<double[]>(d));
    }
}
