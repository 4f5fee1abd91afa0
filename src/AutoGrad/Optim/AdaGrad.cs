namespace AutoGrad.Optim;

/// <summary>AdaGrad <c>v ← v + g²</c>, <c>θ ← θ − η g/(√v + ε)</c> (Duchi et al. 2011).</summary>
/// <remarks>ε defaults to 1e-7 (the value in Kinsley and Kukieła, "Neural Networks from Scratch in Python"); v is the running sum of squared gradients.</remarks>
public sealed class AdaGrad : Optimizer
{
    /// <summary>AdaGrad with learning rate η, ε and coupled weight decay λ.</summary>
    public AdaGrad(IEnumerable<Tensor> parameters, double learningRate = 1.0, double epsilon = 1e-7, double weightDecay = 0)
        : base(parameters, learningRate, weightDecay) => Epsilon = Configure(epsilon);

    /// <summary>AdaGrad over parameter groups (which may set <see cref="ParameterGroup.Epsilon"/>); the other arguments are the groups' defaults.</summary>
    public AdaGrad(IEnumerable<ParameterGroup> groups, double learningRate = 1.0, double epsilon = 1e-7, double weightDecay = 0)
        : base(groups, learningRate, weightDecay, [nameof(ParameterGroup.Epsilon)]) => Epsilon = Configure(epsilon);

    private double Configure(double epsilon)
    {
        ResolveGroups(g => g.With(epsilon: epsilon));
        return epsilon;
    }

    /// <summary>The ε added to <c>√v</c> (the default of the groups).</summary>
    public double Epsilon { get; }

    private protected override (string Name, bool NonNegative)[] StateLayout(ParameterGroup group) => [("sum", true)];

    private protected override Tensor Update(int index, ParameterGroup group, Tensor theta, Tensor g)
    {
        var v = State(index, "sum", theta) + g.Square();
        SetState(index, "sum", v);
        return theta - g * group.LearningRate!.Value / (v.Sqrt() + group.Epsilon!.Value);
    }
}
