using System.Diagnostics;
using System.Globalization;
using AutoGrad;
using AutoGrad.Data;
using AutoGrad.Distributed;
using AutoGrad.NN;
using AutoGrad.Optim;
using AutoGrad.Training;

// Data-parallel training of the MLP 784-128-10 on Fashion-MNIST (or the bundled 8×8 digits when the IDX files are missing), one
// process per rank:   mpirun -np 2 dotnet run --project examples/DistributedMnist [-- --epochs N] [--batch b] [--measure STEPS] [--digits]
// Each rank trains on its shard (DistributedSampler) with batch b, so a step sees N·b examples; rank 0 alone logs.
// --measure STEPS times STEPS steps instead and prints samples/s, the share of step time spent waiting for communication,
// and the gradient bytes all-reduced per step (README "Training on several processes / machines").
int epochs = 3, batch = 64, measure = 0;
bool digits = false;
for (int i = 0; i < args.Length; i++)
{
    int Next() => i + 1 < args.Length ? int.Parse(args[++i], CultureInfo.InvariantCulture) : throw new ArgumentException($"DistributedMnist: {args[i]} needs a value.");
    switch (args[i])
    {
        case "--epochs": epochs = Next(); break;
        case "--batch": batch = Next(); break;
        case "--measure": measure = Next(); break;
        case "--digits": digits = true; break;
        default: Console.Error.WriteLine("usage: DistributedMnist [--epochs N] [--batch b (per rank)] [--measure STEPS] [--digits (the bundled 8×8 digits)]"); return 2;
    }
}

using var comm = Communicator.World(TimeSpan.FromSeconds(120));
var (train, test, name) = Load(digits);
int inputs = train.ExampleShape.Size, classes = train.ClassCount;
var model = new DistributedDataParallel(new Sequential(new Linear(inputs, 128, new Generator(1)), new Relu(), new Linear(128, classes, new Generator(2))), comm);
var optimizer = new Adam(model.Parameters(), 0.001);
var shuffle = new Generator(3);
using var loader = new DataLoader(train, batch) { Sampler = new DistributedSampler(comm, shuffle) };
if (comm.IsRoot)
    Console.WriteLine($"{name}: {train.Count} training, {test.Count} test examples; MLP {inputs}-128-{classes}; {comm.Size} ranks × batch {batch}; " +
                      $"{model.GradientBytesPerStep:N0} gradient bytes per step in {model.BucketCount} bucket(s)");

if (measure > 0) return Measure(measure);

var trainer = new Trainer(model, Objectives.SoftmaxCrossEntropy, optimizer);
trainer.Generators["shuffle"] = shuffle;
trainer.Progress = trainer.Progress is { } p ? new RankZeroCallback(comm, p) : null;
trainer.Fit(loader, epochs);
var result = trainer.Evaluate(test);
if (comm.IsRoot) Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"test accuracy {result.Accuracy:0.0000}, test loss {result.Loss:0.0000} after {epochs} epochs on {comm.Size} ranks"));
return 0;

int Measure(int steps)
{
    var loss = Objectives.SoftmaxCrossEntropy;
    double Step(Batch b)
    {
        optimizer.ZeroGrad();
        var l = loss(model.Forward(b.Features), b);
        l.Backward();
        optimizer.Step();
        return l.Item();
    }
    using var batches = loader.GetEnumerator();
    for (int i = 0; i < 5 && batches.MoveNext(); i++) Step(batches.Current);   // warm-up: JIT and pools
    comm.Barrier();
    double wait0 = comm.WaitSeconds;
    var clock = Stopwatch.StartNew();
    int done = 0;
    for (; done < steps && batches.MoveNext(); done++) Step(batches.Current);
    double seconds = clock.Elapsed.TotalSeconds, wait = comm.WaitSeconds - wait0;
    // The all-reduce alone, after a barrier so no rank waits for another's compute: the cost the README's model predicts.
    var gradient = new float[model.GradientBytesPerStep / sizeof(float)];
    const int Repeats = 50;
    comm.Barrier();
    var reduceClock = Stopwatch.StartNew();
    for (int i = 0; i < Repeats; i++) comm.AllReduceSum(gradient);
    double reduceMs = 1000 * reduceClock.Elapsed.TotalSeconds / Repeats;
    var all = new double[] { seconds, wait, reduceMs };
    comm.AllReduceSum(all);
    if (comm.IsRoot)
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ranks {comm.Size}: {done} steps, {done * batch * comm.Size / (all[0] / comm.Size):0} samples/s, {1000 * all[0] / comm.Size / done:0.00} ms/step, " +
            $"communication wait {100 * all[1] / all[0]:0.0}% of step time, {model.GradientBytesPerStep:N0} bytes all-reduced per step per rank; " +
            $"the all-reduce alone {all[2] / comm.Size:0.000} ms"));
    return 0;
}

static (Dataset Train, Dataset Test, string Name) Load(bool digits)
{
    try
    {
        if (digits) throw new FileNotFoundException("the bundled digits were asked for");
        var f = Datasets.FashionMnist();
        static Dataset Flat(Dataset d) => d.WithFeatures(d.Features.Reshape(d.Count, 784) / 255.0);
        return (Flat(f.Train), Flat(f.Test), "Fashion-MNIST");
    }
    catch (FileNotFoundException)
    {
        var d = Datasets.Digits();
        var split = Splits.TrainTest(d.WithFeatures(d.Features / 16.0), 0.2, new Generator(4));
        return (split.Train, split.Test, digits ? "digits" : "digits (Fashion-MNIST not found: apt-get install dataset-fashion-mnist)");
    }
}
