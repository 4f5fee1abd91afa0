using AutoGrad.Differentiation;
using System.Runtime.CompilerServices;
using AutoGrad.Kernels;

namespace AutoGrad;

/// <summary>Element-wise comparisons, broadcast; each returns a mask of 1s and 0s in the inputs' dtype and carries no gradient.</summary>
public static class ComparisonOps
{
    /// <summary><c>1(a &gt; b)</c>.</summary>
    [NoGradient]
    public static Tensor Greater(this Tensor a, Tensor b, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return Recorder.Finish("Greater", Dispatch.Map2("Greater", a, b, new CompareKernel(Comparison.Greater)), a, b);
    }

    /// <summary><c>1(a ≥ b)</c>.</summary>
    [NoGradient]
    public static Tensor GreaterEqual(this Tensor a, Tensor b, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return Recorder.Finish("GreaterEqual", Dispatch.Map2("GreaterEqual", a, b, new CompareKernel(Comparison.GreaterEqual)), a, b);
    }

    /// <summary><c>1(a &lt; b)</c>.</summary>
    [NoGradient]
    public static Tensor Less(this Tensor a, Tensor b, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return Recorder.Finish("Less", Dispatch.Map2("Less", a, b, new CompareKernel(Comparison.Less)), a, b);
    }

    /// <summary><c>1(a ≤ b)</c>.</summary>
    [NoGradient]
    public static Tensor LessEqual(this Tensor a, Tensor b, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return Recorder.Finish("LessEqual", Dispatch.Map2("LessEqual", a, b, new CompareKernel(Comparison.LessEqual)), a, b);
    }

    /// <summary><c>1(a = b)</c>.</summary>
    [NoGradient]
    public static Tensor Equal(this Tensor a, Tensor b, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return Recorder.Finish("Equal", Dispatch.Map2("Equal", a, b, new CompareKernel(Comparison.Equal)), a, b);
    }

    /// <summary><c>1(a ≠ b)</c>.</summary>
    [NoGradient]
    public static Tensor NotEqual(this Tensor a, Tensor b, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return Recorder.Finish("NotEqual", Dispatch.Map2("NotEqual", a, b, new CompareKernel(Comparison.NotEqual)), a, b);
    }

    /// <summary><c>1(x &gt; c)</c> against a constant.</summary>
    [NoGradient]
    public static Tensor Greater(this Tensor x, double c, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return x.Greater(Tensor.Scalar(c, x.DType));
    }

    /// <summary><c>1(x &lt; c)</c> against a constant.</summary>
    [NoGradient]
    public static Tensor Less(this Tensor x, double c, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return x.Less(Tensor.Scalar(c, x.DType));
    }

    /// <summary><c>1(x ≥ c)</c> against a constant.</summary>
    [NoGradient]
    public static Tensor GreaterEqual(this Tensor x, double c, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return x.GreaterEqual(Tensor.Scalar(c, x.DType));
    }

    /// <summary><c>1(x ≤ c)</c> against a constant.</summary>
    [NoGradient]
    public static Tensor LessEqual(this Tensor x, double c, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return x.LessEqual(Tensor.Scalar(c, x.DType));
    }

    /// <summary><c>1(x = c)</c> against a constant.</summary>
    [NoGradient]
    public static Tensor Equal(this Tensor x, double c, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return x.Equal(Tensor.Scalar(c, x.DType));
    }
}
