using System.Runtime.CompilerServices;
using AutoGrad.Differentiation;

namespace AutoGrad;

/// <summary>Triangular parts and masked fills: the masks of attention.</summary>
public static class MaskOps
{
    /// <summary>Lower triangle of the last two axes: <c>yᵢⱼ = xᵢⱼ</c> where <c>j − i ≤ k</c>, else 0 (PyTorch's <c>tril</c>).</summary>
    /// <remarks>
    /// <paramref name="k"/> = 0 keeps the main diagonal, k &gt; 0 as many diagonals above it, k &lt; 0 drops as many below. Leading axes are
    /// batch axes. The gradient is g on the kept triangle and 0 elsewhere; dropped elements are replaced, not multiplied by 0,
    /// so an infinite or NaN element there does not leak into the result.
    /// </remarks>
    public static Tensor Tril(this Tensor x, int k = 0, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return Triangle("Tril", x, k, lower: true);
    }

    /// <summary>Upper triangle of the last two axes: <c>yᵢⱼ = xᵢⱼ</c> where <c>j − i ≥ k</c>, else 0 (PyTorch's <c>triu</c>).</summary>
    /// <remarks>As <see cref="Tril"/>, mirrored: k = 0 keeps the main diagonal, k &gt; 0 drops as many diagonals above it.</remarks>
    public static Tensor Triu(this Tensor x, int k = 0, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return Triangle("Triu", x, k, lower: false);
    }

    /// <summary><c>yᵢ = value</c> where the mask is set, else <c>xᵢ</c> (PyTorch's <c>masked_fill</c>).</summary>
    /// <remarks>
    /// The mask broadcasts to <paramref name="x"/>'s shape and is data (no gradient). Until a boolean dtype exists a float
    /// mask is read as "set where non-zero". The gradient is g where the mask is not set and 0 where it is.
    /// </remarks>
    public static Tensor MaskedFill(this Tensor x, Tensor mask, double value, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        ArgumentNullException.ThrowIfNull(mask);
        if (!mask.Shape.CanBroadcastTo(x.Shape))
            throw Diagnostics.OperandError("MaskedFill", $"MaskedFill: mask of shape {mask.Shape} does not broadcast to the input's shape {x.Shape}.", x, mask);
        var fill = MaskValues.Indicator(mask, x.Shape, x.DType);
        var y = CombineOps.Where(fill, Tensor.Scalar(value, x.DType), x);
        // Note [Op traces]: the indicator is read from the mask's values, so an exporter needs the mask itself (it may be computed from the input)
        if (OpTrace.IsActive) OpTrace.Describe(y, "MaskedFill", [x, mask], ("value", value));
        return y;
    }

    // Composed: Where with a constant 0/1 pattern; its rule passes g where kept (Where has rows of its own).
    private static Tensor Triangle(string op, Tensor x, int k, bool lower)
    {
        if (x.Rank < 2)
            throw new ArgumentException($"{op}: needs a tensor of rank ≥ 2 (a matrix or a batch of them), got shape {x.Shape}.");
        int rows = x.Shape[-2], cols = x.Shape[-1];
        var keep = Tensor.Empty(new Shape(rows, cols), x.DType);
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                if (lower ? (long)j - i <= k : (long)j - i >= k) keep.SetFlat(i * cols + j, 1);
        return CombineOps.Where(keep, x, Tensor.Scalar(0, x.DType));
    }
}
