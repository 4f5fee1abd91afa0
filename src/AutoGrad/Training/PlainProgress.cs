using System.Globalization;

namespace AutoGrad.Training;

/// <summary>
/// Progress as plain text lines, for logs, redirected output and tests: one line per epoch and, on long epochs, a line every
/// <c>n</c> batches with the running loss, accuracy, throughput and the time left in the epoch.
/// </summary>
/// <remarks>
/// Formats (invariant culture): <c>epoch 2/10 batch 25/100: loss 0.4321, accuracy 0.8750, 1234 samples/s, 0:03 left</c> and
/// <c>epoch 2/10: loss 0.4000, accuracy 0.8800, val_loss 0.4500, val_accuracy 0.8600, lr 0.01, 1.25 s</c>
/// (the validation fields only when validating; accuracy fields only when tracked).
/// </remarks>
public sealed class PlainProgress : ITrainingCallback
{
    private readonly TextWriter _writer;
    private readonly int _batchEvery;

    /// <summary>Writes to <paramref name="writer"/>; batch lines every <paramref name="batchEvery"/> batches (0: every ⌈B/4⌉ when an epoch has B ≥ 8 batches; −1: never).</summary>
    public PlainProgress(TextWriter writer, int batchEvery = 0)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (batchEvery < -1) throw new ArgumentOutOfRangeException(nameof(batchEvery), $"PlainProgress: batchEvery must be ≥ −1, got {batchEvery}.");
        (_writer, _batchEvery) = (writer, batchEvery);
    }

    /// <summary>Writes a batch line when the batch number is a multiple of the interval (never for an epoch's last batch).</summary>
    public void OnBatchEnd(Trainer trainer, BatchRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        int every = _batchEvery switch { -1 => 0, 0 => record.BatchCount >= 8 ? (record.BatchCount + 3) / 4 : 0, var n => n };
        if (every == 0 || record.Batch % every != 0 || record.Batch == record.BatchCount) return;
        var acc = double.IsNaN(record.EpochAccuracy) ? "" : $", accuracy {F4(record.EpochAccuracy)}";
        _writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"epoch {record.Epoch}/{record.TotalEpochs} batch {record.Batch}/{record.BatchCount}: loss {F4(record.EpochLoss)}{acc}, {record.SamplesPerSecond:0} samples/s, {Duration(record.SecondsLeft)} left"));
        _writer.Flush();
    }

    /// <summary>Writes the epoch line.</summary>
    public void OnEpochEnd(Trainer trainer, EpochRecord record)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(record);
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
