using System.Globalization;

namespace AutoGrad.Training;

/// <summary>
/// Progress as plain text lines, for logs, redirected output and tests: one line per epoch (or every <c>k</c> epochs) and, on long
/// epochs, a line every <c>n</c> batches with the running loss, accuracy, throughput and the time left in the epoch.
/// </summary>
/// <remarks>
/// Formats (invariant culture): <c>epoch 2/10 batch 25/100: loss 0.4321, accuracy 0.8750, 1234 samples/s, 0:03 left</c> and
/// <c>epoch 2/10: loss 0.4000, accuracy 0.8800, val_loss 0.4500, val_accuracy 0.8600, lr 0.01, 1.25 s</c>
/// (the validation fields only when validating; accuracy fields only when tracked).
/// </remarks>
public sealed class PlainProgress : ITrainingCallback
{
    private readonly TextWriter _writer;
    private readonly int _batchEvery, _epochEvery;
    private int _firstEpoch;                           // the first epoch of the current Fit (0 until it starts)
    private (EpochRecord Record, int Total)? _pending; // the latest epoch not printed, in case training stops after it

    /// <summary>
    /// Writes to <paramref name="writer"/>; batch lines every <paramref name="batchEvery"/> batches (0: every ⌈B/4⌉ when an epoch has
    /// B ≥ 8 batches; −1: never); epoch lines every <paramref name="epochEvery"/> epochs (epochs that are multiples of it), and always
    /// for the first and the last epoch of each <see cref="Trainer.Fit"/>, also when a callback stops training early.
    /// </summary>
    /// <remarks>Batch lines appear only in the epochs whose line is printed.</remarks>
    public PlainProgress(TextWriter writer, int batchEvery = 0, int epochEvery = 1)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (batchEvery < -1) throw new ArgumentOutOfRangeException(nameof(batchEvery), $"PlainProgress: batchEvery must be ≥ −1, got {batchEvery}.");
        if (epochEvery < 1) throw new ArgumentOutOfRangeException(nameof(epochEvery), $"PlainProgress: epochEvery must be ≥ 1, got {epochEvery}.");
        (_writer, _batchEvery, _epochEvery) = (writer, batchEvery, epochEvery);
    }

    /// <summary>Starts counting the epochs of a new <see cref="Trainer.Fit"/>.</summary>
    public void OnTrainBegin(Trainer trainer) => (_firstEpoch, _pending) = (0, null);

    /// <summary>Writes the line of the last epoch if training stopped before it was due.</summary>
    public void OnTrainEnd(Trainer trainer)
    {
        if (_pending is not { } p) return;
        _pending = null;
        _writer.WriteLine(EpochLine(p.Record, p.Total));
        _writer.Flush();
    }

    private bool Shows(int epoch, int total)
    {
        if (_firstEpoch == 0) _firstEpoch = epoch;
        return epoch == _firstEpoch || epoch == total || epoch % _epochEvery == 0;
    }

    /// <summary>Writes a batch line when the batch number is a multiple of the interval (never for an epoch's last batch).</summary>
    public void OnBatchEnd(Trainer trainer, BatchRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!Shows(record.Epoch, record.TotalEpochs)) return;
        int every = _batchEvery switch { -1 => 0, 0 => record.BatchCount >= 8 ? (record.BatchCount + 3) / 4 : 0, var n => n };
        if (every == 0 || record.Batch % every != 0 || record.Batch == record.BatchCount) return;
        var acc = double.IsNaN(record.EpochAccuracy) ? "" : $", accuracy {F4(record.EpochAccuracy)}";
        _writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"epoch {record.Epoch}/{record.TotalEpochs} batch {record.Batch}/{record.BatchCount}: loss {F4(record.EpochLoss)}{acc}, {record.SamplesPerSecond:0} samples/s, {Duration(record.SecondsLeft)} left"));
        _writer.Flush();
    }

    /// <summary>Writes the epoch line when it is due (see the constructor).</summary>
    public void OnEpochEnd(Trainer trainer, EpochRecord record)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(record);
        if (!Shows(record.Epoch, trainer.FinalEpoch)) { _pending = (record, trainer.FinalEpoch); return; }
        _pending = null;
        _writer.WriteLine(EpochLine(record, trainer.FinalEpoch));
        _writer.Flush();
    }

    /// <summary>The epoch line of <paramref name="record"/>, e.g. <c>epoch 2/10: loss 0.4000, accuracy 0.8800, lr 0.01, 1.25 s</c>.</summary>
    public static string EpochLine(EpochRecord record, int totalEpochs)
    {
        ArgumentNullException.ThrowIfNull(record);
        var parts = new List<string> { $"loss {F4(record.TrainLoss)}" };
        if (!double.IsNaN(record.TrainAccuracy)) parts.Add($"accuracy {F4(record.TrainAccuracy)}");
        if (record.HasValidation)
        {
            parts.Add($"val_loss {F4(record.ValidationLoss)}");
            if (!double.IsNaN(record.ValidationAccuracy)) parts.Add($"val_accuracy {F4(record.ValidationAccuracy)}");
        }
        parts.Add("lr " + record.LearningRate.ToString("G4", CultureInfo.InvariantCulture));
        parts.Add(record.Seconds.ToString("0.00", CultureInfo.InvariantCulture) + " s");
        return $"epoch {record.Epoch}/{totalEpochs}: {string.Join(", ", parts)}";
    }

    /// <summary>Seconds as <c>m:ss</c>, or <c>h:mm:ss</c> from an hour on.</summary>
    public static string Duration(double seconds)
    {
        if (!double.IsFinite(seconds) || seconds < 0) return "?";
        var t = TimeSpan.FromSeconds(Math.Round(seconds));
        return t.TotalHours >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{t.Minutes}:{t.Seconds:00}");
    }

    private static string F4(double v) => v.ToString("0.0000", CultureInfo.InvariantCulture);
}
