using AutoGrad.Differentiation;
using AutoGrad.Losses;
using AutoGrad.NN;
using AutoGrad.Transforms;
using BenchmarkDotNet.Attributes;

namespace AutoGrad.Benchmarks;

/// <summary>
/// Per-sample gradients of the MLP 784→128→10 (ReLU, softmax cross-entropy) for a batch of 64, float32: Vmap(Grad) over
/// FunctionalCall, the Linear shortcut (outer products of saved inputs and output gradients), the loop of 64 backward passes,
/// and, for scale, one ordinary backward pass of the batch's mean loss (which yields only the summed gradient).
/// </summary>
[ShortRunJob, MemoryDiagnoser]
public class PerSampleGradientBenchmarks
{
    private const int Batch = 64;
    private Module _model = null!;
    private Tensor _x = null!, _y = null!;
    private static readonly Func<Tensor, Tensor, Tensor> Loss = (p, t) => p.SoftmaxCrossEntropy(t);

    /// <summary>Builds the model and fixed random data (seed 0).</summary>
    [GlobalSetup]
    public void Setup()
    {
        var g = new Generator(0);
        _model = new Sequential(new Linear(784, 128, g), new Relu(), new Linear(128, 10, g));
        _x = Tensor.Rand(new Shape(Batch, 784), g);
        _y = Tensor.FromArray(Enumerable.Range(0, Batch).Select(i => (float)(i % 10)).ToArray());
    }

    /// <summary>The loop: one backward pass per example.</summary>
    [Benchmark(Baseline = true)]
    public Tensor Loop()
    {
        var named = _model.NamedParameters();
        Tensor? last = null;
        for (int b = 0; b < Batch; b++)
        {
            var leaves = named.Select(p => p.Value.Detach().RequireGrad()).ToArray();
            var parameters = named.Select((p, i) => (p.Key, leaves[i])).ToDictionary(p => p.Key, p => p.Item2);
            var l = Loss(ModuleTransforms.FunctionalCall(_model, parameters, null, _x.Select(0, b).Unsqueeze(0)), _y.Select(0, b).Unsqueeze(0));
            last = Functional.Grad([l], leaves)[0];
        }
        return last!;
    }

    /// <summary>Vmap(Grad(loss ∘ FunctionalCall)).</summary>
    [Benchmark]
    public Dictionary<string, Tensor> VmapGrad() => ModuleTransforms.PerSampleGradients(_model, Loss, _x, _y, shortcuts: false);

    /// <summary>The Linear shortcut: one forward, one backward, outer products.</summary>
    [Benchmark]
    public Dictionary<string, Tensor> LinearShortcut() => ModuleTransforms.PerSampleGradients(_model, Loss, _x, _y, shortcuts: true);

    /// <summary>One ordinary backward pass of the batch's mean loss (the summed gradient only), for scale.</summary>
    [Benchmark]
    public Tensor?[] OneBackward()
    {
        var leaves = _model.Parameters().ToArray();
        return Functional.Grad([Loss(_model.Forward(_x), _y)], leaves);
    }
}
