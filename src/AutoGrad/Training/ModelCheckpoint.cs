using System.Globalization;

namespace AutoGrad.Training;

/// <summary>
/// Writes a full checkpoint (<see cref="Trainer.SaveCheckpoint"/>) after every epoch, or only after epochs that improve a monitored quantity.
/// </summary>
/// <remarks>The path may contain <c>{epoch}</c>, replaced by the epoch number (e.g. <c>run/epoch-{epoch}.safetensors</c>).</remarks>
public sealed class ModelCheckpoint : ITrainingCallback
{
    /// <summary>Checkpoints to <paramref name="path"/>; with <paramref name="bestOnly"/> only when <paramref name="monitor"/> improves (minimised, or maximised for accuracies).</summary>
    public ModelCheckpoint(string path, bool bestOnly = false, string monitor = History.ValidationLossName)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(monitor);
        _ = new EpochRecord(0, 0, 0, 0, 0, 0, 0).Get(monitor);
        (Path, BestOnly, Monitor) = (path, bestOnly, monitor);
    }

    /// <summary>The path pattern.</summary>
    public string Path { get; }

    /// <summary>Whether only improving epochs are saved.</summary>
    public bool BestOnly { get; }

    /// <summary>The monitored column when <see cref="BestOnly"/>.</summary>
    public string Monitor { get; }

    /// <summary>The best monitored value saved so far (NaN before any).</summary>
    public double Best { get; private set; } = double.NaN;

    /// <summary>The files written, in order.</summary>
    public List<string> Saved { get; } = [];

    /// <summary>Saves the checkpoint of this epoch if it qualifies.</summary>
    public void OnEpochEnd(Trainer trainer, EpochRecord record)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(record);
        if (BestOnly)
        {
            double v = record.Get(Monitor);
            bool max = Monitor.EndsWith("accuracy", StringComparison.Ordinal);
            if (double.IsNaN(v) || !(double.IsNaN(Best) || (max ? v > Best : v < Best))) return;
            Best = v;
        }
        var file = Path.Replace("{epoch}", record.Epoch.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var dir = System.IO.Path.GetDirectoryName(file);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        trainer.SaveCheckpoint(file);
        Saved.Add(file);
    }
}
