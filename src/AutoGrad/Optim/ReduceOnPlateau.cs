namespace AutoGrad.Optim;

/// <summary>
/// Multiplies the optimizer's learning rate by <c>factor</c> when a monitored loss has not improved (by a relative
/// <c>threshold</c>) for more than <c>patience</c> epochs, i.e. the rate is lowered as the loss begins to level out.
/// </summary>
/// <remarks>Each parameter group's rate is reduced the same way, <c>η_g ← max(η_g·factor, min)</c>, as is the optimizer's default rate.</remarks>
public sealed class ReduceOnPlateau
{
    private readonly Optimizer _optimizer;
    private int _bad;

    /// <summary>A plateau rule on <paramref name="optimizer"/>: η ← max(η·factor, min) after more than <paramref name="patience"/> epochs without improvement.</summary>
    public ReduceOnPlateau(Optimizer optimizer, double factor = 0.1, int patience = 10, double threshold = 1e-4, double minimum = 0)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (!(factor > 0 && factor < 1)) throw new ArgumentOutOfRangeException(nameof(factor), $"ReduceOnPlateau: factor must be in (0, 1), got {factor}.");
        if (patience < 0) throw new ArgumentOutOfRangeException(nameof(patience), $"ReduceOnPlateau: patience must be ≥ 0, got {patience}.");
        _optimizer = optimizer;
        Factor = factor;
        Patience = patience;
        Threshold = threshold;
        Minimum = minimum;
    }

    /// <summary>The factor applied at a plateau.</summary>
    public double Factor { get; }

    /// <summary>Epochs without improvement tolerated before reducing.</summary>
    public int Patience { get; }

    /// <summary>Relative improvement needed: a loss counts as better when <c>loss &lt; best·(1 − threshold)</c>.</summary>
    public double Threshold { get; }

    /// <summary>The lowest learning rate it will set.</summary>
    public double Minimum { get; }

    /// <summary>The best loss seen so far.</summary>
    public double Best { get; private set; } = double.PositiveInfinity;

    /// <summary>Records this epoch's <paramref name="loss"/>; returns true when it reduced the learning rate.</summary>
    public bool Step(double loss)
    {
        if (loss < Best * (1 - Threshold) || double.IsPositiveInfinity(Best)) { Best = loss; _bad = 0; return false; }
        if (++_bad <= Patience) return false;
        _bad = 0;
        var groups = _optimizer.ParamGroups;
        var rates = groups.Select(g => Math.Max(g.LearningRate!.Value * Factor, Minimum)).ToArray();
        _optimizer.LearningRate = Math.Max(_optimizer.LearningRate * Factor, Minimum);
        for (int g = 0; g < rates.Length; g++) groups[g].LearningRate = rates[g];
        return true;
    }
}
