using AutoGrad.Differentiation;

namespace AutoGrad.Checking;

/// <summary>
/// Second-order gradient check, like PyTorch's <c>gradgradcheck</c>: <see cref="GradCheck"/> applied to the map
/// <c>(x, v) ↦ vᵀ·∂f/∂x</c> with a random output gradient <c>v</c>, which checks that every backward rule is itself
/// correctly differentiable.
/// </summary>
public static class GradGradCheck
{
    /// <summary>Checks the derivatives of <c>vᵀ·∂f/∂x</c> with respect to both the inputs and <c>v</c>.</summary>
    /// <param name="f">The function whose backward pass is checked.</param>
    /// <param name="inputs">The point at which to check (converted to float64). As in <see cref="GradCheck"/>, when some inputs have
    /// <c>RequiresGrad</c> set only those are variables; the others (indices, masks) are held constant.</param>
    /// <param name="seed">Seed of the random output gradient <c>v ~ N(0, 1)</c>.</param>
    /// <param name="options">Tolerances, as for <see cref="GradCheck"/>.</param>
    public static GradCheckResult Check(Func<Tensor[], Tensor> f, Tensor[] inputs, ulong seed = 0, GradCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(inputs);
        var copies = GradCheck.Float64Copies(inputs);
        Shape outShape;
        using (Recorder.NoGrad()) outShape = f(copies).Shape;
        var v = Tensor.Randn(outShape, new Generator(seed), DType.Float64);
        int n = inputs.Length;
        var variable = copies.Select(t => t.RequiresGrad).ToArray();
        Tensor FirstDerivatives(Tensor[] xv)
        {
            var xs = xv[..n];
            var wrt = Enumerable.Range(0, n).Where(i => variable[i]).Select(i => xs[i]).ToArray();
            var y = f(xs);
            if (!y.RequiresGrad) return Tensor.Zeros(new Shape(wrt.Sum(x => x.Size)), DType.Float64);
            var grads = Functional.Grad([y], wrt, [xv[n]], createGraph: true, allowUnused: true);
            var flat = grads.Select((g, i) => (g ?? Tensor.ZerosLike(wrt[i])).Reshape(-1)).ToArray();
            return flat.Length == 0 ? Tensor.Zeros(new Shape(0), DType.Float64) : CombineOps.Concat(flat, 0);
        }
        var all = copies.Append(v.RequireGrad()).ToArray();
        return GradCheck.Check(FirstDerivatives, all, options);
    }
}
