using AutoGrad.Differentiation;

namespace AutoGrad.NN;

/// <summary>
/// A building block of a model: a function <c>y = f(x; θ)</c> with named parameters θ, buffers (non-learned state such as
/// running statistics) and child modules.
/// </summary>
/// <remarks>
/// <para>Parameters and buffers are listed explicitly with <see cref="RegisterParameter"/>, <see cref="RegisterBuffer"/> and
/// <see cref="RegisterModule{T}"/>, in registration order; qualified names join the path with dots (<c>"0.weight"</c>), as PyTorch's
/// <c>named_parameters</c> and <c>state_dict</c> do. Layers read their parameters back through <see cref="Parameter"/>, so <see cref="To"/>
/// and <see cref="Rebind"/> can swap them for other tensors.</para>
/// <para>Inputs and outputs: <see cref="Forward(Tensor)"/> is the one-tensor call that <see cref="Sequential"/>, the trainer and inference
/// use. A module with several inputs or outputs adds its own typed <c>Forward</c> overloads (e.g. <c>Forward(q, k, v, mask)</c> returning a
/// tuple) and keeps <c>Forward(Tensor)</c> for its natural one-input use; one without such a use derives from <see cref="MultiInputModule"/>.</para>
/// </remarks>
public abstract class Module
{
    private readonly List<string> _paramNames = [];
    private readonly Dictionary<string, Tensor> _params = [];
    private readonly List<string> _bufferNames = [];
    private readonly Dictionary<string, Tensor> _buffers = [];
    private readonly List<(string Name, Module Module)> _children = [];

    /// <summary>True in training mode (the default); false in evaluation mode (Dropout is the identity, BatchNorm uses running statistics).</summary>
    public bool Training { get; private set; } = true;

    /// <summary>The forward map <c>y = f(x; θ)</c>.</summary>
    public abstract Tensor Forward(Tensor x);

    /// <summary>Calls <see cref="Forward"/>.</summary>
    public Tensor Call(Tensor x) => Forward(x);

    /// <summary>Sets training mode on this module and every descendant; returns this module.</summary>
    public Module Train(bool training = true)
    {
        Training = training;
        foreach (var (_, m) in _children) m.Train(training);
        return this;
    }

    /// <summary>Sets evaluation mode (<c>Train(false)</c>) recursively; returns this module.</summary>
    public Module Eval() => Train(false);

    /// <summary>Every learnable parameter θ of this module and its descendants, in registration order.</summary>
    public IReadOnlyList<Tensor> Parameters() => NamedParameters().Select(p => p.Value).ToList();

    /// <summary>
    /// Every learnable parameter with its qualified name (<c>"0.weight"</c>), in registration order; a tensor registered under two names
    /// (tied weights) is listed once, under the first (as PyTorch's <c>named_parameters</c>), so an optimizer sees it once.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, Tensor>> NamedParameters() => Named(buffers: false, distinct: true);

    /// <summary>Every buffer (non-learned state) with its qualified name; a tensor registered under two names is listed once.</summary>
    public IReadOnlyList<KeyValuePair<string, Tensor>> NamedBuffers() => Named(buffers: true, distinct: true);

    /// <summary>Every buffer (non-learned state), in registration order.</summary>
    public IReadOnlyList<Tensor> Buffers() => NamedBuffers().Select(p => p.Value).ToList();

    /// <summary>The direct children with their names.</summary>
    public IReadOnlyList<(string Name, Module Module)> Children() => _children;

    /// <summary>
    /// This module (named <c>""</c>) and every descendant with its qualified name (<c>"0"</c>, <c>"0.attn"</c>), parents before children;
    /// a module reachable by two paths is listed once, under the first (as PyTorch's <c>named_modules</c>).
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, Module>> NamedModules()
    {
        var list = new List<KeyValuePair<string, Module>>();
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        void Walk(string name, Module m)
        {
            if (!seen.Add(m)) return;
            list.Add(new(name, m));
            foreach (var (n, c) in m._children) Walk(name.Length == 0 ? n : name + "." + n, c);
        }
        Walk("", this);
        return list;
    }

    /// <summary>This module and every descendant, parents before children (see <see cref="NamedModules"/>).</summary>
    public IReadOnlyList<Module> Modules() => NamedModules().Select(m => m.Value).ToList();

    /// <summary>The descendant with qualified name <paramref name="name"/> (<c>"0.attn"</c>; <c>""</c> is this module).</summary>
    /// <exception cref="ArgumentException">No such descendant; the message names the missing part.</exception>
    public Module GetSubmodule(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var m = this;
        if (name.Length == 0) return m;
        foreach (var part in name.Split('.'))
            m = m._children.FirstOrDefault(c => c.Name == part).Module
                ?? throw new ArgumentException($"GetSubmodule ({GetType().Name}): '{name}' has no part '{part}' (children of {m.GetType().Name}: {string.Join(", ", m._children.Select(c => $"'{c.Name}'"))}).");
        return m;
    }

    /// <summary>Calls <paramref name="fn"/> on every descendant, then on this module (children first, as PyTorch's <c>apply</c>); returns this module.</summary>
    /// <remarks>Typical use: a custom initialisation, <c>model.Apply(m => { if (m is Linear l) … })</c>.</remarks>
    public Module Apply(Action<Module> fn)
    {
        ArgumentNullException.ThrowIfNull(fn);
        foreach (var (_, m) in _children) m.Apply(fn);
        fn(this);
        return this;
    }

    /// <summary>
    /// Sets <see cref="Tensor.RequiresGrad"/> on every parameter of this module and its descendants; <c>RequiresGrad(false)</c> freezes them
    /// (PyTorch's <c>requires_grad_</c>): backward gives them no gradient and optimizers skip them. Returns this module.
    /// </summary>
    public Module RequiresGrad(bool requiresGrad = true)
    {
        foreach (var p in Parameters()) p.RequiresGrad = requiresGrad;
        return this;
    }

    /// <summary>The state dictionary: qualified name → a copy of every parameter and buffer.</summary>
    public Dictionary<string, Tensor> StateDict()
    {
        var d = new Dictionary<string, Tensor>();
        foreach (var (k, v) in Named(buffers: false, distinct: false)) d[k] = v.Detach().Clone();
        foreach (var (k, v) in Named(buffers: true, distinct: false)) d[k] = v.Detach().Clone();
        return d;
    }

    /// <summary>
    /// Copies the values of <paramref name="state"/> into the parameters and buffers of the same names, in place.
    /// </summary>
    /// <remarks>
    /// Every name and shape is checked before anything is written, so on a missing or unexpected key or a shape mismatch the
    /// model is left untouched. With <paramref name="strict"/> false, missing and unexpected keys are ignored (shapes are still
    /// checked). Values are converted to each tensor's dtype; a conversion to or from an integer type that would lose information (a fraction, an int64 beyond 2^53) is refused with the rest.
    /// </remarks>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(state);
        var targets = Named(buffers: false, distinct: false).Concat(Named(buffers: true, distinct: false)).ToList();
        var errors = new List<string>();
        foreach (var (k, v) in targets)
        {
            if (!state.TryGetValue(k, out var s)) { if (strict) errors.Add($"missing key '{k}'"); }
            else if (s.Shape != v.Shape) errors.Add($"'{k}' has shape {s.Shape} in the state but {v.Shape} in the model{TransposeHint(s.Shape, v.Shape)}");
            else if (Tensor.InexactAt(s, v.DType) is { } bad)   // checked here so that nothing is written (Note [Integer tensors])
                errors.Add($"'{k}' holds the {s.DType.Name()} value {bad.Value} at flat position {bad.Index}, which the model's {v.DType.Name()} tensor cannot hold exactly");
        }
        if (strict)
        {
            var known = targets.Select(t => t.Key).ToHashSet();
            errors.AddRange(state.Keys.Where(k => !known.Contains(k)).Select(k => $"unexpected key '{k}'"));
        }
        if (errors.Count > 0)
            throw new ArgumentException($"LoadStateDict ({GetType().Name}): {string.Join("; ", errors)}. The model was not changed.");
        using (Recorder.NoGrad())   // loading writes parameters in place, like an optimizer step
            foreach (var (k, v) in targets)
                if (state.TryGetValue(k, out var s)) v.CopyFrom(s);
    }

    // A matrix saved as (in, out), the layout AutoGrad's Linear and recurrent weights had before they took PyTorch's (out, in).
    private static string TransposeHint(Shape found, Shape expected) =>
        found.Rank == 2 && expected.Rank == 2 && found[0] == expected[1] && found[1] == expected[0]
            ? " (its transpose: saved in the (in, out) layout? Linear and recurrent weights are (out, in) as in PyTorch; transpose it with Transpose(0, 1))"
            : "";

    /// <summary>Converts every parameter and floating-point buffer to <paramref name="dtype"/> (new leaf tensors); returns this module.</summary>
    /// <remarks><c>To(DType.Float64)</c> lets a whole model be gradient-checked. Optimizers built before must be rebuilt.</remarks>
    public Module To(DType dtype)
    {
        foreach (var n in _paramNames)
        {
            var p = _params[n];
            if (p.DType == dtype) continue;
            var converted = p.Detach().To(dtype).Clone().Keep();
            converted.RequiresGrad = p.RequiresGrad;   // a frozen parameter stays frozen
            _params[n] = converted;
        }
        foreach (var n in _bufferNames)   // integer buffers (BatchNorm's num_batches_tracked) keep their type
            if (_buffers[n].DType != dtype && _buffers[n].DType.IsFloatingPoint()) _buffers[n] = _buffers[n].Detach().To(dtype).Clone();
        foreach (var (_, m) in _children) m.To(dtype);
        return this;
    }

    /// <summary>Clears every parameter's gradient: null, or zeros in place with <paramref name="setToNone"/> false (see <see cref="Tensor.ZeroGrad"/>).</summary>
    public void ZeroGrad(bool setToNone = true)
    {
        foreach (var p in Parameters()) p.ZeroGrad(setToNone);
    }

    /// <summary>
    /// Replaces the parameter with qualified name <paramref name="name"/> by <paramref name="value"/> (same shape and dtype)
    /// without copying, so a functional caller (e.g. <see cref="Checking.GradCheck"/>) can differentiate with respect to it.
    /// </summary>
    public void Rebind(string name, Tensor value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        int dot = name.IndexOf('.');
        if (dot < 0)
        {
            if (!_params.TryGetValue(name, out var old))
                throw new ArgumentException($"Rebind ({GetType().Name}): no parameter named '{name}'.");
            if (old.Shape != value.Shape || old.DType != value.DType)
                throw new ArgumentException($"Rebind ({GetType().Name}): '{name}' is {old.DType.Name()} {old.Shape} but the new value is {value.DType.Name()} {value.Shape}.");
            _params[name] = value.Keep();   // module state outlives any StepScope (Note [Step scopes])
            return;
        }
        var head = name[..dot];
        var child = _children.FirstOrDefault(c => c.Name == head).Module
            ?? throw new ArgumentException($"Rebind ({GetType().Name}): no child module named '{head}'.");
        child.Rebind(name[(dot + 1)..], value);
    }

    /// <summary>Registers a learnable parameter (made a leaf that requires gradients); returns it.</summary>
    protected Tensor RegisterParameter(string name, Tensor value)
    {
        CheckName(name);
        value.RequiresGrad = true;
        _paramNames.Add(name);
        _params[name] = value.Keep();
        return value;
    }

    /// <summary>Registers a buffer: state saved in the state dictionary but not learned (running statistics); returns it.</summary>
    protected Tensor RegisterBuffer(string name, Tensor value)
    {
        CheckName(name);
        _bufferNames.Add(name);
        _buffers[name] = value.Keep();
        return value;
    }

    /// <summary>Registers a child module under <paramref name="name"/>; returns it.</summary>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        CheckName(name);
        _children.Add((name, module));
        return module;
    }

    /// <summary>The current tensor of the parameter registered as <paramref name="name"/>.</summary>
    protected Tensor Parameter(string name) => _params[name];

    /// <summary>The current tensor of the buffer registered as <paramref name="name"/>.</summary>
    protected Tensor Buffer(string name) => _buffers[name];

    private void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"{GetType().Name}: invalid name '{name}' (must be non-empty, without dots).");
        if (_params.ContainsKey(name) || _buffers.ContainsKey(name) || _children.Any(c => c.Name == name))
            throw new ArgumentException($"{GetType().Name}: the name '{name}' is already registered.");
    }

    // The one place qualified names are made (state dictionaries, named parameters and buffers, checkpoints): "{path}.{name}" with the
    // children's registration names as the path, PyTorch's convention. The state dictionary lists every name (tied weights under each);
    // NamedParameters/NamedBuffers list each tensor once.
    private List<KeyValuePair<string, Tensor>> Named(bool buffers, bool distinct)
    {
        var list = new List<KeyValuePair<string, Tensor>>();
        Collect("", list, buffers);
        if (!distinct) return list;
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        return list.Where(kv => seen.Add(kv.Value)).ToList();
    }

    private void Collect(string prefix, List<KeyValuePair<string, Tensor>> list, bool buffers)
    {
        var names = buffers ? _bufferNames : _paramNames;
        var dict = buffers ? _buffers : _params;
        foreach (var n in names) list.Add(new(prefix + n, dict[n]));
        foreach (var (n, m) in _children) m.Collect(prefix + n + ".", list, buffers);
    }
}
