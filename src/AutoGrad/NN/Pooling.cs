namespace AutoGrad.NN;

/// <summary>Max pooling over k×k windows of NCHW inputs (see <see cref="ConvolutionOps.MaxPool2d"/>).</summary>
/// <param name="kernelSize">Window side <c>k</c>.</param>
/// <param name="stride">Stride (the kernel size if null).</param>
/// <param name="padding">Padding on each side, counted as −∞.</param>
public sealed class MaxPool2d(int kernelSize, int? stride = null, int padding = 0) : Module
{
    /// <summary><c>y = max over each window</c>.</summary>
    public override Tensor Forward(Tensor x) => x.MaxPool2d(kernelSize, stride, padding);
}

/// <summary>Average pooling over k×k windows of NCHW inputs (see <see cref="ConvolutionOps.AvgPool2d"/>).</summary>
/// <param name="kernelSize">Window side <c>k</c>.</param>
/// <param name="stride">Stride (the kernel size if null).</param>
/// <param name="padding">Zero padding on each side.</param>
public sealed class AvgPool2d(int kernelSize, int? stride = null, int padding = 0) : Module
{
    /// <summary><c>y = mean over each window</c>.</summary>
    public override Tensor Forward(Tensor x) => x.AvgPool2d(kernelSize, stride, padding);
}
