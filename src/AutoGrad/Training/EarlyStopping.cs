namespace AutoGrad.Training;

/// <summary>
/// Stops training when a monitored quantity has not improved by more than <c>minDelta</c> for <c>patience</c> epochs, and restores the
/// parameters of the best epoch (stop when the development-set performance gets worse and restore the best parameter values).
/// </summary>
/// <remarks>
/// An epoch improves when <c>value &lt; best − minDelta</c> (losses) or <c>value &gt; best + minDelta</c> (accuracies); the direction
/// follows the name (<c>*_accuracy</c> is maximised, everything else minimised). After <c>patience</c> epochs in a row without improvement
/// training stops. With <c>restoreBestWeights</c> the model's parameters and buffers are set back to those after the best epoch when
/// training ends (also when it ran to the last epoch). NaN values never improve.
/// </remarks>
public sealed class EarlyStopping : ITrainingCallback
{
    private Dictionary<string, Tensor>? _bestState;
    private int _wait;

    /// <summary>Early stopping on <paramref name="monitor"/> (e.g. <c>val_loss</c>) with the given patience and minimum improvement.</summary>
    public EarlyStopping(string monitor = History.ValidationLossName, int patience = 5, double minDelta = 0, bool restoreBestWeights = true)
    {
        ArgumentNullException.ThrowIfNull(monitor);
        if (patience < 0) throw new ArgumentOutOfRangeException(nameof(patience), $"EarlyStopping: patience must be ≥ 0, got {patience}.");
        if (!(minDelta >= 0)) throw new ArgumentOutOfRangeException(nameof(minDelta), $"EarlyStopping: minDelta must be ≥ 0, got {minDelta}.");
        _ = new EpochRecord(0, 0, 0, 0, 0, 0, 0).Get(monitor);   // reject an unknown name now, not after the first epoch
        (Monitor, Patience, MinDelta, RestoreBestWeights) = (monitor, patience, minDelta, restoreBestWeights);
        Maximize = monitor.EndsWith("accuracy", StringComparison.Ordinal);
    }

    /// <summary>The monitored column of <see cref="History"/>.</summary>
    public string Monitor { get; }

    /// <summary>Epochs without improvement tolerated before stopping.</summary>
    public int Patience { get; }

    /// <summary>The smallest change that counts as an improvement.</summary>
    public double MinDelta { get; }

    /// <summary>Whether the best epoch's parameters are restored at the end of training.</summary>
    public bool RestoreBestWeights { get; }

    /// <summary>True when larger values are better (accuracies).</summary>
    public bool Maximize { get; }

    /// <summary>The best monitored value so far.</summary>
    public double Best { get; private set; } = double.NaN;

    /// <summary>The epoch that reached <see cref="Best"/> (0 before any).</summary>
    public int BestEpoch { get; private set; }

    /// <summary>The epoch after which training was stopped (0 if it was not stopped).</summary>
    public int StoppedEpoch { get; private set; }

    /// <summary>Resets the counters for a new run.</summary>
    public void OnTrainBegin(Trainer trainer)
    {
        (_wait, StoppedEpoch, Best, BestEpoch, _bestState) = (0, 0, double.NaN, 0, null);
    }

    /// <summary>Compares the epoch's value with the best; snapshots the weights on improvement, requests a stop after <see cref="Patience"/> bad epochs.</summary>
    public void OnEpochEnd(Trainer trainer, EpochRecord record)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(record);
        double v = record.Get(Monitor);
        bool improved = !double.IsNaN(v) && (double.IsNaN(Best) || (Maximize ? v > Best + MinDelta : v < Best - MinDelta));
        if (improved)
        {
            (Best, BestEpoch, _wait) = (v, record.Epoch, 0);
            if (RestoreBestWeights) _bestState = trainer.Model.StateDict();
            return;
        }
        if (++_wait >= Patience)
        {
            StoppedEpoch = record.Epoch;
            trainer.StopRequested = true;
        }
    }

    /// <summary>Restores the best epoch's parameters and buffers when asked to.</summary>
    public void OnTrainEnd(Trainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        if (RestoreBestWeights && _bestState is not null) trainer.Model.LoadStateDict(_bestState);
    }
}
