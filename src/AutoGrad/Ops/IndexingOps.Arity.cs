using System.Runtime.CompilerServices;
using AutoGrad.Differentiation;

namespace AutoGrad;

// Fixed-arity forms of Slice by ranges, in place of `params Range[]` (see ShapeOps.Arity.cs for why).
public static partial class IndexingOps
{
    /// <summary>A slice by C# ranges over the leading 1 axis: <c>x.Slice(.., 1..3)</c>.</summary>
    public static Tensor Slice(this Tensor x, Range r0, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return x.Slice(new[] { r0 });
    }

    /// <summary>A slice by C# ranges over the leading 2 axes: <c>x.Slice(.., 1..3)</c>.</summary>
    public static Tensor Slice(this Tensor x, Range r0, Range r1, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return x.Slice(new[] { r0, r1 });
    }

    /// <summary>A slice by C# ranges over the leading 3 axes: <c>x.Slice(.., 1..3)</c>.</summary>
    public static Tensor Slice(this Tensor x, Range r0, Range r1, Range r2, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return x.Slice(new[] { r0, r1, r2 });
    }

    /// <summary>A slice by C# ranges over the leading 4 axes: <c>x.Slice(.., 1..3)</c>.</summary>
    public static Tensor Slice(this Tensor x, Range r0, Range r1, Range r2, Range r3, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return x.Slice(new[] { r0, r1, r2, r3 });
    }
}
