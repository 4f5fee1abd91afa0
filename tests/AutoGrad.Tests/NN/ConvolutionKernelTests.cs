namespace AutoGrad.Tests.NN;

// Conv2d on float tensors is one primitive (src/AutoGrad.Kernels/ConvKernels.cs: im2col, one GEMM per chunk of samples and
// col2im, on both cores). These hold its output and its three gradients to the composed form it replaced (Im2Col + MatMul,
// whose backward is MatMul's rule and the window view's scatter) in float64, on shapes with one chunk, a short last chunk,
// one sample per chunk, stride 2 and padding; and float32 to float64 on the compare CNN's 32→64 layer.
public class ConvolutionKernelTests
{
    private static double[] Randn(int size, int seed)
    {
        var g = new Generator((ulong)seed);
        return Tensor.Randn(new Shape(size), g, DType.Float64).ToDoubleArray();
    }

    // y = Im2Col(pad(x))·Wᵀ + b, permuted to NCHW: the composition, every step an op with its own tested rule.
    private static Tensor Composed(Tensor x, Tensor w, Tensor b, int stride, int padding)
    {
        int n = x.Shape[0], outC = w.Shape[0], k = w.Shape[2];
        var xp = x.Pad([(0, 0), (0, 0), (padding, padding), (padding, padding)]);
        int oh = ConvolutionOps.OutputSize(x.Shape[2], k, stride, padding), ow = ConvolutionOps.OutputSize(x.Shape[3], k, stride, padding);
        var cols = xp.Im2Col(k, k, stride);
        var y = cols.MatMul(w.Reshape(outC, -1).Transpose()) + b;
        return y.Reshape(n, oh, ow, outC).Permute(0, 3, 1, 2);
    }

    private static (double[] Y, double[] Dx, double[] Dw, double[] Db) Run(double[] xv, double[] wv, double[] bv, double[] uv,
        int[] xs, int[] ws, int stride, int padding, bool composed, DType dtype)
    {
        Tensor Make(double[] v, int[] shape) => dtype == DType.Float64
            ? Tensor.FromArray(v, shape) : Tensor.FromArray(v.Select(e => (float)e).ToArray(), shape);
        var x = Make(xv, xs).RequireGrad();
        var w = Make(wv, ws).RequireGrad();
        var b = Make(bv, [ws[0]]).RequireGrad();
        var y = composed ? Composed(x, w, b, stride, padding) : x.Conv2d(w, b, stride, padding);
        Assert.Equal(uv.Length, y.Size);
        (y * Make(uv, y.Shape.Dims)).Sum().Backward();
        return (y.ToDoubleArray(), x.Grad!.ToDoubleArray(), w.Grad!.ToDoubleArray(), b.Grad!.ToDoubleArray());
    }

    private static void Close(double[] expected, double[] actual, double relative, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = expected.Max(Math.Abs);
        Assert.True(scale > 0, $"{what}: all zero");
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= relative * scale, $"{what}[{i}]: expected {expected[i]}, got {actual[i]} (scale {scale})");
    }

    [Theory]
    [InlineData(3, 4, 11, 9, 5, 5, 1, 0)]     // one chunk
    [InlineData(9, 3, 10, 10, 6, 3, 2, 1)]    // chunks of 8 and 1 samples; stride 2, padding 1
    [InlineData(6, 2, 7, 8, 3, 3, 1, 2)]      // padding wider than the kernel's reach
    [InlineData(5, 1, 28, 28, 8, 5, 1, 0)]    // the compare CNN's first layer (one input channel)
    [InlineData(6, 8, 20, 20, 4, 5, 1, 0)]    // chunks of 5 and 1 samples
    [InlineData(5, 20, 24, 24, 3, 5, 1, 2)]   // one sample per chunk: 5 weight-gradient partials
    public void Primitive_matches_the_composed_convolution_in_float64(int n, int c, int h, int wd, int outC, int k, int stride, int padding)
    {
        int[] xs = [n, c, h, wd], ws = [outC, c, k, k];
        int oh = ConvolutionOps.OutputSize(h, k, stride, padding), ow = ConvolutionOps.OutputSize(wd, k, stride, padding);
        var xv = Randn(n * c * h * wd, 1);
        var wv = Randn(outC * c * k * k, 2);
        var bv = Randn(outC, 3);
        var uv = Randn(n * outC * oh * ow, 4);
        var fast = Run(xv, wv, bv, uv, xs, ws, stride, padding, composed: false, DType.Float64);
        var slow = Run(xv, wv, bv, uv, xs, ws, stride, padding, composed: true, DType.Float64);
        Close(slow.Y, fast.Y, 1e-13, "y");
        Close(slow.Dx, fast.Dx, 1e-13, "dx");
        Close(slow.Dw, fast.Dw, 1e-13, "dW");
        Close(slow.Db, fast.Db, 1e-13, "db");
    }

    [Fact]
    public void Float32_agrees_with_float64_on_the_compare_cnn_second_layer()
    {
        int n = 6, c = 32, h = 12, wd = 12, outC = 64, k = 5, o = 8;
        int[] xs = [n, c, h, wd], ws = [outC, c, k, k];
        var xv = Randn(n * c * h * wd, 5);
        var wv = Randn(outC * c * k * k, 6).Select(v => v * 0.05).ToArray();
        var bv = Randn(outC, 7);
        var uv = Randn(n * outC * o * o, 8);
        var f64 = Run(xv, wv, bv, uv, xs, ws, 1, 0, composed: false, DType.Float64);
        var f32 = Run(xv, wv, bv, uv, xs, ws, 1, 0, composed: false, DType.Float32);
        Close(f64.Y, f32.Y, 1e-5, "y");
        Close(f64.Dx, f32.Dx, 1e-5, "dx");
        Close(f64.Dw, f32.Dw, 1e-5, "dW");
        Close(f64.Db, f32.Db, 1e-5, "db");
    }
}
