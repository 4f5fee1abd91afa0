using System.Runtime.CompilerServices;
using AutoGrad.Differentiation;
using AutoGrad.Kernels;

namespace AutoGrad;

/// <summary>Element-wise unary functions and their derivatives.</summary>
public static class MathOps
{
    /// <summary><c>y = −x</c>.</summary>
    public static Tensor Negate(this Tensor x, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return Recorder.Finish("Negate", Dispatch.Map<NegateKernel>(x), [x], g => [-g], saved: []);
    }

    /// <summary><c>y = eˣ</c>.</summary>
    public static Tensor Exp(this Tensor x, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        var y = Dispatch.Map<ExpKernel>(x);
        return Recorder.Finish("Exp", y, [x], g => [g * y]);   // d/dx eˣ = eˣ
    }

    /// <summary>Natural logarithm <c>y = ln x</c>.</summary>
    public static Tensor Log(this Tensor x, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return Recorder.Finish("Log", Dispatch.Map<LogKernel>(x), [x], g => [g / x]);
    }

    /// <summary><c>y = √x</c>.</summary>
    public static Tensor Sqrt(this Tensor x, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        var y = Dispatch.Map<SqrtKernel>(x);
        return Recorder.Finish("Sqrt", y, [x], g => [g / (y * 2.0)]);
    }

    /// <summary><c>y = x²</c>.</summary>
    public static Tensor Square(this Tensor x, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return x.Pow(2);
    }

    /// <summary><c>y = |x|</c>.</summary>
    /// <remarks>Subgradient 0 at x = 0 (sign(0) = 0), as the MAE and L1 derivatives use.</remarks>
    public static Tensor Abs(this Tensor x, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return Recorder.Finish("Abs", Dispatch.Map<AbsKernel>(x), [x], g => [g * x.Sign()]);
    }

    /// <summary><c>y = sign(x)</c> ∈ {−1, 0, 1}; piecewise constant, so it carries no gradient.</summary>
    [NoGradient]
    public static Tensor Sign(this Tensor x, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return Recorder.Finish("Sign", Dispatch.Map<SignKernel>(x), x);
    }

    /// <summary><c>y = tanh x</c>.</summary>
    public static Tensor Tanh(this Tensor x, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        var y = Dispatch.Map<TanhKernel>(x);
        return Recorder.Finish("Tanh", y, [x], g => [g * (1.0 - y * y)]);   // tanh' = 1 − tanh²
    }

    /// <summary>Logistic sigmoid <c>σ(x) = 1/(1 + e^{−x})</c>, stable for large |x|.</summary>
    public static Tensor Sigmoid(this Tensor x, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        var y = Dispatch.Map<SigmoidKernel>(x);
        return Recorder.Finish("Sigmoid", y, [x], g => [g * y * (1.0 - y)]);   // σ' = σ(1 − σ)
    }

    /// <summary>Rectified linear unit <c>y = max(0, x)</c>.</summary>
    /// <remarks>ReLU'(0) = 0: the derivative is <c>1(x &gt; 0)</c>.</remarks>
    public static Tensor Relu(this Tensor x, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        var y = Dispatch.Map<ReluKernel>(x);
        return Recorder.Finish("Relu", y, x, null, null, x, static s => ReluRule(s));   // Note [Unrecorded ops]
    }

    private static BackwardRule ReluRule(Tensor x) => g => [g.PassWherePositive(x)];

    /// <summary>Clips each element to <c>[min, max]</c>.</summary>
    /// <remarks>The gradient passes where <c>min ≤ x ≤ max</c> (bounds included, as in PyTorch) and is 0 outside.</remarks>
    public static Tensor Clamp(this Tensor x, double min = double.NegativeInfinity, double max = double.PositiveInfinity, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (min > max) throw new ArgumentException($"Clamp: min ({min}) is greater than max ({max}).");
        return Recorder.Finish("Clamp", Dispatch.Map(x, new ClampKernel(min, max)), [x],
            g => [g * Dispatch.Map(x, new InRangeMaskKernel(min, max))]);
    }

    /// <summary>The error function <c>erf(x) = (2/√π)∫₀ˣ e^{−t²} dt</c>.</summary>
    public static Tensor Erf(this Tensor x, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return Recorder.Finish("Erf", Dispatch.Map<ErfKernel>(x), [x], g => [g * (x * x).Negate().Exp() * (2 / Math.Sqrt(Math.PI))]);
    }

    /// <summary>Converts to another element type; the gradient is converted back.</summary>
    public static Tensor To(this Tensor x, DType dtype, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (x.DType == dtype) return x;
        var y = Tensor.Empty(x.Shape, dtype);
        if (dtype == DType.Float64) ConvertKernels.Widen(x.F32, y.F64);
        else ConvertKernels.Narrow(x.F64, y.F32);
        return Recorder.Finish("To", y, [x], g => [g.To(x.DType)]);
    }
}
