namespace AutoGrad.Optim;

/// <summary>How SGD accumulates momentum (the notes use three parametrisations, catalog §2.6).</summary>
public enum MomentumStyle
{
    /// <summary>Heavy ball <c>v ← γv + ηg</c>, <c>θ ← θ − v</c> (notes 000, 001, 003; equals 003's Σ-accumulator up to where η sits).</summary>
    HeavyBall,

    /// <summary>Exponentially weighted average <c>v ← γv + (1 − γ)g</c>, <c>θ ← θ − ηv</c> (notes 002).</summary>
    Ewma,
}
