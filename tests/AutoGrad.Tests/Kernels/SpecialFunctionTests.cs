using AutoGrad.Kernels;

namespace AutoGrad.Tests.Kernels;

// SpecialFunctions.Erf (Taylor steps from a table, Note [Erf by Taylor steps] in src/AutoGrad.Kernels/SpecialFunctions.cs) against
// the slow series and continued fraction that build its table (ErfReference), and against values computed to 40 digits.
public class SpecialFunctionTests
{
    private static double Ulp(double v) => Math.BitIncrement(Math.Abs(v)) - Math.Abs(v);

    [Fact]
    public void Erf_matches_the_series_reference_within_a_few_ulps_across_its_range()
    {
        var xs = new List<double> { 0, -0.0, 1e-300, 5e-324, 1e-8, -1e-8, 1.0 / 64, 6.5, -6.5, 6.49999999, 2.5, 2.4999999999 };
        for (int i = -7 * 4096; i <= 7 * 4096; i++) xs.Add(i / 4096.0 + 1e-5 * Math.Sin(i));   // every grid cell, off the grid points
        for (int k = 0; k <= 208; k++)
            foreach (double d in new[] { 0.0, 1e-12, -1e-12, 1.0 / 64, -1.0 / 64 + 1e-15 }) xs.Add(k / 32.0 + d);
        foreach (double x in xs)
        {
            double got = SpecialFunctions.Erf(x), want = SpecialFunctions.ErfReference(x);
            double ulps = Math.Abs(got - want) / Ulp(want == 0 ? double.Epsilon : want);
            Assert.True(ulps <= 6, $"erf({x:R}) = {got:R}, reference {want:R} ({ulps:0.#} ulps)");
            float gf = (float)got, wf = (float)want;
            Assert.True(gf == wf || Math.Abs(gf - wf) <= MathF.BitIncrement(Math.Abs(wf)) - Math.Abs(wf), $"float erf({x:R}): {gf:R} vs {wf:R}");
        }
    }

    [Theory]
    [InlineData(0.5, 0.5204998778130465)]
    [InlineData(1.0, 0.8427007929497149)]
    [InlineData(2.0, 0.9953222650189527)]
    [InlineData(3.0, 0.9999779095030014)]
    [InlineData(-1.0, -0.8427007929497149)]
    [InlineData(1.7, 0.9837904585907745)]      // these three from mpmath at 40 digits, rounded to double
    [InlineData(2.25, 0.9985372834133188)]
    [InlineData(2.4999999999, 0.9995930479823372)]
    public void Erf_matches_published_values(double x, double expected) =>
        Assert.True(Math.Abs(SpecialFunctions.Erf(x) - expected) <= 2 * Ulp(expected), $"erf({x}) = {SpecialFunctions.Erf(x):R}");

    [Fact]
    public void Erf_saturates_and_passes_nan_through()
    {
        Assert.Equal(1.0, SpecialFunctions.Erf(double.PositiveInfinity));
        Assert.Equal(-1.0, SpecialFunctions.Erf(double.NegativeInfinity));
        Assert.Equal(1.0, SpecialFunctions.Erf(7));
        Assert.Equal(-1.0, SpecialFunctions.Erf(-1e300));
        Assert.True(double.IsNaN(SpecialFunctions.Erf(double.NaN)));
        Assert.Equal(0.0, SpecialFunctions.Erf(0.0));
    }
}
