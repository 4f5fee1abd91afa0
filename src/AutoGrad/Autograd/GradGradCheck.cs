namespace AutoGrad.Autograd;

/// <summary>
/// Second-order gradient check, like PyTorch's <c>gradgradcheck</c>: <see cref="GradCheck"/> applied to the map
/// <c>(x, v) ↦ vᵀ·∂f/∂x</c> with a random output gradient <c>v</c>, which checks that every backward rule is itself
/// correctly differentiable.
/// </summary>
public static class GradGradCheck
{
    /// <summary>Checks the derivatives of <c>vᵀ·∂f/∂x</c> with respect to both the inputs and <c>v</c>.</summary>
    /// <param name="f">The function whose backward pass is checked.</param>
    /// <param name="inputs">The point at which to check (converted to float64).</param>
    /// <param name="seed">Seed of the random output gradient <c>v ~ N(0, 1)</c>.</param>
    /// <param name="options">Tolerances, as for <see cref="GradCheck"/>.</param>
    public static GradCheckResult Check(Func<Tensor[], Tensor> f, Tensor[] inputs, ulong seed = 0, GradCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(inputs);
        Shape outShape;
        using (Tape.NoGrad()) outShape = f(inputs.Select(t => t.Detach().To(DType.Float64)).ToArray()).Shape;
        var v = Tensor.Randn(outShape, new Generator(seed), DType.Float64);
        int n = inputs.Length;
        Tensor FirstDerivatives(Tensor[] xv)
        {
            var xs = xv[..n];
            var y = f(xs);
            if (!y.RequiresGrad) return Tensor.Zeros(new Shape(xs.Sum(x => x.Size)), DType.Float64);
            var grads = Functional.Grad([y], xs, [xv[n]], createGraph: true, allowUnused: true);
            var flat = grads.Select((g, i) => (g ?? Tensor.ZerosLike(xs[i])).Reshape(-1)).ToArray();
            return CombineOps.Concat(flat, 0);
        }
        var all = inputs.Select(t => t.Detach().To(DType.Float64).Clone().RequireGrad()).Append(v.RequireGrad()).ToArray();
        return GradCheck.Check(FirstDerivatives, all, options);
    }
}
