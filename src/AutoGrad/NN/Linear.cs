using AutoGrad.NN.Init;

namespace AutoGrad.NN;

/// <summary>Dense (fully connected) layer <c>y = x·W + b</c> with <c>W</c> of shape (in, out), for a batch of rows.</summary>
/// <remarks>
/// The weight layout is <c>(in, out)</c>, as in Kinsley and Kukieła's "Neural Networks from Scratch in Python", not PyTorch's <c>(out, in)</c>. The default weight initializer
/// is Glorot uniform (Var = 2/(n_in + n_out), Glorot and Bengio 2010); the bias starts at zero. Accepts any leading batch axes.
/// </remarks>
public sealed class Linear : Module
{
    /// <summary>A layer from <paramref name="inFeatures"/> to <paramref name="outFeatures"/>, weights drawn by <paramref name="init"/> (Glorot uniform if null).</summary>
    public Linear(int inFeatures, int outFeatures, Generator generator, bool bias = true, Initializer? init = null, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (inFeatures <= 0 || outFeatures <= 0)
            throw new ArgumentException($"Linear: feature counts must be positive, got in {inFeatures}, out {outFeatures}.");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        RegisterParameter("weight", (init ?? Initializers.GlorotUniform)(new Shape(inFeatures, outFeatures), inFeatures, outFeatures, generator, dtype));
        if (bias) RegisterParameter("bias", Tensor.Zeros(new Shape(outFeatures), dtype));
        HasBias = bias;
    }

    /// <summary>Input width <c>n_in</c>.</summary>
    public int InFeatures { get; }

    /// <summary>Output width <c>n_out</c>.</summary>
    public int OutFeatures { get; }

    /// <summary>Whether the layer adds a bias <c>b</c>.</summary>
    public bool HasBias { get; }

    /// <summary>The weight matrix <c>W</c>, shape (in, out).</summary>
    public Tensor Weight => Parameter("weight");

    /// <summary>The bias <c>b</c>, shape (out); null when the layer has none.</summary>
    public Tensor? Bias => HasBias ? Parameter("bias") : null;

    /// <summary><c>y = x·W + b</c>.</summary>
    public override Tensor Forward(Tensor x)
    {
        if (x.Rank < 1 || x.Shape[-1] != InFeatures)
            throw new ArgumentException($"Linear: input shape {x.Shape} must end in {InFeatures} features.");
        if (HasBias && x.Rank >= 2) return LinearAlgebraOps.MatMul(x, Weight, false, false, Parameter("bias"));   // bias fused into the product
        var y = x.MatMul(Weight);
        return HasBias ? y + Parameter("bias") : y;
    }
}
