using AutoGrad;
using AutoGrad.Losses;
using AutoGrad.NN;
using AutoGrad.NN.Init;

namespace GradientLab;

/// <summary>The gradient norm ‖∂L/∂Wˡ‖ of each layer, first layer first, for one activation.</summary>
public sealed record LayerGradients(string Activation, double[] Norms)
{
    /// <summary>‖∂L/∂W¹‖ / ‖∂L/∂Wᴸ‖: how much smaller the first layer's gradient is than the last's.</summary>
    public double FirstToLast => Norms[0] / Norms[^1];
}

/// <summary>
/// Vanishing gradients (notes 001, 004: "with n hidden layers using sigmoid, n small derivatives are multiplied together"): one
/// backward pass through a deep stack of Linear layers, with sigmoid or ReLU between them, and the norm of each layer's weight
/// gradient read from <c>.Grad</c>.
/// </summary>
public static class GradientFlow
{
    /// <summary>Per-layer weight-gradient norms of a <paramref name="depth"/>-layer network of width <paramref name="width"/>.</summary>
    /// <param name="activation">"sigmoid" (Glorot-initialised, as recommended for it) or "relu" (He-initialised).</param>
    public static LayerGradients Measure(string activation, int depth = 10, int width = 32, int batch = 64, ulong seed = 11)
    {
        var gen = new Generator(seed);
        bool relu = activation == "relu";
        if (!relu && activation != "sigmoid") throw new ArgumentException($"GradientFlow: activation must be 'sigmoid' or 'relu', got '{activation}'.");
        Initializer init = relu ? Initializers.HeNormal : Initializers.GlorotNormal;
        var layers = new List<Linear>();
        var model = new Sequential();
        for (int l = 0; l < depth; l++)
        {
            var linear = new Linear(width, l == depth - 1 ? 1 : width, gen, init: init, dtype: DType.Float64);
            layers.Add(linear);
            model.Add(linear);
            if (l < depth - 1) model.Add(relu ? new Relu() : new Sigmoid());
        }
        var x = Tensor.Randn(new Shape(batch, width), gen, DType.Float64);
        var y = Tensor.Randn(new Shape(batch, 1), gen, DType.Float64);
        model.Forward(x).MseLoss(y).Backward();
        var norms = layers.Select(l => l.Weight.Grad!.Square().Sum().Sqrt().Item()).ToArray();
        return new LayerGradients(activation, norms);
    }
}
