using AutoGrad.Differentiation;
using System.Runtime.CompilerServices;

namespace AutoGrad;

/// <summary>
/// Element-wise logic on masks, broadcast; each reads any dtype as bool (<c>x ≠ 0</c>, NaN true, as PyTorch's
/// <c>logical_and</c>), returns <see cref="DType.Bool"/> and carries no gradient.
/// </summary>
public static class LogicalOps
{
    /// <summary><c>a ∧ b</c>.</summary>
    [NoGradient]
    public static Tensor And(this Tensor a, Tensor b, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (Batching.Any(a, b)) return Batching.Binary(a, b, static (p, q) => p.And(q));
        return Recorder.Finish("And", Combine("And", a, b, static (p, q) => p & q), a, b);
    }

    /// <summary><c>a ∨ b</c>.</summary>
    [NoGradient]
    public static Tensor Or(this Tensor a, Tensor b, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (Batching.Any(a, b)) return Batching.Binary(a, b, static (p, q) => p.Or(q));
        return Recorder.Finish("Or", Combine("Or", a, b, static (p, q) => p | q), a, b);
    }

    /// <summary><c>a ⊕ b</c> (exclusive or).</summary>
    [NoGradient]
    public static Tensor Xor(this Tensor a, Tensor b, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (Batching.Any(a, b)) return Batching.Binary(a, b, static (p, q) => p.Xor(q));
        return Recorder.Finish("Xor", Combine("Xor", a, b, static (p, q) => p ^ q), a, b);
    }

    /// <summary><c>¬x</c>.</summary>
    [NoGradient]
    public static Tensor Not(this Tensor x, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (Batching.IsOn(x)) return Batching.Unary(x, static t => t.Not());
        var y = AsBool(x, x.Shape).Clone();
        var m = y.B8;
        for (int i = 0; i < m.Length; i++) m[i] = !m[i];
        return Recorder.Finish("Not", y, x);
    }

    /// <summary>True when any element is true (<c>x ≠ 0</c>), over the whole tensor.</summary>
    public static bool Any(this Tensor x, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return AsBool(x, x.Shape).B8.Contains(true);
    }

    /// <summary>True when every element is true (<c>x ≠ 0</c>), over the whole tensor; true for an empty tensor.</summary>
    public static bool All(this Tensor x, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return !AsBool(x, x.Shape).B8.Contains(false);
    }

    private static Tensor Combine(string op, Tensor a, Tensor b, Func<bool, bool, bool> f)
    {
        Shape shape;
        try { shape = Shape.Broadcast(a.Shape, b.Shape, op); }
        catch (ArgumentException e) { throw Diagnostics.OperandError(op, e.Message, a, b, e); }
        var pa = AsBool(a, shape).B8;
        var pb = AsBool(b, shape).B8;
        var y = Tensor.Empty(shape, DType.Bool);
        var m = y.B8;
        for (int i = 0; i < m.Length; i++) m[i] = f(pa[i], pb[i]);
        return y;
    }

    // Any tensor read as a bool mask broadcast to `shape` (no tape): how every op that takes a mask reads it, so a float
    // 0/1 mask and a Bool one mean the same (Where, and masks of later ops).
    internal static Tensor AsBool(Tensor mask, Shape shape)
    {
        var b = mask.DType == DType.Bool ? mask : Tensor.Convert(mask, DType.Bool, "mask");
        return b.Shape == shape ? b : Dispatch.Expand(b, shape);
    }
}
