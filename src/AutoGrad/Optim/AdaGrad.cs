namespace AutoGrad.Optim;

/// <summary>AdaGrad <c>v ← v + g²</c>, <c>θ ← θ − η g/(√v + ε)</c> (Duchi et al. 2011).</summary>
/// <remarks>ε defaults to 1e-7 (the value in Kinsley and Kukieła, "Neural Networks from Scratch in Python"); v is the running sum of squared gradients.</remarks>
public sealed class AdaGrad : Optimizer
{
    /// <summary>AdaGrad with learning rate η, ε and coupled weight decay λ.</summary>
    public AdaGrad(IEnumerable<Tensor> parameters, double learningRate = 1.0, double epsilon = 1e-7, double weightDecay = 0)
        : base(parameters, learningRate, weightDecay) => Epsilon = epsilon;

    /// <summary>The ε added to <c>√v</c>.</summary>
    public double Epsilon { get; }

    private protected override (string Name, bool NonNegative)[] StateLayout => [("sum", true)];

    private protected override Tensor Update(int index, Tensor theta, Tensor g)
    {
        var v = State(index, "sum", theta) + g.Square();
        SetState(index, "sum", v);
        return theta - g * LearningRate / (v.Sqrt() + Epsilon);
    }
}
