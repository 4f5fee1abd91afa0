using AutoGrad.Kernels;

namespace AutoGrad.Tests.Kernels;

/// <summary>Naive triple-loop GEMM and comparison helpers shared by the GEMM test classes.</summary>
internal static class GemmReference
{
    internal static double[] Naive(double[] a, double[] b, double[] c0, int m, int k, int n,
        bool transA, bool transB, bool accumulate)
    {
        var c = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = accumulate ? c0[i * n + j] : 0.0;
                for (int p = 0; p < k; p++)
                {
                    double av = transA ? a[p * m + i] : a[i * k + p];
                    double bv = transB ? b[j * k + p] : b[p * n + j];
                    sum += av * bv;
                }

                c[i * n + j] = sum;
            }
        }

        return c;
    }

    // Inputs lie in [-1, 1], so k·max|a|·max|b| ≤ k and the tolerance scales with k alone.
    internal static void AssertClose(double[] expected, double[] actual, double tol, string label)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double err = Math.Abs(expected[i] - actual[i]);
            Assert.True(err <= tol * (1 + Math.Abs(expected[i])),
                $"{label}: element {i} expected {expected[i]} got {actual[i]} (err {err}, tol {tol})");
        }
    }

    internal static void AssertBitIdentical(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(expected[i]), BitConverter.SingleToInt32Bits(actual[i]));
        }
    }

    internal static void AssertBitIdentical(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected[i]), BitConverter.DoubleToInt64Bits(actual[i]));
        }
    }

    /// <summary>Runs <paramref name="multiply"/> once per thread count on a fresh C, restoring the setting after.</summary>
    internal static TC[] RunWithThreadCounts<TC>(int[] threadCounts, Func<TC> freshC, Action<TC> multiply)
    {
        int saved = Gemm.MaxDegreeOfParallelism;
        try
        {
            var results = new TC[threadCounts.Length];
            for (int t = 0; t < threadCounts.Length; t++)
            {
                Gemm.MaxDegreeOfParallelism = threadCounts[t];
                results[t] = freshC();
                multiply(results[t]);
            }

            return results;
        }
        finally
        {
            Gemm.MaxDegreeOfParallelism = saved;
        }
    }

    internal static float[] RandomFloats(Random rng, int count)
    {
        var v = new float[count];
        for (int i = 0; i < count; i++)
        {
            v[i] = (float)(rng.NextDouble() * 2 - 1);
        }

        return v;
    }

    internal static double[] RandomDoubles(Random rng, int count)
    {
        var v = new double[count];
        for (int i = 0; i < count; i++)
        {
            v[i] = rng.NextDouble() * 2 - 1;
        }

        return v;
    }

    internal static double[] ToDouble(float[] v) => Array.ConvertAll(v, x => (double)x);

    /// <summary>float32 GEMM of random operands against <see cref="Naive"/> in every transpose layout, with and without accumulate.</summary>
    public static void CheckFloatAllLayouts(int m, int k, int n, int seed, double tolerancePerK)
    {
        var rng = new Random(seed);
        float[] a = RandomFloats(rng, m * k);
        float[] b = RandomFloats(rng, k * n);
        float[] c0 = RandomFloats(rng, m * n);
        foreach (bool transA in new[] { false, true })
        foreach (bool transB in new[] { false, true })
        foreach (bool accumulate in new[] { false, true })
        {
            float[] c = (float[])c0.Clone();
            Gemm.Multiply(a, b, c, m, k, n, transA, transB, accumulate);
            double[] expected = Naive(ToDouble(a), ToDouble(b), ToDouble(c0), m, k, n, transA, transB, accumulate);
            AssertClose(expected, ToDouble(c), tolerancePerK * (k + 1), $"float m={m} k={k} n={n} tA={transA} tB={transB} acc={accumulate}");
        }
    }

    /// <summary>The same in float64.</summary>
    public static void CheckDoubleAllLayouts(int m, int k, int n, int seed, double tolerancePerK)
    {
        var rng = new Random(seed);
        double[] a = RandomDoubles(rng, m * k);
        double[] b = RandomDoubles(rng, k * n);
        double[] c0 = RandomDoubles(rng, m * n);
        foreach (bool transA in new[] { false, true })
        foreach (bool transB in new[] { false, true })
        foreach (bool accumulate in new[] { false, true })
        {
            double[] c = (double[])c0.Clone();
            Gemm.Multiply(a, b, c, m, k, n, transA, transB, accumulate);
            double[] expected = Naive(a, b, c0, m, k, n, transA, transB, accumulate);
            AssertClose(expected, c, tolerancePerK * (k + 1), $"double m={m} k={k} n={n} tA={transA} tB={transB} acc={accumulate}");
        }
    }
}
