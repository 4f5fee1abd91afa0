using AutoGrad.Training;

namespace AutoGrad.Distributed;

/// <summary>
/// Runs <see cref="Inner"/> (progress output, <c>ModelCheckpoint</c>, a history writer…) on rank 0 only, so a job of N ranks logs and
/// saves once. Every rank's <c>Trainer</c> still trains the same way.
/// </summary>
/// <remarks>
/// Wrap the trainer's own progress display too: <c>trainer.Progress = new RankZeroCallback(comm, trainer.Progress!)</c>. Callbacks that
/// change training (early stopping, schedules) must run on every rank, or the ranks diverge and their collectives stop matching.
/// </remarks>
public sealed class RankZeroCallback(Communicator communicator, ITrainingCallback inner) : ITrainingCallback
{
    /// <summary>The callback that runs on rank 0.</summary>
    public ITrainingCallback Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    private bool Root => communicator.IsRoot;

    /// <inheritdoc/>
    public void OnTrainBegin(Trainer trainer) { if (Root) Inner.OnTrainBegin(trainer); }

    /// <inheritdoc/>
    public void OnEpochBegin(Trainer trainer, int epoch) { if (Root) Inner.OnEpochBegin(trainer, epoch); }

    /// <inheritdoc/>
    public void OnBatchBegin(Trainer trainer, int epoch, int batch) { if (Root) Inner.OnBatchBegin(trainer, epoch, batch); }

    /// <inheritdoc/>
    public void OnBatchEnd(Trainer trainer, BatchRecord record) { if (Root) Inner.OnBatchEnd(trainer, record); }

    /// <inheritdoc/>
    public void OnEpochEnd(Trainer trainer, EpochRecord record) { if (Root) Inner.OnEpochEnd(trainer, record); }

    /// <inheritdoc/>
    public void OnTrainEnd(Trainer trainer) { if (Root) Inner.OnTrainEnd(trainer); }
}
