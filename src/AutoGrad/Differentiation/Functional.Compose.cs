namespace AutoGrad.Differentiation;

// Note [Composable transforms]
// Grad, Vjp, Jvp, Jacrev, Jacfwd, Hessian and Hvp below are built on one core, VjpCore, which works on batched tensors
// (Note [Batched tensors] in Batching.cs) as on plain ones, so each composes with Vmap and with the others in any order:
//  - Inside Vmap, the inputs being differentiated become leaves batched along every open vmap level: an input that is the
//    same for every example (a model's weights) is repeated into one copy per example, so the one backward pass over the
//    real tensors, seeded with ones, yields each example's own gradient (examples never mix: every batching rule acts
//    per example). That is Vmap(Grad(loss)) = per-sample gradients. The copies are made only if an op reads them: a
//    product with the input skips them (Note [Per-example leaves] in Batching.Rules.cs).
//  - A transform called inside another transform's function (Grad of Grad, Jacrev of Grad = Hessian, the double-vjp of
//    Jvp) records its backward pass (createGraph), and so does one whose inputs require gradients from outside: the
//    outer transform then differentiates through it. The outermost keeps createGraph as asked (default false).
public static partial class Functional
{
    [ThreadStatic] private static int t_transformDepth;

    /// <summary>
    /// The gradient transform: <c>Grad(f)(xs)</c> is <c>∂f/∂xs[i]</c> for each <c>i</c> in <paramref name="argnums"/> (all inputs if null),
    /// for a function returning a single element (per example, inside <see cref="Vmap(Func{Tensor[], Tensor}, int?[], int)"/>).
    /// </summary>
    /// <remarks>Composes with Vmap and the other transforms in any order (Note [Composable transforms]); never touches <c>.Grad</c>.</remarks>
    public static Func<Tensor[], Tensor[]> Grad(Func<Tensor[], Tensor> f, int[]? argnums = null, bool createGraph = false)
    {
        ArgumentNullException.ThrowIfNull(f);
        return xs => VjpCore("Grad", f, xs, argnums, null, createGraph).Grads;
    }

    /// <summary>As <see cref="Grad(Func{Tensor[], Tensor}, int[], bool)"/>, also returning <c>f(xs)</c>.</summary>
    public static Func<Tensor[], (Tensor[] Grads, Tensor Value)> GradAndValue(Func<Tensor[], Tensor> f, int[]? argnums = null, bool createGraph = false)
    {
        ArgumentNullException.ThrowIfNull(f);
        return xs => VjpCore("GradAndValue", f, xs, argnums, null, createGraph);
    }

    /// <summary>
    /// The reverse-mode Jacobian transform: <c>Jacrev(f, argnum)(xs)</c> is <c>∂f(xs)/∂xs[argnum]</c>, shaped
    /// <c>output shape + input shape</c>, from one vector-Jacobian product per output element, vectorized by Vmap.
    /// </summary>
    public static Func<Tensor[], Tensor> Jacrev(Func<Tensor[], Tensor> f, int argnum = 0)
    {
        ArgumentNullException.ThrowIfNull(f);
        return xs => JacrevCore(f, xs, argnum, false);
    }

    /// <summary>
    /// The forward-mode Jacobian transform: <c>Jacfwd(f, argnum)(xs)</c> is <c>∂f(xs)/∂xs[argnum]</c>, shaped <c>output shape + input shape</c>,
    /// from one Jacobian-vector product per input element, vectorized by Vmap.
    /// </summary>
    public static Func<Tensor[], Tensor> Jacfwd(Func<Tensor[], Tensor> f, int argnum = 0)
    {
        ArgumentNullException.ThrowIfNull(f);
        return xs =>
        {
            CheckArgnum("Jacfwd", xs, argnum);
            var x = xs[argnum];
            Tensor y0;
            using (Recorder.NoGrad()) y0 = f(xs);
            if (y0.Size == 0 || x.Size == 0) return Tensor.Zeros(new Shape([.. y0.Shape.Dims, .. x.Shape.Dims]), x.DType);
            var basis = Eye(x.Size, x.DType).Reshape([x.Size, .. x.Shape.Dims]);
            var cols = Vmap(us =>
            {
                var tangents = xs.Select((t, i) => i == argnum ? us[0] : Tensor.ZerosLike(t)).ToArray();
                return JvpCore(f, xs, tangents).Jvp;
            }, [0], y0.Rank)([basis]);   // output shape + (n_in)
            return cols.Reshape([.. y0.Shape.Dims, .. x.Shape.Dims]);
        };
    }

    /// <summary>
    /// All blocks of the Hessian of a single-element <paramref name="f"/> of several inputs: <c>H[i][j] = ∂²f/∂xᵢ∂xⱼ</c>, shaped
    /// <c>xᵢ shape + xⱼ shape</c> (Jacrev of Grad).
    /// </summary>
    public static Tensor[][] Hessian(Func<Tensor[], Tensor> f, Tensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(inputs);
        var h = new Tensor[inputs.Length][];
        for (int i = 0; i < inputs.Length; i++)
        {
            int gi = i;
            h[i] = new Tensor[inputs.Length];
            for (int j = 0; j < inputs.Length; j++)
                h[i][j] = Jacrev(xs => VjpCore("Hessian", f, xs, [gi], null, false).Grads[0], j)(inputs);
        }
        return h;
    }

    /// <summary>Hessian-vector products of a single-element <paramref name="f"/> of several inputs: <c>(H·v)ᵢ = Σⱼ ∂²f/∂xᵢ∂xⱼ · vⱼ</c>, without forming H.</summary>
    public static Tensor[] Hvp(Func<Tensor[], Tensor> f, Tensor[] inputs, Tensor[] v)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(v);
        if (v.Length != inputs.Length) throw new ArgumentException($"Hvp: {inputs.Length} inputs but {v.Length} vectors.", nameof(v));
        for (int i = 0; i < v.Length; i++)
            if (v[i].Shape != inputs[i].Shape) throw new ArgumentException($"Hvp: v[{i}] has shape {v[i].Shape} but inputs[{i}] has shape {inputs[i].Shape}.", nameof(v));
        return VjpCore("Hvp", xs =>
        {
            var g = VjpCore("Hvp", f, xs, null, null, false).Grads;
            Tensor? s = null;
            for (int i = 0; i < g.Length; i++) s = s is null ? (g[i] * v[i]).Sum() : s + (g[i] * v[i]).Sum();
            return s!;
        }, inputs, null, null, false).Grads;
    }

    // ---- the core ----

    // vᵀ·∂f/∂xs[argnums] (v = 1 for a single-element output), on plain or batched tensors: see Note [Composable transforms].
    internal static (Tensor[] Grads, Tensor Value) VjpCore(string op, Func<Tensor[], Tensor> f, Tensor[] xs, int[]? argnums, Tensor? v, bool createGraph)
    {
        ArgumentNullException.ThrowIfNull(xs);
        var which = argnums ?? Enumerable.Range(0, xs.Length).ToArray();
        foreach (var a in which) CheckArgnum(op, xs, a);
        var active = Batching.Active.Select(l => l.Level).ToArray();
        bool record = createGraph || t_transformDepth > 0 || xs.Any(x => x is not null && Batching.Unfilled(x).RequiresGrad);
        using var grad = Recorder.EnableGrad();   // as PyTorch's torch.func.grad: a transform differentiates even under NoGrad
        var inputs = (Tensor[])xs.Clone();
        var leaves = new Tensor[which.Length];
        for (int k = 0; k < which.Length; k++)
        {
            var x = xs[which[k]];
            if (active.Length > 0 && !Batching.IsOn(x) && !x.RequiresGrad && x.DType.IsFloatingPoint())
                inputs[which[k]] = Batching.PerExampleLeaf(x, active, out leaves[k]);   // Note [Per-example leaves] in Batching.Rules.cs
            else
            {
                leaves[k] = Leaf(x, active);
                inputs[which[k]] = Batching.Wrap(leaves[k], active);
            }
        }
        Tensor y;
        t_transformDepth++;
        try { y = f(inputs) ?? throw new ArgumentException($"{op}: f returned null; it must return a tensor.", nameof(f)); }
        finally { t_transformDepth--; }
        if (v is null && y.Size != 1)
            throw new ArgumentException($"{op}: f must return a single element (per example inside Vmap), got shape {y.Shape}.", nameof(f));
        if (v is not null && v.Shape != y.Shape)
            throw new ArgumentException($"{op}: the cotangent has shape {v.Shape} but f returned shape {y.Shape}.", nameof(v));
        Tensor yReal, seed;
        if (v is null)
        {
            yReal = Batching.Real(y);
            seed = Tensor.Ones(yReal.Shape, yReal.DType);
        }
        else
        {
            var u = Batching.Union(y, v);
            yReal = Batching.Expand(y, u, [y, v]);
            seed = Batching.Expand(v, u, [y, v]);
        }
        var grads = new Tensor[which.Length];
        Tensor?[] g = yReal.RequiresGrad
            ? Engine.Grad([yReal], leaves, [seed], retainGraph: record, createGraph: record, allowUnused: true)
            : new Tensor?[which.Length];
        for (int k = 0; k < which.Length; k++) grads[k] = Batching.Wrap(g[k] ?? Tensor.ZerosLike(leaves[k]), active);
        return (grads, record ? y : y.Detach());
    }

    private static Tensor JacrevCore(Func<Tensor[], Tensor> f, Tensor[] xs, int argnum, bool createGraph)
    {
        CheckArgnum("Jacrev", xs, argnum);
        Tensor y0;
        using (Recorder.NoGrad()) y0 = f(xs) ?? throw new ArgumentException("Jacrev: f returned null; it must return a tensor.", nameof(f));
        var x = xs[argnum];
        if (y0.Size == 0 || x.Size == 0) return Tensor.Zeros(new Shape([.. y0.Shape.Dims, .. x.Shape.Dims]), x.DType);
        var basis = Eye(y0.Size, y0.DType).Reshape([y0.Size, .. y0.Shape.Dims]);
        var rows = Vmap(vs => VjpCore("Jacrev", f, xs, [argnum], vs[0], createGraph).Grads[0], [0])([basis]);
        return rows.Reshape([.. y0.Shape.Dims, .. x.Shape.Dims]);
    }

    // J·u by the double-vjp trick (Jᵀw is linear in w, so ∂⟨Jᵀw, u⟩/∂w = J·u), with f's value.
    internal static (Tensor Value, Tensor Jvp) JvpCore(Func<Tensor[], Tensor> f, Tensor[] xs, Tensor[] tangents, bool createGraph = false)
    {
        Tensor y0;
        using (Recorder.NoGrad()) y0 = f(xs);
        Tensor? value = null;
        var ju = VjpCore("Jvp", ws =>
        {
            var (vjp, y) = VjpCore("Jvp", f, xs, null, ws[0], false);
            value = y;
            Tensor? s = null;
            for (int i = 0; i < vjp.Length; i++) s = s is null ? (vjp[i] * tangents[i]).Sum() : s + (vjp[i] * tangents[i]).Sum();
            return s!;
        }, [Tensor.Zeros(y0.Shape, y0.DType)], null, null, createGraph).Grads[0];
        return (value!.Detach(), ju);
    }

    // The leaf to differentiate with respect to: a fresh tensor holding x's values, repeated along every open vmap level x
    // does not vary along, and still connected to x when x requires gradients (so an outer transform sees through it).
    private static Tensor Leaf(Tensor x, int[] active)
    {
        bool connected = Batching.Real(x).RequiresGrad;
        var source = connected ? x : x.Detach();
        var real = active.Length == 0 ? Batching.Real(source) : Batching.Expand(source, active, [source]);
        if (connected) return ReferenceEquals(real, Batching.Real(x)) ? real.Add(0.0) : real;
        return (ReferenceEquals(real.Storage, Batching.Real(source).Storage) ? real.Clone() : real).RequireGrad();
    }

    private static void CheckArgnum(string op, Tensor[] xs, int argnum)
    {
        ArgumentNullException.ThrowIfNull(xs);
        if (argnum < 0 || argnum >= xs.Length)
            throw new ArgumentException($"{op}: argnum {argnum} is outside the {xs.Length} inputs.", nameof(argnum));
        if (xs[argnum] is null) throw new ArgumentNullException(nameof(xs), $"{op}: input {argnum} is null.");
    }

    private static Tensor Eye(int n, DType dtype)
    {
        var e = Tensor.Zeros(new Shape(n, n), dtype);
        for (int i = 0; i < n; i++) e.SetFlat(i * n + i, 1);
        return e;
    }
}
