using System.Runtime.CompilerServices;
using System.Numerics.Tensors;
using AutoGrad.Differentiation;
using AutoGrad.Kernels;
using AutoGrad.Memory;

namespace AutoGrad;

/// <summary>Reductions over all elements or chosen axes, with keep-dims, and the softmax family.</summary>
public static class ReductionOps
{
    /// <summary><c>Σᵢ xᵢ</c> over every element (a scalar).</summary>
    public static Tensor Sum(this Tensor x, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return x.Sum(AllAxes(x), keepDims: false);
    }

    /// <summary><c>Σ</c> along <paramref name="axis"/>.</summary>
    public static Tensor Sum(this Tensor x, int axis, bool keepDims = false, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return x.Sum([axis], keepDims);
    }

    /// <summary><c>Σ</c> along the given axes (an empty list sums nothing).</summary>
    public static Tensor Sum(this Tensor x, int[] axes, bool keepDims = false, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        var ax = Normalize("Sum", x, axes);
        var kept = KeptShape(x.Shape, ax);
        Tensor y;
        if (ax.Length == x.Rank && x.Size > 0)
        {
            y = Tensor.Empty(kept, x.DType);
            if (x.DType == DType.Float32) y.F32[0] = TensorPrimitives.Sum<float>(x.F32);
            else y.F64[0] = TensorPrimitives.Sum<double>(x.F64);
        }
        else
        {
            y = ax.Length == 0 ? x.Clone() : x.Detach();
            for (int i = ax.Length - 1; i >= 0; i--) y = SumAxis(y, ax[i]);
        }
        var outShape = keepDims ? kept : DroppedShape(x.Shape, ax);
        y = new Tensor(y.Storage, outShape, x.DType);
        var inShape = x.Shape;
        return Recorder.Finish("Sum", y, [x], g => [g.Reshape(kept).BroadcastTo(inShape)], saved: []);
    }

    /// <summary>Arithmetic mean over every element.</summary>
    public static Tensor Mean(this Tensor x, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return x.Sum() / x.Size;   // NaN for an empty tensor, as in NumPy
    }

    /// <summary>Arithmetic mean along <paramref name="axis"/>.</summary>
    public static Tensor Mean(this Tensor x, int axis, bool keepDims = false, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return x.Mean([axis], keepDims);
    }

    /// <summary>Arithmetic mean along the given axes.</summary>
    public static Tensor Mean(this Tensor x, int[] axes, bool keepDims = false, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        int n = Normalize("Mean", x, axes).Aggregate(1, (p, a) => p * x.Shape.Dims[a]);
        return x.Sum(axes, keepDims) / n;
    }

    /// <summary>Variance <c>Σ(x − x̄)²/(n − ddof)</c> along the axes (all if null); <paramref name="unbiased"/> uses n − 1.</summary>
    public static Tensor Var(this Tensor x, int[]? axes = null, bool unbiased = false, bool keepDims = false, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        var ax = axes ?? AllAxes(x);
        int n = Normalize("Var", x, ax).Aggregate(1, (p, a) => p * x.Shape.Dims[a]);
        int denom = unbiased ? n - 1 : n;
        // Centred on a shifted copy (x − max, the max a constant): the variance is the same, but equal values now give exact zeros,
        // where the rounded mean of float32 [1e30, 1e30, 1e30] left deviations of an ulp (7.6e22) whose squares overflowed to ∞.
        var shifted = x.Size == 0 ? x : x - ConstantMax(x.Detach(), ax, "Var");
        var centered = shifted - shifted.Mean(ax, keepDims: true);
        return centered.Square().Sum(ax, keepDims) / denom;
    }

    /// <summary>Standard deviation <c>√Var</c> along the axes (all if null).</summary>
    public static Tensor Std(this Tensor x, int[]? axes = null, bool unbiased = false, bool keepDims = false, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        // s·√Var(x/s) with s = max |x| (a constant): √Var(x) squares the deviations, which overflow for float32 1e30 (Std was ∞
        // for [1e30, 0, −1e30]) and vanish for subnormals, while the deviations over s stay within [−2, 2].
        if (x.Size == 0) return x.Var(axes, unbiased, keepDims).Sqrt();
        var s = ConstantMax(x.Detach().Abs(), axes ?? AllAxes(x), "Std");
        for (int i = 0; i < s.Size; i++) if (s.GetFlat(i) == 0) s.SetFlat(i, 1);
        var scaled = (x / s).Var(axes, unbiased, keepDims).Sqrt();
        return scaled * (keepDims ? s : s.Reshape(scaled.Shape));
    }

    /// <summary>Maximum over every element.</summary>
    /// <remarks>The gradient goes to the first element attaining the maximum (the one ArgMax picks).</remarks>
    public static Tensor Max(this Tensor x, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return x.Reshape(-1).Max(0);
    }

    /// <summary>Maximum along <paramref name="axis"/>; the gradient goes to the first maximal element.</summary>
    public static Tensor Max(this Tensor x, int axis, bool keepDims = false, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return Extreme(x, axis, keepDims, max: true);
    }

    /// <summary>Minimum over every element; the gradient goes to the first minimal element.</summary>
    public static Tensor Min(this Tensor x, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return x.Reshape(-1).Min(0);
    }

    /// <summary>Minimum along <paramref name="axis"/>; the gradient goes to the first minimal element.</summary>
    public static Tensor Min(this Tensor x, int axis, bool keepDims = false, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return Extreme(x, axis, keepDims, max: false);
    }

    /// <summary>Index of the first maximum along <paramref name="axis"/> (over the flattened tensor if null), as values of the input's dtype.</summary>
    [NoGradient]
    public static Tensor ArgMax(this Tensor x, int? axis = null, bool keepDims = false, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return ArgExtreme(x, axis, keepDims, max: true);
    }

    /// <summary>Index of the first minimum along <paramref name="axis"/> (over the flattened tensor if null).</summary>
    [NoGradient]
    public static Tensor ArgMin(this Tensor x, int? axis = null, bool keepDims = false, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return ArgExtreme(x, axis, keepDims, max: false);
    }

    /// <summary><c>log Σ exp(x)</c> along <paramref name="axis"/>, computed as <c>m + log Σ exp(x − m)</c> with <c>m = max x</c> so nothing overflows.</summary>
    public static Tensor LogSumExp(this Tensor x, int axis = -1, bool keepDims = false, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        // m is a constant shift: the terms it adds and subtracts cancel in the derivative, which stays softmax(x).
        var m = FiniteOrZero(x.Detach().Max(axis, keepDims: true));
        var y = (x - m).Exp().Sum(axis, keepDims: true).Log() + m;
        return keepDims ? y : y.Squeeze(axis);
    }

    /// <summary>Softmax <c>eˣⁱ / Σⱼ eˣʲ</c> along <paramref name="axis"/>, shifted by the maximum for stability.</summary>
    public static Tensor Softmax(this Tensor x, int axis = -1, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (IsLastAxis(x, axis))
        {
            var y = RowKernel(x, softmax: true);
            return Recorder.Finish("Softmax", y, [x], g => [y * (g - (g * y).Sum(-1, keepDims: true))]);   // J = diag(y) − yyᵀ
        }
        var e = (x - x.Detach().Max(axis, keepDims: true)).Exp();
        return e / e.Sum(axis, keepDims: true);
    }

    /// <summary>Log-softmax <c>x − logsumexp(x)</c> along <paramref name="axis"/>.</summary>
    public static Tensor LogSoftmax(this Tensor x, int axis = -1, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (!IsLastAxis(x, axis))
        {
            // (x − m) − ln Σ e^{x − m}, not x − logsumexp(x): that rounds m + ln Σ to x's magnitude first (see SoftmaxKernels.LogSoftmax).
            var shifted = x - FiniteOrZero(x.Detach().Max(axis, keepDims: true));
            return shifted - shifted.Exp().Sum(axis, keepDims: true).Log();
        }
        var y = RowKernel(x, softmax: false);
        return Recorder.Finish("LogSoftmax", y, [x], g => [g - y.Exp() * g.Sum(-1, keepDims: true)]);   // ∂y/∂x = I − 1·softmax(x)ᵀ
    }

    // Primitive because: along the last axis the composed softmax ran 6-8 recorded ops (max, shift, exp, sum, log or
    // divide), each with its own full-size buffer; a classifier's loss runs it on every step. One row pass each here.
    // Any other axis (including a bad one, which the composed path reports) goes the composed way.
    private static bool IsLastAxis(Tensor x, int axis) => x.Rank >= 1 && (axis == -1 || axis == x.Rank - 1) && x.Shape[-1] > 0;

    private static Tensor RowKernel(Tensor x, bool softmax)
    {
        var y = Tensor.Uninitialized(x.Shape, x.DType);
        int n = x.Shape[-1];
        if (x.DType == DType.Float32)
        {
            if (softmax) SoftmaxKernels.Softmax<float>(x.F32, y.F32, n); else SoftmaxKernels.LogSoftmax<float>(x.F32, y.F32, n);
        }
        else if (softmax) SoftmaxKernels.Softmax<double>(x.F64, y.F64, n);
        else SoftmaxKernels.LogSoftmax<double>(x.F64, y.F64, n);
        return y;
    }

    private static Tensor Extreme(Tensor x, int axis, bool keepDims, bool max)
    {
        string op = max ? "Max" : "Min";
        int a = x.Shape.NormalizeAxis(axis, op);
        if (x.Shape[a] == 0) throw new ArgumentException($"{op}: axis {axis} of shape {x.Shape} is empty.");
        var (outer, n, inner) = Reduce.Split(x.Shape.Dims, a);
        var kept = KeptShape(x.Shape, [a]);
        var y = Tensor.Empty(kept, x.DType);
        var arg = new int[outer * inner];
        if (x.DType == DType.Float32) Reduce.Extreme<float>(x.F32, y.F32, arg, outer, n, inner, max);
        else Reduce.Extreme<double>(x.F64, y.F64, arg, outer, n, inner, max);
        if (!keepDims) y = new Tensor(y.Storage, DroppedShape(x.Shape, [a]), x.DType);
        var inShape = x.Shape;
        return Recorder.Finish(op, y, [x], g =>
        {
            var pos = new int[arg.Length];
            IndexKernels.ArgPositions(arg, pos, outer, n, inner);
            return [g.RouteTo(new RoutingPositions(pos), inShape)];
        });
    }

    private static Tensor ArgExtreme(Tensor x, int? axis, bool keepDims, bool max)
    {
        if (axis is null) return ArgExtreme(x.Detach().Reshape(-1), 0, false, max);
        string op = max ? "ArgMax" : "ArgMin";
        int a = x.Shape.NormalizeAxis(axis.Value, op);
        if (x.Shape[a] == 0) throw new ArgumentException($"{op}: axis {axis} of shape {x.Shape} is empty.");
        var (outer, n, inner) = Reduce.Split(x.Shape.Dims, a);
        var y = Tensor.Empty(keepDims ? KeptShape(x.Shape, [a]) : DroppedShape(x.Shape, [a]), x.DType);
        var scratch = Tensor.Empty(y.Shape, x.DType);
        var arg = new int[outer * inner];
        if (x.DType == DType.Float32) Reduce.Extreme<float>(x.F32, scratch.F32, arg, outer, n, inner, max);
        else Reduce.Extreme<double>(x.F64, scratch.F64, arg, outer, n, inner, max);
        if (x.DType == DType.Float32) ConvertKernels.FromIndices<float>(arg, y.F32);
        else ConvertKernels.FromIndices<double>(arg, y.F64);
        Recorder.Finish(op, scratch, x);
        return Recorder.Finish(op, y, x);
    }

    private static Tensor SumAxis(Tensor x, int axis)
    {
        var (outer, n, inner) = Reduce.Split(x.Shape.Dims, axis);
        var y = Tensor.Empty(KeptShape(x.Shape, [axis]), x.DType);
        if (x.DType == DType.Float32) Reduce.Sum<float>(x.F32, y.F32, outer, n, inner);
        else Reduce.Sum<double>(x.F64, y.F64, outer, n, inner);
        return y;
    }

    // The maximum over the axes, kept as size-1 axes, with any non-finite maximum replaced by 0 (a constant: no gradient).
    private static Tensor ConstantMax(Tensor x, int[] axes, string op)
    {
        foreach (var a in Normalize(op, x, axes)) x = x.Max(a, keepDims: true);
        return FiniteOrZero(x);
    }

    private static Tensor FiniteOrZero(Tensor m)
    {
        if (m.DType == DType.Float32) ConvertKernels.ZeroNonFinite<float>(m.F32);
        else ConvertKernels.ZeroNonFinite<double>(m.F64);
        return m;
    }

    private static int[] AllAxes(Tensor x) => Enumerable.Range(0, x.Rank).ToArray();

    internal static int[] Normalize(string op, Tensor x, int[] axes)
    {
        ArgumentNullException.ThrowIfNull(axes);
        var ax = axes.Select(a => x.Shape.NormalizeAxis(a, op)).Distinct().Order().ToArray();
        if (ax.Length != axes.Length) throw new ArgumentException($"{op}: axes ({string.Join(", ", axes)}) repeat an axis of shape {x.Shape}.");
        return ax;
    }

    internal static Shape KeptShape(Shape s, int[] axes)
    {
        var d = s.ToArray();
        foreach (var a in axes) d[a] = 1;
        return new Shape(d);
    }

    internal static Shape DroppedShape(Shape s, int[] axes) =>
        new(s.Dims.Where((_, i) => !axes.Contains(i)).ToArray());
}
