using AutoGrad.NN;
using AutoGrad.Training;

namespace AutoGrad.Plots;

/// <summary>
/// A training callback that records what the epoch history does not: every batch's loss, and every
/// <see cref="GradientEvery"/> steps the gradient norm ‖∂L/∂θ‖₂ of each layer (its parameters together), for
/// <see cref="Charts.BatchCurve"/> and <see cref="Charts.GradientNorms"/>.
/// </summary>
/// <remarks>
/// Layers are the model's direct children (for a <see cref="Sequential"/>, its layers), named by index and type, e.g.
/// <c>0 Linear</c>; a model without children is one layer. Gradients are read after the optimizer step, when
/// <c>.Grad</c> still holds the step's gradient.
/// </remarks>
public sealed class TrainingRecorder : ITrainingCallback
{
    private readonly List<double> _losses = [];
    private readonly List<double> _gradientSteps = [];
    private readonly List<(string Layer, List<double> Norms)> _layers = [];
    private List<(int Layer, Tensor Parameter)>? _parameters;

    /// <summary>A recorder reading gradient norms every <paramref name="gradientEvery"/> steps (0: never).</summary>
    public TrainingRecorder(int gradientEvery = 10)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(gradientEvery);
        GradientEvery = gradientEvery;
    }

    /// <summary>Steps between two gradient-norm readings (0: none are read).</summary>
    public int GradientEvery { get; }

    /// <summary>The loss of every batch so far, in order (step <c>i + 1</c>).</summary>
    public IReadOnlyList<double> BatchLosses => _losses;

    /// <summary>The steps (counted from 1) at which gradient norms were read.</summary>
    public IReadOnlyList<double> GradientSteps => _gradientSteps;

    /// <summary>Per layer, the gradient norm at each of <see cref="GradientSteps"/> (NaN where the layer had no gradient).</summary>
    public IReadOnlyList<(string Layer, IReadOnlyList<double> Norms)> GradientNorms => _layers.Select(l => (l.Layer, (IReadOnlyList<double>)l.Norms)).ToList();

    /// <inheritdoc />
    public void OnTrainBegin(Trainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        if (_parameters is not null) return;   // a second Fit on the same trainer continues the record
        _parameters = [];
        var children = trainer.Model.Children();
        if (children.Count == 0)
        {
            _layers.Add((trainer.Model.GetType().Name, []));
            foreach (var p in trainer.Model.Parameters()) _parameters.Add((0, p));
            return;
        }
        foreach (var (name, module) in children)
        {
            var ps = module.Parameters();
            if (ps.Count == 0) continue;
            _layers.Add(($"{name} {module.GetType().Name}", []));
            foreach (var p in ps) _parameters.Add((_layers.Count - 1, p));
        }
    }

    /// <inheritdoc />
    public void OnBatchEnd(Trainer trainer, BatchRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        _losses.Add(record.Loss);
        if (GradientEvery == 0 || _parameters is null || _losses.Count % GradientEvery != 0) return;
        var sums = new double[_layers.Count];
        var seen = new bool[_layers.Count];
        foreach (var (layer, p) in _parameters)
        {
            if (p.Grad is not { } g) continue;
            seen[layer] = true;
            foreach (var v in g.ToDoubleArray()) sums[layer] += v * v;
        }
        _gradientSteps.Add(_losses.Count);
        for (int l = 0; l < _layers.Count; l++) _layers[l].Norms.Add(seen[l] ? Math.Sqrt(sums[l]) : double.NaN);
    }
}
