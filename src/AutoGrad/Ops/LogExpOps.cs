using System.Runtime.CompilerServices;
using AutoGrad.Differentiation;
using AutoGrad.Kernels;

namespace AutoGrad;

/// <summary><c>ln(1 + x)</c> and <c>eˣ − 1</c>, accurate where <c>x</c> is small.</summary>
public static class LogExpOps
{
    // Primitive because: numerical stability. Composed as (1 + x).Log() the sum rounds first, so x = 1e-10 in float32
    // gives 0 (and in float64 keeps about six digits); SpecialFunctions.Log1P's correction keeps every digit.
    /// <summary><c>y = ln(1 + x)</c>, exact to a few ulps for small <c>|x|</c> (PyTorch's <c>log1p</c>).</summary>
    /// <remarks><c>x = −1</c> gives −∞, <c>x &lt; −1</c> NaN; the derivative is <c>1/(1 + x)</c>.</remarks>
    public static Tensor Log1p(this Tensor x, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (Batching.IsOn(x)) return Batching.Unary(x, static t => t.Log1p());
        return Recorder.Finish("Log1p", Dispatch.Map<Log1pKernel>(x), [x], g => [g / (x + 1.0)]);
    }

    // Primitive because: numerical stability, as Log1p: x.Exp() − 1 cancels every digit of a small x.
    /// <summary><c>y = eˣ − 1</c>, exact to a few ulps for small <c>|x|</c> (PyTorch's <c>expm1</c>).</summary>
    /// <remarks>The derivative is <c>eˣ</c> (not <c>y + 1</c>, which rounds to 0 where eˣ is tiny).</remarks>
    public static Tensor Expm1(this Tensor x, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (Batching.IsOn(x)) return Batching.Unary(x, static t => t.Expm1());
        return Recorder.Finish("Expm1", Dispatch.Map<Expm1Kernel>(x), [x], g => [g * x.Exp()]);
    }
}
