using System.Diagnostics;
using AutoGrad.Differentiation;
using AutoGrad.NN;
using AutoGrad.Optim;

namespace AutoGrad.Benchmarks.Compare;

/// <summary>
/// The workloads of the side-by-side comparison with PyTorch (benchmarks/compare/torch_workloads.py runs the same
/// shapes, seeds and step counts). Each prints one line: <c>workload unit median</c>, the median over repetitions.
/// </summary>
internal static class Workloads
{
    public static int Run(string[] args)
    {
        if (args.Length < 1)
        {
            Console.Error.WriteLine("usage: compare <gemm|mlp64|mlp256|cnn|tape> [repetitions] | compare <cnn-epoch|mlp-epoch|nielsen-epoch|cold-start|cnn-memory|lstm|transformer> [--quick]");
            return 2;
        }
        bool quick = args.Contains("--quick");
        if (args[0] is "cnn-epoch" or "mlp-epoch" or "nielsen-epoch" or "cold-start" or "cnn-memory" or "lstm" or "transformer")
        {
            var (u, v, extra) = args[0] is "lstm" or "transformer" ? SequenceWorkloads.Run(args[0], quick) : EpochWorkloads.Run(args[0], quick);
            Console.WriteLine(FormattableString.Invariant($"{args[0]} {u.Replace(' ', '_')} {v:0.###} {extra}"));
            return 0;
        }
        int reps = args.Length > 1 && !quick ? int.Parse(args[1]) : quick ? 1 : 5;
        var (unit, value) = args[0] switch
        {
            "gemm" => ("GFLOP/s", Median(reps, Gemm)),
            "mlp64" => ("samples/s", Median(reps, () => Mlp(64))),
            "mlp256" => ("samples/s", Median(reps, () => Mlp(256))),
            "cnn" => ("samples/s", Median(reps, Cnn)),
            "tape" => ("us/iteration", Median(reps, Tape)),
            _ => throw new ArgumentException($"unknown workload '{args[0]}'"),
        };
        Console.WriteLine(FormattableString.Invariant($"{args[0]} {unit} {value:0.###}"));
        return 0;
    }

    private static double Median(int reps, Func<double> f)
    {
        // Warm-up for 2 s, as the PyTorch side does: tiered compilation recompiles hot methods with full optimisation
        // only after ~100 ms without new tier-0 code, so one warm-up call left the timed runs partly in tier-0 code.
        var warm = Stopwatch.StartNew();
        do f(); while (warm.Elapsed.TotalSeconds < 2);
        var xs = Enumerable.Range(0, reps).Select(_ => f()).Order().ToArray();
        return xs[xs.Length / 2];
    }

    // C = A·B, 1024³ float32: GFLOP/s of the best of 10 products.
    private static double Gemm()
    {
        var g = new Generator(0);
        var a = Tensor.Rand(new Shape(1024, 1024), g);
        var b = Tensor.Rand(new Shape(1024, 1024), g);
        double best = double.MaxValue;
        for (int i = 0; i < 10; i++)
        {
            var sw = Stopwatch.StartNew();
            a.MatMul(b);
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        return 2.0 * 1024 * 1024 * 1024 / best / 1e9;
    }

    // 784→128→10 MLP, ReLU, softmax cross-entropy, SGD 0.01: samples/s over 200 steps on fixed random data.
    private static double Mlp(int batch)
    {
        var g = new Generator(0);
        var model = new Sequential(new Linear(784, 128, g), new Relu(), new Linear(128, 10, g));
        var opt = new Sgd(model.Parameters(), 0.01);
        var x = Tensor.Rand(new Shape(batch, 784), g);
        var y = Tensor.FromArray(Enumerable.Range(0, batch).Select(i => (float)(i % 10)).ToArray());
        return Steps(200, batch, model, opt, x, y);
    }

    // 28×28×1 → conv 5×5×32 → ReLU → max-pool 2 → dense 10, batch 64: samples/s over 20 steps.
    private static double Cnn()
    {
        var g = new Generator(0);
        var model = new Sequential(new Conv2d(1, 32, 5, g), new Relu(), new MaxPool2d(2), new Flatten(), new Linear(32 * 12 * 12, 10, g));
        var opt = new Sgd(model.Parameters(), 0.01);
        var x = Tensor.Rand(new Shape(64, 1, 28, 28), g);
        var y = Tensor.FromArray(Enumerable.Range(0, 64).Select(i => (float)(i % 10)).ToArray());
        return Steps(20, 64, model, opt, x, y);
    }

    private static double Steps(int steps, int batch, Module model, Optimizer opt, Tensor x, Tensor y)
    {
        var sw = Stopwatch.StartNew();
        // Inside a StepScope, activations return to the pool when the step ends, as PyTorch frees them.
        for (int s = 0; s < steps; s++) TrainingStep.Run(model, opt, x, y, scoped: true);
        return steps * batch / sw.Elapsed.TotalSeconds;
    }

    // 10,000 × (z = x·w + x; z.backward()) on scalars: microseconds per iteration.
    private static double Tape()
    {
        var x = Tensor.Scalar(1.5).RequireGrad();
        var w = Tensor.Scalar(0.5).RequireGrad();
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < 10_000; i++)
        {
            var z = x * w + x;
            z.Backward();
        }
        return sw.Elapsed.TotalMilliseconds * 1000 / 10_000;
    }
}
