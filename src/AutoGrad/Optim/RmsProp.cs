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
        => (Rho, Epsilon, EpsilonInsideSqrt) = Configure(rho, epsilon, epsilonInsideSqrt);

    /// <summary>RMSProp over parameter groups (which may set ρ, ε and its placement); the other arguments are the groups' defaults.</summary>
    public RmsProp(IEnumerable<ParameterGroup> groups, double learningRate = 0.001, double rho = 0.9, double epsilon = 1e-7,
        double weightDecay = 0, bool epsilonInsideSqrt = false)
        : base(groups, learningRate, weightDecay, [nameof(ParameterGroup.Rho), nameof(ParameterGroup.Epsilon), nameof(ParameterGroup.EpsilonInsideSqrt)])
        => (Rho, Epsilon, EpsilonInsideSqrt) = Configure(rho, epsilon, epsilonInsideSqrt);

    private (double, double, bool) Configure(double rho, double epsilon, bool epsilonInsideSqrt)
    {
        if (!(rho >= 0 && rho < 1)) throw new ArgumentOutOfRangeException(nameof(rho), $"RmsProp: rho must be in [0, 1), got {rho}.");
        ResolveGroups(g => g.With(rho: rho, epsilon: epsilon, epsilonInsideSqrt: epsilonInsideSqrt));
        for (int g = 0; g < ParamGroups.Count; g++)
            if (ParamGroups[g].Rho is not (>= 0 and < 1) and var r)
                throw new ArgumentOutOfRangeException(nameof(rho), $"RmsProp: rho must be in [0, 1), got {r}{InGroup(g)}.");
        return (rho, epsilon, epsilonInsideSqrt);
    }

    /// <summary>Cache decay ρ.</summary>
    public double Rho { get; }

    /// <summary>The ε of the denominator.</summary>
    public double Epsilon { get; }

    /// <summary>Whether ε goes inside the square root (<c>g/√(v + ε)</c>) instead of after it (<c>g/(√v + ε)</c>).</summary>
    public bool EpsilonInsideSqrt { get; }

    private protected override (string Name, bool NonNegative)[] StateLayout(ParameterGroup group) => [("square_avg", true)];

    private protected override Tensor Update(int index, ParameterGroup group, Tensor theta, Tensor g)
    {
        double rho = group.Rho!.Value, epsilon = group.Epsilon!.Value;
        var v = State(index, "square_avg", theta) * rho + g.Square() * (1 - rho);
        SetState(index, "square_avg", v);
        var denom = group.EpsilonInsideSqrt!.Value ? (v + epsilon).Sqrt() : v.Sqrt() + epsilon;
        return theta - g * group.LearningRate!.Value / denom;
    }
}
