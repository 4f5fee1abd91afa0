using AutoGrad.Losses;
using AutoGrad.NN;
using AutoGrad.Optim;
using BenchmarkDotNet.Attributes;

namespace AutoGrad.Benchmarks;

/// <summary>
/// One training step (zero grads, forward, softmax cross-entropy, backward, SGD 0.01) of the compare workloads:
/// MLP 784→128→10 at batches 64 and 256, and CNN 28×28 → conv 5×5×32 → ReLU → max-pool 2 → dense 10 at batch 64.
/// Allocated bytes per step come from the memory diagnoser; each step runs with and without a <see cref="StepScope"/>.
/// </summary>
[ShortRunJob, MemoryDiagnoser]
public class MlpStepBenchmarks
{
    private Module _model = null!;
    private Optimizer _opt = null!;
    private Tensor _x = null!, _y = null!;

    /// <summary>Samples per step.</summary>
    [Params(64, 256)]
    public int Batch { get; set; }

    /// <summary>Builds the model and fixed random data (seed 0).</summary>
    [GlobalSetup]
    public void Setup()
    {
        var g = new Generator(0);
        _model = new Sequential(new Linear(784, 128, g), new Relu(), new Linear(128, 10, g));
        _opt = new Sgd(_model.Parameters(), 0.01);
        _x = Tensor.Rand(new Shape(Batch, 784), g);
        _y = Tensor.FromArray(Enumerable.Range(0, Batch).Select(i => (float)(i % 10)).ToArray());
    }

    /// <summary>One SGD step inside a <see cref="StepScope"/> (activations reused from the pool), as the compare workloads run it.</summary>
    [Benchmark(Baseline = true)]
    public void Step() => TrainingStep.Run(_model, _opt, _x, _y, scoped: true);

    /// <summary>The same step without a scope: every activation is a fresh buffer for the GC.</summary>
    [Benchmark]
    public void StepWithoutScope() => TrainingStep.Run(_model, _opt, _x, _y, scoped: false);
}

/// <summary>One CNN training step; see <see cref="MlpStepBenchmarks"/>.</summary>
[ShortRunJob, MemoryDiagnoser]
public class CnnStepBenchmarks
{
    private Module _model = null!;
    private Optimizer _opt = null!;
    private Tensor _x = null!, _y = null!;

    /// <summary>Builds the model and fixed random data (seed 0), batch 64.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var g = new Generator(0);
        _model = new Sequential(new Conv2d(1, 32, 5, g), new Relu(), new MaxPool2d(2), new Flatten(), new Linear(32 * 12 * 12, 10, g));
        _opt = new Sgd(_model.Parameters(), 0.01);
        _x = Tensor.Rand(new Shape(64, 1, 28, 28), g);
        _y = Tensor.FromArray(Enumerable.Range(0, 64).Select(i => (float)(i % 10)).ToArray());
    }

    /// <summary>One SGD step inside a <see cref="StepScope"/> (activations reused from the pool), as the compare workloads run it.</summary>
    [Benchmark(Baseline = true)]
    public void Step() => TrainingStep.Run(_model, _opt, _x, _y, scoped: true);

    /// <summary>The same step without a scope: every activation is a fresh buffer for the GC.</summary>
    [Benchmark]
    public void StepWithoutScope() => TrainingStep.Run(_model, _opt, _x, _y, scoped: false);
}

internal static class TrainingStep
{
    public static void Run(Module model, Optimizer opt, Tensor x, Tensor y, bool scoped)
    {
        using var scope = scoped ? Tensor.StepScope() : default;
        opt.ZeroGrad(setToNone: false);   // keep the gradient buffers, as PyTorch 1.13's zero_grad() does
        model.Forward(x).SoftmaxCrossEntropy(y).Backward();
        opt.Step();
    }
}
