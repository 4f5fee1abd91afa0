using AutoGrad.Differentiation;
using AutoGrad.Kernels;

namespace AutoGrad.Tests.Transforms;

/// <summary>
/// Batching.RowOuter (the per-example weight gradient of a Linear layer): bit for bit the broadcast product it replaces and
/// the element-by-element definition, in float32 and float64, for results below and above the streaming threshold (rows
/// whose start is not aligned, tails shorter than a vector), on one thread and on several.
/// </summary>
[Collection("Gemm")]
public class RowOuterTests
{
    [Theory]
    [InlineData(DType.Float32, 3, 5, 7)]
    [InlineData(DType.Float64, 2, 1, 1)]
    [InlineData(DType.Float32, 4, 33, 4099)]   // 2.2 MB: streamed, rows of an odd length
    [InlineData(DType.Float64, 3, 19, 5003)]   // 2.3 MB: streamed
    [InlineData(DType.Float32, 64, 128, 784)]  // the benchmark's first layer, (out, in) layout
    public void Equals_the_broadcast_product_and_the_definition_bit_for_bit(DType dtype, int batch, int m, int n)
    {
        var g = new Generator((ulong)(batch * 1000 + m + n));
        var x = Tensor.Randn(new Shape(batch, m), g, dtype);
        var y = Tensor.Randn(new Shape(batch, n), g, dtype);
        var broadcast = (x.Unsqueeze(2) * y.Unsqueeze(1)).ToDoubleArray();
        var xs = x.ToDoubleArray();
        var ys = y.ToDoubleArray();
        int saved = Gemm.MaxDegreeOfParallelism;
        try
        {
            foreach (int threads in new[] { 1, 2, 3 })
            {
                Gemm.MaxDegreeOfParallelism = threads;
                Tensor o;
                using (Recorder.NoGrad()) o = Batching.RowOuter(x, y);
                Assert.Equal(new Shape(batch, m, n), o.Shape);
                Assert.Equal(dtype, o.DType);
                var got = o.ToDoubleArray();
                for (int b = 0; b < batch; b++)
                    for (int i = 0; i < m; i++)
                        for (int j = 0; j < n; j++)
                        {
                            int at = (b * m + i) * n + j;
                            double expected = dtype == DType.Float32 ? (float)xs[b * m + i] * (float)ys[b * n + j] : xs[b * m + i] * ys[b * n + j];
                            if (BitConverter.DoubleToInt64Bits(got[at]) != BitConverter.DoubleToInt64Bits(expected) ||
                                BitConverter.DoubleToInt64Bits(got[at]) != BitConverter.DoubleToInt64Bits(broadcast[at]))
                                Assert.Fail($"{dtype} ({batch}, {m}, {n}), {threads} threads: element [{b}, {i}, {j}] is {got[at]:R}, expected {expected:R}, the broadcast product {broadcast[at]:R}");
                        }
            }
        }
        finally { Gemm.MaxDegreeOfParallelism = saved; }
    }

    [Fact]
    public void Streamed_rows_of_every_length_1_to_130_equal_the_scalar_product_bit_for_bit()
    {
        // Each result is at least OuterKernels.StreamingBytes, so every row takes the streaming path: its unaligned head,
        // full 512-bit (or 256-bit) blocks and every tail; one thread, so rows start at every alignment in turn.
        Sweep<float>();
        Sweep<double>();

        static void Sweep<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            var rng = new Random(7);
            int saved = Gemm.MaxDegreeOfParallelism;
            try
            {
                Gemm.MaxDegreeOfParallelism = 1;
                for (int n = 1; n <= 130; n++)
                {
                    int size = ElementSize<T>();
                    int m = (int)(OuterKernels.StreamingBytes / size / n) + 1, batch = 1;
                    var x = Enumerable.Range(0, m).Select(_ => T.CreateTruncating(rng.NextDouble() * 4 - 2)).ToArray();
                    var y = Enumerable.Range(0, n).Select(_ => T.CreateTruncating(rng.NextDouble() * 4 - 2)).ToArray();
                    var o = new T[m * n];
                    OuterKernels.RowOuter(x, y, o, batch, m, n);
                    for (int i = 0; i < m; i++)
                        for (int j = 0; j < n; j++)
                            if (o[i * n + j] != x[i] * y[j])
                                Assert.Fail($"{typeof(T).Name}, n {n}: element [{i}, {j}] is {o[i * n + j]}, expected {x[i] * y[j]}");
                }
            }
            finally { Gemm.MaxDegreeOfParallelism = saved; }
        }

        static int ElementSize<T>() where T : unmanaged => System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
    }

    [Fact]
    public void Is_recorded_when_an_operand_requires_gradients_under_a_recording_tape()
    {
        var x = Tensor.FromArray(new double[] { 1, 2, 3, 4 }).Reshape(2, 2).RequireGrad();
        var y = Tensor.FromArray(new double[] { 5, 6, 7, 8, 9, 10 }).Reshape(2, 3);
        var o = Batching.RowOuter(x, y);
        Assert.True(o.RequiresGrad);
        // ∂Σ o/∂x[b, i] = Σⱼ y[b, j]
        var gx = Functional.Grad([o.Sum()], [x])[0]!;
        Assert.Equal(new double[] { 18, 18, 27, 27 }, gx.ToDoubleArray());
    }

    [Fact]
    public void Rejects_operands_that_are_not_row_batches_of_the_same_size()
    {
        var e = Assert.Throws<ArgumentException>(() => Batching.RowOuter(Tensor.Zeros(new Shape(2, 3)), Tensor.Zeros(new Shape(3, 3))));
        Assert.Contains("RowOuter", e.Message);
        Assert.Contains("same B", e.Message);
    }
}
