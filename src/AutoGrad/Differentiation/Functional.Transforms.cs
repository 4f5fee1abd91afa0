namespace AutoGrad.Differentiation;

public static partial class Functional
{
    /// <summary>Vector-Jacobian product <c>vᵀ·∂f/∂x</c> for each input, with <c>f(x)</c>.</summary>
    public static (Tensor Output, Tensor[] Vjp) Vjp(Func<Tensor[], Tensor> f, Tensor[] inputs, Tensor v, bool createGraph = false)
    {
        var xs = Prepare(inputs);
        var y = f(xs);
        if (!y.RequiresGrad) return (y.Detach(), xs.Select(Tensor.ZerosLike).ToArray());
        var g = Grad([y], xs, [v], createGraph: createGraph, allowUnused: true);
        return (createGraph ? y : y.Detach(), g.Select((t, i) => t ?? Tensor.ZerosLike(xs[i])).ToArray());
    }

    /// <summary>
    /// Jacobian-vector product <c>∂f/∂x · u</c> (forward-mode directional derivative), computed by the double-vjp trick:
    /// <c>Jᵀw</c> is linear in <c>w</c>, so differentiating <c>⟨Jᵀw, u⟩</c> with respect to <c>w</c> gives <c>J·u</c>.
    /// </summary>
    public static (Tensor Output, Tensor Jvp) Jvp(Func<Tensor[], Tensor> f, Tensor[] inputs, Tensor[] tangents, bool createGraph = false)
    {
        ArgumentNullException.ThrowIfNull(tangents);
        if (tangents.Length != inputs.Length) throw new ArgumentException($"Jvp: {inputs.Length} inputs but {tangents.Length} tangents.");
        var xs = Prepare(inputs);
        for (int i = 0; i < xs.Length; i++)
            if (tangents[i].Shape != xs[i].Shape)
                throw new ArgumentException($"Jvp: tangent {i} has shape {tangents[i].Shape} but input {i} has shape {xs[i].Shape}.");
        var y = f(xs);
        if (!y.RequiresGrad) return (y.Detach(), Tensor.Zeros(y.Shape, y.DType));
        var w = Tensor.Zeros(y.Shape, y.DType).RequireGrad();
        var jtw = Grad([y], xs, [w], createGraph: true, allowUnused: true);
        Tensor? inner = null;
        for (int i = 0; i < xs.Length; i++)
            if (jtw[i] is { RequiresGrad: true } t) inner = inner is null ? (t * tangents[i]).Sum() : inner + (t * tangents[i]).Sum();
        if (inner is null) return (y.Detach(), Tensor.Zeros(y.Shape, y.DType));
        var ju = Grad([inner], [w], createGraph: createGraph, allowUnused: true)[0] ?? Tensor.Zeros(y.Shape, y.DType);
        return (y.Detach(), ju);
    }

    /// <summary>The Jacobian <c>∂f(x)ᵢ/∂xⱼ</c> of <paramref name="f"/> at one input, shaped <c>output shape + input shape</c>.</summary>
    public static Tensor Jacobian(Func<Tensor, Tensor> f, Tensor input, bool createGraph = false)
    {
        var x = Prepare([input])[0];
        var y = f(x);
        var rows = new Tensor[y.Size];
        for (int i = 0; i < y.Size; i++)
        {
            var seed = Tensor.Zeros(y.Shape, y.DType);
            seed.SetFlat(i, 1);
            rows[i] = y.RequiresGrad
                ? Grad([y], [x], [seed], retainGraph: true, createGraph: createGraph, allowUnused: true)[0] ?? Tensor.ZerosLike(x)
                : Tensor.ZerosLike(x);
        }
        var stacked = rows.Length == 0 ? Tensor.Zeros(new Shape(0), x.DType) : CombineOps.Stack(rows, 0);
        return stacked.Reshape([.. y.Shape.Dims, .. x.Shape.Dims]);
    }

    /// <summary>The Hessian <c>∂²f/∂xᵢ∂xⱼ</c> of a scalar function, shaped <c>input shape + input shape</c>.</summary>
    public static Tensor Hessian(Func<Tensor, Tensor> f, Tensor input) =>
        Jacobian(x =>
        {
            var y = f(x);
            if (y.Size != 1) throw new ArgumentException($"Hessian: f must return a single element, got shape {y.Shape}.");
            return Grad([y], [x], createGraph: true, allowUnused: true)[0] ?? Tensor.ZerosLike(x);
        }, input);

    /// <summary>Hessian-vector product <c>H·v = ∇ₓ⟨∇ₓf, v⟩</c> without forming <c>H</c>.</summary>
    public static Tensor Hvp(Func<Tensor, Tensor> f, Tensor input, Tensor v)
    {
        var x = Prepare([input])[0];
        if (v.Shape != x.Shape) throw new ArgumentException($"Hvp: v has shape {v.Shape} but the input has shape {x.Shape}.");
        var y = f(x);
        if (y.Size != 1) throw new ArgumentException($"Hvp: f must return a single element, got shape {y.Shape}.");
        var g = Grad([y], [x], createGraph: true, allowUnused: true)[0];
        if (g is null || !g.RequiresGrad) return Tensor.ZerosLike(x);
        return Grad([(g * v).Sum()], [x], allowUnused: true)[0] ?? Tensor.ZerosLike(x);
    }

    // Fresh leaves holding the inputs' values, so transforms never write .Grad of the caller's tensors.
    private static Tensor[] Prepare(Tensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return inputs.Select(t => t.Detach().Clone().RequireGrad()).ToArray();
    }
}
