using AutoGrad.Kernels;

namespace AutoGrad.Tests.Kernels;

// Tests here mutate Gemm.MaxDegreeOfParallelism, so they must not run concurrently with each other.
[Collection("Gemm")]
public class GemmTests
{
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 0, 0, 0 }, { 0, 3, 4 }, { 3, 0, 4 }, { 3, 4, 0 },
        { 1, 1, 1 }, { 1, 7, 1 }, { 3, 5, 7 }, { 8, 1, 32 }, { 9, 2, 33 },
        // Below the packing threshold: exercise the direct path's row/column/K remainders.
        { 13, 20, 37 }, { 5, 64, 40 }, { 31, 31, 31 },
        { 17, 33, 65 }, { 64, 64, 64 }, { 1, 300, 257 }, { 257, 300, 1 },
        { 130, 257, 75 }, { 300, 200, 513 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Float_MatchesNaiveReference_AllTransposesAndAccumulate(int m, int k, int n)
    {
        GemmReference.CheckFloatAllLayouts(m, k, n, seed: m * 7919 + k * 104729 + n, tolerancePerK: 1e-5);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Double_MatchesNaiveReference_AllTransposesAndAccumulate(int m, int k, int n)
    {
        GemmReference.CheckDoubleAllLayouts(m, k, n, seed: m * 31 + k * 1009 + n * 7, tolerancePerK: 1e-12);
    }

    [Fact]
    public void ZeroK_ClearsOrKeepsC()
    {
        float[] c = { 1f, 2f, 3f, 4f, 5f, 6f };
        Gemm.Multiply(ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, c, 2, 0, 3, accumulate: true);
        Assert.Equal(new[] { 1f, 2f, 3f, 4f, 5f, 6f }, c);
        Gemm.Multiply(ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, c, 2, 0, 3);
        Assert.All(c, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void OverwriteIgnoresPreviousContentsIncludingNaN()
    {
        // 200³ takes the packed path; the 2×2 case takes the direct path.
        foreach (int size in new[] { 2, 200 })
        {
            var rng = new Random(size);
            double[] a = GemmReference.RandomDoubles(rng, size * size);
            double[] b = GemmReference.RandomDoubles(rng, size * size);
            double[] c = Enumerable.Repeat(double.NaN, size * size).ToArray();
            Gemm.Multiply(a, b, c, size, size, size);
            double[] expected = GemmReference.Naive(a, b, new double[size * size], size, size, size, false, false, false);
            GemmReference.AssertClose(expected, c, 1e-12 * (size + 1), $"size={size}");
        }
    }

    [Fact]
    public void KnownSmallProduct()
    {
        // [1 2 3; 4 5 6] · [7 8; 9 10; 11 12] = [58 64; 139 154]
        float[] a = { 1, 2, 3, 4, 5, 6 };
        float[] b = { 7, 8, 9, 10, 11, 12 };
        float[] c = new float[4];
        Gemm.Multiply(a, b, c, 2, 3, 2);
        Assert.Equal(new[] { 58f, 64f, 139f, 154f }, c);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void Float_ResultsAreBitIdenticalForOneAndTwoThreads(bool transA, bool transB)
    {
        const int size = 300;
        var rng = new Random(42);
        float[] a = GemmReference.RandomFloats(rng, size * size);
        float[] b = GemmReference.RandomFloats(rng, size * size);
        float[] c0 = GemmReference.RandomFloats(rng, size * size);
        float[] single = (float[])c0.Clone();
        float[] dual = (float[])c0.Clone();
        int saved = Gemm.MaxDegreeOfParallelism;
        try
        {
            Gemm.MaxDegreeOfParallelism = 1;
            Gemm.Multiply(a, b, single, size, size, size, transA, transB, accumulate: true);
            Gemm.MaxDegreeOfParallelism = 2;
            Gemm.Multiply(a, b, dual, size, size, size, transA, transB, accumulate: true);
        }
        finally
        {
            Gemm.MaxDegreeOfParallelism = saved;
        }

        for (int i = 0; i < single.Length; i++)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(single[i]), BitConverter.SingleToInt32Bits(dual[i]));
        }

        Assert.Contains(single, v => v != 0f);
    }

    // Row-split products whose op(B) the two threads pack into one shared buffer (Note [One packed B for every row chunk] in
    // Gemm.cs): Linear's x·Wᵀ (128×784 by a 100×784 weight), K over several KC blocks, n not a multiple of NR, accumulate.
    [Theory]
    [InlineData(128, 784, 100, false, true, false)]
    [InlineData(200, 300, 130, true, false, true)]
    [InlineData(96, 520, 64, false, false, false)]
    public void SharedPackedB_IsBitIdenticalToOneThreadAndMatchesReference(int m, int k, int n, bool transA, bool transB, bool accumulate)
    {
        var rng = new Random(m + k + n);
        float[] a = GemmReference.RandomFloats(rng, m * k);
        float[] b = GemmReference.RandomFloats(rng, k * n);
        float[] c0 = GemmReference.RandomFloats(rng, m * n);
        var f = GemmReference.RunWithThreadCounts([1, 2], () => (float[])c0.Clone(), c => Gemm.Multiply(a, b, c, m, k, n, transA, transB, accumulate));
        GemmReference.AssertBitIdentical(f[0], f[1]);
        double[] ad = Array.ConvertAll(a, v => (double)v), bd = Array.ConvertAll(b, v => (double)v), cd = Array.ConvertAll(c0, v => (double)v);
        var expected = GemmReference.Naive(ad, bd, cd, m, k, n, transA, transB, accumulate);
        GemmReference.AssertClose(expected, Array.ConvertAll(f[1], v => (double)v), 1e-6 * (k + 1), "float shared packed B");
        var d = GemmReference.RunWithThreadCounts([1, 2], () => (double[])cd.Clone(), c => Gemm.Multiply(ad, bd, c, m, k, n, transA, transB, accumulate));
        GemmReference.AssertBitIdentical(d[0], d[1]);
        GemmReference.AssertClose(expected, d[1], 1e-13 * (k + 1), "double shared packed B");
    }

    [Fact]
    public void Double_ResultsAreBitIdenticalForOneAndTwoThreads_WideMatrix()
    {
        // n > m makes the parallel path split columns instead of rows.
        const int m = 40, k = 300, n = 700;
        var rng = new Random(7);
        double[] a = GemmReference.RandomDoubles(rng, m * k);
        double[] b = GemmReference.RandomDoubles(rng, k * n);
        double[] single = new double[m * n];
        double[] dual = new double[m * n];
        int saved = Gemm.MaxDegreeOfParallelism;
        try
        {
            Gemm.MaxDegreeOfParallelism = 1;
            Gemm.Multiply(a, b, single, m, k, n);
            Gemm.MaxDegreeOfParallelism = 2;
            Gemm.Multiply(a, b, dual, m, k, n);
        }
        finally
        {
            Gemm.MaxDegreeOfParallelism = saved;
        }

        for (int i = 0; i < single.Length; i++)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(single[i]), BitConverter.DoubleToInt64Bits(dual[i]));
        }

        GemmReference.AssertClose(GemmReference.Naive(a, b, new double[m * n], m, k, n, false, false, false), single, 1e-12 * k, "wide");
    }

    [Theory]
    [InlineData(5, 6, 6)]
    [InlineData(6, 5, 6)]
    [InlineData(6, 6, 5)]
    public void BadLengths_ThrowArgumentExceptionMentioningGemm(int aLength, int bLength, int cLength)
    {
        // m=2, k=3, n=2 needs A, B and C of 6, 6 and 4 elements; each case shortens one of them.
        var ex = Assert.ThrowsAny<ArgumentException>(() =>
            Gemm.Multiply(new float[aLength], new float[bLength], new float[cLength - 2], 2, 3, 2));
        Assert.Contains("Gemm", ex.Message);
        var exd = Assert.ThrowsAny<ArgumentException>(() =>
            Gemm.Multiply(new double[aLength], new double[bLength], new double[cLength - 2], 2, 3, 2));
        Assert.Contains("Gemm", exd.Message);
    }

    [Fact]
    public void NegativeDimension_ThrowsArgumentExceptionMentioningGemm()
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() =>
            Gemm.Multiply(new float[4], new float[4], new float[4], -1, 2, 2));
        Assert.Contains("Gemm", ex.Message);
    }
}
