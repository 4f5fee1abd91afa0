using System.Diagnostics;
using System.Globalization;
using AutoGrad.Data;
using AutoGrad.Losses;
using AutoGrad.NN;
using AutoGrad.NN.Init;
using AutoGrad.Optim;

namespace AutoGrad.Benchmarks.Compare;

/// <summary>
/// The whole-epoch workloads of the comparison (issue 14), defined once here and once in benchmarks/compare/torch_workloads.py with the
/// same shapes, hyper-parameters, batch sizes and image counts:
/// <list type="bullet">
/// <item><c>cnn-epoch</c>: conv 5×5×32 → ReLU → pool 2 → conv 5×5×64 → ReLU → pool 2 → dense 1024→128 → ReLU → dense 10, Adam 1e-3, batch 64, x/255;</item>
/// <item><c>mlp-epoch</c>: 784→128→128→10 ReLU, softmax cross-entropy, Adam 1e-3 (ε 1e-7) with 1/t decay 1e-3 per step, batch 128, (x − 127.5)/127.5;</item>
/// <item><c>nielsen-epoch</c>: [784, 30, 10] sigmoid, N(0, 1) weights and biases, quadratic cost, SGD η = 3, batch 10, the first 50,000 images;</item>
/// <item><c>cold-start</c>: <c>mlp-epoch</c> from process start, no warm-up: seconds to the end of epoch 1, and epoch 1 over the median later epoch;</item>
/// <item><c>cnn-memory</c>: <c>cnn-epoch</c> for several epochs, the managed heap after a full collection at the end of each.</item>
/// </list>
/// A steady epoch is timed after a warm-up (a throwaway model trained for 2 s, 1 s in quick mode) and trains a fresh model, without evaluation;
/// the test accuracy is measured afterwards. Quick mode trains on fewer images (smoke runs only).
/// </summary>
internal static class EpochWorkloads
{
    private sealed record Spec(int Batch, bool Images, double Scale, double Shift, int Train, int QuickTrain,
        Func<Generator, Module> Build, Func<Module, Optimizer> Optimizer, Func<LearningRateSchedule?> Schedule, Func<Tensor, Batch, Tensor> Loss);

    private static readonly Spec Cnn = new(64, true, 1 / 255.0, 0, 60_000, 3_200,
        g => new Sequential(
            new Conv2d(1, 32, 5, g), new Relu(), new MaxPool2d(2),
            new Conv2d(32, 64, 5, g), new Relu(), new MaxPool2d(2),
            new Flatten(), new Linear(64 * 4 * 4, 128, g), new Relu(), new Linear(128, 10, g)),
        m => new Adam(m.Parameters(), 1e-3), () => null, (y, b) => y.SoftmaxCrossEntropy(b.LabelTensor()));

    private static readonly Spec Mlp = new(128, false, 1 / 127.5, 127.5, 60_000, 12_800,
        g => new Sequential(new Linear(784, 128, g), new Relu(), new Linear(128, 128, g), new Relu(), new Linear(128, 10, g)),
        m => new Adam(m.Parameters(), 1e-3, epsilon: 1e-7), () => new InverseTimeDecay(1e-3, 1e-3), (y, b) => y.SoftmaxCrossEntropy(b.LabelTensor()));

    private static readonly Spec Nielsen = new(10, false, 1 / 255.0, 0, 50_000, 10_000, BuildNielsen,
        m => new Sgd(m.Parameters(), 3.0), () => null, (a, b) => a.QuadraticCost(b.OneHotLabels()));

    private const int TestCount = 10_000, QuickTestCount = 2_000;

    public static (string Unit, double Value, string Extra) Run(string name, bool quick) => name switch
    {
        "cnn-epoch" => Steady(Cnn, quick),
        "mlp-epoch" => Steady(Mlp, quick),
        "nielsen-epoch" => Steady(Nielsen, quick),
        "cold-start" => ColdStart(Mlp, quick),
        "cnn-memory" => Memory(Cnn, quick),
        _ => throw new ArgumentException($"unknown epoch workload '{name}'"),
    };

    // network.py's Network([784, 30, 10]): Linear + sigmoid per layer, weights and biases N(0, 1).
    private static Module BuildNielsen(Generator g)
    {
        var layers = new List<Module>();
        int[] sizes = [784, 30, 10];
        for (int l = 1; l < sizes.Length; l++)
        {
            var dense = new Linear(sizes[l - 1], sizes[l], g, init: Initializers.StandardNormal);
            using (Differentiation.Recorder.NoGrad()) dense.Bias!.CopyFrom(Tensor.Randn(new Shape(sizes[l]), g));
            layers.Add(dense);
            layers.Add(new Sigmoid());
        }
        return new Sequential([.. layers]);
    }

    private static TrainTestPair Data(Spec s, bool quick) =>
        FashionData.Load(quick ? s.QuickTrain : s.Train, quick ? QuickTestCount : TestCount, s.Images, s.Scale, s.Shift);

    private static (string, double, string) Steady(Spec s, bool quick)
    {
        var data = Data(s, quick);
        var warm = s.Build(new Generator(7));
        using (var loader = new DataLoader(data.Train, s.Batch, shuffle: true, generator: new Generator(8)))
            Epoch(s, warm, s.Optimizer(warm), s.Schedule(), loader, quick ? 1 : 2);
        var model = s.Build(new Generator(1));
        using var train = new DataLoader(data.Train, s.Batch, shuffle: true, generator: new Generator(2));
        var (seconds, bytes) = Epoch(s, model, s.Optimizer(model), s.Schedule(), train, null);
        double accuracy = FashionData.Accuracy(model, data.Test);
        return ("s/epoch", seconds, Inv($"bytes/step={bytes} accuracy={accuracy:0.0000} images={data.Train.Count}"));
    }

    private static (string, double, string) ColdStart(Spec s, bool quick)
    {
        // run.sh passes the time just before it started the process; without it, the process's own start time.
        var t0 = Environment.GetEnvironmentVariable("COMPARE_T0") is string t
            ? DateTime.UnixEpoch.AddSeconds(double.Parse(t, CultureInfo.InvariantCulture))
            : Process.GetCurrentProcess().StartTime.ToUniversalTime();
        var data = Data(s, quick);
        var model = s.Build(new Generator(1));
        var opt = s.Optimizer(model);
        var schedule = s.Schedule();
        using var train = new DataLoader(data.Train, s.Batch, shuffle: true, generator: new Generator(2));
        int epochs = quick ? 4 : 5;
        var times = new double[epochs];
        var cpu = new double[epochs];   // process CPU seconds per epoch: steadier than wall time on a shared host
        double toFirst = 0;
        var process = Process.GetCurrentProcess();
        for (int e = 0; e < epochs; e++)
        {
            process.Refresh();
            var c0 = process.TotalProcessorTime;
            times[e] = Epoch(s, model, opt, schedule, train, null).Seconds;
            process.Refresh();
            cpu[e] = (process.TotalProcessorTime - c0).TotalSeconds;
            if (e == 0) toFirst = (DateTime.UtcNow - t0).TotalSeconds;
        }
        double later = Median(times[1..]), laterCpu = Median(cpu[1..]);
        return ("s to epoch 1", toFirst, Inv($"first={times[0]:0.000} later={later:0.000} ratio={times[0] / later:0.00} cpu_ratio={cpu[0] / laterCpu:0.00} images={data.Train.Count}"));
    }

    private static (string, double, string) Memory(Spec s, bool quick)
    {
        var data = Data(s, quick);
        var model = s.Build(new Generator(1));
        var opt = s.Optimizer(model);
        using var train = new DataLoader(data.Train, s.Batch, shuffle: true, generator: new Generator(2));
        int epochs = quick ? 3 : 10;
        var heap = new List<string>();
        double seconds = 0;
        for (int e = 0; e < epochs; e++)
        {
            seconds += Epoch(s, model, opt, null, train, null).Seconds;
            heap.Add((GC.GetTotalMemory(forceFullCollection: true) / 1e6).ToString("0.0", CultureInfo.InvariantCulture));
        }
        return ("MB heap", GC.GetTotalMemory(true) / 1e6, $"heap_per_epoch_MB={string.Join(',', heap)} epochs={epochs} s/epoch={(seconds / epochs).ToString("0.00", CultureInfo.InvariantCulture)}");
    }

    // One pass over the loader (or until `budget` seconds): wall seconds and managed bytes allocated per step, on every thread.
    private static (double Seconds, long BytesPerStep) Epoch(Spec s, Module model, Optimizer opt, LearningRateSchedule? schedule, DataLoader loader, double? budget)
    {
        long bytes = GC.GetTotalAllocatedBytes(precise: true);
        var sw = Stopwatch.StartNew();
        int steps = 0;
        foreach (var batch in loader)
        {
            schedule?.Apply(opt, opt.StepCount);
            using (Tensor.StepScope())
            {
                opt.ZeroGrad(setToNone: false);   // keep the gradient buffers, as PyTorch 1.13's zero_grad() does
                s.Loss(model.Forward(batch.Features), batch).Backward();
                opt.Step();
            }
            steps++;
            if (budget is double b && sw.Elapsed.TotalSeconds >= b) break;
        }
        double seconds = sw.Elapsed.TotalSeconds;
        return (seconds, (GC.GetTotalAllocatedBytes(precise: true) - bytes) / Math.Max(steps, 1));
    }

    internal static double Median(double[] xs)
    {
        var s = xs.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
