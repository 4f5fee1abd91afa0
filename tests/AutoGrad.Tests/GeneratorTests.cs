namespace AutoGrad.Tests;

public class GeneratorTests
{
    [Fact]
    public void Seed_42_gives_the_pinned_stream_on_every_machine()
    {
        // Obtained once from an independent Python implementation of SplitMix64 + xoshiro256**; must never change.
        var g = new Generator(42);
        Assert.Equal(0.08386297105988216, g.NextDouble());
        Assert.Equal(0.3789802506626686, g.NextDouble());
        Assert.Equal(0.6800434110281394, g.NextDouble());
    }

    [Fact]
    public void Same_seed_gives_the_same_numbers_and_different_seeds_differ()
    {
        var a = new Generator(123);
        var b = new Generator(123);
        var c = new Generator(124);
        var xa = Enumerable.Range(0, 100).Select(_ => a.NextUInt64()).ToArray();
        Assert.Equal(xa, Enumerable.Range(0, 100).Select(_ => b.NextUInt64()).ToArray());
        Assert.NotEqual(xa, Enumerable.Range(0, 100).Select(_ => c.NextUInt64()).ToArray());
    }

    [Fact]
    public void NextDouble_is_in_the_unit_interval_with_mean_one_half()
    {
        var g = new Generator(1);
        var v = Enumerable.Range(0, 100_000).Select(_ => g.NextDouble()).ToArray();
        Assert.All(v, x => Assert.InRange(x, 0.0, 1.0 - double.Epsilon));
        Assert.InRange(v.Average(), 0.497, 0.503);   // σ of the mean ≈ 0.0009
    }

    [Fact]
    public void Normal_samples_have_mean_0_and_std_1()
    {
        var g = new Generator(2);
        var v = Enumerable.Range(0, 100_000).Select(_ => g.NextNormal()).ToArray();
        double mean = v.Average();
        double std = Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / v.Length);
        Assert.InRange(mean, -0.015, 0.015);   // σ of the mean ≈ 0.0032
        Assert.InRange(std, 0.99, 1.01);       // σ of the std ≈ 0.0022
        Assert.InRange(v.Count(x => Math.Abs(x) < 1) / (double)v.Length, 0.678, 0.688);   // 68.27 %
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void Bernoulli_frequency_is_near_p(double p)
    {
        var t = Tensor.Bernoulli(new Shape(100_000), p, new Generator(3), DType.Float64);
        var v = t.ToDoubleArray();
        Assert.All(v, x => Assert.True(x == 0 || x == 1));
        Assert.InRange(v.Average(), p - 0.006, p + 0.006);   // σ ≤ 0.0016
    }

    // Tensor.Bernoulli fills through Generator.FillBernoulli (state in locals): the same draws, values and final state as
    // the loop over NextDouble it replaced, so dropout masks are unchanged.
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Bernoulli_equals_the_NextDouble_loop_draw_for_draw_and_leaves_the_same_state(DType dt)
    {
        var g = new Generator(11);
        var reference = new Generator(11);
        g.NextNormal();
        reference.NextNormal();   // a cached spare normal is left alone by both
        var t = Tensor.Bernoulli(new Shape(1037), 0.9, g, dt).ToDoubleArray();
        var expected = Enumerable.Range(0, 1037).Select(_ => reference.NextDouble() < 0.9 ? 1.0 : 0.0).ToArray();
        Assert.Equal(expected, t);
        Assert.Equal(reference.NextUInt64(), g.NextUInt64());
        Assert.Equal(reference.NextNormal(), g.NextNormal());
    }

    // Dropout writes its mask's kept value 1/(1 − p) in the draw itself (Generator.FillBernoulli with a value): the same mask,
    // bit for bit, as the Bernoulli tensor times 1/(1 − p) it replaced, and the generator left in the same state.
    [Theory]
    [InlineData(DType.Float32, 0.1)]
    [InlineData(DType.Float64, 0.1)]
    [InlineData(DType.Float32, 0.3)]
    [InlineData(DType.Float64, 0.7)]
    public void Dropout_mask_equals_Bernoulli_times_the_scale_and_leaves_the_same_state(DType dt, double p)
    {
        var (g, reference) = (new Generator(13), new Generator(13));
        var x = Tensor.Uniform(new Shape(7, 151), new Generator(1), -2, 2, dt);
        var (y, mask) = AutoGrad.NN.F.DropoutWithMask(x, p, true, g);
        var expected = Tensor.Bernoulli(x.Shape, 1 - p, reference, dt) * (1 / (1 - p));
        Assert.Equal(expected.ToDoubleArray(), mask!.ToDoubleArray());
        Assert.Equal((x * expected).ToDoubleArray(), y.ToDoubleArray());
        Assert.Contains(0.0, mask.ToDoubleArray());
        Assert.Equal(reference.NextUInt64(), g.NextUInt64());
    }

    // Tensor.Normal fills through Generator.FillNormal (state in locals): the same values as mean + std·NextNormal() element
    // by element, with the spare of each Box–Muller pair taken first and left cached exactly as the loop leaves it, so every
    // seeded initialisation and noise draw is unchanged.
    [Theory]
    [InlineData(DType.Float32, 0)]
    [InlineData(DType.Float64, 0)]
    [InlineData(DType.Float32, 1)]
    [InlineData(DType.Float64, 1)]
    public void Normal_equals_the_NextNormal_loop_draw_for_draw_and_leaves_the_same_state(DType dt, int startsWithSpare)
    {
        var g = new Generator(12);
        var reference = new Generator(12);
        if (startsWithSpare == 1) { g.NextNormal(); reference.NextNormal(); }
        foreach (int n in new[] { 1037, 1, 2, 0, 8 })   // odd and even lengths, so both the cached spare and a fresh pair start a fill
        {
            var t = Tensor.Normal(new Shape(n), g, 0.5, 3, dt).ToDoubleArray();
            var expected = Enumerable.Range(0, n).Select(_ => 0.5 + 3 * reference.NextNormal()).Select(v => dt == DType.Float32 ? (double)(float)v : v).ToArray();
            Assert.Equal(expected, t);
        }
        Assert.Equal(reference.NextNormal(), g.NextNormal());
        Assert.Equal(reference.NextUInt64(), g.NextUInt64());
    }

    [Fact]
    public void NextInt_covers_the_range_uniformly_and_rejects_bad_bounds()
    {
        var g = new Generator(4);
        var counts = new int[6];
        for (int i = 0; i < 60_000; i++) counts[g.NextInt(6)]++;
        Assert.All(counts, c => Assert.InRange(c, 9_600, 10_400));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => g.NextInt(0));
        Assert.Contains("NextInt", ex.Message);
    }

    [Fact]
    public void Shuffle_is_a_permutation_and_depends_on_the_seed()
    {
        var a = Enumerable.Range(0, 50).ToArray();
        new Generator(5).Shuffle<int>(a);
        Assert.Equal(Enumerable.Range(0, 50), a.Order());
        Assert.NotEqual(Enumerable.Range(0, 50), a);
        var b = Enumerable.Range(0, 50).ToArray();
        new Generator(5).Shuffle<int>(b);
        Assert.Equal(a, b);
    }

    [Fact]
    public void GetState_and_SetState_resume_exactly_even_with_a_cached_normal()
    {
        var g = new Generator(6);
        g.NextNormal();                       // leaves the second Box–Muller value cached
        var state = g.GetState();
        var expected = new[] { g.NextNormal(), g.NextDouble(), g.NextNormal(), g.NextNormal() };
        var h = new Generator(999);
        h.SetState(state);
        Assert.Equal(expected, new[] { h.NextNormal(), h.NextDouble(), h.NextNormal(), h.NextNormal() });
        g.SetState(state);
        Assert.Equal(expected[0], g.NextNormal());
        var ex = Assert.Throws<ArgumentException>(() => g.SetState([1, 2, 3]));
        Assert.Contains("SetState", ex.Message);
    }

    [Fact]
    public void All_zero_generator_state_is_rejected_instead_of_making_Randn_loop_forever()
    {
        // xoshiro256** with all four words zero returns 0 forever, so NextNormal's "u1 > 0" loop never ended (issue 12).
        var g = new Generator(5);
        var before = g.GetState();
        var e = Assert.Throws<ArgumentException>(() => g.SetState([0, 0, 0, 0, 0, 0]));
        Assert.Contains("all zero", e.Message);
        Assert.Equal(before, g.GetState());   // unchanged
        Assert.Equal(new Generator(5).NextNormal(), g.NextNormal());
        Assert.Contains("not finite", Assert.Throws<ArgumentException>(() => g.SetState([1, 2, 3, 4, 1, BitConverter.DoubleToUInt64Bits(double.NaN)])).Message);
        g.SetState([0, 0, 0, 1, 0, 0]);   // one nonzero word is a valid state
        Assert.True(double.IsFinite(g.NextNormal()));
    }
}
