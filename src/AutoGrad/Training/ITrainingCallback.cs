namespace AutoGrad.Training;

/// <summary>The statistics of one training batch and the running epoch averages after it.</summary>
/// <param name="Epoch">The epoch number, counted from 1.</param>
/// <param name="TotalEpochs">The epoch number the current <see cref="Trainer.Fit"/> call ends at.</param>
/// <param name="Batch">The batch number within the epoch, counted from 1.</param>
/// <param name="BatchCount">Batches per epoch.</param>
/// <param name="Size">Examples in this batch, <c>m_b</c>.</param>
/// <param name="Loss">This batch's mean loss <c>L_b</c>.</param>
/// <param name="Accuracy">This batch's accuracy <c>correct_b / m_b</c>.</param>
/// <param name="EpochLoss">The sample-weighted loss so far this epoch, <c>Σ m_b L_b / Σ m_b</c>.</param>
/// <param name="EpochAccuracy">The accuracy so far this epoch, <c>Σ correct_b / Σ m_b</c>.</param>
/// <param name="Samples">Examples seen so far this epoch, <c>Σ m_b</c>.</param>
/// <param name="ElapsedSeconds">Seconds since the epoch began.</param>
/// <param name="LearningRate">The learning rate used for this batch's step.</param>
public sealed record BatchRecord(int Epoch, int TotalEpochs, int Batch, int BatchCount, int Size, double Loss, double Accuracy,
    double EpochLoss, double EpochAccuracy, long Samples, double ElapsedSeconds, double LearningRate)
{
    /// <summary>Throughput so far this epoch, <c>Σ m_b / elapsed seconds</c> (0 before any time has passed).</summary>
    public double SamplesPerSecond => ElapsedSeconds > 0 ? Samples / ElapsedSeconds : 0;

    /// <summary>Estimated seconds left in the epoch, <c>elapsed · (B − b)/b</c>.</summary>
    public double SecondsLeft => ElapsedSeconds * (BatchCount - Batch) / Batch;
}

/// <summary>
/// Hooks into <see cref="Trainer.Fit"/>: called at the start and end of training, of each epoch and after each batch, in the order the
/// callbacks were added. Every method has an empty default, so a callback implements only what it needs.
/// </summary>
/// <remarks>A callback stops training by setting <see cref="Trainer.StopRequested"/>; the loop stops after the current epoch.</remarks>
public interface ITrainingCallback
{
    /// <summary>Before the first epoch of a <see cref="Trainer.Fit"/> call.</summary>
    void OnTrainBegin(Trainer trainer) { }

    /// <summary>Before epoch <paramref name="epoch"/> (counted from 1) draws its first batch.</summary>
    void OnEpochBegin(Trainer trainer, int epoch) { }

    /// <summary>Before the forward pass of batch <paramref name="batch"/> (counted from 1) of epoch <paramref name="epoch"/>.</summary>
    void OnBatchBegin(Trainer trainer, int epoch, int batch) { }

    /// <summary>After the optimizer step of a batch.</summary>
    void OnBatchEnd(Trainer trainer, BatchRecord record) { }

    /// <summary>After an epoch's training and validation; the record is already in <see cref="Trainer.History"/>.</summary>
    void OnEpochEnd(Trainer trainer, EpochRecord record) { }

    /// <summary>After the last epoch (or an early stop) of a <see cref="Trainer.Fit"/> call.</summary>
    void OnTrainEnd(Trainer trainer) { }
}
