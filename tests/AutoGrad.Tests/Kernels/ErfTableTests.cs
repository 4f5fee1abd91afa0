using AutoGrad.Kernels;

namespace AutoGrad.Tests.Kernels;

/// <summary>
/// The tabled erf (Note [Erf by table] in src/AutoGrad.Kernels/SpecialFunctions.cs) against the series / continued-fraction
/// reference it is built from, on a dense grid across every piece, at piece boundaries and for tiny and huge arguments.
/// </summary>
public class ErfTableTests
{
    // Relative error in units of the reference's ulp.
    private static double Ulps(double got, double want) => got == want ? 0 : Math.Abs(got - want) / Math.Max(double.Epsilon, Math.BitIncrement(Math.Abs(want)) - Math.Abs(want));

    [Fact]
    public void Erf_matches_the_reference_within_24_ulps_on_a_dense_grid()
    {
        double worst = 0, at = 0;
        for (int i = -70_000; i <= 70_000; i++)
        {
            double x = i * 1e-4 + 3.1e-6;   // off the piece boundaries
            double u = Ulps(SpecialFunctions.Erf(x), SpecialFunctions.ErfReference(x));
            if (u > worst) (worst, at) = (u, x);
        }
        Assert.True(worst <= 24, $"worst {worst} ulps at x = {at}");
    }

    [Theory]
    [InlineData(0.25)]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(2.5)]
    [InlineData(6.25)]
    public void Erf_is_continuous_and_accurate_at_piece_boundaries(double b)
    {
        foreach (double x in new[] { Math.BitDecrement(b), b, Math.BitIncrement(b), -b })
            Assert.True(Ulps(SpecialFunctions.Erf(x), SpecialFunctions.ErfReference(x)) <= 24, $"x = {x:R}: {SpecialFunctions.Erf(x):R} vs {SpecialFunctions.ErfReference(x):R}");
    }

    [Fact]
    public void Erf_keeps_relative_accuracy_near_zero_and_saturates_far_out()
    {
        foreach (double x in new[] { 1e-300, -1e-300, 1e-12, -3e-9, 1e-5, 0.0 })
            Assert.Equal(2 / Math.Sqrt(Math.PI) * (x - x * x * x / 3), SpecialFunctions.Erf(x), Math.Abs(x) * 1e-15);   // erf x = (2/√π)(x − x³/3 + x⁵/10 − …)
        Assert.Equal(-0.0, SpecialFunctions.Erf(-0.0));
        Assert.True(double.IsNegative(SpecialFunctions.Erf(-0.0)));
        Assert.Equal(1.0, SpecialFunctions.Erf(6.5));
        Assert.Equal(-1.0, SpecialFunctions.Erf(double.NegativeInfinity));
        Assert.Equal(1.0, SpecialFunctions.Erf(1e300));
        Assert.True(double.IsNaN(SpecialFunctions.Erf(double.NaN)));
    }

    // 30-digit values from mpmath 1.3.0 (`mpmath.mp.dps = 30; mpmath.erf(x)`), rounded to double by the compiler.
    [Theory]
    [InlineData(0.1, 0.112462916018284898404712251014)]
    [InlineData(0.5, 0.520499877813046537682746653892)]
    [InlineData(1.0, 0.842700792949714869341220635083)]
    [InlineData(2.0, 0.995322265018952734162069256367)]
    [InlineData(2.4, 0.99931148610335492111445002519)]
    [InlineData(3.0, 0.99997790950300141455862722387)]
    public void Erf_and_its_reference_match_high_precision_values(double x, double erf)
    {
        Assert.True(Ulps(SpecialFunctions.Erf(x), erf) <= 16, $"table: {SpecialFunctions.Erf(x):R} vs {erf:R}");
        Assert.True(Ulps(SpecialFunctions.ErfReference(x), erf) <= 16, $"reference: {SpecialFunctions.ErfReference(x):R} vs {erf:R}");
        Assert.Equal(-SpecialFunctions.Erf(x), SpecialFunctions.Erf(-x));
    }

    [Fact]
    public void Float32_erf_is_the_float64_erf_rounded_within_an_ulp()
    {
        var x = new float[200_003];
        for (int i = 0; i < x.Length; i++) x[i] = (float)((i - 100_000) * 6e-5);   // −6 … 6, every vector lane and the tail
        x[0] = float.NaN;
        x[1] = float.PositiveInfinity;
        x[2] = -1e-30f;
        var y = new float[x.Length];
        SpecialFunctions.ErfSingle(x, y);
        Assert.True(float.IsNaN(y[0]));
        Assert.Equal(1f, y[1]);
        for (int i = 2; i < x.Length; i++)
        {
            float want = (float)SpecialFunctions.Erf(x[i]);
            Assert.True(want == y[i] || Math.Abs(y[i] - want) <= MathF.BitIncrement(Math.Abs(want)) - Math.Abs(want),
                $"x = {x[i]:R}: {y[i]:R} vs {want:R}");
        }
        var tail = new float[3];
        SpecialFunctions.ErfSingle(x.AsSpan(150_000, 3), tail);   // the scalar path gives what the lanes gave
        Assert.Equal(y.AsSpan(150_000, 3).ToArray(), tail);
    }
}
