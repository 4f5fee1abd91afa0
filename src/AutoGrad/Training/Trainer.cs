using AutoGrad.Differentiation;
using AutoGrad.Data;
using AutoGrad.IO;
using AutoGrad.NN;
using AutoGrad.Optim;

namespace AutoGrad.Training;

/// <summary>When a <see cref="Trainer"/> sets the learning rate from its schedule <c>η(t)</c>.</summary>
public enum ScheduleInterval
{
    /// <summary><c>t</c> = the number of completed epochs, set before each epoch.</summary>
    Epoch,

    /// <summary><c>t</c> = the optimizer's step count, set before each batch's step.</summary>
    Batch,
}

/// <summary>
/// The training loop: for each epoch and each batch, <c>θ ← step(θ, ∇θ L(f(X; θ), y))</c>, with sample-weighted epoch statistics,
/// validation each epoch, callbacks, progress output, prediction, evaluation and full checkpoints.
/// </summary>
/// <remarks>
/// Epochs are numbered from 1 and continue across <see cref="Fit"/> calls and checkpoint loads (<see cref="CompletedEpochs"/>).
/// For a bit-identical resume, every random source that training draws from (the loader's shuffle generator, dropout's generator,
/// augmentation) must be listed in <see cref="Generators"/>, and fitted preprocessing in <see cref="Preprocessors"/>.
/// </remarks>
public sealed class Trainer
{
    /// <summary>A trainer of <paramref name="model"/> minimising <paramref name="loss"/> with <paramref name="optimizer"/>.</summary>
    public Trainer(Module model, LossFunction loss, Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(optimizer);
        // A subset is allowed (frozen layers); a tensor from elsewhere means the optimizer would update something the model never reads.
        var own = new HashSet<Tensor>(model.Parameters(), ReferenceEqualityComparer.Instance);
        if (optimizer.Parameters.Any(p => !own.Contains(p)))
            throw new ArgumentException("Trainer: the optimizer holds tensors that are not parameters of the model; build it over model.Parameters() (and rebuild it after model.To(dtype)).");
        (Model, Loss, Optimizer) = (model, loss, optimizer);
    }

    /// <summary>The model <c>f(X; θ)</c> being trained.</summary>
    public Module Model { get; }

    /// <summary>The per-batch objective <c>L</c>.</summary>
    public LossFunction Loss { get; }

    /// <summary>The optimizer updating θ.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>An optional learning-rate schedule <c>η(t)</c>, applied at <see cref="ScheduleInterval"/>.</summary>
    public LearningRateSchedule? Schedule { get; set; }

    /// <summary>Whether <c>t</c> in <c>η(t)</c> counts epochs or optimizer steps.</summary>
    public ScheduleInterval ScheduleInterval { get; set; } = ScheduleInterval.Epoch;

    /// <summary>
    /// Run each training step inside a <see cref="StepScope"/> (default true), so its activations are reused by the next step
    /// instead of allocated anew. Tensors made by the model and the loss function are then released when the step ends: a
    /// loss function or callback that keeps one for later must call <see cref="Tensor.Keep"/> on it, or set this to false.
    /// </summary>
    public bool UseStepScope { get; set; } = true;

    /// <summary>Clip the global gradient norm to this value before each step (<c>g ← g·min(1, c/‖g‖)</c>); null for no clipping.</summary>
    public double? ClipNorm { get; set; }

    /// <summary>Counts correct predictions in a batch for the accuracy statistics; default argmax; null to track no accuracy (NaN).</summary>
    public Func<Tensor, Batch, int>? CorrectCount { get; set; } = (y, b) => Objectives.CorrectCount(y, b.Labels);

    /// <summary>The user's callbacks, called in order after <see cref="Progress"/>.</summary>
    public List<ITrainingCallback> Callbacks { get; } = [];

    /// <summary>The progress display (plain lines on standard output by default); null for silence.</summary>
    public ITrainingCallback? Progress { get; set; } = new PlainProgress(Console.Out);

    /// <summary>Random sources saved in and restored from checkpoints, by name (the loader's shuffle generator, dropout's generator, …).</summary>
    public Dictionary<string, Generator> Generators { get; } = [];

    /// <summary>Fitted preprocessing saved in and restored from checkpoints, by name.</summary>
    public Dictionary<string, IPreprocessor> Preprocessors { get; } = [];

    /// <summary>Examples per batch when validating, evaluating and predicting.</summary>
    public int EvaluationBatchSize { get; set; } = 256;

    /// <summary>The clock used for epoch times and throughput (replaceable in tests).</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>Epochs completed so far, over all <see cref="Fit"/> calls and loaded checkpoints.</summary>
    public int CompletedEpochs { get; private set; }

    /// <summary>The per-epoch statistics of every completed epoch.</summary>
    public History History { get; private set; } = new();

    /// <summary>Set by a callback to stop training after the current epoch.</summary>
    public bool StopRequested { get; set; }

    /// <summary>The epoch number the running <see cref="Fit"/> call ends at (0 outside Fit).</summary>
    public int FinalEpoch { get; private set; }

    /// <summary>
    /// Trains <paramref name="epochs"/> more epochs over <paramref name="train"/>, validating on <paramref name="validation"/> after each;
    /// returns <see cref="History"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The loss is not a scalar.</exception>
    public History Fit(DataLoader train, int epochs, Dataset? validation = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (epochs < 0) throw new ArgumentOutOfRangeException(nameof(epochs), $"Trainer.Fit: epochs must be ≥ 0, got {epochs}.");
        StopRequested = false;
        FinalEpoch = CompletedEpochs + epochs;
        Each(c => c.OnTrainBegin(this));
        try
        {
            for (int epoch = CompletedEpochs + 1; epoch <= FinalEpoch && !StopRequested; epoch++)
                RunEpoch(train, epoch, validation);
        }
        catch
        {
            // A live display must still release the terminal when training fails; the original exception is what matters.
            try { Progress?.OnTrainEnd(this); } catch (Exception) { }
            FinalEpoch = 0;
            throw;
        }
        finally { Model.Train(); }
        Each(c => c.OnTrainEnd(this));
        FinalEpoch = 0;
        return History;
    }

    /// <summary>Loss (sample-weighted), accuracy and confusion matrix of the model on <paramref name="data"/>, in evaluation mode without gradients.</summary>
    public EvaluationResult Evaluate(Dataset data) => Inference.Evaluate(Model, data, Loss, EvaluationBatchSize);

    /// <summary>Predicted classes and softmax confidences for examples <paramref name="x"/> of shape <c>[n, …]</c>.</summary>
    public Prediction Predict(Tensor x) => Inference.Predict(Model, x, EvaluationBatchSize);

    /// <summary>Writes a full checkpoint (model, optimizer, generators, preprocessing, epoch, history) to <paramref name="path"/>.</summary>
    public void SaveCheckpoint(string path) =>
        Checkpoint.Save(path, Components, CompletedEpochs, new Dictionary<string, string> { ["history"] = History.ToJson() });

    /// <summary>Restores a checkpoint written by <see cref="SaveCheckpoint"/>; on any error nothing is changed.</summary>
    /// <returns>The checkpoint's description (epoch, step, metadata).</returns>
    public CheckpointInfo LoadCheckpoint(string path)
    {
        var content = Checkpoint.Read(path);
        var history = content.Metadata.TryGetValue("user.history", out var json) ? History.FromJson(json, $"{Path.GetFileName(path)} history") : new History();
        var info = Checkpoint.Apply(content, Components, path);
        CompletedEpochs = info.Epoch;
        History = history;
        return info;
    }

    /// <summary>What a checkpoint of this trainer holds.</summary>
    public CheckpointComponents Components => new(Model, Optimizer, Generators, Preprocessors);

    private void RunEpoch(DataLoader train, int epoch, Dataset? validation)
    {
        if (Schedule is not null && ScheduleInterval == ScheduleInterval.Epoch) Schedule.Apply(Optimizer, epoch - 1);
        Each(c => c.OnEpochBegin(this, epoch));
        long start = Clock.GetTimestamp();
        Model.Train();
        double lossSum = 0;
        long correctSum = 0, samples = 0;
        int b = 0, batchCount = train.BatchCount;
        foreach (var batch in train)
        {
            b++;
            int batchNumber = b;
            Each(c => c.OnBatchBegin(this, epoch, batchNumber));
            if (Schedule is not null && ScheduleInterval == ScheduleInterval.Batch) Schedule.Apply(Optimizer, Optimizer.StepCount);
            double lr = Optimizer.LearningRate;
            double l;
            int correct;
            // The step's activations go back to the pool at its end (Note [Step scopes]); callbacks see only numbers.
            using (UseStepScope ? Tensor.StepScope() : default)
            {
                Optimizer.ZeroGrad();
                var output = Model.Forward(batch.Features);
                var loss = Loss(output, batch);
                if (loss.Size != 1) throw new InvalidOperationException($"Trainer.Fit: the loss must be a scalar, got shape {loss.Shape} (use a mean reduction).");
                loss.Backward();
                if (ClipNorm is double c) GradientClipping.ClipByGlobalNorm(Model.Parameters(), c);
                Optimizer.Step();
                l = loss.Item();
                correct = CorrectCount?.Invoke(output.Detach(), batch) ?? 0;
            }
            lossSum += l * batch.Count;
            correctSum += correct;
            samples += batch.Count;
            var record = new BatchRecord(epoch, FinalEpoch, b, batchCount, batch.Count, l, Acc(correct, batch.Count), lossSum / samples, Acc(correctSum, samples),
                samples, Clock.GetElapsedTime(start).TotalSeconds, lr);
            Each(cb => cb.OnBatchEnd(this, record));
        }
        if (samples == 0) throw new InvalidOperationException($"Trainer.Fit: epoch {epoch} had no batches (empty data set, or drop-last with fewer examples than a batch).");
        double valLoss = double.NaN, valAccuracy = double.NaN;
        if (validation is not null)
        {
            var v = Inference.Evaluate(Model, validation, Loss, EvaluationBatchSize, CorrectCount, confusion: false);
            (valLoss, valAccuracy) = (v.Loss, v.Accuracy);
            Model.Train();
        }
        CompletedEpochs = epoch;
        var epochRecord = new EpochRecord(epoch, lossSum / samples, Acc(correctSum, samples), valLoss, valAccuracy, Optimizer.LearningRate,
            Clock.GetElapsedTime(start).TotalSeconds);
        History.Add(epochRecord);
        Each(c => c.OnEpochEnd(this, epochRecord));
    }

    private double Acc(long correct, long count) => CorrectCount is null ? double.NaN : (double)correct / count;

    private void Each(Action<ITrainingCallback> call)
    {
        if (Progress is not null) call(Progress);
        foreach (var c in Callbacks) call(c);
    }
}
