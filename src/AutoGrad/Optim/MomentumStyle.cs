namespace AutoGrad.Optim;

/// <summary>How SGD accumulates momentum (three parametrisations are in common use).</summary>
public enum MomentumStyle
{
    /// <summary>Heavy ball <c>v ← γv + ηg</c>, <c>θ ← θ − v</c> (Polyak 1964; equals the accumulator form <c>v ← γv + g</c>, <c>θ ← θ − ηv</c> up to where η sits).</summary>
    HeavyBall,

    /// <summary>Exponentially weighted average <c>v ← γv + (1 − γ)g</c>, <c>θ ← θ − ηv</c>.</summary>
    Ewma,
}
