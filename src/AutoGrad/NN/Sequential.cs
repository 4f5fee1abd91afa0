namespace AutoGrad.NN;

/// <summary>A chain of modules <c>y = fₙ(…f₂(f₁(x)))</c>; children are named "0", "1", ….</summary>
public sealed class Sequential : Module
{
    private readonly List<Module> _layers = [];

    /// <summary>A chain of the given modules, applied in order.</summary>
    public Sequential(params Module[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        foreach (var l in layers) Add(l);
    }

    /// <summary>The modules of the chain.</summary>
    public IReadOnlyList<Module> Layers => _layers;

    /// <summary>The <paramref name="index"/>-th module.</summary>
    public Module this[int index] => _layers[index];

    /// <summary>Appends a module to the end of the chain; returns this chain.</summary>
    /// <exception cref="ArgumentException"><paramref name="layer"/> is a <see cref="MultiInputModule"/>, which has no one-tensor forward to chain.</exception>
    public Sequential Add(Module layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer is MultiInputModule)
            throw new ArgumentException($"Sequential: layer {_layers.Count} is a {layer.GetType().Name}, which has no one-tensor Forward(x) to chain; call it from a module's own Forward.", nameof(layer));
        _layers.Add(RegisterModule(_layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), layer));
        return this;
    }

    /// <summary>Applies the modules in order.</summary>
    public override Tensor Forward(Tensor x)
    {
        foreach (var l in _layers) x = l.Forward(x);
        return x;
    }
}
