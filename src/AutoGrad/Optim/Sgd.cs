namespace AutoGrad.Optim;

/// <summary>
/// Stochastic gradient descent <c>θ ← θ − η_t g</c> with inverse-time decay <c>η_t = η₀/(1 + βt)</c>, optional momentum
/// (heavy ball by default) and Nesterov look-ahead.
/// </summary>
/// <remarks>
/// Nesterov uses the standard re-parametrisation (Sutskever et al.; PyTorch): <c>v ← γv + η g</c>, <c>θ ← θ − (γv + η g)</c>, which
/// equals Nesterov's look-ahead gradient <c>∇E(θ − γv)</c> without a second forward pass. <c>t</c> counts steps taken before this one.
/// Parameter groups may set <see cref="ParameterGroup.Momentum"/>, <see cref="ParameterGroup.Nesterov"/> and <see cref="ParameterGroup.Decay"/>;
/// the momentum parametrisation (<see cref="Style"/>) is the optimizer's.
/// </remarks>
public sealed class Sgd : Optimizer
{
    /// <summary>SGD with learning rate η₀, momentum γ ∈ [0, 1), decay β, and coupled weight decay λ.</summary>
    public Sgd(IEnumerable<Tensor> parameters, double learningRate, double momentum = 0, bool nesterov = false, double decay = 0,
        double weightDecay = 0, MomentumStyle style = MomentumStyle.HeavyBall)
        : base(parameters, learningRate, weightDecay)
        => (Momentum, Nesterov, Decay, Style) = Configure(momentum, nesterov, decay, style);

    /// <summary>SGD over parameter groups; the other arguments are the defaults of groups that do not set their own (see <see cref="ParameterGroup"/>).</summary>
    public Sgd(IEnumerable<ParameterGroup> groups, double learningRate, double momentum = 0, bool nesterov = false, double decay = 0,
        double weightDecay = 0, MomentumStyle style = MomentumStyle.HeavyBall)
        : base(groups, learningRate, weightDecay, [nameof(ParameterGroup.Momentum), nameof(ParameterGroup.Nesterov), nameof(ParameterGroup.Decay)])
        => (Momentum, Nesterov, Decay, Style) = Configure(momentum, nesterov, decay, style);

    private (double, bool, double, MomentumStyle) Configure(double momentum, bool nesterov, double decay, MomentumStyle style)
    {
        Check(momentum, nesterov, decay, "");
        ResolveGroups(g => g.With(momentum: momentum, nesterov: nesterov, decay: decay));
        for (int g = 0; g < ParamGroups.Count; g++)
            Check(ParamGroups[g].Momentum!.Value, ParamGroups[g].Nesterov!.Value, ParamGroups[g].Decay!.Value, InGroup(g));
        return (momentum, nesterov, decay, style);
    }

    private static void Check(double momentum, bool nesterov, double decay, string where)
    {
        if (!(momentum >= 0 && momentum < 1)) throw new ArgumentOutOfRangeException(nameof(momentum), $"Sgd: momentum must be in [0, 1), got {momentum}{where}.");
        if (!(decay >= 0)) throw new ArgumentOutOfRangeException(nameof(decay), $"Sgd: decay must be ≥ 0, got {decay}{where}.");
        if (nesterov && momentum == 0) throw new ArgumentException($"Sgd: Nesterov needs a non-zero momentum{where}.");
    }

    /// <summary>Momentum γ (the default of the groups).</summary>
    public double Momentum { get; }

    /// <summary>Whether the Nesterov look-ahead is used (the default of the groups).</summary>
    public bool Nesterov { get; }

    /// <summary>Inverse-time decay rate β (the default of the groups).</summary>
    public double Decay { get; }

    /// <summary>The momentum parametrisation.</summary>
    public MomentumStyle Style { get; }

    /// <summary>The default learning rate of the next step <c>η₀/(1 + βt)</c>.</summary>
    public double CurrentLearningRate => LearningRate / (1 + Decay * StepCount);

    private protected override (string Name, bool NonNegative)[] StateLayout(ParameterGroup group) => group.Momentum == 0 ? [] : [("momentum", false)];

    private protected override string Describe(ParameterGroup group) => $"Sgd (momentum {group.Momentum!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)})";

    private protected override Tensor Update(int index, ParameterGroup group, Tensor theta, Tensor g)
    {
        double momentum = group.Momentum!.Value;
        bool nesterov = group.Nesterov!.Value;
        double lr = group.LearningRate!.Value / (1 + group.Decay!.Value * StepCount);
        if (momentum == 0)
        {
            // In place: the weight matrix is a step's largest buffer; θ − g·η as an expression made two copies of it.
            theta.SubtractScaledInPlace(g, lr);
            return theta;
        }
        var v = State(index, "momentum", theta);
        if (Style == MomentumStyle.Ewma)
        {
            v = v * momentum + g * (1 - momentum);
            SetState(index, "momentum", v);
            return theta - (nesterov ? (v * momentum + g * (1 - momentum)) * lr : v * lr);
        }
        v = v * momentum + g * lr;
        SetState(index, "momentum", v);
        return theta - (nesterov ? v * momentum + g * lr : v);
    }
}
