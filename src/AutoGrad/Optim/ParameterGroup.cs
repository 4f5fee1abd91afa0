using System.Globalization;

namespace AutoGrad.Optim;

/// <summary>
/// A set of parameters with its own hyper-parameters (PyTorch's <c>param_groups</c>): an optimizer built over several groups
/// updates each group's parameters with that group's learning rate, weight decay, momentum, betas, ….
/// </summary>
/// <remarks>
/// <para>An option left null takes the value given to the optimizer's constructor (its default), so
/// <c>new AdamW([new ParameterGroup(weights), new ParameterGroup(biases) { WeightDecay = 0 }], learningRate: 3e-4, weightDecay: 0.01)</c>
/// decays only the weights. Setting an option the optimizer does not have (<see cref="Beta1"/> for <see cref="Sgd"/>) is an error.
/// <see cref="WeightDecay"/> means what the constructor's <c>weightDecay</c> means: coupled L2 for SGD, AdaGrad, RMSProp and Adam,
/// decoupled for AdamW.</para>
/// <para>The optimizer keeps its own copies (<see cref="Optimizer.ParamGroups"/>) with every option it uses filled in; the
/// <see cref="LearningRate"/> of those copies may be changed between steps (a schedule does so through <see cref="Optimizer.LearningRate"/>).
/// A tensor may belong to only one group.</para>
/// </remarks>
public sealed class ParameterGroup
{
    private double? _learningRate;

    /// <summary>A group of <paramref name="parameters"/>, optionally named (the name appears in error messages).</summary>
    public ParameterGroup(IEnumerable<Tensor> parameters, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters.ToList();
        if (Parameters.Any(p => p is null)) throw new ArgumentException($"ParameterGroup{(name is null ? "" : $" '{name}'")}: a parameter is null.", nameof(parameters));
        Name = name;
    }

    /// <summary>The parameters of the group, in order.</summary>
    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>An optional name, used in error messages.</summary>
    public string? Name { get; }

    /// <summary>The group's learning rate η; null for the optimizer's. Finite, in <c>[0, </c><see cref="Optimizer.MaxLearningRate"/><c>]</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is out of range, or null on a group held by an optimizer.</exception>
    public double? LearningRate
    {
        get => _learningRate;
        set
        {
            if (value is double v && Optimizer.LearningRateProblem(v) is { } bad) throw new ArgumentOutOfRangeException(nameof(value), $"ParameterGroup{Label}: {bad}.");
            if (value is null && IsResolved) throw new ArgumentOutOfRangeException(nameof(value), $"ParameterGroup{Label}: an optimizer's group needs a learning rate.");
            _learningRate = value;
        }
    }

    /// <summary>The learning rate the group had when the optimizer was built; schedules scale it (see <see cref="Optimizer.LearningRate"/>). Null on a group not held by an optimizer.</summary>
    public double? InitialLearningRate { get; private set; }

    /// <summary>Weight decay λ (coupled or decoupled as the optimizer's <c>weightDecay</c> argument); null for the optimizer's.</summary>
    public double? WeightDecay { get; init; }

    /// <summary>SGD's momentum γ; null for the optimizer's.</summary>
    public double? Momentum { get; init; }

    /// <summary>SGD's Nesterov look-ahead; null for the optimizer's.</summary>
    public bool? Nesterov { get; init; }

    /// <summary>SGD's inverse-time decay β; null for the optimizer's.</summary>
    public double? Decay { get; init; }

    /// <summary>Adam's β₁; null for the optimizer's.</summary>
    public double? Beta1 { get; init; }

    /// <summary>Adam's β₂; null for the optimizer's.</summary>
    public double? Beta2 { get; init; }

    /// <summary>The ε of Adam, AdaGrad and RMSProp; null for the optimizer's.</summary>
    public double? Epsilon { get; init; }

    /// <summary>Adam's decoupled weight decay (AdamW's is <see cref="WeightDecay"/>); null for the optimizer's.</summary>
    public double? DecoupledWeightDecay { get; init; }

    /// <summary>RMSProp's cache decay ρ; null for the optimizer's.</summary>
    public double? Rho { get; init; }

    /// <summary>RMSProp's ε placement (inside the square root); null for the optimizer's.</summary>
    public bool? EpsilonInsideSqrt { get; init; }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"ParameterGroup{Label}: {Parameters.Count} parameters, lr {(LearningRate is { } lr ? lr.ToString("G", CultureInfo.InvariantCulture) : "default")}");

    // True for the optimizer's own copy, whose options are all filled in.
    internal bool IsResolved { get; private init; }

    internal string Label => Name is null ? "" : $" '{Name}'";

    // The optimizer's copy, with learning rate and weight decay filled in from its defaults; the subclass then fills in its own options
    // through With (options it does not have were already rejected by the Optimizer constructor).
    internal ParameterGroup Resolve(double learningRate, double weightDecay)
    {
        var lr = LearningRate ?? learningRate;
        var r = new ParameterGroup(Parameters, Name)
        {
            IsResolved = true, InitialLearningRate = lr, WeightDecay = WeightDecay ?? weightDecay,
            Momentum = Momentum, Nesterov = Nesterov, Decay = Decay, Beta1 = Beta1, Beta2 = Beta2, Epsilon = Epsilon,
            DecoupledWeightDecay = DecoupledWeightDecay, Rho = Rho, EpsilonInsideSqrt = EpsilonInsideSqrt,
        };
        r._learningRate = lr;
        return r;
    }

    // A copy with the subclass's options filled in (the constructor defaults where the group left them null).
    internal ParameterGroup With(double? momentum = null, bool? nesterov = null, double? decay = null, double? beta1 = null, double? beta2 = null,
        double? epsilon = null, double? decoupledWeightDecay = null, double? rho = null, bool? epsilonInsideSqrt = null)
    {
        var r = new ParameterGroup(Parameters, Name)
        {
            IsResolved = IsResolved, InitialLearningRate = InitialLearningRate, WeightDecay = WeightDecay,
            Momentum = Momentum ?? momentum, Nesterov = Nesterov ?? nesterov, Decay = Decay ?? decay, Beta1 = Beta1 ?? beta1, Beta2 = Beta2 ?? beta2,
            Epsilon = Epsilon ?? epsilon, DecoupledWeightDecay = DecoupledWeightDecay ?? decoupledWeightDecay, Rho = Rho ?? rho,
            EpsilonInsideSqrt = EpsilonInsideSqrt ?? epsilonInsideSqrt,
        };
        r._learningRate = _learningRate;
        return r;
    }

    // The names of the options this group sets, for the optimizer's check of what it knows.
    internal IEnumerable<string> SetOptions()
    {
        if (Momentum is not null) yield return nameof(Momentum);
        if (Nesterov is not null) yield return nameof(Nesterov);
        if (Decay is not null) yield return nameof(Decay);
        if (Beta1 is not null) yield return nameof(Beta1);
        if (Beta2 is not null) yield return nameof(Beta2);
        if (Epsilon is not null) yield return nameof(Epsilon);
        if (DecoupledWeightDecay is not null) yield return nameof(DecoupledWeightDecay);
        if (Rho is not null) yield return nameof(Rho);
        if (EpsilonInsideSqrt is not null) yield return nameof(EpsilonInsideSqrt);
    }
}
