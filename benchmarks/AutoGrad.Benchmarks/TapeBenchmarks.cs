using BenchmarkDotNet.Attributes;

namespace AutoGrad.Benchmarks;

/// <summary>Tape overhead: one round of scalar multiply, add and backward (three recorded ops and a backward pass).</summary>
[ShortRunJob, MemoryDiagnoser]
public class TapeBenchmarks
{
    private readonly Tensor _x = Tensor.Scalar(1.5).RequireGrad();
    private readonly Tensor _w = Tensor.Scalar(0.5).RequireGrad();

    /// <summary><c>z = x·w + x; z.Backward()</c>, gradients accumulating on the leaves (as in PyTorch's loop).</summary>
    [Benchmark]
    public void MultiplyAddBackward()
    {
        var z = _x * _w + _x;
        z.Backward();
    }

    /// <summary>The same forward under NoGrad: the cost of the kernels and allocations without recording.</summary>
    [Benchmark]
    public Tensor MultiplyAddNoGrad()
    {
        using var _ = Differentiation.Recorder.NoGrad();
        return _x * _w + _x;
    }
}
