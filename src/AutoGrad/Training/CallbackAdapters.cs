using AutoGrad.Optim;

namespace AutoGrad.Training;

/// <summary>Feeds a monitored quantity to a <see cref="ReduceOnPlateau"/> rule after every epoch (η ← η·factor on a plateau).</summary>
/// <param name="rule">The plateau rule, built on the trainer's optimizer.</param>
/// <param name="monitor">The History column it watches (a loss: lower is better).</param>
public sealed class PlateauCallback(ReduceOnPlateau rule, string monitor = History.ValidationLossName) : ITrainingCallback
{
    /// <summary>Steps the rule with this epoch's value.</summary>
    public void OnEpochEnd(Trainer trainer, EpochRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        rule.Step(record.Get(monitor));
    }
}

/// <summary>A callback made of delegates, for one-off hooks in user code and tests.</summary>
public sealed class LambdaCallback : ITrainingCallback
{
    /// <summary>Called after each batch.</summary>
    public Action<Trainer, BatchRecord>? BatchEnd { get; init; }

    /// <summary>Called after each epoch.</summary>
    public Action<Trainer, EpochRecord>? EpochEnd { get; init; }

    /// <summary>Called when training ends.</summary>
    public Action<Trainer>? TrainEnd { get; init; }

    /// <summary>Invokes <see cref="BatchEnd"/>.</summary>
    public void OnBatchEnd(Trainer trainer, BatchRecord record) => BatchEnd?.Invoke(trainer, record);

    /// <summary>Invokes <see cref="EpochEnd"/>.</summary>
    public void OnEpochEnd(Trainer trainer, EpochRecord record) => EpochEnd?.Invoke(trainer, record);

    /// <summary>Invokes <see cref="TrainEnd"/>.</summary>
    public void OnTrainEnd(Trainer trainer) => TrainEnd?.Invoke(trainer);
}
