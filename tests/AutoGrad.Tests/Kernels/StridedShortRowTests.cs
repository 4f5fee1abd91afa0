using AutoGrad.Kernels;

namespace AutoGrad.Tests.Kernels;

// The unchecked short-row loops of Strided.Gather and Strided.ScatterAdd (Note [Short strided rows] in
// src/AutoGrad.Kernels/Strided.cs) against a naive odometer over every index: equal bit for bit, for random patterns of rank 1 to 6
// with rows of 1 to 15 elements (every tail length), overlapping and broadcast (stride 0) and negative strides; and a pattern that
// leaves the operand still throws instead of reading or writing outside it.
public class StridedShortRowTests
{
    private static (int[] Dims, int[] Strides, int Offset, int Length) Pattern(Random rng, int rank)
    {
        var dims = new int[rank];
        var strides = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            dims[i] = i == rank - 1 ? rng.Next(1, 16) : rng.Next(1, 6);
            strides[i] = rng.Next(4) == 0 ? -rng.Next(1, 9) : rng.Next(0, 40);
        }
        long lo = 0, hi = 0;
        for (int i = 0; i < rank; i++) { long e = (long)(dims[i] - 1) * strides[i]; if (e < 0) lo += e; else hi += e; }
        int offset = (int)-lo + rng.Next(3);
        return (dims, strides, offset, (int)(offset + hi + 1 + rng.Next(3)));
    }

    private static IEnumerable<int> Addresses(int[] dims, int[] strides, int offset)
    {
        int n = dims.Aggregate(1, (p, d) => p * d);
        var idx = new int[dims.Length];
        for (int k = 0; k < n; k++)
        {
            int a = offset;
            for (int i = 0; i < dims.Length; i++) a += idx[i] * strides[i];
            yield return a;
            for (int i = dims.Length - 1; i >= 0; i--) { if (++idx[i] < dims[i]) break; idx[i] = 0; }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void Gather_and_scatter_add_match_a_naive_odometer_bit_for_bit(int rank)
    {
        var rng = new Random(1000 + rank);
        for (int trial = 0; trial < 200; trial++)
        {
            var (dims, strides, offset, length) = Pattern(rng, rank);
            var src = Enumerable.Range(0, length).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            var addresses = Addresses(dims, strides, offset).ToArray();

            var gathered = new float[addresses.Length];
            Strided.Gather<float>(src, strides, offset, gathered, dims);
            Assert.Equal(addresses.Select(a => src[a]).ToArray(), gathered);

            var values = Enumerable.Range(0, addresses.Length).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            var expected = new float[length];
            for (int k = 0; k < addresses.Length; k++) expected[addresses[k]] += values[k];   // row-major order, as the kernel adds
            var scattered = new float[length];
            Strided.ScatterAdd<float>(values, dims, scattered, strides, offset);
            Assert.Equal(expected, scattered);

            var values64 = values.Select(v => (double)v).ToArray();
            var expected64 = new double[length];
            for (int k = 0; k < addresses.Length; k++) expected64[addresses[k]] += values64[k];
            var scattered64 = new double[length];
            Strided.ScatterAdd<double>(values64, dims, scattered64, strides, offset);
            Assert.Equal(expected64, scattered64);
        }
    }

    [Fact]
    public void Im2col_of_a_5x5_filter_over_32_channels_matches_naive_windows_and_col2im()
    {
        // conv 5×5 over (2, 32, 12, 12): the shape of cnn-epoch's second convolution, whose 5-wide rows take the short-row loops.
        const int n = 2, c = 32, h = 12, w = 12, k = 5, oh = h - k + 1, ow = w - k + 1;
        var rng = new Random(5);
        var x = Enumerable.Range(0, n * c * h * w).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        int[] dims = [n, oh, ow, c, k, k], strides = [c * h * w, w, 1, h * w, w, 1];
        var cols = new float[n * oh * ow * c * k * k];
        Strided.Gather<float>(x, strides, 0, cols, dims);
        int q = 0;
        for (int b = 0; b < n; b++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                    for (int ch = 0; ch < c; ch++)
                        for (int u = 0; u < k; u++)
                            for (int v = 0; v < k; v++)
                                Assert.Equal(x[((b * c + ch) * h + i + u) * w + j + v], cols[q++]);
        var back = new float[x.Length];
        Strided.ScatterAdd<float>(cols, dims, back, strides, 0);
        // Every input element is added once per window covering it: x times the number of (i, j) with i ≤ row < i + k, likewise columns.
        static int Cover(int p, int size, int out_) => Math.Min(p, out_ - 1) - Math.Max(0, p - 5 + 1) + 1;
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++)
                for (int r = 0; r < h; r++)
                    for (int s = 0; s < w; s++)
                    {
                        int a = ((b * c + ch) * h + r) * w + s;
                        float expected = 0;
                        for (int t = 0; t < Cover(r, h, oh) * Cover(s, w, ow); t++) expected += x[a];
                        Assert.Equal(expected, back[a]);
                    }
    }

    [Fact]
    public void A_pattern_outside_the_operand_throws_instead_of_reading_or_writing_past_it()
    {
        var src = new float[20];
        Assert.ThrowsAny<IndexOutOfRangeException>(() => Strided.Gather<float>(src, [8, 1], 0, new float[3 * 5], [3, 5]));
        Assert.ThrowsAny<IndexOutOfRangeException>(() => Strided.ScatterAdd<float>(new float[3 * 5], [3, 5], src, [8, 1], 0));
    }

    // Contiguous rows of 1 to 8 floats (1 to 4 doubles) take the masked loads and stores (Note [Masked short rows]); longer
    // rows and other strides the element loops. Every row length, overlapping rows, against the naive odometer bit for bit.
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Contiguous_short_rows_match_a_naive_odometer_bit_for_bit(int rank)
    {
        var rng = new Random(2000 + rank);
        for (int n1 = 1; n1 <= 9; n1++)
            for (int trial = 0; trial < 30; trial++)
            {
                var (dims, strides, offset, length) = Pattern(rng, rank);
                dims[^1] = n1;
                strides[^1] = 1;
                long lo = 0, hi = 0;
                for (int i = 0; i < rank; i++) { long e = (long)(dims[i] - 1) * strides[i]; if (e < 0) lo += e; else hi += e; }
                offset = (int)-lo;
                length = (int)(offset + hi + 1);   // the last row ends at the operand's end: a masked lane must not read past it
                var addresses = Addresses(dims, strides, offset).ToArray();

                var src = Enumerable.Range(0, length).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
                var gathered = new float[addresses.Length];
                Strided.Gather<float>(src, strides, offset, gathered, dims);
                Assert.Equal(addresses.Select(a => src[a]).ToArray(), gathered);
                var src64 = src.Select(v => (double)v).ToArray();
                var gathered64 = new double[addresses.Length];
                Strided.Gather<double>(src64, strides, offset, gathered64, dims);
                Assert.Equal(addresses.Select(a => src64[a]).ToArray(), gathered64);

                var values = Enumerable.Range(0, addresses.Length).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
                var start = Enumerable.Range(0, length).Select(i => i % 3 == 0 ? -0.0f : (float)rng.NextDouble()).ToArray();
                var expected = (float[])start.Clone();
                for (int k = 0; k < addresses.Length; k++) expected[addresses[k]] += values[k];
                var scattered = (float[])start.Clone();
                Strided.ScatterAdd<float>(values, dims, scattered, strides, offset);
                Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), scattered.Select(BitConverter.SingleToInt32Bits));

                var values64 = values.Select(v => (double)v).ToArray();
                var expected64 = start.Select(v => (double)v).ToArray();
                var scattered64 = (double[])expected64.Clone();
                for (int k = 0; k < addresses.Length; k++) expected64[addresses[k]] += values64[k];
                Strided.ScatterAdd<double>(values64, dims, scattered64, strides, offset);
                Assert.Equal(expected64.Select(BitConverter.DoubleToInt64Bits), scattered64.Select(BitConverter.DoubleToInt64Bits));
            }
    }
}
