namespace AutoGrad.NN;

/// <summary>Module form of <see cref="MathOps.Relu"/>: <c>y = max(0, x)</c>.</summary>
public sealed class Relu : Module
{
    /// <summary><c>y = max(0, x)</c>.</summary>
    public override Tensor Forward(Tensor x) => x.Relu();
}

/// <summary>Module form of <see cref="Activations.LeakyRelu"/>: <c>y = x</c> for x &gt; 0, <c>αx</c> otherwise.</summary>
/// <param name="alpha">The negative slope <c>α</c>.</param>
public sealed class LeakyRelu(double alpha = 0.01) : Module
{
    /// <summary>The negative slope <c>α</c>.</summary>
    public double Alpha { get; } = alpha;

    /// <summary><c>y = x</c> for x &gt; 0, <c>αx</c> otherwise.</summary>
    public override Tensor Forward(Tensor x) => x.LeakyRelu(Alpha);
}

/// <summary>PReLU <c>y = x</c> for x &gt; 0, <c>αx</c> otherwise, with <c>α</c> learned (one shared value, or one per channel on axis 1).</summary>
public sealed class PRelu : Module
{
    /// <summary>A PReLU with <paramref name="numParameters"/> slopes (1 = shared) starting at <paramref name="init"/>.</summary>
    public PRelu(int numParameters = 1, double init = 0.25, DType dtype = DType.Float32)
    {
        if (numParameters <= 0) throw new ArgumentException($"PReLU: numParameters must be positive, got {numParameters}.");
        RegisterParameter("weight", Tensor.Full(new Shape(numParameters), init, dtype));
    }

    /// <summary>The learnable slopes <c>α</c>.</summary>
    public Tensor Weight => Parameter("weight");

    /// <summary><c>y = x</c> for x &gt; 0, <c>αx</c> otherwise; per-channel <c>α</c> applies along axis 1.</summary>
    public override Tensor Forward(Tensor x)
    {
        var a = Weight;
        if (a.Size > 1)
        {
            if (x.Rank < 2 || x.Shape[1] != a.Size)
                throw new ArgumentException($"PReLU: {a.Size} slopes need input axis 1 of that length, got shape {x.Shape}.");
            var dims = Enumerable.Repeat(1, x.Rank).ToArray();
            dims[1] = a.Size;
            a = a.Reshape(dims);
        }
        return x.PRelu(a);
    }
}

/// <summary>Module form of <see cref="Activations.Elu"/>: <c>y = x</c> for x &gt; 0, <c>α(eˣ − 1)</c> otherwise.</summary>
/// <param name="alpha">The saturation value <c>α</c>.</param>
public sealed class Elu(double alpha = 1.0) : Module
{
    /// <summary><c>y = x</c> for x &gt; 0, <c>α(eˣ − 1)</c> otherwise.</summary>
    public override Tensor Forward(Tensor x) => x.Elu(alpha);
}

/// <summary>Module form of <see cref="Activations.Selu"/>: <c>y = λ·ELU(x, α)</c>.</summary>
public sealed class Selu : Module
{
    /// <summary><c>y = λ·ELU(x, α)</c>.</summary>
    public override Tensor Forward(Tensor x) => x.Selu();
}

/// <summary>Module form of <see cref="Activations.Gelu"/>: <c>y = x·Φ(x)</c>.</summary>
/// <param name="approximation">Exact (erf), sigmoid or tanh form.</param>
public sealed class Gelu(GeluApproximation approximation = GeluApproximation.None) : Module
{
    /// <summary><c>y = x·Φ(x)</c>.</summary>
    public override Tensor Forward(Tensor x) => x.Gelu(approximation);
}

/// <summary>Module form of <see cref="Activations.Silu"/>: <c>y = x·σ(x)</c>.</summary>
public sealed class Silu : Module
{
    /// <summary><c>y = x·σ(x)</c>.</summary>
    public override Tensor Forward(Tensor x) => x.Silu();
}

/// <summary>Swish <c>y = x·σ(βx)</c> with <c>β</c> fixed or learnable (Ramachandran et al. 2017).</summary>
public sealed class Swish : Module
{
    private readonly double _beta;

    /// <summary>A swish with <c>β</c> starting at <paramref name="beta"/>, learned when <paramref name="learnable"/>.</summary>
    public Swish(double beta = 1.0, bool learnable = false, DType dtype = DType.Float32)
    {
        _beta = beta;
        Learnable = learnable;
        if (learnable) RegisterParameter("beta", Tensor.Full(new Shape(1), beta, dtype));
    }

    /// <summary>Whether <c>β</c> is a parameter.</summary>
    public bool Learnable { get; }

    /// <summary><c>y = x·σ(βx)</c>.</summary>
    public override Tensor Forward(Tensor x) => Learnable ? x.Swish(Parameter("beta")) : x.Silu(_beta);
}

/// <summary>Module form of <see cref="Activations.Mish"/>: <c>y = x·tanh(softplus(x))</c>.</summary>
public sealed class Mish : Module
{
    /// <summary><c>y = x·tanh(softplus(x))</c>.</summary>
    public override Tensor Forward(Tensor x) => x.Mish();
}

/// <summary>Module form of <see cref="Activations.Softplus"/>: <c>y = (1/β)·ln(1 + e^{βx})</c>.</summary>
/// <param name="beta">The sharpness <c>β</c>.</param>
public sealed class Softplus(double beta = 1.0) : Module
{
    /// <summary><c>y = (1/β)·ln(1 + e^{βx})</c>.</summary>
    public override Tensor Forward(Tensor x) => x.Softplus(beta);
}

/// <summary>Module form of <see cref="Activations.Relu6"/>: <c>y = min(max(0, x), 6)</c>.</summary>
public sealed class Relu6 : Module
{
    /// <summary><c>y = min(max(0, x), 6)</c>.</summary>
    public override Tensor Forward(Tensor x) => x.Relu6();
}

/// <summary>Module form of <see cref="Activations.HardSwish"/>: <c>y = x·ReLU6(x + 3)/6</c>.</summary>
public sealed class HardSwish : Module
{
    /// <summary><c>y = x·ReLU6(x + 3)/6</c>.</summary>
    public override Tensor Forward(Tensor x) => x.HardSwish();
}

/// <summary>Module form of <see cref="Activations.Glu"/>: <c>y = a ⊙ σ(b)</c> for the halves of the input along an axis.</summary>
/// <param name="axis">The axis that is split in halves.</param>
public sealed class Glu(int axis = -1) : Module
{
    /// <summary><c>y = a ⊙ σ(b)</c>.</summary>
    public override Tensor Forward(Tensor x) => x.Glu(axis);
}

/// <summary>Module form of <see cref="MathOps.Tanh"/>: <c>y = tanh x</c>.</summary>
public sealed class Tanh : Module
{
    /// <summary><c>y = tanh x</c>.</summary>
    public override Tensor Forward(Tensor x) => x.Tanh();
}

/// <summary>Module form of <see cref="MathOps.Sigmoid"/>: <c>y = 1/(1 + e^{−x})</c>.</summary>
public sealed class Sigmoid : Module
{
    /// <summary><c>y = 1/(1 + e^{−x})</c>.</summary>
    public override Tensor Forward(Tensor x) => x.Sigmoid();
}

/// <summary>Module form of <see cref="ReductionOps.Softmax"/>: <c>yᵢ = eˣⁱ/Σⱼ eˣʲ</c> along an axis.</summary>
/// <param name="axis">The axis normalised over.</param>
public sealed class Softmax(int axis = -1) : Module
{
    /// <summary><c>yᵢ = eˣⁱ/Σⱼ eˣʲ</c>.</summary>
    public override Tensor Forward(Tensor x) => x.Softmax(axis);
}

/// <summary>Module form of <see cref="ReductionOps.LogSoftmax"/>: <c>y = x − logΣeˣ</c> along an axis.</summary>
/// <param name="axis">The axis normalised over.</param>
public sealed class LogSoftmax(int axis = -1) : Module
{
    /// <summary><c>y = x − logΣeˣ</c>.</summary>
    public override Tensor Forward(Tensor x) => x.LogSoftmax(axis);
}

/// <summary>The identity (linear activation) <c>y = x</c>.</summary>
public sealed class Identity : Module
{
    /// <summary><c>y = x</c>.</summary>
    public override Tensor Forward(Tensor x) => x;
}

/// <summary>The perceptron's step function <c>y = 1(x &gt; 0)</c>; it carries no gradient.</summary>
public sealed class Heaviside : Module
{
    /// <summary><c>y = 1(x &gt; 0)</c>.</summary>
    public override Tensor Forward(Tensor x) => x.Heaviside();
}
