namespace AutoGrad.Differentiation;

// The single-call forms of the transforms; each is the composable transform of Functional.Compose.cs applied once, so they
// too work inside Vmap and inside one another (Note [Composable transforms]).
public static partial class Functional
{
    /// <summary>Vector-Jacobian product <c>vᵀ·∂f/∂x</c> for each input, with <c>f(x)</c>.</summary>
    public static (Tensor Output, Tensor[] Vjp) Vjp(Func<Tensor[], Tensor> f, Tensor[] inputs, Tensor v, bool createGraph = false)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(v);
        var (grads, y) = VjpCore("Vjp", f, inputs, null, v, createGraph);
        return (y, grads);
    }

    /// <summary>
    /// Jacobian-vector product <c>∂f/∂x · u</c> (forward-mode directional derivative), computed by the double-vjp trick:
    /// <c>Jᵀw</c> is linear in <c>w</c>, so differentiating <c>⟨Jᵀw, u⟩</c> with respect to <c>w</c> gives <c>J·u</c>.
    /// </summary>
    public static (Tensor Output, Tensor Jvp) Jvp(Func<Tensor[], Tensor> f, Tensor[] inputs, Tensor[] tangents, bool createGraph = false)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(tangents);
        if (tangents.Length != inputs.Length) throw new ArgumentException($"Jvp: {inputs.Length} inputs but {tangents.Length} tangents.");
        for (int i = 0; i < inputs.Length; i++)
            if (tangents[i].Shape != inputs[i].Shape)
                throw new ArgumentException($"Jvp: tangent {i} has shape {tangents[i].Shape} but input {i} has shape {inputs[i].Shape}.");
        return JvpCore(f, inputs, tangents, createGraph);
    }

    /// <summary>The Jacobian <c>∂f(x)ᵢ/∂xⱼ</c> of <paramref name="f"/> at one input, shaped <c>output shape + input shape</c>.</summary>
    public static Tensor Jacobian(Func<Tensor, Tensor> f, Tensor input, bool createGraph = false)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(input);
        return JacrevCore(xs => f(xs[0]), [input], 0, createGraph);
    }

    /// <summary>The Hessian <c>∂²f/∂xᵢ∂xⱼ</c> of a scalar function, shaped <c>input shape + input shape</c>.</summary>
    public static Tensor Hessian(Func<Tensor, Tensor> f, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(f);
        return Hessian(xs => f(xs[0]), [input])[0][0];
    }

    /// <summary>Hessian-vector product <c>H·v = ∇ₓ⟨∇ₓf, v⟩</c> without forming <c>H</c>.</summary>
    public static Tensor Hvp(Func<Tensor, Tensor> f, Tensor input, Tensor v)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(v);
        if (v.Shape != input.Shape) throw new ArgumentException($"Hvp: v has shape {v.Shape} but the input has shape {input.Shape}.");
        return Hvp(xs => f(xs[0]), [input], [v])[0];
    }
}
