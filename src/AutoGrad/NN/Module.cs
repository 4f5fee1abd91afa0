using AutoGrad.Differentiation;

namespace AutoGrad.NN;

/// <summary>
/// A building block of a model: a function <c>y = f(x; θ)</c> with named parameters θ, buffers (non-learned state such as
/// running statistics) and child modules.
/// </summary>
/// <remarks>
/// Parameters and buffers are listed explicitly with <see cref="RegisterParameter"/>, <see cref="RegisterBuffer"/> and
/// <see cref="RegisterModule{T}"/>, in registration order; qualified names join the path with dots (<c>"0.weight"</c>).
/// Layers read their parameters back through <see cref="Parameter"/>, so <see cref="To"/> and <see cref="Rebind"/> can swap
/// them for other tensors.
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

    /// <summary>Every learnable parameter with its qualified name (<c>"0.weight"</c>), in registration order.</summary>
    public IReadOnlyList<KeyValuePair<string, Tensor>> NamedParameters()
    {
        var list = new List<KeyValuePair<string, Tensor>>();
        Collect("", list, buffers: false);
        return list;
    }

    /// <summary>Every buffer (non-learned state) with its qualified name.</summary>
    public IReadOnlyList<KeyValuePair<string, Tensor>> NamedBuffers()
    {
        var list = new List<KeyValuePair<string, Tensor>>();
        Collect("", list, buffers: true);
        return list;
    }

    /// <summary>The direct children with their names.</summary>
    public IReadOnlyList<(string Name, Module Module)> Children() => _children;

    /// <summary>The state dictionary: qualified name → a copy of every parameter and buffer.</summary>
    public Dictionary<string, Tensor> StateDict()
    {
        var d = new Dictionary<string, Tensor>();
        foreach (var (k, v) in NamedParameters()) d[k] = v.Detach().Clone();
        foreach (var (k, v) in NamedBuffers()) d[k] = v.Detach().Clone();
        return d;
    }

    /// <summary>
    /// Copies the values of <paramref name="state"/> into the parameters and buffers of the same names, in place.
    /// </summary>
    /// <remarks>
    /// Every name and shape is checked before anything is written, so on a missing or unexpected key or a shape mismatch the
    /// model is left untouched. With <paramref name="strict"/> false, missing and unexpected keys are ignored (shapes are still
    /// checked). Values are converted to each tensor's dtype.
    /// </remarks>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(state);
        var targets = NamedParameters().Concat(NamedBuffers()).ToList();
        var errors = new List<string>();
        foreach (var (k, v) in targets)
        {
            if (!state.TryGetValue(k, out var s)) { if (strict) errors.Add($"missing key '{k}'"); }
            else if (s.Shape != v.Shape) errors.Add($"'{k}' has shape {s.Shape} in the state but {v.Shape} in the model");
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

    /// <summary>Converts every parameter and buffer to <paramref name="dtype"/> (new leaf tensors); returns this module.</summary>
    /// <remarks><c>To(DType.Float64)</c> lets a whole model be gradient-checked. Optimizers built before must be rebuilt.</remarks>
    public Module To(DType dtype)
    {
        foreach (var n in _paramNames)
        {
            var p = _params[n];
            if (p.DType != dtype) _params[n] = p.Detach().To(dtype).Clone().RequireGrad();
        }
        foreach (var n in _bufferNames)
            if (_buffers[n].DType != dtype) _buffers[n] = _buffers[n].Detach().To(dtype).Clone();
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

    private void Collect(string prefix, List<KeyValuePair<string, Tensor>> list, bool buffers)
    {
        var names = buffers ? _bufferNames : _paramNames;
        var dict = buffers ? _buffers : _params;
        foreach (var n in names) list.Add(new(prefix + n, dict[n]));
        foreach (var (n, m) in _children) m.Collect(prefix + n + ".", list, buffers);
    }
}
