namespace AutoGrad.Optim;

/// <summary>
/// Adam (Kingma and Ba 2015): <c>m ← β₁m + (1 − β₁)g</c>, <c>s ← β₂s + (1 − β₂)g²</c>, <c>m̂ = m/(1 − β₁ᵗ)</c>, <c>ŝ = s/(1 − β₂ᵗ)</c>,
/// <c>θ ← θ − η m̂/(√ŝ + ε)</c>.
/// </summary>
/// <remarks>
/// Bias correction uses <c>1 − βᵗ</c> (as in Kingma and Ba 2015; some course notes print <c>(1 − β)ᵗ</c>, which is wrong).
/// <c>weightDecay</c> is coupled L2 (<c>g + λθ</c>); <c>decoupledWeightDecay</c> is AdamW's <c>θ ← θ − ηλθ</c> applied before the step.
/// Parameter groups may set <see cref="ParameterGroup.Beta1"/>, <see cref="ParameterGroup.Beta2"/>, <see cref="ParameterGroup.Epsilon"/> and
/// <see cref="ParameterGroup.DecoupledWeightDecay"/> (for <see cref="AdamW"/>, <see cref="ParameterGroup.WeightDecay"/> is the decoupled decay).
/// </remarks>
public class Adam : Optimizer
{
    /// <summary>Adam with learning rate η, β₁, β₂, ε, coupled weight decay and decoupled weight decay.</summary>
    public Adam(IEnumerable<Tensor> parameters, double learningRate = 0.001, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8,
        double weightDecay = 0, double decoupledWeightDecay = 0)
        : base(parameters, learningRate, weightDecay)
        => (Beta1, Beta2, Epsilon, DecoupledWeightDecay) = Configure(beta1, beta2, epsilon, decoupledWeightDecay);

    /// <summary>Adam over parameter groups; the other arguments are the defaults of groups that do not set their own (see <see cref="ParameterGroup"/>).</summary>
    public Adam(IEnumerable<ParameterGroup> groups, double learningRate = 0.001, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8,
        double weightDecay = 0, double decoupledWeightDecay = 0)
        : this(groups, learningRate, beta1, beta2, epsilon, weightDecay, decoupledWeightDecay, [nameof(ParameterGroup.DecoupledWeightDecay)], plain: false)
    {
    }

    private protected Adam(IEnumerable<ParameterGroup> groups, double learningRate, double beta1, double beta2, double epsilon,
        double weightDecay, double decoupledWeightDecay, string[] extra, bool plain)
        : base(groups, learningRate, weightDecay, [nameof(ParameterGroup.Beta1), nameof(ParameterGroup.Beta2), nameof(ParameterGroup.Epsilon), .. extra], plain)
        => (Beta1, Beta2, Epsilon, DecoupledWeightDecay) = Configure(beta1, beta2, epsilon, decoupledWeightDecay);

    private (double, double, double, double) Configure(double beta1, double beta2, double epsilon, double decoupledWeightDecay)
    {
        Check(beta1, beta2, decoupledWeightDecay, "");
        ResolveGroups(g => g.With(beta1: beta1, beta2: beta2, epsilon: epsilon, decoupledWeightDecay: WeightDecayIsDecoupled ? null : decoupledWeightDecay));
        for (int g = 0; g < ParamGroups.Count; g++)
            Check(ParamGroups[g].Beta1!.Value, ParamGroups[g].Beta2!.Value, ParamGroups[g].DecoupledWeightDecay ?? 0, InGroup(g));
        return (beta1, beta2, epsilon, decoupledWeightDecay);
    }

    private void Check(double beta1, double beta2, double decoupledWeightDecay, string where)
    {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1))
            throw new ArgumentOutOfRangeException(nameof(beta1), $"{GetType().Name}: betas must be in [0, 1), got ({beta1}, {beta2}){where}.");
        if (!(decoupledWeightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(decoupledWeightDecay), $"{GetType().Name}: decoupled weight decay must be ≥ 0{where}.");
    }

    /// <summary>First-moment decay β₁.</summary>
    public double Beta1 { get; }

    /// <summary>Second-moment decay β₂.</summary>
    public double Beta2 { get; }

    /// <summary>The ε added to <c>√ŝ</c>.</summary>
    public double Epsilon { get; }

    /// <summary>AdamW's decoupled decay λ: <c>θ ← θ − ηλθ</c> each step (the default of the groups).</summary>
    public double DecoupledWeightDecay { get; }

    private protected override (string Name, bool NonNegative)[] StateLayout(ParameterGroup group) => [("exp_avg", false), ("exp_avg_sq", true)];

    private protected override Tensor Update(int index, ParameterGroup group, Tensor theta, Tensor g)
    {
        double decoupled = WeightDecayIsDecoupled ? group.WeightDecay!.Value : group.DecoupledWeightDecay!.Value;
        // One fused in-place pass over θ, m and s, rounding as the expression
        // θ·(1 − ηλ) − (m/(1 − β₁ᵗ))·η/(√(s/(1 − β₂ᵗ)) + ε) did with its nine full-size temporaries.
        theta.AdamInPlace(g, State(index, "exp_avg", theta), State(index, "exp_avg_sq", theta), group.Beta1!.Value, group.Beta2!.Value, StepCount + 1,
            group.LearningRate!.Value, group.Epsilon!.Value, decoupled);
        return theta;
    }
}

/// <summary>AdamW (Loshchilov and Hutter): Adam with decoupled weight decay <c>θ ← θ − ηλθ</c> (λ = 0.01 by default) instead of L2 in the gradient.</summary>
/// <remarks>A parameter group's <see cref="ParameterGroup.WeightDecay"/> is its decoupled λ (as PyTorch's AdamW <c>weight_decay</c>).</remarks>
public sealed class AdamW : Adam
{
    /// <summary>AdamW with learning rate η, β₁, β₂, ε and decoupled weight decay λ.</summary>
    public AdamW(IEnumerable<Tensor> parameters, double learningRate = 0.001, double beta1 = 0.9, double beta2 = 0.999,
        double epsilon = 1e-8, double weightDecay = 0.01)
        : base(new[] { new ParameterGroup(parameters ?? throw new ArgumentNullException(nameof(parameters))) }, learningRate, beta1, beta2, epsilon, weightDecay, weightDecay, [], plain: true)
    {
    }

    /// <summary>AdamW over parameter groups; the other arguments are the defaults of groups that do not set their own (see <see cref="ParameterGroup"/>).</summary>
    public AdamW(IEnumerable<ParameterGroup> groups, double learningRate = 0.001, double beta1 = 0.9, double beta2 = 0.999,
        double epsilon = 1e-8, double weightDecay = 0.01)
        : base(groups, learningRate, beta1, beta2, epsilon, weightDecay, weightDecay, [], plain: false)
    {
    }

    private protected override bool WeightDecayIsDecoupled => true;
}
