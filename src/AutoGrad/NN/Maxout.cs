using AutoGrad.NN.Init;

namespace AutoGrad.NN;

/// <summary>Maxout unit <c>yⱼ = maxₖ (x·Wₖ + bₖ)ⱼ</c> over <c>k</c> affine pieces (for <c>k = 2</c>, <c>max(w₁ᵀx + b₁, w₂ᵀx + b₂)</c>; Goodfellow et al. 2013).</summary>
public sealed class Maxout : Module
{
    private readonly Linear _linear;

    /// <summary>A maxout layer from <paramref name="inFeatures"/> to <paramref name="outFeatures"/> with <paramref name="pieces"/> affine maps each.</summary>
    public Maxout(int inFeatures, int outFeatures, int pieces, Generator generator, Initializer? init = null, DType dtype = DType.Float32)
    {
        if (pieces <= 0) throw new ArgumentException($"Maxout: pieces must be positive, got {pieces}.");
        Pieces = pieces;
        _linear = RegisterModule("linear", new Linear(inFeatures, outFeatures * pieces, generator, true, init, dtype));
    }

    /// <summary>Number of affine pieces <c>k</c> per output.</summary>
    public int Pieces { get; }

    /// <summary><c>yⱼ = maxₖ (x·W + b)ⱼₖ</c>.</summary>
    public override Tensor Forward(Tensor x) => _linear.Forward(x).Maxout(Pieces);
}
