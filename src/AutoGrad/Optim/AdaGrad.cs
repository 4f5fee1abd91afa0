namespace AutoGrad.Optim;

/// <summary>AdaGrad <c>v ← v + g²</c>, <c>θ ← θ − η g/(√v + ε)</c> (notes 000; Duchi et al. 2011).</summary>
/// <remarks>ε defaults to 1e-7 (the nnfs value behind notes 000, which give none); v is the running sum of squared gradients (catalog E9).</remarks>
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
