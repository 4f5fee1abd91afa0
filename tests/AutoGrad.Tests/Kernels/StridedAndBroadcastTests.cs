using AutoGrad.NN;

namespace AutoGrad.Tests.Kernels;

// Shapes large enough to reach the fast paths (tiled transposes, row-wise broadcast with scalar rows, short im2col rows)
// that the op table's small generated shapes never reach; each is compared with a naive index computation.
public class StridedAndBroadcastTests
{
    private static Tensor Seq(params int[] dims)
    {
        int n = dims.Aggregate(1, (p, d) => p * d);
        return Tensor.FromArray(Enumerable.Range(0, n).Select(i => (float)((i * 7919) % 1000) / 10f).ToArray(), dims);
    }

    [Theory]
    [InlineData(new[] { 40, 50 }, new[] { 1, 0 })]
    [InlineData(new[] { 3, 40, 50 }, new[] { 0, 2, 1 })]
    [InlineData(new[] { 2, 17, 3, 33 }, new[] { 3, 1, 0, 2 })]
    public void Permute_matches_naive_indexing(int[] dims, int[] perm)
    {
        var x = Seq(dims);
        var y = x.Permute(perm);
        var xv = x.ToFloatArray();
        var yv = y.ToFloatArray();
        var outDims = perm.Select(p => dims[p]).ToArray();
        Assert.Equal(outDims, y.Shape.ToArray());
        var strides = new int[dims.Length];
        for (int i = dims.Length - 1, acc = 1; i >= 0; acc *= dims[i], i--) strides[i] = acc;
        var idx = new int[outDims.Length];
        for (int k = 0; k < yv.Length; k++)
        {
            int src = 0;
            for (int a = 0; a < idx.Length; a++) src += idx[a] * strides[perm[a]];
            Assert.Equal(xv[src], yv[k]);
            for (int a = idx.Length - 1; a >= 0; a--) { if (++idx[a] < outDims[a]) break; idx[a] = 0; }
        }
    }

    [Fact]
    public void Broadcast_scalars_and_columns_match_element_by_element_arithmetic()
    {
        var x = Seq(30, 40);
        var s = Tensor.Scalar(2.5f);
        var col = Seq(30, 1) + 1.0;
        var xv = x.ToFloatArray();
        var cv = col.ToFloatArray();
        Assert.Equal(xv.Select(v => v - 2.5f).ToArray(), (x - s).ToFloatArray());
        Assert.Equal(xv.Select(v => 2.5f - v).ToArray(), (s - x).ToFloatArray());
        Assert.Equal(xv.Select(v => 2.5f / (v + 1)).ToArray(), (s / (x + 1.0)).ToFloatArray());
        Assert.Equal(xv.Select((v, i) => v / cv[i / 40]).ToArray(), (x / col).ToFloatArray());
        Assert.Equal(xv.Select((v, i) => cv[i / 40] - v).ToArray(), (col - x).ToFloatArray());
        Assert.Equal(xv.Select(v => MathF.Max(v, 50f)).ToArray(), x.Maximum(Tensor.Scalar(50f)).ToFloatArray());
    }

    [Fact]
    public void Im2Col_matches_naive_windows_and_its_gradient_counts_window_overlaps()
    {
        var x = Seq(2, 3, 9, 8).RequireGrad();
        var cols = x.Im2Col(3, 3, 2);   // (2·4·3, 3·3·3)
        var xv = x.ToFloatArray();
        var cv = cols.ToFloatArray();
        int oh = 4, ow = 3, row = 0;
        for (int n = 0; n < 2; n++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++, row++)
                    for (int c = 0, q = 0; c < 3; c++)
                        for (int u = 0; u < 3; u++)
                            for (int v = 0; v < 3; v++, q++)
                                Assert.Equal(xv[((n * 3 + c) * 9 + i * 2 + u) * 8 + j * 2 + v], cv[row * 27 + q]);
        cols.Sum().Backward();
        var g = x.Grad!.ToFloatArray();
        // Row 2 of the image (h = 2) is shared by windows i = 0 and 1; column 2 by j = 0 and 1: 4 windows.
        Assert.Equal(4f, g[2 * 8 + 2]);
        Assert.Equal(1f, g[0]);
        Assert.Equal(0f, g[8 * 8 + 7]);   // last row and column: outside every window
    }
}
