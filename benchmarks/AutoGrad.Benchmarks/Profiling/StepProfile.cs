using System.Diagnostics;
using AutoGrad.Losses;
using AutoGrad.NN;
using AutoGrad.Optim;

namespace AutoGrad.Benchmarks.Profiling;

/// <summary>
/// `profile &lt;mlp64|mlp256|cnn|cnn-epoch|mlp-epoch|lstm&gt; [steps] [noscope]`: per training step (inside a StepScope unless `noscope`),
/// wall time, process CPU time (steadier than wall time on a loaded host), managed bytes allocated on every thread and GC counts,
/// split into forward, backward and optimizer step. `cnn-epoch`, `mlp-epoch` and `lstm` are the models of the comparison's rows
/// (Compare/EpochWorkloads.cs, Compare/SequenceWorkloads.cs) on random inputs, with their optimizers (Adam).
/// </summary>
internal static class StepProfile
{
    public static int Run(string[] args)
    {
        string w = args.Length > 0 ? args[0] : "mlp64";
        int steps = args.Length > 1 ? int.Parse(args[1]) : 200;
        bool scoped = !(args.Length > 2 && args[2] == "noscope");
        var (model, x, loss) = Build(w);
        Optimizer opt = w is "mlp64" or "mlp256" or "cnn" ? new Sgd(model.Parameters(), 0.01) : new Adam(model.Parameters(), 1e-3);
        void Step()
        {
            using var scope = scoped ? Tensor.StepScope() : default;
            opt.ZeroGrad(setToNone: false);
            loss(model.Forward(x)).Backward();
            opt.Step();
        }
        // Warm-up for 2 s: tiered compilation re-JITs hot methods only after ~100 ms without new tier-0 code.
        var warm = Stopwatch.StartNew();
        do Step(); while (warm.Elapsed.TotalSeconds < 2);
        var proc = Process.GetCurrentProcess();
        int g0 = GC.CollectionCount(0), g1 = GC.CollectionCount(1), g2 = GC.CollectionCount(2);
        long bytes = GC.GetTotalAllocatedBytes(precise: true);
        var cpu = proc.TotalProcessorTime;
        double fwd = 0, bwd = 0, upd = 0;
        var total = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            var scope = scoped ? Tensor.StepScope() : default;
            opt.ZeroGrad(setToNone: false);
            var l = loss(model.Forward(x));
            long t1 = Stopwatch.GetTimestamp();
            l.Backward();
            long t2 = Stopwatch.GetTimestamp();
            opt.Step();
            scope.Dispose();
            long t3 = Stopwatch.GetTimestamp();
            fwd += t1 - t0; bwd += t2 - t1; upd += t3 - t2;
        }
        double wall = total.Elapsed.TotalMilliseconds / steps;
        proc.Refresh();
        double cpuMs = (proc.TotalProcessorTime - cpu).TotalMilliseconds / steps;
        long alloc = (GC.GetTotalAllocatedBytes(precise: true) - bytes) / steps;
        double f = 1000.0 / Stopwatch.Frequency / steps;
        Console.WriteLine($"{w}{(scoped ? "" : " (no StepScope)")}: wall {wall:0.000} ms/step (fwd {fwd * f:0.000}, bwd {bwd * f:0.000}, step {upd * f:0.000}), cpu {cpuMs:0.000} ms/step, " +
            $"{alloc:N0} B/step, GCs per 100 steps: gen0 {(GC.CollectionCount(0) - g0) * 100.0 / steps:0.#} gen1 {(GC.CollectionCount(1) - g1) * 100.0 / steps:0.#} gen2 {(GC.CollectionCount(2) - g2) * 100.0 / steps:0.#}");
        return 0;
    }

    private static (Module, Tensor, Func<Tensor, Tensor>) Build(string w)
    {
        var g = new Generator(0);
        Tensor Labels(int n, int classes) => Tensor.FromArray(Enumerable.Range(0, n).Select(i => (float)(i * 7 % classes)).ToArray());
        switch (w)
        {
            case "lstm":
            {
                const int batch = 32, seq = 64, vocab = 65;
                var tokens = Labels(batch * seq, vocab);
                var model = new Sequential(new Embedding(vocab, 64, g), new Lstm(64, 256, g), new Linear(256, vocab, g));
                return (model, tokens.Reshape(batch, seq), y => y.Reshape(batch * seq, vocab).SoftmaxCrossEntropy(tokens));
            }
            case "cnn-epoch":
            {
                var y = Labels(64, 10);
                var model = new Sequential(new Conv2d(1, 32, 5, g), new Relu(), new MaxPool2d(2), new Conv2d(32, 64, 5, g), new Relu(), new MaxPool2d(2),
                    new Flatten(), new Linear(64 * 4 * 4, 128, g), new Relu(), new Linear(128, 10, g));
                return (model, Tensor.Rand(new Shape(64, 1, 28, 28), g), o => o.SoftmaxCrossEntropy(y));
            }
            case "mlp-epoch":
            {
                var y = Labels(128, 10);
                var model = new Sequential(new Linear(784, 128, g), new Relu(), new Linear(128, 128, g), new Relu(), new Linear(128, 10, g));
                return (model, Tensor.Rand(new Shape(128, 784), g), o => o.SoftmaxCrossEntropy(y));
            }
        }
        int batch2 = w switch { "mlp64" => 64, "mlp256" => 256, "cnn" => 64, _ => throw new ArgumentException($"unknown workload '{w}'") };
        var y2 = Labels(batch2, 10);
        if (w == "cnn")
            return (new Sequential(new Conv2d(1, 32, 5, g), new Relu(), new MaxPool2d(2), new Flatten(), new Linear(32 * 12 * 12, 10, g)),
                Tensor.Rand(new Shape(64, 1, 28, 28), g), o => o.SoftmaxCrossEntropy(y2));
        return (new Sequential(new Linear(784, 128, g), new Relu(), new Linear(128, 10, g)), Tensor.Rand(new Shape(batch2, 784), g), o => o.SoftmaxCrossEntropy(y2));
    }
}
