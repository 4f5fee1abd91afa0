using AutoGrad.Differentiation;
using System.Runtime.CompilerServices;
using AutoGrad.Kernels;

namespace AutoGrad;

/// <summary>
/// Element-wise comparisons, broadcast; each returns a <see cref="DType.Bool"/> mask and carries no gradient.
/// </summary>
/// <remarks>
/// Any two dtypes compare except float32 with float64: integers with integers exactly, otherwise as float64 values
/// (as PyTorch promotes). NaN compares false, except in <c>NotEqual</c>.
/// </remarks>
public static class ComparisonOps
{
    /// <summary><c>a &gt; b</c>, as bool.</summary>
    [NoGradient]
    public static Tensor Greater(this Tensor a, Tensor b, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (Batching.Any(a, b)) return Batching.Binary(a, b, static (p, q) => p.Greater(q));
        return Recorder.Finish("Greater", Compare("Greater", a, b, Comparison.Greater), a, b);
    }

    /// <summary><c>a ≥ b</c>, as bool.</summary>
    [NoGradient]
    public static Tensor GreaterEqual(this Tensor a, Tensor b, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (Batching.Any(a, b)) return Batching.Binary(a, b, static (p, q) => p.GreaterEqual(q));
        return Recorder.Finish("GreaterEqual", Compare("GreaterEqual", a, b, Comparison.GreaterEqual), a, b);
    }

    /// <summary><c>a &lt; b</c>, as bool.</summary>
    [NoGradient]
    public static Tensor Less(this Tensor a, Tensor b, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (Batching.Any(a, b)) return Batching.Binary(a, b, static (p, q) => p.Less(q));
        return Recorder.Finish("Less", Compare("Less", a, b, Comparison.Less), a, b);
    }

    /// <summary><c>a ≤ b</c>, as bool.</summary>
    [NoGradient]
    public static Tensor LessEqual(this Tensor a, Tensor b, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (Batching.Any(a, b)) return Batching.Binary(a, b, static (p, q) => p.LessEqual(q));
        return Recorder.Finish("LessEqual", Compare("LessEqual", a, b, Comparison.LessEqual), a, b);
    }

    /// <summary><c>a = b</c>, as bool.</summary>
    [NoGradient]
    public static Tensor Equal(this Tensor a, Tensor b, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (Batching.Any(a, b)) return Batching.Binary(a, b, static (p, q) => p.Equal(q));
        return Recorder.Finish("Equal", Compare("Equal", a, b, Comparison.Equal), a, b);
    }

    /// <summary><c>a ≠ b</c>, as bool.</summary>
    [NoGradient]
    public static Tensor NotEqual(this Tensor a, Tensor b, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (Batching.Any(a, b)) return Batching.Binary(a, b, static (p, q) => p.NotEqual(q));
        return Recorder.Finish("NotEqual", Compare("NotEqual", a, b, Comparison.NotEqual), a, b);
    }

    /// <summary><c>x &gt; c</c> against a constant, as bool.</summary>
    [NoGradient]
    public static Tensor Greater(this Tensor x, double c, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (Batching.IsOn(x)) return Batching.Unary(x, c, static (t, s) => t.Greater(s));
        if (Batching.IsOn(x)) return Batching.Unary(x, c, static (t, s) => t.Less(s));
        if (Batching.IsOn(x)) return Batching.Unary(x, c, static (t, s) => t.Greater(s));
        return Recorder.Finish("Greater", CompareConstant(x, c, Comparison.Greater), x, TraceConstant(x, c));
    }

    /// <summary><c>x ≥ c</c> against a constant, as bool.</summary>
    [NoGradient]
    public static Tensor GreaterEqual(this Tensor x, double c, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (Batching.IsOn(x)) return Batching.Unary(x, c, static (t, s) => t.GreaterEqual(s));
        if (Batching.IsOn(x)) return Batching.Unary(x, c, static (t, s) => t.GreaterEqual(s));
        return Recorder.Finish("GreaterEqual", CompareConstant(x, c, Comparison.GreaterEqual), x, TraceConstant(x, c));
    }

    /// <summary><c>x &lt; c</c> against a constant, as bool.</summary>
    [NoGradient]
    public static Tensor Less(this Tensor x, double c, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (Batching.IsOn(x)) return Batching.Unary(x, c, static (t, s) => t.Less(s));
        return Recorder.Finish("Less", CompareConstant(x, c, Comparison.Less), x, TraceConstant(x, c));
    }

    /// <summary><c>x ≤ c</c> against a constant, as bool.</summary>
    [NoGradient]
    public static Tensor LessEqual(this Tensor x, double c, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (Batching.IsOn(x)) return Batching.Unary(x, c, static (t, s) => t.LessEqual(s));
        if (Batching.IsOn(x)) return Batching.Unary(x, c, static (t, s) => t.LessEqual(s));
        return Recorder.Finish("LessEqual", CompareConstant(x, c, Comparison.LessEqual), x, TraceConstant(x, c));
    }

    /// <summary><c>x = c</c> against a constant, as bool.</summary>
    [NoGradient]
    public static Tensor Equal(this Tensor x, double c, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (Batching.IsOn(x)) return Batching.Unary(x, c, static (t, s) => t.Equal(s));
        if (Batching.IsOn(x)) return Batching.Unary(x, c, static (t, s) => t.Equal(s));
        return Recorder.Finish("Equal", CompareConstant(x, c, Comparison.Equal), x, TraceConstant(x, c));
    }

    /// <summary><c>x ≠ c</c> against a constant, as bool.</summary>
    [NoGradient]
    public static Tensor NotEqual(this Tensor x, double c, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (Batching.IsOn(x)) return Batching.Unary(x, c, static (t, s) => t.NotEqual(s));
        return Recorder.Finish("NotEqual", CompareConstant(x, c, Comparison.NotEqual), x, TraceConstant(x, c));
    }

    private static Tensor Compare(string op, Tensor a, Tensor b, Comparison cmp)
    {
        if (a.DType == b.DType && a.DType.IsFloatingPoint()) return ToBool(Dispatch.Map2(op, a, b, new CompareKernel(cmp)));
        if (a.DType.IsFloatingPoint() && b.DType.IsFloatingPoint()) Tensor.CheckSameDType(op, a, b);
        Shape shape;
        try { shape = Shape.Broadcast(a.Shape, b.Shape, op); }
        catch (ArgumentException e) { throw Diagnostics.OperandError(op, e.Message, a, b, e); }
        var ea = a.Shape == shape ? a : Dispatch.Expand(a, shape);
        var eb = b.Shape == shape ? b : Dispatch.Expand(b, shape);
        var y = Tensor.Empty(shape, DType.Bool);
        var m = y.B8;
        if (!a.DType.IsFloatingPoint() && !b.DType.IsFloatingPoint())
            for (int i = 0; i < m.Length; i++) m[i] = Test(Integer(ea, i), Integer(eb, i), cmp);
        else
            for (int i = 0; i < m.Length; i++) m[i] = Test(ea.GetFlat(i), eb.GetFlat(i), cmp);
        return y;
    }

    // The constant as a tensor for an exporter's trace (Note [Op traces] in OpTrace.cs), so a comparison with
    // a number exports as the same two-input node as one with a tensor; null, and nothing allocated, when no trace is open.
    // In x's dtype, except a fraction against integers (ids > 0.5), kept as float64 as CompareConstant compares it; none for bool.
    private static Tensor? TraceConstant(Tensor x, double c) => !OpTrace.IsActive || x.DType == DType.Bool ? null
        : x.DType.IsFloatingPoint() || c == Math.Floor(c) ? Tensor.Scalar(c, x.DType) : Tensor.Scalar(c, DType.Float64);

    private static Tensor CompareConstant(Tensor x, double c, Comparison cmp)
    {
        if (x.DType.IsFloatingPoint()) return ToBool(Dispatch.Map2(cmp.ToString(), x, Tensor.Scalar(c, x.DType), new CompareKernel(cmp)));
        var y = Tensor.Empty(x.Shape, DType.Bool);
        var m = y.B8;
        for (int i = 0; i < m.Length; i++) m[i] = Test(x.GetFlat(i), c, cmp);   // an int64 beyond 2^53 compares rounded, as in PyTorch
        return y;
    }

    private static long Integer(Tensor t, int i) => t.DType switch
    {
        DType.Int64 => t.I64[i],
        DType.Int32 => t.I32[i],
        _ => t.B8[i] ? 1 : 0,
    };

    private static bool Test<T>(T a, T b, Comparison cmp) where T : System.Numerics.INumber<T> => cmp.Holds(a, b);

    // The kernel's 1/0 in the operands' float type, as bool.
    private static Tensor ToBool(Tensor ones)
    {
        var y = Tensor.Empty(ones.Shape, DType.Bool);
        var m = y.B8;
        if (ones.DType == DType.Float32) { var s = ones.F32; for (int i = 0; i < m.Length; i++) m[i] = s[i] != 0; }
        else { var s = ones.F64; for (int i = 0; i < m.Length; i++) m[i] = s[i] != 0; }
        return y;
    }
}
