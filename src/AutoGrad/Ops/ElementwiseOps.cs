using System.Runtime.CompilerServices;
using AutoGrad.Differentiation;
using AutoGrad.Kernels;

namespace AutoGrad;

/// <summary>Element-wise binary arithmetic with NumPy broadcasting, and its scalar forms.</summary>
/// <remarks>Each rule returns gradients in the output's shape; the engine sums them down to broadcast inputs.</remarks>
public static class ElementwiseOps
{
    /// <summary><c>y = a + b</c>, broadcast.</summary>
    public static Tensor Add(this Tensor a, Tensor b, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return Recorder.Finish("Add", Dispatch.Map2<AddKernel>("Add", a, b), a, b, static (g, _, _) => [g, g], saved: []);
    }

    /// <summary><c>y = a − b</c>, broadcast.</summary>
    public static Tensor Subtract(this Tensor a, Tensor b, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return Recorder.Finish("Subtract", Dispatch.Map2<SubtractKernel>("Subtract", a, b), a, b,
            static (g, x, _) => [g, x[1].RequiresGrad ? -g : null], saved: []);
    }

    /// <summary><c>y = a ⊙ b</c> (Hadamard product), broadcast.</summary>
    public static Tensor Multiply(this Tensor a, Tensor b, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return Recorder.Finish("Multiply", Dispatch.Map2<MultiplyKernel>("Multiply", a, b), a, b,
            static (g, x, _) => [x[0].RequiresGrad ? g * x[1] : null, x[1].RequiresGrad ? g * x[0] : null]);
    }

    /// <summary><c>y = a / b</c>, broadcast.</summary>
    public static Tensor Divide(this Tensor a, Tensor b, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return Recorder.Finish("Divide", Dispatch.Map2<DivideKernel>("Divide", a, b), a, b,
            static (g, x, _) => [x[0].RequiresGrad ? g / x[1] : null, x[1].RequiresGrad ? -(g * (x[0] / x[1])) / x[1] : null]);
        // ∂(a/b)/∂b = −a/b², as (a/b)/b: b² alone overflows or underflows (b = 1e20 or 1e-20 in float32) where the quotient does not.
    }

    /// <summary><c>y = x / c</c> for a constant <paramref name="c"/> (what <c>x / c</c> calls).</summary>
    /// <remarks>
    /// A true division, with <paramref name="c"/> first rounded to the tensor's dtype: multiplying by <c>1/c</c> instead overflows
    /// where the quotient does not (float32 <c>[1e-30, 0] / 1e-39</c> gave <c>[∞, NaN]</c> for <c>[1e9, 0]</c>).
    /// </remarks>
    public static Tensor Divide(this Tensor x, double c, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return Recorder.Finish("DivideScalar", Dispatch.Map(x, new DivideScalarKernel(c)), [x], g => [g.Divide(c)], saved: []);
    }

    /// <summary><c>y = aᵇ</c>, broadcast.</summary>
    /// <remarks>
    /// ∂y/∂b = y·ln a is NaN for a &lt; 0; it is computed only when <paramref name="b"/> requires gradients. ∂y/∂a = b·a^{b−1} is 0
    /// where b = 0 even when a^{−1} overflows (a = 0 or subnormal), where the product would be 0·∞ = NaN.
    /// </remarks>
    public static Tensor Pow(this Tensor a, Tensor b, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        var y = Dispatch.Map2<PowKernel>("Pow", a, b);
        return Recorder.Finish("Pow", y, [a, b],
            g => [a.RequiresGrad ? g * CombineOps.Where(b.NotEqual(Tensor.Scalar(0, b.DType)), b * a.Pow(b - 1.0), Tensor.Scalar(0, b.DType)) : null,
                  b.RequiresGrad ? g * a.Pow(b) * a.Log() : null]);
    }

    /// <summary><c>y = xᵖ</c> for a constant exponent <paramref name="p"/>.</summary>
    public static Tensor Pow(this Tensor x, double p, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return Recorder.Finish("PowScalar", Dispatch.Map(x, new PowScalarKernel(p)), [x],
            g => [p == 0 ? g * 0.0 : p == 1 ? g : g * p * x.Pow(p - 1)]);
    }

    /// <summary><c>y = x + c</c>.</summary>
    public static Tensor Add(this Tensor x, double c, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return Recorder.Finish("AddScalar", Dispatch.Map(x, new AddScalarKernel(c)), [x], g => [g], saved: []);
    }

    /// <summary><c>y = c·x</c>.</summary>
    public static Tensor Multiply(this Tensor x, double c, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return Recorder.Finish("MultiplyScalar", Dispatch.Map(x, new MultiplyScalarKernel(c)), [x], g => [g * c], saved: []);
    }

    /// <summary>Element-wise <c>max(a, b)</c>, broadcast.</summary>
    /// <remarks>
    /// At ties each input gets half the gradient (as PyTorch does). Some course notes write
    /// <c>∂max(x,y)/∂x = 1(x ≥ y)</c>, which gives both inputs the whole gradient at a tie, so that
    /// <c>max(x, x)</c> would have derivative 2 instead of 1.
    /// </remarks>
    public static Tensor Maximum(this Tensor a, Tensor b, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        var y = Dispatch.Map2<MaximumKernel>("Maximum", a, b);
        return Recorder.Finish("Maximum", y, [a, b], g =>
        {
            var wa = WinnerMask(a, b);
            return [a.RequiresGrad ? g * wa : null, b.RequiresGrad ? g * (1.0 - wa) : null];
        });
    }

    /// <summary>Element-wise <c>min(a, b)</c>, broadcast; ties split the gradient in half, as in <see cref="Maximum"/>.</summary>
    public static Tensor Minimum(this Tensor a, Tensor b, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        var y = Dispatch.Map2<MinimumKernel>("Minimum", a, b);
        return Recorder.Finish("Minimum", y, [a, b], g =>
        {
            var wa = WinnerMask(b, a);
            return [a.RequiresGrad ? g * wa : null, b.RequiresGrad ? g * (1.0 - wa) : null];
        });
    }

    // 1 where a > b, ½ where a = b, 0 where a < b: constant, so second derivatives through it are 0.
    private static Tensor WinnerMask(Tensor a, Tensor b)
    {
        var gt = Dispatch.Map2("Maximum", a, b, new CompareKernel(Comparison.Greater));
        var eq = Dispatch.Map2("Maximum", a, b, new CompareKernel(Comparison.Equal));
        return Dispatch.Map2<AddKernel>("Maximum", gt, Dispatch.Map(eq, new MultiplyScalarKernel(0.5)));
    }

}
