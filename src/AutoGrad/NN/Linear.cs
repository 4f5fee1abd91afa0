using AutoGrad.Differentiation;
using AutoGrad.NN.Init;

namespace AutoGrad.NN;

/// <summary>Dense (fully connected) layer <c>y = x·Wᵀ + b</c> with <c>W</c> of shape (out, in), for a batch of rows.</summary>
/// <remarks>
/// The weight layout is PyTorch's <c>(out, in)</c> (also Nielsen's: row <c>j</c> holds the weights into unit <c>j</c>), so a PyTorch
/// state dict loads unchanged; the product reads <c>W</c> transposed in place (the GEMM's transposed-B path), with the bias fused.
/// The default weight initializer is Glorot uniform (Var = 2/(n_in + n_out), Glorot and Bengio 2010); the bias starts at zero.
/// The initializer is called with the shape (in, out), the fan-in <c>n_in</c> and fan-out <c>n_out</c>, and its result is stored
/// transposed: every element-wise initializer gives the same distribution either way, and a seeded model draws the same weights it
/// drew when the layout was (in, out). Accepts any leading batch axes.
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
        var drawn = (init ?? Initializers.GlorotUniform)(new Shape(inFeatures, outFeatures), inFeatures, outFeatures, generator, dtype);
        if (drawn.Shape != new Shape(inFeatures, outFeatures) || drawn.DType != dtype)
            throw new ArgumentException($"Linear: the initializer returned {drawn.DType.Name()} {drawn.Shape}, expected {dtype.Name()} ({inFeatures}, {outFeatures}).");
        Tensor weight;
        using (Recorder.NoGrad()) weight = drawn.Detach().Transpose(0, 1);   // a contiguous (out, in) copy
        RegisterParameter("weight", weight);
        if (bias) RegisterParameter("bias", Tensor.Zeros(new Shape(outFeatures), dtype));
        HasBias = bias;
    }

    /// <summary>Input width <c>n_in</c>.</summary>
    public int InFeatures { get; }

    /// <summary>Output width <c>n_out</c>.</summary>
    public int OutFeatures { get; }

    /// <summary>Whether the layer adds a bias <c>b</c>.</summary>
    public bool HasBias { get; }

    /// <summary>The weight matrix <c>W</c>, shape (out, in) as in PyTorch.</summary>
    public Tensor Weight => Parameter("weight");

    /// <summary>The bias <c>b</c>, shape (out); null when the layer has none.</summary>
    public Tensor? Bias => HasBias ? Parameter("bias") : null;

    /// <summary><c>y = x·Wᵀ + b</c>.</summary>
    public override Tensor Forward(Tensor x)
    {
        if (x.Rank < 1 || x.Shape[-1] != InFeatures)
            throw new ArgumentException($"Linear: input shape {x.Shape} must end in {InFeatures} features.");
        if (x.Rank == 1) return Forward(x.Unsqueeze(0)).Squeeze(0);
        // Wᵀ is read in place by the GEMM (transB), and the bias is fused into the product.
        return LinearAlgebraOps.MatMul(x, Weight, false, true, HasBias ? Parameter("bias") : null);
    }
}
