namespace AutoGrad.NN;

/// <summary>
/// Inverted dropout: in training <c>y = x ⊙ r/(1 − p)</c> with <c>rᵢ ~ Bernoulli(1 − p)</c>; in evaluation <c>y = x</c> (Srivastava et al. 2014).
/// </summary>
/// <remarks>
/// <c>p</c> is the drop probability, as in PyTorch (Srivastava et al. 2014 call the keep probability <c>p</c>). An element is
/// kept when a uniform draw is below the keep probability <c>1 − p</c> (not "≥", as some course notes print). The gradient is
/// <c>rᵢ/(1 − p)</c>.
/// </remarks>
public sealed class Dropout : Module
{
    private readonly Generator _generator;

    /// <summary>Dropout with drop probability <paramref name="p"/> ∈ [0, 1), masks drawn from <paramref name="generator"/>.</summary>
    public Dropout(double p, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (!(p >= 0 && p < 1)) throw new ArgumentOutOfRangeException(nameof(p), $"Dropout: p must be in [0, 1), got {p}.");
        P = p;
        _generator = generator;
    }

    /// <summary>The drop probability <c>p</c>.</summary>
    public double P { get; }

    /// <summary>
    /// The mask <c>r/(1 − p)</c> used by the last training-mode forward pass (null before one). A call under
    /// <see cref="Differentiation.Functional.Vmap(Func{Tensor, Tensor}, int, int)"/> draws one mask per example, as the loop
    /// over the batch would, and leaves this unchanged.
    /// </summary>
    public Tensor? LastMask { get; private set; }

    /// <summary><c>y = x ⊙ r/(1 − p)</c> in training, <c>y = x</c> in evaluation.</summary>
    public override Tensor Forward(Tensor x)
    {
        var (y, mask) = F.DropoutWithMask(x, P, Training, _generator);
        if (mask is not null) LastMask = mask;
        return y;
    }
}
