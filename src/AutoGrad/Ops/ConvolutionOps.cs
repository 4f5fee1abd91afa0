using AutoGrad.Differentiation;
using AutoGrad.Kernels;
using AutoGrad.Memory;
using System.Runtime.CompilerServices;
namespace AutoGrad;

/// <summary>
/// Functional 2-D convolution and pooling on NCHW tensors, composed as im2col (a strided view of overlapping windows) plus
/// matmul or a reduction. Output size <c>⌊(n + 2p − f)/s⌋ + 1</c> (Dumoulin and Visin 2016, "A guide to convolution arithmetic").
/// </summary>
/// <remarks>
/// The window view reads the input with strides (an AsStrided read whose adjoint scatter-adds, i.e. col2im), so the composed
/// ops here have gradients of every order without a hand-written rule. Conv2d on float tensors is one primitive (im2col, GEMM
/// and col2im per sample in ConvKernels) whose rule is that composition under createGraph.
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
        var y = padded.MaxPoolRouted(kernelSize, s);
        if (OpTrace.IsActive) OpTrace.Describe(y, "MaxPool2d", [x], ("kernel", kernelSize), ("stride", s), ("padding", padding));   // Note [Op traces]
        return y;
    }

    /// <summary>Average pooling: <c>y[n, c, i, j] = mean of the k×k window at (i·s, j·s)</c>; stride defaults to the kernel size.</summary>
    /// <remarks>Zero padding is counted in the mean (PyTorch's default <c>count_include_pad</c>).</remarks>
    public static Tensor AvgPool2d(this Tensor x, int kernelSize, int? stride = null, int padding = 0, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        CheckRank4("AvgPool2d", x);
        var padded = padding == 0 ? x : x.Pad([(0, 0), (0, 0), (padding, padding), (padding, padding)]);
        var y = Windows("AvgPool2d", padded, kernelSize, stride ?? kernelSize).Mean(-1);
        if (OpTrace.IsActive) OpTrace.Describe(y, "AvgPool2d", [x], ("kernel", kernelSize), ("stride", stride ?? kernelSize), ("padding", padding));   // Note [Op traces]
        return y;
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
        Tensor result;
        if (Batching.Any(padded, weight, bias) || padded.DType is not (DType.Float32 or DType.Float64))
        {
            var cols = padded.Im2Col(kh, kw, stride).Reshape(n, oh * ow, inC * kh * kw);   // (N, OH·OW, C·kh·kw)
            // W·colsₙᵀ per sample lands in NCHW order directly: no permuted copy of the output, nor of its gradient.
            var y = LinearAlgebraOps.MatMul(weight.Reshape(outC, inC * kh * kw), cols, false, true, bias?.Reshape(outC, 1));   // (N, out, OH·OW)
            result = y.Reshape(n, outC, oh, ow);
        }
        else result = Conv2dPrimitive(padded, weight, bias, new ConvGeometry(n, inC, padded.Shape[2], padded.Shape[3], outC, kh, kw, stride, oh, ow));
        if (OpTrace.IsActive) OpTrace.Describe(result, "Conv2d", [x, weight, bias], ("stride", stride), ("pads", new[] { pad.Top, pad.Left, pad.Bottom, pad.Right }));   // Note [Op traces]
        return result;
    }

    // Primitive because: composed, the convolution materialised every sample's windows through a strided gather, its weight
    // gradient was N products into an (N, out, C·kh·kw) buffer summed afterwards (13 MB per step for the 32→64 layer of the
    // compare CNN), and its input gradient an (N, OH·OW, C·kh·kw) product scattered back element by element. The kernels
    // (src/AutoGrad.Kernels/ConvKernels.cs) run im2col, one product per chunk of samples and col2im on both cores, sum the
    // weight gradient per chunk and keep the windows only as the rule's saved column matrices. Under createGraph the rule is the
    // composed form (ComposedGradients), which the op table checks against finite differences like the fast one.
    private static Tensor Conv2dPrimitive(Tensor x, Tensor weight, Tensor? bias, ConvGeometry geo)
    {
        Tensor.CheckSameDType("Conv2d", x, weight);
        if (bias is not null) Tensor.CheckSameDType("Conv2d", x, bias);
        var y = Tensor.Uninitialized(new Shape(geo.N, geo.OutC, geo.OH, geo.OW), x.DType);
        var cols = Tensor.Uninitialized(new Shape(geo.N * geo.Ckk * geo.Ohw), x.DType);   // every chunk's (C·kh·kw, nb·OH·OW) windows
        if (x.DType == DType.Float32)
            ConvKernels.Forward<float>(x.F32, weight.F32, bias is null ? default : bias.F32, y.F32, cols.F32, geo);
        else
            ConvKernels.Forward<double>(x.F64, weight.F64, bias is null ? default : bias.F64, y.F64, cols.F64, geo);
        // The windows are the rule's alone and die with the step: a StepScope takes their buffer back as it does an op result's.
        if (ScopeBuffers.Owning(cols.Storage) is { } scope) scope.List(cols.Storage);
        Tensor[] inputs = bias is null ? [x, weight] : [x, weight, bias];
        return Recorder.Finish("Conv2d", y, inputs,
            g => Recorder.IsEnabled ? ComposedGradients(x, weight, bias, geo, g) : FastGradients(x, weight, bias, cols, geo, g));
    }

    private static Tensor?[] FastGradients(Tensor x, Tensor weight, Tensor? bias, Tensor cols, ConvGeometry geo, Tensor g)
    {
        Tensor? dx = x.RequiresGrad ? Tensor.Uninitialized(x.Shape, g.DType) : null;
        Tensor? dw = weight.RequiresGrad ? Tensor.Uninitialized(weight.Shape, g.DType) : null, db = null;
        bool f32 = g.DType == DType.Float32;
        if (f32) ConvKernels.Backward<float>(g.F32, weight.F32, cols.F32, dx is null ? default : dx.F32, dw is null ? default : dw.F32, geo);
        else ConvKernels.Backward<double>(g.F64, weight.F64, cols.F64, dx is null ? default : dx.F64, dw is null ? default : dw.F64, geo);
        if (bias is { RequiresGrad: true })
        {
            db = Tensor.Uninitialized(bias.Shape, g.DType);
            if (f32) ConvKernels.BackwardBias<float>(g.F32, db.F32, geo);
            else ConvKernels.BackwardBias<double>(g.F64, db.F64, geo);
        }
        return bias is null ? [dx, dw] : [dx, dw, db];
    }

    // The same gradients from recorded ops (for createGraph): dcols = gₙᵀ·W scattered back through the window view,
    // dW = Σₙ gₙ·colsₙ, db = Σ g over (N, OH, OW).
    private static Tensor?[] ComposedGradients(Tensor x, Tensor weight, Tensor? bias, ConvGeometry geo, Tensor g)
    {
        var g3 = g.Reshape(geo.N, geo.OutC, geo.Ohw);
        Tensor? dx = null, dw = null, db = null;
        if (x.RequiresGrad)
        {
            var dcols = LinearAlgebraOps.MatMul(g3, weight.Reshape(geo.OutC, geo.Ckk), true, false);   // (N, OH·OW, C·kh·kw)
            dx = dcols.Reshape(geo.N, geo.OH, geo.OW, geo.C, geo.KH, geo.KW).AsStridedScatter(x.Shape,
                [geo.C * geo.H * geo.W, geo.Stride * geo.W, geo.Stride, geo.H * geo.W, geo.W, 1], 0, "Im2Col");
        }
        if (weight.RequiresGrad)
        {
            var cols = x.Im2Col(geo.KH, geo.KW, geo.Stride).Reshape(geo.N, geo.Ohw, geo.Ckk);
            dw = LinearAlgebraOps.MatMul(g3, cols, false, false).Sum(0).Reshape(weight.Shape);
        }
        if (bias is { RequiresGrad: true }) db = g.Sum([0, 2, 3]);
        return bias is null ? [dx, dw] : [dx, dw, db];
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
