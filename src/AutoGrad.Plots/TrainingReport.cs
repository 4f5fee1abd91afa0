using AutoGrad.Differentiation;
using AutoGrad.NN;
using AutoGrad.Training;

namespace AutoGrad.Plots;

/// <summary>
/// An opt-in training callback that writes one self-contained HTML file when <see cref="Trainer.Fit"/> ends: the
/// hyper-parameters, the model's layers and parameter counts, a table of the epochs, the charts inline as SVG (loss and
/// accuracy per epoch, loss per batch, gradient norm per layer, weight and activation histograms, and any
/// <see cref="Figures"/> added) and the environment (.NET, OS, CPU, threads, seed).
/// </summary>
/// <remarks>
/// Add it with <c>trainer.Callbacks.Add(report)</c>. Charts made after training (a confusion matrix of the test set) can be
/// added to <see cref="Figures"/> and the file rewritten with <see cref="Write()"/>. The file needs no network and no other file.
/// </remarks>
public sealed class TrainingReport : ITrainingCallback
{
    private readonly TrainingRecorder _recorder;
    private Trainer? _trainer;
    private DateTimeOffset _started;
    private DateTimeOffset _ended;

    /// <summary>A report written to <paramref name="path"/> at the end of training.</summary>
    /// <param name="path">The HTML file to write (folders are created).</param>
    /// <param name="title">The page title, e.g. the example's name.</param>
    /// <param name="seed">The seed the run was made with, shown in the environment table; null shows "not given".</param>
    /// <param name="activationSample">
    /// A batch of inputs; when given and the model is a <see cref="Sequential"/>, the histograms of each layer's output on it
    /// (in evaluation mode, recording nothing) are part of the report.
    /// </param>
    /// <param name="gradientEvery">Steps between two readings of the per-layer gradient norms.</param>
    public TrainingReport(string path, string title = "Training report", ulong? seed = null, Tensor? activationSample = null, int gradientEvery = 10)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(title);
        (Path, Title, Seed, ActivationSample) = (path, title, seed, activationSample);
        _recorder = new TrainingRecorder(gradientEvery);
    }

    /// <summary>The HTML file written.</summary>
    public string Path { get; }

    /// <summary>The page title.</summary>
    public string Title { get; }

    /// <summary>The run's seed, when given.</summary>
    public ulong? Seed { get; }

    /// <summary>Inputs whose per-layer activations are drawn as histograms, or null.</summary>
    public Tensor? ActivationSample { get; }

    /// <summary>Hyper-parameters not visible on the trainer (batch size, data set, epochs asked for…), shown first in their table.</summary>
    public Dictionary<string, string> HyperParameters { get; } = [];

    /// <summary>Extra charts, shown after the training charts.</summary>
    public List<Figure> Figures { get; } = [];

    /// <summary>The per-batch losses and gradient norms recorded for the report.</summary>
    public TrainingRecorder Recorder => _recorder;

    /// <inheritdoc />
    public void OnTrainBegin(Trainer trainer)
    {
        _trainer = trainer;
        _started = DateTimeOffset.Now;
        _recorder.OnTrainBegin(trainer);
    }

    /// <inheritdoc />
    public void OnBatchEnd(Trainer trainer, BatchRecord record) => _recorder.OnBatchEnd(trainer, record);

    /// <inheritdoc />
    public void OnTrainEnd(Trainer trainer)
    {
        _ended = DateTimeOffset.Now;
        Write();
    }

    /// <summary>Writes (or rewrites) the report file; returns its path.</summary>
    /// <exception cref="InvalidOperationException">The report was never attached to a <see cref="Trainer.Fit"/> call.</exception>
    public string Write()
    {
        var trainer = _trainer ?? throw new InvalidOperationException($"TrainingReport '{Path}': no training seen yet; add the report to Trainer.Callbacks before Fit.");
        PlotFiles.WriteText(Path, ReportHtml.Render(this, trainer, Charts(trainer), _started, _ended));
        return Path;
    }

    private List<Figure> Charts(Trainer trainer)
    {
        var charts = new List<Figure>();
        var history = trainer.History;
        if (history.Count > 0)
        {
            charts.Add(history.LossCurves());
            if (history.Epochs.Any(e => double.IsFinite(e.TrainAccuracy))) charts.Add(history.AccuracyCurves());
        }
        if (_recorder.BatchLosses.Count > 1) charts.Add(Plots.Charts.BatchCurve(_recorder.BatchLosses));
        if (_recorder.GradientSteps.Count > 0 && _recorder.GradientNorms.Any(l => l.Norms.Any(v => double.IsFinite(v) && v > 0)))
            charts.Add(Plots.Charts.GradientNorms(_recorder.GradientSteps, _recorder.GradientNorms));
        if (trainer.Model.NamedParameters().Any(p => p.Value.Shape.Rank >= 2)) charts.Add(Plots.Charts.WeightHistograms(trainer.Model));
        if (ActivationSample is not null && trainer.Model is Sequential seq) charts.Add(Activations(seq, ActivationSample));
        charts.AddRange(Figures);
        return charts;
    }

    private static Figure Activations(Sequential model, Tensor x)
    {
        var sets = new List<(string, IReadOnlyList<double>)>();
        bool training = model.Training;
        model.Eval();
        try
        {
            using (Differentiation.Recorder.NoGrad())
            {
                for (int i = 0; i < model.Layers.Count; i++)
                {
                    x = model.Layers[i].Call(x);
                    // The output of each nonlinearity (or of the last layer) is what the next layer sees.
                    if (model.Layers[i].Parameters().Count == 0 || i == model.Layers.Count - 1)
                        sets.Add(($"{i} {model.Layers[i].GetType().Name}", x.ToDoubleArray()));
                }
            }
        }
        finally { model.Train(training); }
        return Plots.Charts.Histograms(sets, title: "Activations on a sample batch", xLabel: "activation");
    }
}
