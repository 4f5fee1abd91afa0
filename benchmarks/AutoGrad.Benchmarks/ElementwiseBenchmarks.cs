using AutoGrad.Differentiation;
using BenchmarkDotNet.Attributes;

namespace AutoGrad.Benchmarks;

/// <summary>Element-wise and reduction throughput on 1M float32 (1000×1000) through the public ops, recording off.</summary>
[ShortRunJob, MemoryDiagnoser]
public class ElementwiseBenchmarks
{
    private Tensor _a = null!, _b = null!, _row = null!, _col = null!, _out = null!;

    /// <summary>Fills the operands with fixed uniform values in [−1, 1).</summary>
    [GlobalSetup]
    public void Setup()
    {
        var g = new Generator(1);
        _a = Tensor.Uniform(new Shape(1000, 1000), g, -1, 1);
        _b = Tensor.Uniform(new Shape(1000, 1000), g, -1, 1);
        _row = Tensor.Uniform(new Shape(1000), g, -1, 1);
        _col = Tensor.Uniform(new Shape(1000, 1), g, -1, 1);
        _out = Tensor.Zeros(new Shape(1000, 1000));
    }

    /// <summary>The kernel alone, into a preallocated buffer: the gap to <see cref="Add"/> is the cost of a fresh 4 MB output.</summary>
    [Benchmark(Baseline = true)] public void AddKernelOnly() => System.Numerics.Tensors.TensorPrimitives.Add<float>(_a.F32, _b.F32, _out.F32);

    /// <summary><c>a + b</c> inside a <see cref="StepScope"/>: the output buffer comes from the pool, as in a scoped training step.</summary>
    [Benchmark]
    public float AddInStepScope()
    {
        using var scope = Tensor.StepScope();
        using var _ = Recorder.NoGrad();
        return (_a + _b).F32[0];
    }

    /// <summary><c>a + b</c>, same shapes.</summary>
    [Benchmark] public Tensor Add() { using var _ = Recorder.NoGrad(); return _a + _b; }

    /// <summary><c>a ⊙ b</c>.</summary>
    [Benchmark] public Tensor Multiply() { using var _ = Recorder.NoGrad(); return _a * _b; }

    /// <summary><c>a + 1</c> (scalar overload).</summary>
    [Benchmark] public Tensor AddScalar() { using var _ = Recorder.NoGrad(); return _a + 1.0; }

    /// <summary><c>a + row</c>: a bias row broadcast over 1000 rows.</summary>
    [Benchmark] public Tensor AddRowBroadcast() { using var _ = Recorder.NoGrad(); return _a + _row; }

    /// <summary><c>a + col</c>: a (1000, 1) column broadcast along each row.</summary>
    [Benchmark] public Tensor AddColumnBroadcast() { using var _ = Recorder.NoGrad(); return _a + _col; }

    /// <summary><c>eᵃ</c>.</summary>
    [Benchmark] public Tensor Exp() { using var _ = Recorder.NoGrad(); return _a.Exp(); }

    /// <summary><c>max(a, 0)</c>.</summary>
    [Benchmark] public Tensor Relu() { using var _ = Recorder.NoGrad(); return _a.Relu(); }

    /// <summary><c>Σ a</c> over every element.</summary>
    [Benchmark] public Tensor SumAll() { using var _ = Recorder.NoGrad(); return _a.Sum(); }

    /// <summary><c>Σ</c> over axis 0 (what a bias gradient does).</summary>
    [Benchmark] public Tensor SumAxis0() { using var _ = Recorder.NoGrad(); return _a.Sum(0); }

    /// <summary><c>Σ</c> over the last axis.</summary>
    [Benchmark] public Tensor SumAxis1() { using var _ = Recorder.NoGrad(); return _a.Sum(1); }

    /// <summary>Softmax along the last axis.</summary>
    [Benchmark] public Tensor Softmax() { using var _ = Recorder.NoGrad(); return _a.Softmax(-1); }

    /// <summary><c>aᵀ</c> materialised (a strided gather).</summary>
    [Benchmark] public Tensor Transpose() { using var _ = Recorder.NoGrad(); return _a.Transpose(); }
}
