using AutoGrad.Differentiation;
using AutoGrad.Kernels;

namespace AutoGrad;

/// <summary>Layer normalisation as one op (F.LayerNorm's fused path).</summary>
internal static class NormalizationOps
{
    // Primitive because: speed. Composed, LayerNorm records nine nodes forward (two means, a square, a square root, …) and
    // about twenty backward, each a pass over the activation; LayerNormKernels makes one sweep over the rows each way (Note
    // [Fused LayerNorm] in src/AutoGrad.Kernels/LayerNormKernels.cs). Under createGraph the rule is the same gradient composed
    // from ops (ComposedGradients), so second derivatives exist.
    /// <summary>
    /// <c>y = γ·(x − μ)/√(σ² + ε) + β</c> over the trailing <paramref name="d"/> elements of each row of <paramref name="x"/>;
    /// <paramref name="weight"/> and <paramref name="bias"/>, when given, have <c>d</c> elements (shapes checked by the caller);
    /// null under Vmap (Note [Batched tensors] in Ops/Batching.cs), where the caller composes it from ops with batching rules.
    /// </summary>
    internal static Tensor? TryLayerNorm(Tensor x, int d, Tensor? weight, Tensor? bias, double eps)
    {
        const string op = "LayerNorm";
        if (Batching.Any(x, weight, bias)) return null;
        if (weight is not null) Tensor.CheckSameDType(op, x, weight);
        if (bias is not null) Tensor.CheckSameDType(op, x, bias);
        int rows = d == 0 ? 0 : x.Size / d;
        var y = Tensor.Uninitialized(x.Shape, x.DType);
        var mean = Tensor.Uninitialized(Shape.Wrap([rows]), x.DType);
        var rstd = Tensor.Uninitialized(Shape.Wrap([rows]), x.DType);
        if (x.DType == DType.Float32)
            LayerNormKernels.Forward<float>(x.F32, weight is null ? default : weight.F32, bias is null ? default : bias.F32, y.F32, mean.F32, rstd.F32, d, eps);
        else
            LayerNormKernels.Forward<double>(x.F64, weight is null ? default : weight.F64, bias is null ? default : bias.F64, y.F64, mean.F64, rstd.F64, d, eps);
        Recorder.Finish(op, mean, x);   // saved for the rule only, as ScaledDotProductAttention's log-sum-exp
        Recorder.Finish(op, rstd, x);
        Tensor[] inputs = weight is null ? bias is null ? [x] : [x, bias] : bias is null ? [x, weight] : [x, weight, bias];
        return Recorder.Finish(op, y, inputs, g =>
        {
            var (dx, dw, db) = Recorder.IsEnabled || Batching.Any(g, x) ? ComposedGradients(g, x, d, weight, bias, eps) : Fused(g, x, d, weight, bias, mean, rstd);
            return weight is null ? bias is null ? [dx] : [dx, db] : bias is null ? [dx, dw] : [dx, dw, db];
        }, weight is null ? [x, mean, rstd] : [x, mean, rstd, weight]);
    }

    private static (Tensor? Dx, Tensor? Dw, Tensor? Db) Fused(Tensor g, Tensor x, int d, Tensor? weight, Tensor? bias, Tensor mean, Tensor rstd)
    {
        var dx = Tensor.Uninitialized(x.Shape, x.DType);
        var dw = weight is { RequiresGrad: true } ? Tensor.Uninitialized(weight.Shape, x.DType) : null;
        var db = bias is { RequiresGrad: true } ? Tensor.Uninitialized(bias.Shape, x.DType) : null;
        if (x.DType == DType.Float32)
            LayerNormKernels.Backward<float>(g.F32, x.F32, weight is null ? default : weight.F32, mean.F32, rstd.F32, dx.F32,
                dw is null ? default : dw.F32, db is null ? default : db.F32, d);
        else
            LayerNormKernels.Backward<double>(g.F64, x.F64, weight is null ? default : weight.F64, mean.F64, rstd.F64, dx.F64,
                dw is null ? default : dw.F64, db is null ? default : db.F64, d);
        return (x.RequiresGrad ? dx : null, dw, db);
    }

    // The rule of Note [Fused LayerNorm] from differentiable ops: ĝ = g·γ, ∂x = ρ·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)),
    // ∂γ = Σ_rows g·x̂, ∂β = Σ_rows g, with μ, ρ and x̂ recomputed from x so that they too carry x's gradient.
    private static (Tensor? Dx, Tensor? Dw, Tensor? Db) ComposedGradients(Tensor g, Tensor x, int d, Tensor? weight, Tensor? bias, double eps)
    {
        int rows = d == 0 ? 0 : x.Size / d;
        var x2 = x.Reshape(rows, d);
        var g2 = g.Reshape(rows, d);
        var c = x2 - x2.Mean(1, keepDims: true);
        var rho = 1.0 / (c.Square().Mean(1, keepDims: true) + eps).Sqrt();
        var xhat = c * rho;
        var gh = weight is null ? g2 : g2 * weight.Reshape(d);
        var dx = ((gh - gh.Mean(1, keepDims: true) - xhat * (gh * xhat).Mean(1, keepDims: true)) * rho).Reshape(x.Shape);
        var dw = weight is null ? null : (g2 * xhat).Sum(0).Reshape(weight.Shape);
        var db = bias is null ? null : g2.Sum(0).Reshape(bias.Shape);
        return (dx, dw, db);
    }
}
