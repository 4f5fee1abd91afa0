namespace AutoGrad.Optim;

/// <summary>
/// Adam (Kingma and Ba 2015): <c>m ← β₁m + (1 − β₁)g</c>, <c>s ← β₂s + (1 − β₂)g²</c>, <c>m̂ = m/(1 − β₁ᵗ)</c>, <c>ŝ = s/(1 − β₂ᵗ)</c>,
/// <c>θ ← θ − η m̂/(√ŝ + ε)</c>.
/// </summary>
/// <remarks>
/// Bias correction uses <c>1 − βᵗ</c> (as in Kingma and Ba 2015; some course notes print <c>(1 − β)ᵗ</c>, which is wrong).
/// <c>weightDecay</c> is coupled L2 (<c>g + λθ</c>); <c>decoupledWeightDecay</c> is AdamW's <c>θ ← θ − ηλθ</c> applied before the step.
/// </remarks>
public class Adam : Optimizer
{
    /// <summary>Adam with learning rate η, β₁, β₂, ε, coupled weight decay and decoupled weight decay.</summary>
    public Adam(IEnumerable<Tensor> parameters, double learningRate = 0.001, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8,
        double weightDecay = 0, double decoupledWeightDecay = 0)
        : base(parameters, learningRate, weightDecay)
    {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1))
            throw new ArgumentOutOfRangeException(nameof(beta1), $"{GetType().Name}: betas must be in [0, 1), got ({beta1}, {beta2}).");
        if (!(decoupledWeightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(decoupledWeightDecay), $"{GetType().Name}: decoupled weight decay must be ≥ 0.");
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        DecoupledWeightDecay = decoupledWeightDecay;
    }

    /// <summary>First-moment decay β₁.</summary>
    public double Beta1 { get; }

    /// <summary>Second-moment decay β₂.</summary>
    public double Beta2 { get; }

    /// <summary>The ε added to <c>√ŝ</c>.</summary>
    public double Epsilon { get; }

    /// <summary>AdamW's decoupled decay λ: <c>θ ← θ − ηλθ</c> each step.</summary>
    public double DecoupledWeightDecay { get; }

    private protected override (string Name, bool NonNegative)[] StateLayout => [("exp_avg", false), ("exp_avg_sq", true)];

    private protected override Tensor Update(int index, Tensor theta, Tensor g)
    {
        // One fused in-place pass over θ, m and s, rounding as the expression
        // θ·(1 − ηλ) − (m/(1 − β₁ᵗ))·η/(√(s/(1 − β₂ᵗ)) + ε) did with its nine full-size temporaries.
        theta.AdamInPlace(g, State(index, "exp_avg", theta), State(index, "exp_avg_sq", theta), Beta1, Beta2, StepCount + 1,
            LearningRate, Epsilon, DecoupledWeightDecay);
        return theta;
    }
}

/// <summary>AdamW (Loshchilov and Hutter): Adam with decoupled weight decay <c>θ ← θ − ηλθ</c> (λ = 0.01 by default) instead of L2 in the gradient.</summary>
public sealed class AdamW(IEnumerable<Tensor> parameters, double learningRate = 0.001, double beta1 = 0.9, double beta2 = 0.999,
    double epsilon = 1e-8, double weightDecay = 0.01)
    : Adam(parameters, learningRate, beta1, beta2, epsilon, 0, weightDecay);
