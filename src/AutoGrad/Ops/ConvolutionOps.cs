using AutoGrad.Differentiation;
using System.Runtime.CompilerServices;
namespace AutoGrad;

/// <summary>
/// Functional 2-D convolution and pooling on NCHW tensors, composed as im2col (a strided view of overlapping windows) plus
/// matmul or a reduction. Output size <c>⌊(n + 2p − f)/s⌋ + 1</c> (Dumoulin and Visin 2016, "A guide to convolution arithmetic").
/// </summary>
/// <remarks>
/// The window view reads the input with strides (an AsStrided read whose adjoint scatter-adds, i.e. col2im), so every op here
/// has gradients of every order without a hand-written rule.
/// </remarks>
public static class ConvolutionOps
{
    /// <summary>
    /// Unfolds every <c>kh × kw</c> window of an (N, C, H, W) input (already padded) with stride <paramref name="stride"/>
    /// into rows: the result is (N·OH·OW, C·kh·kw), row <c>(n, i, j)</c> holding the window at <c>(i·s, j·s)</c> in (c, u, v) order.
    /// </summary>
    public static Tensor Im2Col(this Tensor x, int kernelHeight, int kernelWidth, int stride = 1, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        var (n, c, oh, ow) = WindowShape("Im2Col", x, kernelHeight, kernelWidth, stride);
        int h = x.Shape[2], w = x.Shape[3];
        var view = x.AsStrided(new Shape(n, oh, ow, c, kernelHeight, kernelWidth),
            [c * h * w, stride * w, stride, h * w, w, 1], 0, "Im2Col");
        return view.Reshape(n * oh * ow, c * kernelHeight * kernelWidth);
    }

    /// <summary>
    /// 2-D cross-correlation <c>y[n, o, i, j] = b[o] + Σ_{c,u,v} W[o, c, u, v]·x[n, c, i·s + u − p, j·s + v − p]</c> with zero padding
    /// <paramref name="padding"/> on each side; <paramref name="weight"/> is (out, in, kh, kw), <paramref name="bias"/> is (out) or null.
    /// </summary>
    public static Tensor Conv2d(this Tensor x, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return Conv2d(x, weight, bias, stride, (padding, padding, padding, padding));
    }

    /// <summary>2-D cross-correlation as <see cref="Conv2d(Tensor, Tensor, Tensor?, int, int, string, int)"/> with valid or same padding.</summary>
    public static Tensor Conv2d(this Tensor x, Tensor weight, Tensor? bias, int stride, PaddingMode padding, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (weight.Rank != 4) throw new ArgumentException($"Conv2d: weight must be (out, in, kh, kw), got {weight.Shape}.");
        return Conv2d(x, weight, bias, stride, PaddingFor(padding, weight.Shape[2], weight.Shape[3]));
    }

    /// <summary>Max pooling: <c>y[n, c, i, j] = max over the k×k window at (i·s, j·s)</c>; stride defaults to the kernel size.</summary>
    /// <remarks>Padding counts as −∞. The gradient goes to the first maximal element of each window.</remarks>
    public static Tensor MaxPool2d(this Tensor x, int kernelSize, int? stride = null, int padding = 0, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        CheckRank4("MaxPool2d", x);
        var padded = padding == 0 ? x : x.Pad([(0, 0), (0, 0), (padding, padding), (padding, padding)], double.NegativeInfinity);
        int s = stride ?? kernelSize;
        WindowShape("MaxPool2d", padded, kernelSize, kernelSize, s);
        return padded.MaxPoolRouted(kernelSize, s);
    }

    /// <summary>Average pooling: <c>y[n, c, i, j] = mean of the k×k window at (i·s, j·s)</c>; stride defaults to the kernel size.</summary>
    /// <remarks>Zero padding is counted in the mean (PyTorch's default <c>count_include_pad</c>).</remarks>
    public static Tensor AvgPool2d(this Tensor x, int kernelSize, int? stride = null, int padding = 0, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        CheckRank4("AvgPool2d", x);
        var padded = padding == 0 ? x : x.Pad([(0, 0), (0, 0), (padding, padding), (padding, padding)]);
        return Windows("AvgPool2d", padded, kernelSize, stride ?? kernelSize).Mean(-1);
    }

    /// <summary>Output length <c>⌊(n + 2p − f)/s⌋ + 1</c> of a convolution or pooling along one axis.</summary>
    public static int OutputSize(int n, int kernel, int stride = 1, int padding = 0) => (n + 2 * padding - kernel) / stride + 1;

    internal static (int Top, int Bottom, int Left, int Right) PaddingFor(PaddingMode mode, int kh, int kw) => mode switch
    {
        PaddingMode.Valid => (0, 0, 0, 0),
        PaddingMode.Same => ((kh - 1) / 2, kh - 1 - (kh - 1) / 2, (kw - 1) / 2, kw - 1 - (kw - 1) / 2),
        _ => throw new ArgumentOutOfRangeException(nameof(mode), $"Conv2d: unknown padding mode {mode}."),
    };

    internal static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias, int stride, (int Top, int Bottom, int Left, int Right) pad)
    {
        CheckRank4("Conv2d", x);
        if (weight.Rank != 4) throw new ArgumentException($"Conv2d: weight must be (out, in, kh, kw), got {weight.Shape}.");
        int outC = weight.Shape[0], inC = weight.Shape[1], kh = weight.Shape[2], kw = weight.Shape[3];
        if (x.Shape[1] != inC) throw new ArgumentException($"Conv2d: input has {x.Shape[1]} channels (shape {x.Shape}) but the weight {weight.Shape} expects {inC}.");
        if (bias is not null && (bias.Rank != 1 || bias.Shape[0] != outC))
            throw new ArgumentException($"Conv2d: bias must have shape ({outC}), got {bias.Shape}.");
        if (pad.Top < 0 || pad.Bottom < 0 || pad.Left < 0 || pad.Right < 0) throw new ArgumentException("Conv2d: padding must be ≥ 0.");
        var padded = pad == (0, 0, 0, 0) ? x : x.Pad([(0, 0), (0, 0), (pad.Top, pad.Bottom), (pad.Left, pad.Right)]);
        var (n, _, oh, ow) = WindowShape("Conv2d", padded, kh, kw, stride);
        var cols = padded.Im2Col(kh, kw, stride).Reshape(n, oh * ow, inC * kh * kw);   // (N, OH·OW, C·kh·kw)
        // W·colsₙᵀ per sample lands in NCHW order directly: no permuted copy of the output, nor of its gradient.
        var y = LinearAlgebraOps.MatMul(weight.Reshape(outC, inC * kh * kw), cols, false, true, bias?.Reshape(outC, 1));   // (N, out, OH·OW)
        return y.Reshape(n, outC, oh, ow);
    }

    private static Tensor Windows(string op, Tensor x, int k, int stride)
    {
        var (n, c, oh, ow) = WindowShape(op, x, k, k, stride);
        int h = x.Shape[2], w = x.Shape[3];
        return x.AsStrided(new Shape(n, c, oh, ow, k, k), [c * h * w, h * w, stride * w, stride, w, 1], 0, op)
            .Reshape(n, c, oh, ow, k * k);
    }

    private static (int N, int C, int OH, int OW) WindowShape(string op, Tensor x, int kh, int kw, int stride)
    {
        CheckRank4(op, x);
        if (kh <= 0 || kw <= 0 || stride <= 0) throw new ArgumentException($"{op}: kernel ({kh}×{kw}) and stride ({stride}) must be positive.");
        int h = x.Shape[2], w = x.Shape[3];
        if (kh > h || kw > w) throw new ArgumentException($"{op}: kernel {kh}×{kw} is larger than the (padded) input {h}×{w} (shape {x.Shape}).");
        return (x.Shape[0], x.Shape[1], OutputSize(h, kh, stride), OutputSize(w, kw, stride));
    }

    private static void CheckRank4(string op, Tensor x)
    {
        if (x.Rank != 4) throw new ArgumentException($"{op}: input must be NCHW (rank 4), got shape {x.Shape}.");
    }
}
