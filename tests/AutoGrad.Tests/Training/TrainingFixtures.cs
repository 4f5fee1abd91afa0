using AutoGrad.Data;
using AutoGrad.NN;
using AutoGrad.Optim;
using AutoGrad.Training;

namespace AutoGrad.Tests.Training;

/// <summary>A clock that advances one second per reading, so times and throughput in progress text are exact.</summary>
internal sealed class SteppingClock : TimeProvider
{
    private long _ticks;
    public override long TimestampFrequency => 1;
    public override long GetTimestamp() => _ticks++;
}

internal static class TrainingFixtures
{
    // Iris, standardized on the training part only, 120/30 stratified split with a fixed seed.
    public static (Dataset Train, Dataset Validation) Iris()
    {
        var split = Splits.TrainTest(Datasets.Iris(), 0.2, new Generator(7), stratify: true);
        var scaler = new StandardScaler();
        scaler.Fit(split.Train.Features);
        return (scaler.Transform(split.Train), scaler.Transform(split.Test));
    }

    public static Sequential Mlp(ulong seed, int hidden = 16) =>
        new(new Linear(4, hidden, new Generator(seed)), new Relu(), new Linear(hidden, 3, new Generator(seed + 100)));

    public static Trainer Trainer(Module model, double lr = 0.05, LossFunction? loss = null, TextWriter? progress = null) =>
        new(model, loss ?? Objectives.SoftmaxCrossEntropy, new Adam(model.Parameters(), lr)) { Progress = progress is null ? null : new PlainProgress(progress) };

    public static bool SameValues(IReadOnlyDictionary<string, Tensor> a, IReadOnlyDictionary<string, Tensor> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var t) && t.Shape == p.Value.Shape && t.ToDoubleArray().SequenceEqual(p.Value.ToDoubleArray()));
}
