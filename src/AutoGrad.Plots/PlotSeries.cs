namespace AutoGrad.Plots;

/// <summary>One named line of a chart: points <c>(xᵢ, yᵢ)</c>.</summary>
/// <param name="Name">The legend label.</param>
/// <param name="X">The x values (e.g. epochs or steps).</param>
/// <param name="Y">The y values (e.g. losses), as many as <paramref name="X"/>.</param>
public sealed record PlotSeries(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y)
{
    /// <summary>A series with <c>xᵢ = i + 1</c> (epochs counted from 1).</summary>
    public PlotSeries(string name, IReadOnlyList<double> y) : this(name, Enumerable.Range(1, y.Count).Select(i => (double)i).ToArray(), y) { }

    /// <summary>
    /// The exponentially weighted moving average <c>vₜ = βvₜ₋₁ + (1 − β)yₜ</c>, <c>v₀ = 0</c>, divided by <c>1 − βᵗ</c> (bias
    /// correction, so early points are not pulled towards 0); non-finite points are skipped and keep their NaN.
    /// </summary>
    /// <param name="beta">The weight of the past, in [0, 1): 0 returns the series unchanged, 0.9 averages about the last 10 points.</param>
    /// <param name="name">The new legend label; default: the name with "(smoothed)".</param>
    public PlotSeries Smoothed(double beta = 0.9, string? name = null)
    {
        if (!(beta >= 0 && beta < 1)) throw new ArgumentOutOfRangeException(nameof(beta), beta, "PlotSeries.Smoothed: β must be in [0, 1).");
        var y = new double[Y.Count];
        double v = 0, correction = 1;
        for (int i = 0; i < y.Length; i++)
        {
            if (!double.IsFinite(Y[i])) { y[i] = double.NaN; continue; }
            v = beta * v + (1 - beta) * Y[i];
            correction *= beta;
            y[i] = v / (1 - correction);
        }
        return new PlotSeries(name ?? $"{Name} (smoothed)", X, y);
    }

    internal void Validate(string chart)
    {
        if (X.Count != Y.Count) throw new ArgumentException($"{chart}: series '{Name}' has {X.Count} x values but {Y.Count} y values.");
    }

    // The finite points only: a diverged loss (NaN, ∞) leaves a gap instead of breaking the axis limits.
    internal (double[] X, double[] Y) Finite()
    {
        var pairs = X.Zip(Y).Where(p => double.IsFinite(p.First) && double.IsFinite(p.Second)).ToArray();
        return (pairs.Select(p => p.First).ToArray(), pairs.Select(p => p.Second).ToArray());
    }
}
