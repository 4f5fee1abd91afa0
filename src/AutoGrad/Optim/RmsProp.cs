namespace AutoGrad.Optim;

/// <summary>RMSProp <c>v ← ρv + (1 − ρ)g²</c>, <c>θ ← θ − η g/(√v + ε)</c> (Tieleman and Hinton, Coursera lecture 6e, 2012).</summary>
/// <remarks>
/// Defaults ρ = 0.9, η = 0.001, ε = 1e-7. Some course notes print "the recommended default is ρ = 0.001", which is doubtful: that is the usual
/// learning rate, and ρ = 0.001 would forget the cache almost entirely. With <c>epsilonInsideSqrt</c> the update is
/// <c>η g/√(v + ε)</c>.
/// </remarks>
public sealed class RmsProp : Optimizer
{
    /// <summary>RMSProp with learning rate η, decay ρ, ε, coupled weight decay λ and the ε placement.</summary>
    public RmsProp(IEnumerable<Tensor> parameters, double learningRate = 0.001, double rho = 0.9, double epsilon = 1e-7,
        double weightDecay = 0, bool epsilonInsideSqrt = false)
        : base(parameters, learningRate, weightDecay)
    {
        if (!(rho >= 0 && rho < 1)) throw new ArgumentOutOfRangeException(nameof(rho), $"RmsProp: rho must be in [0, 1), got {rho}.");
        Rho = rho;
        Epsilon = epsilon;
        EpsilonInsideSqrt = epsilonInsideSqrt;
    }

    /// <summary>Cache decay ρ.</summary>
    public double Rho { get; }

    /// <summary>The ε of the denominator.</summary>
    public double Epsilon { get; }

    /// <summary>Whether ε goes inside the square root (<c>g/√(v + ε)</c>) instead of after it (<c>g/(√v + ε)</c>).</summary>
    public bool EpsilonInsideSqrt { get; }

    private protected override (string Name, bool NonNegative)[] StateLayout => [("square_avg", true)];

    private protected override Tensor Update(int index, Tensor theta, Tensor g)
    {
        var v = State(index, "square_avg", theta) * Rho + g.Square() * (1 - Rho);
        SetState(index, "square_avg", v);
        var denom = EpsilonInsideSqrt ? (v + Epsilon).Sqrt() : v.Sqrt() + Epsilon;
        return theta - g * LearningRate / denom;
    }
}
