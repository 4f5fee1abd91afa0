namespace AutoGrad.Optim;

/// <summary>
/// Stochastic gradient descent <c>θ ← θ − η_t g</c> with inverse-time decay <c>η_t = η₀/(1 + βt)</c>, optional momentum
/// (heavy ball by default) and Nesterov look-ahead.
/// </summary>
/// <remarks>
/// Nesterov uses the standard re-parametrisation (Sutskever et al.; PyTorch): <c>v ← γv + η g</c>, <c>θ ← θ − (γv + η g)</c>, which
/// equals Nesterov's look-ahead gradient <c>∇E(θ − γv)</c> without a second forward pass. <c>t</c> counts steps taken before this one.
/// </remarks>
public sealed class Sgd : Optimizer
{
    /// <summary>SGD with learning rate η₀, momentum γ ∈ [0, 1), decay β, and coupled weight decay λ.</summary>
    public Sgd(IEnumerable<Tensor> parameters, double learningRate, double momentum = 0, bool nesterov = false, double decay = 0,
        double weightDecay = 0, MomentumStyle style = MomentumStyle.HeavyBall)
        : base(parameters, learningRate, weightDecay)
    {
        if (!(momentum >= 0 && momentum < 1)) throw new ArgumentOutOfRangeException(nameof(momentum), $"Sgd: momentum must be in [0, 1), got {momentum}.");
        if (!(decay >= 0)) throw new ArgumentOutOfRangeException(nameof(decay), $"Sgd: decay must be ≥ 0, got {decay}.");
        if (nesterov && momentum == 0) throw new ArgumentException("Sgd: Nesterov needs a non-zero momentum.");
        Momentum = momentum;
        Nesterov = nesterov;
        Decay = decay;
        Style = style;
    }

    /// <summary>Momentum γ.</summary>
    public double Momentum { get; }

    /// <summary>Whether the Nesterov look-ahead is used.</summary>
    public bool Nesterov { get; }

    /// <summary>Inverse-time decay rate β.</summary>
    public double Decay { get; }

    /// <summary>The momentum parametrisation.</summary>
    public MomentumStyle Style { get; }

    /// <summary>The learning rate of the next step <c>η₀/(1 + βt)</c>.</summary>
    public double CurrentLearningRate => LearningRate / (1 + Decay * StepCount);

    private protected override (string Name, bool NonNegative)[] StateLayout => Momentum == 0 ? [] : [("momentum", false)];

    private protected override string Describe() => $"Sgd (momentum {Momentum.ToString(System.Globalization.CultureInfo.InvariantCulture)})";

    private protected override Tensor Update(int index, Tensor theta, Tensor g)
    {
        double lr = CurrentLearningRate;
        if (Momentum == 0)
        {
            // In place: the weight matrix is a step's largest buffer; θ − g·η as an expression made two copies of it.
            theta.SubtractScaledInPlace(g, lr);
            return theta;
        }
        var v = State(index, "momentum", theta);
        if (Style == MomentumStyle.Ewma)
        {
            v = v * Momentum + g * (1 - Momentum);
            SetState(index, "momentum", v);
            return theta - (Nesterov ? (v * Momentum + g * (1 - Momentum)) * lr : v * lr);
        }
        v = v * Momentum + g * lr;
        SetState(index, "momentum", v);
        return theta - (Nesterov ? v * Momentum + g * lr : v);
    }
}
