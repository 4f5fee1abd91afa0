using AutoGrad.NN.Init;

namespace AutoGrad.NN;

/// <summary>
/// 2-D convolution layer on NCHW inputs: <c>y[n, o] = b[o] + Σ_c W[o, c] ⋆ x[n, c]</c>, output size <c>⌊(n + 2p − f)/s⌋ + 1</c>.
/// </summary>
/// <remarks>Weight (out, in, kh, kw) drawn He-uniform by default (fan-in = in·kh·kw, suited to ReLU); bias starts at zero.</remarks>
public sealed class Conv2d : Module
{
    private readonly (int, int, int, int) _padding;

    /// <summary>A convolution with explicit zero padding <paramref name="padding"/> on every side.</summary>
    public Conv2d(int inChannels, int outChannels, int kernelSize, Generator generator, int stride = 1, int padding = 0,
        bool bias = true, Initializer? init = null, DType dtype = DType.Float32)
        : this(inChannels, outChannels, kernelSize, generator, stride, (padding, padding, padding, padding), bias, init, dtype) { }

    /// <summary>A convolution with valid or same padding.</summary>
    public Conv2d(int inChannels, int outChannels, int kernelSize, Generator generator, int stride, PaddingMode padding,
        bool bias = true, Initializer? init = null, DType dtype = DType.Float32)
        : this(inChannels, outChannels, kernelSize, generator, stride, ConvolutionOps.PaddingFor(padding, kernelSize, kernelSize), bias, init, dtype) { }

    private Conv2d(int inChannels, int outChannels, int kernelSize, Generator generator, int stride, (int, int, int, int) padding,
        bool bias, Initializer? init, DType dtype)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (inChannels <= 0 || outChannels <= 0 || kernelSize <= 0 || stride <= 0)
            throw new ArgumentException($"Conv2d: channels ({inChannels}, {outChannels}), kernel ({kernelSize}) and stride ({stride}) must be positive.");
        var (t, b, l, r) = padding;
        if (t < 0 || b < 0 || l < 0 || r < 0) throw new ArgumentException("Conv2d: padding must be ≥ 0.");
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride;
        _padding = padding;
        int area = kernelSize * kernelSize;
        RegisterParameter("weight", (init ?? Initializers.HeUniform)(new Shape(outChannels, inChannels, kernelSize, kernelSize),
            inChannels * area, outChannels * area, generator, dtype));
        HasBias = bias;
        if (bias) RegisterParameter("bias", Tensor.Zeros(new Shape(outChannels), dtype));
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Kernel side <c>f</c>.</summary>
    public int KernelSize { get; }

    /// <summary>Stride <c>s</c>.</summary>
    public int Stride { get; }

    /// <summary>Whether a bias is added.</summary>
    public bool HasBias { get; }

    /// <summary>The kernels, shape (out, in, f, f).</summary>
    public Tensor Weight => Parameter("weight");

    /// <summary>The bias, shape (out); null when absent.</summary>
    public Tensor? Bias => HasBias ? Parameter("bias") : null;

    /// <summary>The convolution of <paramref name="x"/> (N, in, H, W) → (N, out, OH, OW).</summary>
    public override Tensor Forward(Tensor x) => F.Conv2d(x, Weight, Bias, Stride, _padding);
}
