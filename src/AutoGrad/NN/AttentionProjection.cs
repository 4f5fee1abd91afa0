namespace AutoGrad.NN;

/// <summary>
/// An affine map kept in PyTorch's layout, <c>y = x·Wᵀ + b</c> with <c>W</c> of shape (out, in): MultiheadAttention's
/// <c>out_proj</c>, whose state-dict names and shapes must be PyTorch's whatever <see cref="Linear"/>'s layout is.
/// </summary>
internal sealed class AttentionProjection : Module
{
    public AttentionProjection(int features, bool bias, Generator generator, DType dtype)
    {
        // PyTorch's nn.Linear default (kaiming_uniform with a = √5): U(−1/√in, 1/√in).
        double bound = 1 / Math.Sqrt(features);
        RegisterParameter("weight", Tensor.Uniform(new Shape(features, features), generator, -bound, bound, dtype));
        if (bias) RegisterParameter("bias", Tensor.Zeros(new Shape(features), dtype));
        HasBias = bias;
    }

    public bool HasBias { get; }

    public override Tensor Forward(Tensor x) => Project(x, Parameter("weight"), HasBias ? Parameter("bias") : null);

    /// <summary><c>x·Wᵀ + b</c> for x of rank ≥ 2: one product reading W transposed in place, the bias fused.</summary>
    public static Tensor Project(Tensor x, Tensor w, Tensor? b) =>
        x.Rank >= 2 ? LinearAlgebraOps.MatMul(x, w, false, true, b) : b is null ? x.MatMul(w.Transpose()) : x.MatMul(w.Transpose()) + b;
}
