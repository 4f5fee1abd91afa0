using AutoGrad.Differentiation;
using AutoGrad.Kernels;
using AutoGrad.Losses;
using AutoGrad.NN;
using AutoGrad.Transforms;
using BenchmarkDotNet.Attributes;

namespace AutoGrad.Benchmarks;

/// <summary>
/// Per-sample gradients of the MLP 784→128→10 (ReLU, softmax cross-entropy) for a batch of 64, float32: Vmap(Grad) over
/// FunctionalCall, the Linear shortcut (outer products of saved inputs and output gradients), the loop of 64 backward passes,
/// DP-SGD's clipped and noised gradient from the per-sample gradients and from the Linear layers' factors, and, for scale, one
/// ordinary backward pass of the batch's mean loss (which yields only the summed gradient) and the write of the per-sample
/// gradients alone (the floor of both per-sample paths), into fresh buffers and into reused ones.
/// </summary>
[ShortRunJob, MemoryDiagnoser]
public class PerSampleGradientBenchmarks
{
    private const int Batch = 64;
    private Module _model = null!;
    private Tensor _x = null!, _y = null!;
    private float[] _a1 = null!, _g1 = null!, _a2 = null!, _g2 = null!, _w1 = null!, _w2 = null!;
    private static readonly Func<Tensor, Tensor, Tensor> Loss = (p, t) => p.SoftmaxCrossEntropy(t);

    /// <summary>Builds the model and fixed random data (seed 0).</summary>
    [GlobalSetup]
    public void Setup()
    {
        var g = new Generator(0);
        _model = new Sequential(new Linear(784, 128, g), new Relu(), new Linear(128, 10, g));
        _x = Tensor.Rand(new Shape(Batch, 784), g);
        _y = Tensor.FromArray(Enumerable.Range(0, Batch).Select(i => (float)(i % 10)).ToArray());
        var rng = new Random(0);
        float[] Rows(int n) => Enumerable.Range(0, Batch * n).Select(_ => (float)rng.NextDouble()).ToArray();
        (_a1, _g1, _a2, _g2) = (Rows(784), Rows(128), Rows(128), Rows(10));
        (_w1, _w2) = (new float[Batch * 128 * 784], new float[Batch * 10 * 128]);
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

    /// <summary>
    /// What DP-SGD needs of the per-sample gradients, from them: the Linear shortcut, then each example's gradient clipped to
    /// norm 1, noise added (σ = 1), averaged (DifferentialPrivacy.PrivateGradient of the dictionary).
    /// </summary>
    [Benchmark]
    public Dictionary<string, Tensor> PrivateFromPerSample() =>
        DifferentialPrivacy.PrivateGradient(ModuleTransforms.PerSampleGradients(_model, Loss, _x, _y, shortcuts: true), 1.0, 1.0, new Generator(1));

    /// <summary>The same DP-SGD gradient from the Linear layers' factors, the per-sample gradients never written (the model overload).</summary>
    [Benchmark]
    public Dictionary<string, Tensor> PrivateFactored() => DifferentialPrivacy.PrivateGradient(_model, Loss, _x, _y, 1.0, 1.0, new Generator(1));

    /// <summary>The factored DP-SGD gradient with σ = 0: clipping and averaging only, without the noise draw (101,770 normals).</summary>
    [Benchmark]
    public Dictionary<string, Tensor> ClippedFactored() => DifferentialPrivacy.PrivateGradient(_model, Loss, _x, _y, 1.0, 0.0, new Generator(1));

    /// <summary>
    /// The floor of both per-sample paths: only writing the per-sample weight gradients (64 × (128×784 + 10×128) float32, 26 MB)
    /// into fresh buffers with the kernel they use (OuterKernels.RowOuter), from fixed rows.
    /// </summary>
    [Benchmark]
    public float[][] WriteOnly()
    {
        var w1 = GC.AllocateUninitializedArray<float>(Batch * 128 * 784);
        var w2 = GC.AllocateUninitializedArray<float>(Batch * 10 * 128);
        OuterKernels.RowOuter(_g1, _a1, w1, Batch, 128, 784);
        OuterKernels.RowOuter(_g2, _a2, w2, Batch, 10, 128);
        return [w1, w2];
    }

    /// <summary>
    /// The same write into buffers allocated once and reused: the memory bandwidth alone, without the operating system's
    /// first-touch cost of fresh pages that <see cref="WriteOnly"/> pays.
    /// </summary>
    [Benchmark]
    public float[][] WriteReused()
    {
        OuterKernels.RowOuter(_g1, _a1, _w1, Batch, 128, 784);
        OuterKernels.RowOuter(_g2, _a2, _w2, Batch, 10, 128);
        return [_w1, _w2];
    }

    /// <summary>One ordinary backward pass of the batch's mean loss (the summed gradient only), for scale.</summary>
    [Benchmark]
    public Tensor?[] OneBackward()
    {
        var leaves = _model.Parameters().ToArray();
        return Functional.Grad([Loss(_model.Forward(_x), _y)], leaves);
    }
}
