namespace AutoGrad.NN;

/// <summary>
/// A stack of <c>numLayers</c> encoder layers as PyTorch's <c>nn.TransformerEncoder</c>: each a copy of the given layer (same
/// configuration and the same initial weights, as PyTorch's deep copies), named <c>layers.0</c>, <c>layers.1</c>, …, and an
/// optional final <c>norm</c>.
/// </summary>
public sealed class TransformerEncoder : Module
{
    private readonly TransformerEncoderLayer[] _layers;
    private readonly LayerNorm? _norm;

    /// <summary><paramref name="numLayers"/> copies of <paramref name="layer"/>, then <paramref name="norm"/> if given.</summary>
    public TransformerEncoder(TransformerEncoderLayer layer, int numLayers, LayerNorm? norm = null)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (numLayers <= 0) throw new ArgumentException($"TransformerEncoder: numLayers must be positive, got {numLayers}.");
        var state = layer.StateDict();
        var dtype = layer.Parameters()[0].DType;
        _layers = new TransformerEncoderLayer[numLayers];
        var stack = RegisterModule("layers", new LayerStack());
        for (int i = 0; i < numLayers; i++)
        {
            var copy = new TransformerEncoderLayer(layer.DModel, layer.NHead, layer.Generator, layer.DimFeedforward, layer.DropoutP, layer.Activation,
                layer.LayerNormEps, layer.BatchFirst, layer.NormFirst, dtype);
            copy.LoadStateDict(state);
            _layers[i] = stack.Add(i.ToString(System.Globalization.CultureInfo.InvariantCulture), copy);
        }
        if (norm is not null) _norm = RegisterModule("norm", norm);
    }

    /// <summary>The layers, in order.</summary>
    public IReadOnlyList<TransformerEncoderLayer> Layers => _layers;

    /// <summary>The stack without masks.</summary>
    public override Tensor Forward(Tensor x) => Forward(x, null, null);

    /// <summary>Every layer in turn with the same masks, then the final norm.</summary>
    public Tensor Forward(Tensor src, Tensor? mask, Tensor? srcKeyPaddingMask, bool isCausal = false)
    {
        var x = src;
        foreach (var layer in _layers) x = layer.Forward(x, mask, srcKeyPaddingMask, isCausal);
        return _norm is null ? x : _norm.Forward(x);
    }

    // Holds the layers as children "0", "1", … so their parameters are named layers.{i}.… as in PyTorch's ModuleList.
    private sealed class LayerStack : Module
    {
        public T Add<T>(string name, T module) where T : Module => RegisterModule(name, module);

        public override Tensor Forward(Tensor x) =>
            throw new InvalidOperationException("TransformerEncoder: its layer list is called through TransformerEncoder.Forward, not on its own.");
    }
}
