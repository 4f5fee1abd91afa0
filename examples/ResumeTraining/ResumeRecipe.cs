using AutoGrad;
using AutoGrad.Data;
using AutoGrad.IO;
using AutoGrad.NN;
using AutoGrad.Optim;
using AutoGrad.Training;

namespace ResumeTraining;

/// <summary>
/// One fixed training set-up (iris, standardized, MLP with dropout, Adam, per-batch exponential decay, shuffled batches) built
/// identically by the tests and by this program, so a run resumed in a fresh process can be compared byte for byte with an
/// uninterrupted one. Every random source is in <see cref="Trainer.Generators"/>, the scaler in <see cref="Trainer.Preprocessors"/>.
/// </summary>
public sealed class ResumeRecipe
{
    /// <summary>Builds the set-up; <paramref name="seed"/> seeds initialization, dropout and shuffling (a resumed run overwrites all three).</summary>
    public ResumeRecipe(ulong seed, TextWriter? progress = null)
    {
        var data = Datasets.Iris();
        // The split is part of the recipe, not of the training state: always the same 120/30 examples.
        var split = Splits.TrainTest(data, 0.2, new Generator(7), stratify: true);
        (RawTrain, RawValidation) = (split.Train, split.Test);
        var init = new Generator(seed);
        Dropout = new Generator(seed + 1);
        Shuffle = new Generator(seed + 2);
        Model = new Sequential(new Linear(4, 16, init), new Relu(), new Dropout(0.2, Dropout), new Linear(16, 3, init));
        Trainer = new Trainer(Model, Objectives.SoftmaxCrossEntropy, new Adam(Model.Parameters(), learningRate: 0.02))
        {
            Schedule = new ExponentialDecay(0.02, 0.99),
            ScheduleInterval = ScheduleInterval.Batch,
            Progress = progress is null ? null : new PlainProgress(progress),
        };
        Trainer.Generators["dropout"] = Dropout;
        Trainer.Generators["shuffle"] = Shuffle;
        Trainer.Preprocessors["scaler"] = Scaler;
    }

    /// <summary>The unscaled training examples.</summary>
    public Dataset RawTrain { get; }

    /// <summary>The unscaled validation examples.</summary>
    public Dataset RawValidation { get; }

    /// <summary>The model.</summary>
    public Sequential Model { get; }

    /// <summary>The trainer.</summary>
    public Trainer Trainer { get; }

    /// <summary>Dropout's random source.</summary>
    public Generator Dropout { get; }

    /// <summary>The loader's shuffling source.</summary>
    public Generator Shuffle { get; }

    /// <summary>Standardization fitted on the training examples.</summary>
    public StandardScaler Scaler { get; } = new();

    /// <summary>Trains <paramref name="epochs"/> more epochs (fitting the scaler first if neither fitted nor loaded).</summary>
    public History Train(int epochs)
    {
        if (!Scaler.IsFitted) Scaler.Fit(RawTrain.Features);
        using var loader = new DataLoader(Scaler.Transform(RawTrain), batchSize: 16, shuffle: true, generator: Shuffle);
        return Trainer.Fit(loader, epochs, Scaler.Transform(RawValidation));
    }

    /// <summary>The model's parameters and buffers as safetensors bytes (names sorted), the thing compared bit for bit.</summary>
    public byte[] WeightBytes() => SafeTensors.Serialize(Model.StateDict());

    /// <summary>The optimizer's state as safetensors bytes (tensors, with step and learning rate as metadata).</summary>
    public byte[] OptimizerBytes()
    {
        var s = Trainer.Optimizer.StateDict();
        return SafeTensors.Serialize(s.Tensors, s.Scalars.ToDictionary(p => p.Key, p => p.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
    }
}
