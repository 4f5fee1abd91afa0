using System.Runtime.CompilerServices;
using AutoGrad.Differentiation;

namespace AutoGrad;

// Fixed-arity forms of Reshape and Permute: a `params int[]` parameter must come last, which would leave no room for the
// caller-site arguments (see Note [Call sites] in CallSite.cs). Up to rank 6; higher ranks pass an int[].
public static partial class ShapeOps
{
    /// <summary>Reshape to the 1-D shape <c>(d₀)</c>; one dimension may be −1 (inferred).</summary>
    public static Tensor Reshape(this Tensor x, int d0, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return x.Reshape(new[] { d0 });
    }

    /// <summary>Reshape to the 2-D shape <c>(d₀…d₁)</c>; one dimension may be −1 (inferred).</summary>
    public static Tensor Reshape(this Tensor x, int d0, int d1, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return x.Reshape(new[] { d0, d1 });
    }

    /// <summary>Reshape to the 3-D shape <c>(d₀…d₂)</c>; one dimension may be −1 (inferred).</summary>
    public static Tensor Reshape(this Tensor x, int d0, int d1, int d2, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return x.Reshape(new[] { d0, d1, d2 });
    }

    /// <summary>Reshape to the 4-D shape <c>(d₀…d₃)</c>; one dimension may be −1 (inferred).</summary>
    public static Tensor Reshape(this Tensor x, int d0, int d1, int d2, int d3, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return x.Reshape(new[] { d0, d1, d2, d3 });
    }

    /// <summary>Reshape to the 5-D shape <c>(d₀…d₄)</c>; one dimension may be −1 (inferred).</summary>
    public static Tensor Reshape(this Tensor x, int d0, int d1, int d2, int d3, int d4, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return x.Reshape(new[] { d0, d1, d2, d3, d4 });
    }

    /// <summary>Reshape to the 6-D shape <c>(d₀…d₅)</c>; one dimension may be −1 (inferred).</summary>
    public static Tensor Reshape(this Tensor x, int d0, int d1, int d2, int d3, int d4, int d5, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return x.Reshape(new[] { d0, d1, d2, d3, d4, d5 });
    }

    /// <summary>Reorders the 1 axes: output axis <c>i</c> is input axis <c>pᵢ</c>.</summary>
    public static Tensor Permute(this Tensor x, int p0, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return x.Permute(new[] { p0 });
    }

    /// <summary>Reorders the 2 axes: output axis <c>i</c> is input axis <c>pᵢ</c>.</summary>
    public static Tensor Permute(this Tensor x, int p0, int p1, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return x.Permute(new[] { p0, p1 });
    }

    /// <summary>Reorders the 3 axes: output axis <c>i</c> is input axis <c>pᵢ</c>.</summary>
    public static Tensor Permute(this Tensor x, int p0, int p1, int p2, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return x.Permute(new[] { p0, p1, p2 });
    }

    /// <summary>Reorders the 4 axes: output axis <c>i</c> is input axis <c>pᵢ</c>.</summary>
    public static Tensor Permute(this Tensor x, int p0, int p1, int p2, int p3, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return x.Permute(new[] { p0, p1, p2, p3 });
    }

    /// <summary>Reorders the 5 axes: output axis <c>i</c> is input axis <c>pᵢ</c>.</summary>
    public static Tensor Permute(this Tensor x, int p0, int p1, int p2, int p3, int p4, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return x.Permute(new[] { p0, p1, p2, p3, p4 });
    }

    /// <summary>Reorders the 6 axes: output axis <c>i</c> is input axis <c>pᵢ</c>.</summary>
    public static Tensor Permute(this Tensor x, int p0, int p1, int p2, int p3, int p4, int p5, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return x.Permute(new[] { p0, p1, p2, p3, p4, p5 });
    }
}
