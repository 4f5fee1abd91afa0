namespace AutoGrad;

/// <summary>
/// The one place that reads a mask tensor's truth values (MaskedFill's fill positions, attention's boolean masks), so that a
/// boolean dtype slots in here alone.
/// </summary>
/// <remarks>
/// Today masks are float tensors: an element is "set" when it is non-zero (NaN counts as set, as for <see cref="CombineOps.Where"/>).
/// A <c>Bool</c> dtype, when it exists, adds its case to <see cref="IsBoolean"/> and <see cref="IsSet"/>; no caller changes.
/// </remarks>
internal static class MaskValues
{
    /// <summary>Whether <paramref name="mask"/> is a boolean mask. No boolean dtype exists yet, so an attention mask is always additive.</summary>
    public static bool IsBoolean(Tensor mask) => false;

    /// <summary>Whether element <paramref name="flat"/> of <paramref name="mask"/> is set.</summary>
    public static bool IsSet(Tensor mask, int flat) => mask.GetFlat(flat) != 0;

    /// <summary>A detached 0/1 tensor of <paramref name="shape"/> in <paramref name="dtype"/>: 1 where the broadcast mask is set.</summary>
    public static Tensor Indicator(Tensor mask, Shape shape, DType dtype)
    {
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
        var y = Tensor.Empty(mask.Shape, dtype);
        for (int i = 0; i < y.Size; i++) if (!IsSet(mask, i)) y.SetFlat(i, double.NegativeInfinity);
        return y;
    }
}
