using AutoGrad.Kernels;
using BenchmarkDotNet.Attributes;

namespace AutoGrad.Benchmarks;

/// <summary>Square float32 GEMM through the internal kernel; divide 2·N³ by the mean for GFLOP/s.</summary>
[MemoryDiagnoser]
public class GemmBenchmarks
{
    private float[] _a = [];
    private float[] _b = [];
    private float[] _c = [];

    /// <summary>Matrix side length.</summary>
    [Params(64, 256, 1024)]
    public int N { get; set; }

    /// <summary>Fills the operands with fixed pseudo-random values.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        _a = new float[N * N];
        _b = new float[N * N];
        _c = new float[N * N];
        for (int i = 0; i < _a.Length; i++)
        {
            _a[i] = (float)(rng.NextDouble() * 2 - 1);
            _b[i] = (float)(rng.NextDouble() * 2 - 1);
        }
    }

    /// <summary>C = A·B.</summary>
    [Benchmark]
    public void MultiplyFloat() => Gemm.Multiply(_a, _b, _c, N, N, N);
}
