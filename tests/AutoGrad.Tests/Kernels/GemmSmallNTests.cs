using AutoGrad.Kernels;

namespace AutoGrad.Tests.Kernels;

// Narrow outputs (n ≤ 16, at least 2048 multiply-adds) take GemmSmallN on AVX-512 machines, smaller ones the direct
// loops; n = 17 checks the hand-over to the packed path. m = 15, 17, 33, 257 leave partial 16-row blocks.
// Mutates Gemm.MaxDegreeOfParallelism, so it shares the GemmTests collection.
[Collection("Gemm")]
public class GemmSmallNTests
{
    public static TheoryData<int, int, int> NarrowShapes()
    {
        var data = new TheoryData<int, int, int>();
        foreach (int n in new[] { 1, 7, 10, 16, 17 })
        foreach (var (m, k) in new[] { (1, 1), (5, 3), (15, 31), (16, 16), (17, 33), (33, 129), (257, 65) })
        {
            data.Add(m, k, n);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(NarrowShapes))]
    public void Float_matches_naive_reference_for_every_layout_and_accumulate(int m, int k, int n)
    {
        GemmReference.CheckFloatAllLayouts(m, k, n, seed: m * 7919 + k * 104729 + n * 31, tolerancePerK: 1e-6);
    }

    [Theory]
    [MemberData(nameof(NarrowShapes))]
    public void Double_matches_naive_reference_for_every_layout_and_accumulate(int m, int k, int n)
    {
        GemmReference.CheckDoubleAllLayouts(m, k, n, seed: m * 31 + k * 1009 + n * 7, tolerancePerK: 1e-14);
    }

    [Fact]
    public void Overwrite_ignores_NaN_in_C_and_accumulate_keeps_neighbouring_rows()
    {
        // n = 10 < 16 lanes: a full-width store would spill into the next row; the masked store must not.
        const int m = 37, k = 20, n = 10;
        var rng = new Random(3);
        float[] a = GemmReference.RandomFloats(rng, m * k);
        float[] b = GemmReference.RandomFloats(rng, k * n);
        float[] c = Enumerable.Repeat(float.NaN, m * n + 5).ToArray();
        Gemm.Multiply(a, b, c, m, k, n);
        double[] expected = GemmReference.Naive(GemmReference.ToDouble(a), GemmReference.ToDouble(b), new double[m * n],
            m, k, n, false, false, false);
        GemmReference.AssertClose(expected, GemmReference.ToDouble(c[..(m * n)]), 1e-6 * (k + 1), "overwrite");
        Assert.All(c[(m * n)..], v => Assert.True(float.IsNaN(v)));   // elements past C untouched
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Parallel_size_narrow_product_is_correct_and_bit_identical_for_one_two_and_three_threads(bool transA, bool transB)
    {
        // 2·1000·301·10 ≈ 6 MFLOP: above the parallel threshold; 1000 rows = 62 full 16-row blocks plus 8.
        const int m = 1000, k = 301, n = 10;
        var rng = new Random(5);
        float[] a = GemmReference.RandomFloats(rng, m * k);
        float[] b = GemmReference.RandomFloats(rng, k * n);
        float[] c0 = GemmReference.RandomFloats(rng, m * n);
        float[][] results = GemmReference.RunWithThreadCounts([1, 2, 3],
            () => (float[])c0.Clone(), c => Gemm.Multiply(a, b, c, m, k, n, transA, transB, accumulate: true));
        GemmReference.AssertBitIdentical(results[0], results[1]);
        GemmReference.AssertBitIdentical(results[0], results[2]);
        double[] expected = GemmReference.Naive(GemmReference.ToDouble(a), GemmReference.ToDouble(b),
            GemmReference.ToDouble(c0), m, k, n, transA, transB, true);
        GemmReference.AssertClose(expected, GemmReference.ToDouble(results[1]), 1e-6 * (k + 1), "parallel narrow");
    }
}
