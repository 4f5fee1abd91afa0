namespace AutoGrad;

/// <summary>
/// The one place that reads a mask tensor's truth values (MaskedFill's fill positions, attention's boolean masks), so that a
/// boolean dtype slots in here alone.
/// </summary>
/// <remarks>
/// A mask is a <see cref="DType.Bool"/> tensor or a float tensor whose non-zero elements are "set" (NaN counts as set, as for
/// <see cref="CombineOps.Where"/>). An attention mask is boolean exactly when its dtype is Bool; a float one is added to the scores.
/// </remarks>
internal static class MaskValues
{
    /// <summary>Whether <paramref name="mask"/> is a boolean mask (dtype Bool); a float attention mask is additive.</summary>
    public static bool IsBoolean(Tensor mask) => mask.DType == DType.Bool;

    /// <summary>Whether element <paramref name="flat"/> of <paramref name="mask"/> (a float mask, see <see cref="AsFloat"/>) is set.</summary>
    public static bool IsSet(Tensor mask, int flat) => mask.GetFlat(flat) != 0;

    // A Bool mask read as 0/1 float64 values (the conversion is exact), so the loops here read every mask one way.
    private static Tensor AsFloat(Tensor mask) => mask.DType.IsFloatingPoint() ? mask : mask.Detach().To(DType.Float64);

    /// <summary>A detached 0/1 tensor of <paramref name="shape"/> in <paramref name="dtype"/>: 1 where the broadcast mask is set.</summary>
    public static Tensor Indicator(Tensor mask, Shape shape, DType dtype)
    {
        mask = AsFloat(mask);
        var expanded = mask.Shape == shape ? mask : Dispatch.Expand(mask.Detach(), shape);
        var y = Tensor.Empty(shape, dtype);
        for (int i = 0; i < y.Size; i++) if (IsSet(expanded, i)) y.SetFlat(i, 1);
        return y;
    }

    /// <summary>
    /// A boolean attention mask as the additive one it means: 0 where set (the key takes part), −∞ elsewhere
    /// (PyTorch's <c>scaled_dot_product_attention</c> semantics).
    /// </summary>
    public static Tensor ToAdditive(Tensor mask, DType dtype)
    {
        mask = AsFloat(mask);
        var y = Tensor.Empty(mask.Shape, dtype);
        for (int i = 0; i < y.Size; i++) if (!IsSet(mask, i)) y.SetFlat(i, double.NegativeInfinity);
        return y;
    }
}
