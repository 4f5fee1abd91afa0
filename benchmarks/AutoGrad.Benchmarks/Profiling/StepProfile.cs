using System.Diagnostics;
using AutoGrad.Losses;
using AutoGrad.NN;
using AutoGrad.Optim;

namespace AutoGrad.Benchmarks.Profiling;

/// <summary>
/// `profile &lt;mlp64|mlp256|cnn&gt; [steps] [noscope]`: per training step (inside a StepScope unless `noscope`), wall time, process CPU time (steadier than wall time on a loaded
/// host), managed bytes allocated and GC counts, split into forward, backward and optimizer step.
/// </summary>
internal static class StepProfile
{
    public static int Run(string[] args)
    {
        string w = args.Length > 0 ? args[0] : "mlp64";
        int steps = args.Length > 1 ? int.Parse(args[1]) : 200;
        bool scoped = !(args.Length > 2 && args[2] == "noscope");
        var (model, x, y) = Build(w);
        var opt = new Sgd(model.Parameters(), 0.01);
        // Warm-up for 2 s: tiered compilation re-JITs hot methods only after ~100 ms without new tier-0 code.
        var warm = Stopwatch.StartNew();
        do TrainingStep.Run(model, opt, x, y, scoped); while (warm.Elapsed.TotalSeconds < 2);
        var proc = Process.GetCurrentProcess();
        int g0 = GC.CollectionCount(0), g1 = GC.CollectionCount(1), g2 = GC.CollectionCount(2);
        long bytes = GC.GetAllocatedBytesForCurrentThread();
        var cpu = proc.TotalProcessorTime;
        double fwd = 0, bwd = 0, upd = 0;
        var total = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            var scope = scoped ? Tensor.StepScope() : default;
            opt.ZeroGrad(setToNone: false);
            var loss = model.Forward(x).SoftmaxCrossEntropy(y);
            long t1 = Stopwatch.GetTimestamp();
            loss.Backward();
            long t2 = Stopwatch.GetTimestamp();
            opt.Step();
            scope.Dispose();
            long t3 = Stopwatch.GetTimestamp();
            fwd += t1 - t0; bwd += t2 - t1; upd += t3 - t2;
        }
        double wall = total.Elapsed.TotalMilliseconds / steps;
        proc.Refresh();
        double cpuMs = (proc.TotalProcessorTime - cpu).TotalMilliseconds / steps;
        long alloc = (GC.GetAllocatedBytesForCurrentThread() - bytes) / steps;
        double f = 1000.0 / Stopwatch.Frequency / steps;
        Console.WriteLine($"{w}{(scoped ? "" : " (no StepScope)")}: wall {wall:0.000} ms/step (fwd {fwd * f:0.000}, bwd {bwd * f:0.000}, step {upd * f:0.000}), cpu {cpuMs:0.000} ms/step, " +
            $"{alloc:N0} B/step, GCs per 100 steps: gen0 {(GC.CollectionCount(0) - g0) * 100.0 / steps:0.#} gen1 {(GC.CollectionCount(1) - g1) * 100.0 / steps:0.#} gen2 {(GC.CollectionCount(2) - g2) * 100.0 / steps:0.#}");
        return 0;
    }

    private static (Module, Tensor, Tensor) Build(string w)
    {
        var g = new Generator(0);
        int batch = w switch { "mlp64" => 64, "mlp256" => 256, "cnn" => 64, _ => throw new ArgumentException($"unknown workload '{w}'") };
        var y = Tensor.FromArray(Enumerable.Range(0, batch).Select(i => (float)(i % 10)).ToArray());
        if (w == "cnn")
            return (new Sequential(new Conv2d(1, 32, 5, g), new Relu(), new MaxPool2d(2), new Flatten(), new Linear(32 * 12 * 12, 10, g)),
                Tensor.Rand(new Shape(64, 1, 28, 28), g), y);
        return (new Sequential(new Linear(784, 128, g), new Relu(), new Linear(128, 10, g)), Tensor.Rand(new Shape(batch, 784), g), y);
    }
}
