using AutoGrad.Kernels;

namespace AutoGrad.Tests.Kernels;

// GemmPrepacked must give Gemm's bits on every shape where it says it pays (the shapes a recurrent layer's hidden product
// takes it on, and edges: partial NR panels, several K blocks, partial MR rows), for either layout of B and of A, with and
// without accumulate, for one and two threads. Mutates Gemm.MaxDegreeOfParallelism, so it shares the Gemm collection.
[Collection("Gemm")]
public class GemmPrepackedTests
{
    public static TheoryData<int, int, int> Shapes() => new()
    {
        { 32, 256, 1024 },   // the compare lstm workload's forward h·W_hhᵀ
        { 32, 1024, 256 },   // and its backward g·W_hh (four K blocks)
        { 17, 300, 45 },     // partial panels, rows and K block
        { 8, 64, 64 },
        { 129, 33, 97 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Float_is_bit_identical_to_Gemm(int m, int k, int n) => Check<float>(m, k, n, GemmReference.RandomFloats);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Double_is_bit_identical_to_Gemm(int m, int k, int n) => Check<double>(m, k, n, GemmReference.RandomDoubles);

    private static void Check<T>(int m, int k, int n, Func<Random, int, T[]> random)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        Assert.True(GemmPrepacked.Pays(m, k, n), $"{m}×{k}×{n} should take the packed path");
        var rng = new Random(m * 31 + k * 7 + n);
        var a = random(rng, m * k);
        var b = random(rng, k * n);
        var c0 = random(rng, m * n);
        int saved = Gemm.MaxDegreeOfParallelism;
        try
        {
            foreach (int threads in new[] { 1, 2 })
            foreach (bool transA in new[] { false, true })
            foreach (bool transB in new[] { false, true })
            foreach (bool accumulate in new[] { false, true })
            {
                Gemm.MaxDegreeOfParallelism = threads;
                var expected = (T[])c0.Clone();
                Multiply(a, b, expected, m, k, n, transA, transB, accumulate);
                var packed = GemmPrepacked.Allocate<T>(k, n);
                GemmPrepacked.Pack<T>(b, k, n, transB, packed);
                var actual = (T[])c0.Clone();
                GemmPrepacked.Multiply<T>(a, packed, actual, m, k, n, transA, accumulate);
                Assert.True(expected.AsSpan().SequenceEqual(actual),
                    $"{typeof(T).Name} {m}×{k}×{n} transA={transA} transB={transB} accumulate={accumulate} threads={threads}: differs from Gemm");
            }
        }
        finally
        {
            Gemm.MaxDegreeOfParallelism = saved;
        }
    }

    private static void Multiply<T>(T[] a, T[] b, T[] c, int m, int k, int n, bool transA, bool transB, bool accumulate)
    {
        if (a is float[] fa) Gemm.Multiply(fa, (float[])(object)b, (float[])(object)c, m, k, n, transA, transB, accumulate);
        else Gemm.Multiply((double[])(object)a, (double[])(object)b, (double[])(object)c, m, k, n, transA, transB, accumulate);
    }

    [Fact]
    public void Narrow_and_tiny_products_do_not_pay_and_bad_sizes_name_the_kernel()
    {
        Assert.False(GemmPrepacked.Pays(32, 64, 16));   // GemmSmallN's outputs
        Assert.False(GemmPrepacked.Pays(2, 3, 8));      // the direct loops
        var e = Assert.Throws<ArgumentException>(() => GemmPrepacked.Multiply<float>(new float[10], new float[4], new float[10], 2, 5, 5, false, false));
        Assert.Contains("GemmPrepacked.Multiply", e.Message);
        Assert.Contains("packed B", e.Message);
    }
}
