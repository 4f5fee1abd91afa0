using System.Runtime.CompilerServices;
using AutoGrad.Differentiation;

namespace AutoGrad;

/// <summary>Activation functions as extension methods on <see cref="Tensor"/>, all composed from differentiable ops.</summary>
/// <remarks>ReLU, tanh, sigmoid, softmax and log-softmax are core ops (<see cref="MathOps"/>, <see cref="ReductionOps"/>).</remarks>
public static class Activations
{
    /// <summary>SELU's <c>α</c> (Klambauer et al. 2017).</summary>
    public const double SeluAlpha = 1.6732632423543772848170429916717;

    /// <summary>SELU's scale <c>λ</c> (Klambauer et al. 2017).</summary>
    public const double SeluScale = 1.0507009873554804934193349852946;

    /// <summary>Leaky ReLU <c>y = x</c> for <c>x &gt; 0</c>, <c>αx</c> otherwise.</summary>
    /// <remarks>The derivative at 0 is <c>α</c> (<c>θ'(z) = α for z ≤ 0</c>).</remarks>
    public static Tensor LeakyRelu(this Tensor x, double alpha = 0.01, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return CombineOps.Where(x.Greater(0), x, x * alpha);
    }

    /// <summary>PReLU <c>y = x</c> for <c>x &gt; 0</c>, <c>αx</c> otherwise, with a learnable <c>α</c> broadcast against <paramref name="x"/>.</summary>
    public static Tensor PRelu(this Tensor x, Tensor alpha, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return CombineOps.Where(x.Greater(0), x, x * alpha);
    }

    /// <summary>ELU <c>y = x</c> for <c>x &gt; 0</c>, <c>α(eˣ − 1)</c> otherwise (Clevert et al. 2016).</summary>
    /// <remarks>
    /// Computed as <c>relu(x) + α·expm1(min(x, 0))</c> so no unused branch can overflow to ∞ and poison the gradient with NaN, and
    /// so that near 0 it is ≈ αx (<c>Exp(x) − 1</c> cancelled there: float32 ELU(0) was 1.5e-7, e^0 being one ulp above 1).
    /// </remarks>
    public static Tensor Elu(this Tensor x, double alpha = 1.0, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (Batching.IsOn(x)) return Batching.Unary(x, alpha, static (t, s) => t.Elu(s));
        return x.Relu() + Expm1(x.Clamp(max: 0)) * alpha;
    }

    // Primitive because: numerical stability; eˣ − 1 near 0 needs expm1, which no op composes. d/dx = eˣ.
    private static Tensor Expm1(Tensor x) =>
        Recorder.Finish("Expm1", Dispatch.Map<AutoGrad.Kernels.Expm1Kernel>(x), [x], g => [g * x.Exp()]);

    /// <summary>SELU <c>y = λ·ELU(x, α)</c> with the self-normalising constants <see cref="SeluScale"/> and <see cref="SeluAlpha"/>.</summary>
    public static Tensor Selu(this Tensor x, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return x.Elu(SeluAlpha) * SeluScale;
    }

    /// <summary>GELU <c>y = x·Φ(x)</c>, exact or approximated (Hendrycks and Gimpel 2016).</summary>
    public static Tensor Gelu(this Tensor x, GeluApproximation approximation = GeluApproximation.None, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return approximation switch
        {
            GeluApproximation.None => OpTrace.IsActive ? GeluComposed(x) : GeluExact(x),
            GeluApproximation.Sigmoid => x * (x * 1.702).Sigmoid(),
            GeluApproximation.Tanh => GeluTanh(x),
            _ => throw new ArgumentOutOfRangeException(nameof(approximation), $"Gelu: unknown approximation {approximation}."),
        };
    }

    // Primitive because: speed. Composed, x·(erf(x/√2) + 1)·½ records four nodes and makes four passes over the activation
    // forward and about eight backward; GeluKernel and GeluKernels.Backward make one each (Note [Fused GELU] in
    // src/AutoGrad.Kernels/GeluKernels.cs). Under createGraph the rule is composed (GeluDerivative), so second derivatives
    // exist; an op trace sees the composed form, which an exporter already writes (Mul, Erf, Add).
    private static Tensor GeluExact(Tensor x)
    {
        if (Batching.IsOn(x)) return Batching.Unary(x, static t => GeluExact(t));
        var y = Dispatch.Map<AutoGrad.Kernels.GeluKernel>(x);
        return Recorder.Finish("Gelu", y, x, null, null, x, static s => GeluRule(s));   // Note [Unrecorded ops] in Recorder.cs
    }

    private static BackwardRule GeluRule(Tensor x) =>
        g => [Recorder.IsEnabled || Batching.Any(g, x) ? g * GeluDerivative(x) : GeluBackward(g, x)];

    private static Tensor GeluComposed(Tensor x) => x * ((x * (1 / Math.Sqrt(2))).Erf() + 1.0) * 0.5;

    // GELU'(x) = Φ(x) + x·φ(x) = ½(1 + erf(x/√2)) + x·e^{−x²/2}/√(2π), from differentiable ops.
    private static Tensor GeluDerivative(Tensor x) =>
        ((x * (1 / Math.Sqrt(2))).Erf() + 1.0) * 0.5 + x * (x * x * -0.5).Exp() * (1 / Math.Sqrt(2 * Math.PI));

    // g·GELU'(x) in one pass; only in a backward pass that records nothing (GeluRule), so it needs no rule of its own.
    private static Tensor GeluBackward(Tensor g, Tensor x)
    {
        var dx = Tensor.Uninitialized(x.Shape, x.DType);
        if (x.DType == DType.Float32) AutoGrad.Kernels.GeluKernels.Backward<float>(g.F32, x.F32, dx.F32);
        else AutoGrad.Kernels.GeluKernels.Backward<double>(g.F64, x.F64, dx.F64);
        return dx;
    }

    // ½x(1 + tanh u) = x·σ(2u), u = √(2/π)(x + 0.044715x³), with u taken at x clamped to ±25: there σ(2u) is already exactly 0 or
    // 1 in float64 (2u = ±1154), and beyond it x³ overflows, so the rule multiplied σ' = 0 by ∂u/∂x = ∞ (NaN at ±1e30 in float32).
    // The σ form also keeps the far negative tail x·e^{2u} that 1 + tanh u rounds to 0.
    private static Tensor GeluTanh(Tensor x)
    {
        var c = x.Clamp(-25, 25);
        return x * ((c + c.Pow(3) * 0.044715) * (2 * Math.Sqrt(2 / Math.PI))).Sigmoid();
    }

    /// <summary>SiLU/Swish with fixed <c>β</c>: <c>y = x·σ(βx)</c> (Ramachandran et al. 2017; β = 1 is SiLU).</summary>
    public static Tensor Silu(this Tensor x, double beta = 1.0, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return x * (beta == 1.0 ? x : x * beta).Sigmoid();
    }

    /// <summary>Swish with a learnable <c>β</c>: <c>y = x·σ(βx)</c>, β broadcast against <paramref name="x"/>.</summary>
    public static Tensor Swish(this Tensor x, Tensor beta, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return x * (x * beta).Sigmoid();
    }

    /// <summary>Softplus <c>y = (1/β)·ln(1 + e^{βx})</c>, computed as <c>(max(βx, 0) + ln1p(e^{−|βx|}))/β</c>; <c>y' = σ(βx)</c>.</summary>
    /// <remarks>Exact to a few ulps for every x, including far below 0 where <c>y ≈ e^{βx}</c> (composed from <c>Log(1 + …)</c>, 1 + e^{−20} rounded to 1 and gave 0).</remarks>
    public static Tensor Softplus(this Tensor x, double beta = 1.0, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (Batching.IsOn(x)) return Batching.Unary(x, beta, static (t, s) => t.Softplus(s));
        var z = beta == 1.0 ? x : x * beta;
        // Primitive because: numerical stability; ln(1 + u) for tiny u needs log1p, which no op composes.
        var y = Recorder.Finish("Softplus", Dispatch.Map<AutoGrad.Kernels.SoftplusKernel>(z), [z], g => [g * z.Sigmoid()]);
        return beta == 1.0 ? y : y * (1.0 / beta);
    }

    /// <summary>Mish <c>y = x·tanh(softplus(x))</c>, computed as <c>x·n/(n + 2)</c> with <c>n = eˣ(eˣ + 2)</c>.</summary>
    /// <remarks>
    /// <c>tanh(ln(1 + eˣ)) = n/(n + 2)</c> has no cancellation: far below 0 it is ≈ eˣ to full precision, where tanh of a tiny
    /// softplus lost it (float32 −1e30 gave 5.96e22 from a tanh of 0 that was −5.96e-8). eˣ is taken at <c>min(x, 20)</c>: from
    /// there on <c>n/(n + 2)</c> is 1 in float64 and the unclamped eˣ would overflow into ∞/∞.
    /// </remarks>
    public static Tensor Mish(this Tensor x, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        var e = x.Clamp(max: 20).Exp();
        var n = e * (e + 2.0);
        return x * (n / (n + 2.0));
    }

    /// <summary>ReLU6 <c>y = min(max(0, x), 6)</c>.</summary>
    /// <remarks>The gradient passes at the bounds 0 and 6 (the <see cref="MathOps.Clamp"/> convention).</remarks>
    public static Tensor Relu6(this Tensor x, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return x.Clamp(0, 6);
    }

    /// <summary>Hard sigmoid <c>y = ReLU6(x + 3)/6</c>.</summary>
    public static Tensor HardSigmoid(this Tensor x, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return (x + 3.0).Relu6() * (1.0 / 6);
    }

    /// <summary>Hard swish <c>y = x·ReLU6(x + 3)/6</c>.</summary>
    public static Tensor HardSwish(this Tensor x, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return x * x.HardSigmoid();
    }

    /// <summary>Gated linear unit: split <paramref name="x"/> in halves <c>a, b</c> along <paramref name="axis"/>; <c>y = a ⊙ σ(b)</c>.</summary>
    public static Tensor Glu(this Tensor x, int axis = -1, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        int d = x.Shape[axis];
        if (d % 2 != 0) throw new ArgumentException($"Glu: axis {axis} of shape {x.Shape} has odd length {d}; it must split in halves.");
        var parts = x.Split([d / 2, d / 2], axis);
        return parts[0] * parts[1].Sigmoid();
    }

    /// <summary>Maxout over groups: the last axis of length <c>k·m</c> is cut into <c>m</c> groups of <paramref name="pieces"/> = k; <c>yⱼ = max over group j</c>.</summary>
    /// <remarks>The gradient goes to the first maximal element of each group.</remarks>
    public static Tensor Maxout(this Tensor x, int pieces, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        int d = x.Shape[-1];
        if (pieces <= 0 || d % pieces != 0)
            throw new ArgumentException($"Maxout: the last axis ({d}, shape {x.Shape}) must be a positive multiple of pieces ({pieces}).");
        var dims = x.Shape.Dims.ToArray();
        dims[^1] = d / pieces;
        return x.Reshape([.. dims, pieces]).Max(-1);
    }

    /// <summary>The identity (linear activation) <c>y = x</c>.</summary>
    public static Tensor Identity(this Tensor x, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return x;
    }

    /// <summary>The Heaviside step function <c>y = 1 if x &gt; 0 else 0</c>, the perceptron's output (Rosenblatt's perceptron); piecewise constant, so it carries no gradient.</summary>
    [NoGradient]
    public static Tensor Heaviside(this Tensor x, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        using (Recorder.NoGrad()) return x.Detach().Greater(0).To(x.DType);   // a float activation, not a Bool mask
    }
}
