using AutoGrad.Kernels;

namespace AutoGrad;

/// <summary>
/// Scaled dot-product attention written in ops: the fused op's rule under <c>createGraph</c> (so second derivatives exist)
/// and, through <see cref="Forward"/>, the reference the tests hold the kernel to.
/// </summary>
internal static class AttentionComposed
{
    /// <summary>
    /// The additive bias of the scores (…, L, S) — mask plus −∞ above the causal diagonal — and a 0/1 factor per row (…, L, 1)
    /// that zeroes rows whose every key is hidden; those rows' bias is set to 0 so their softmax stays finite.
    /// </summary>
    public static (Tensor Bias, Tensor Rows) Bias(Tensor? mask, Shape batch, int L, int S, bool causal, DType dtype)
    {
        var full = new Shape([.. batch.Dims, L, S]);
        if (mask is not null && MaskValues.IsBoolean(mask)) mask = MaskValues.ToAdditive(mask, dtype);   // True takes part
        var bias = mask is null ? Tensor.Zeros(full, dtype) : Dispatch.Expand(mask.Detach(), full).Clone();
        if (causal)
            for (int f = 0; f < bias.Size; f++)
                if (f % S > f / S % L) bias.SetFlat(f, double.NegativeInfinity);
        var rows = Tensor.Zeros(new Shape([.. batch.Dims, L, 1]), dtype);
        for (int r = 0; r < rows.Size; r++)
        {
            bool any = false;
            for (int j = 0; j < S && !any; j++) any = !double.IsNegativeInfinity(bias.GetFlat(r * S + j));
            if (any) rows.SetFlat(r, 1);
            else for (int j = 0; j < S; j++) bias.SetFlat(r * S + j, 0);
        }
        return (bias, rows);
    }

    /// <summary>The dropout factors (…, L, S): <c>1/(1 − p)</c> where <see cref="AttentionShape.Keeps"/> keeps, else 0.</summary>
    public static Tensor DropoutFactors(Shape batch, AttentionShape sh, DType dtype)
    {
        var z = Tensor.Zeros(new Shape([.. batch.Dims, sh.L, sh.S]), dtype);
        for (int f = 0; f < z.Size; f++) if (sh.Keeps(f)) z.SetFlat(f, 1 / (1 - sh.DropoutP));
        return z;
    }

    /// <summary>The attention probabilities <c>P = softmax(Q·Kᵀ·scale + bias)</c>, zero on fully hidden rows.</summary>
    public static Tensor Probabilities(Tensor q, Tensor k, Tensor? mask, AttentionShape sh)
    {
        var batch = new Shape(q.Shape.Dims[..^2]);
        var (bias, rows) = Bias(mask, batch, sh.L, sh.S, sh.Causal, q.DType);
        return ((q.MatMul(k.Transpose()) * sh.Scale + bias).Softmax(-1)) * rows;
    }

    /// <summary><c>(P ∘ dropout)·V</c> in ops.</summary>
    public static Tensor Forward(Tensor q, Tensor k, Tensor v, Tensor? mask, AttentionShape sh)
    {
        var p = Probabilities(q, k, mask, sh);
        if (sh.DropoutP > 0) p *= DropoutFactors(new Shape(q.Shape.Dims[..^2]), sh, q.DType);
        return p.MatMul(v);
    }

    /// <summary>
    /// dQ, dK, dV from g in ops (recorded under createGraph): dV = P_dᵀ·g, dP = (g·Vᵀ) ∘ Z, dS = P ∘ (dP − rowsum(dP ∘ P))·scale,
    /// dQ = dS·K, dK = dSᵀ·Q, with Z the dropout factors and P_d = P ∘ Z.
    /// </summary>
    public static Tensor?[] Gradients(Tensor q, Tensor k, Tensor v, Tensor? mask, AttentionShape sh, Tensor g)
    {
        var p = Probabilities(q, k, mask, sh);
        var z = sh.DropoutP > 0 ? DropoutFactors(new Shape(q.Shape.Dims[..^2]), sh, q.DType) : null;
        var pd = z is null ? p : p * z;
        var dp = g.MatMul(v.Transpose());
        if (z is not null) dp *= z;
        var ds = p * (dp - (dp * p).Sum(-1, keepDims: true)) * sh.Scale;
        return [q.RequiresGrad ? ds.MatMul(k) : null, k.RequiresGrad ? ds.Transpose().MatMul(q) : null, v.RequiresGrad ? pd.Transpose().MatMul(g) : null];
    }
}
