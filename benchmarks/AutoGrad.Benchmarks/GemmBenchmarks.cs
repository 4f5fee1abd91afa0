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

/// <summary>
/// The narrow float32 products of a 784→128→10 MLP step at batch 256 (n = 10 takes the narrow kernel):
/// H·W2 is 256×128×10, Hᵀ·G is 128×256×10 with A transposed. 2·m·k·n / mean gives GFLOP/s.
/// </summary>
[MemoryDiagnoser]
public class GemmNarrowBenchmarks
{
    private readonly float[] _h = new float[256 * 128];
    private readonly float[] _w2 = new float[128 * 10];
    private readonly float[] _g = new float[256 * 10];
    private readonly float[] _c = new float[256 * 10];

    /// <summary>Fills the operands with fixed pseudo-random values.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        foreach (float[] v in new[] { _h, _w2, _g })
        {
            for (int i = 0; i < v.Length; i++)
            {
                v[i] = (float)(rng.NextDouble() * 2 - 1);
            }
        }
    }

    /// <summary>C[256×10] = H·W2.</summary>
    [Benchmark]
    public void HiddenTimesW2() => Gemm.Multiply(_h, _w2, _c, 256, 128, 10);

    /// <summary>C[128×10] = Hᵀ·G.</summary>
    [Benchmark]
    public void HiddenTransposedTimesGrad() => Gemm.Multiply(_h, _g, _c, 128, 256, 10, transA: true);
}
