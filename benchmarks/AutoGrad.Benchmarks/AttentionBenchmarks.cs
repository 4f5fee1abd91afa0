using AutoGrad.Differentiation;
using BenchmarkDotNet.Attributes;

namespace AutoGrad.Benchmarks;

/// <summary>
/// Causal self-attention of the CharTransformer's shape — d 128 in 4 heads of 32, T 64, batch 16, float32 — fused
/// (<see cref="AttentionOps.ScaledDotProductAttention"/>) against the composed <c>softmax(QKᵀ/√E + mask)V</c>, forward alone
/// and forward plus backward. Quote only ratios within one run.
/// </summary>
[ShortRunJob, MemoryDiagnoser]
public class AttentionBenchmarks
{
    private Tensor _q = null!, _k = null!, _v = null!, _bias = null!, _up = null!;

    /// <summary>Fixed uniform inputs and the causal bias (0 on and below the diagonal, −∞ above).</summary>
    [GlobalSetup]
    public void Setup()
    {
        var g = new Generator(1);
        var shape = new Shape(16, 4, 64, 32);
        _q = Tensor.Uniform(shape, g, -1, 1).RequireGrad();
        _k = Tensor.Uniform(shape, g, -1, 1).RequireGrad();
        _v = Tensor.Uniform(shape, g, -1, 1).RequireGrad();
        _up = Tensor.Uniform(shape, g, -1, 1);
        using var _ = Recorder.NoGrad();
        _bias = Tensor.Zeros(new Shape(64, 64)).MaskedFill(Tensor.Ones(new Shape(64, 64)).Triu(1), double.NegativeInfinity);
    }

    private Tensor Composed() => (_q.MatMul(_k.Transpose()) * (1 / Math.Sqrt(32)) + _bias).Softmax(-1).MatMul(_v);

    /// <summary>Fused forward, recording off.</summary>
    [Benchmark(Baseline = true)]
    public Tensor FusedForward() { using var _ = Recorder.NoGrad(); return _q.ScaledDotProductAttention(_k, _v, isCausal: true); }

    /// <summary>Composed forward, recording off.</summary>
    [Benchmark]
    public Tensor ComposedForward() { using var _ = Recorder.NoGrad(); return Composed(); }

    /// <summary>Fused forward and backward to q, k and v.</summary>
    [Benchmark]
    public void FusedForwardBackward()
    {
        using var scope = Tensor.StepScope();
        (_q.ScaledDotProductAttention(_k, _v, isCausal: true) * _up).Sum().Backward();
        _q.ZeroGrad(); _k.ZeroGrad(); _v.ZeroGrad();
    }

    /// <summary>Composed forward and backward to q, k and v.</summary>
    [Benchmark]
    public void ComposedForwardBackward()
    {
        using var scope = Tensor.StepScope();
        (Composed() * _up).Sum().Backward();
        _q.ZeroGrad(); _k.ZeroGrad(); _v.ZeroGrad();
    }
}
