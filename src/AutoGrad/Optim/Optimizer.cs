using System.Globalization;
using System.Runtime.CompilerServices;
using AutoGrad.Differentiation;

namespace AutoGrad.Optim;

/// <summary>
/// Base of the optimizers: <see cref="Step"/> updates every parameter that has a gradient, in place, under <see cref="Recorder.NoGrad"/>,
/// as tensor arithmetic <c>θ ← update(θ, g)</c>.
/// </summary>
/// <remarks>
/// <see cref="WeightDecay"/> λ is the coupled L2 form <c>g ← g + λθ</c> (<c>∂C/∂w = ∂E/∂w + λw</c> for <c>C = E + (λ/2)‖w‖²</c>). State can be saved
/// with <see cref="StateDict"/> and restored with <see cref="LoadStateDict"/>; a restored optimizer continues bit-identically.
/// </remarks>
public abstract class Optimizer
{
    private readonly List<Tensor> _parameters;
    private readonly Dictionary<string, Tensor> _state = [];

    // A detached view of each parameter, made once: a new one per parameter and step was most of what a plain SGD step
    // allocated. A tensor's storage and shape never change, so the view stays exact.
    private readonly Tensor?[] _thetaViews;

    /// <summary>An optimizer over <paramref name="parameters"/> with learning rate <paramref name="learningRate"/> and coupled weight decay.</summary>
    protected Optimizer(IEnumerable<Tensor> parameters, double learningRate, double weightDecay)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = parameters.ToList();
        if (_parameters.Count == 0) throw new ArgumentException($"{GetType().Name}: the parameter list is empty.");
        if (_parameters.Distinct().Count() != _parameters.Count) throw new ArgumentException($"{GetType().Name}: a parameter appears twice.");
        if (LearningRateProblem(learningRate) is { } bad) throw new ArgumentOutOfRangeException(nameof(learningRate), $"{GetType().Name}: {bad}.");
        if (!(weightDecay >= 0 && double.IsFinite(weightDecay))) throw new ArgumentOutOfRangeException(nameof(weightDecay), $"{GetType().Name}: weight decay must be finite and ≥ 0, got {weightDecay}.");
        _learningRate = learningRate;
        WeightDecay = weightDecay;
        foreach (var p in _parameters) p.Keep();   // parameters outlive any StepScope (Note [Step scopes])
        _thetaViews = new Tensor?[_parameters.Count];
    }

    /// <summary>The parameters θ being optimised, in order.</summary>
    public IReadOnlyList<Tensor> Parameters => _parameters;

    /// <summary>The largest learning rate accepted: any larger η times an ordinary gradient leaves the float range within a few steps.</summary>
    public const double MaxLearningRate = 1e6;

    /// <summary>The largest step count a state may carry: one more step must still fit in <see cref="StepCount"/>.</summary>
    public const int MaxStepCount = int.MaxValue - 1;

    private double _learningRate;

    /// <summary>The learning rate η (a schedule may change it between steps); finite, in <c>[0, </c><see cref="MaxLearningRate"/><c>]</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is NaN, infinite, negative or above <see cref="MaxLearningRate"/>.</exception>
    public double LearningRate
    {
        get => _learningRate;
        set => _learningRate = LearningRateProblem(value) is { } bad ? throw new ArgumentOutOfRangeException(nameof(value), $"{GetType().Name}: {bad}.") : value;
    }

    // The one check of η, shared by the constructor, the setter (schedules) and restored states (LoadStateDict, checkpoints).
    internal static string? LearningRateProblem(double lr) =>
        double.IsFinite(lr) && lr >= 0 && lr <= MaxLearningRate ? null
            : string.Create(CultureInfo.InvariantCulture, $"learning rate must be finite and in [0, {MaxLearningRate:G}], got {lr:R}");

    /// <summary>Coupled L2 weight decay λ: the gradient used is <c>g + λθ</c>.</summary>
    public double WeightDecay { get; }

    /// <summary>Number of steps taken so far (<c>t</c> before the next step).</summary>
    public int StepCount { get; private set; }

    /// <summary>Applies one update to every parameter with a gradient.</summary>
    /// <remarks>The caller's line is recorded as the parameters' last in-place writer, for Note [Saved values] errors.</remarks>
    public void Step([CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (StepCount > MaxStepCount)   // before any parameter changes: t + 1 would wrap to a negative step
            throw new InvalidOperationException($"{GetType().Name}.Step: the step count {StepCount} has reached int.MaxValue; no further step can be counted.");
        // Every gradient is checked before any parameter changes, and the error names the optimizer, not the in-place kernel.
        for (int i = 0; i < _parameters.Count; i++)
            if (_parameters[i] is { Grad: { } g } p && (g.Shape != p.Shape || g.DType != p.DType))
                throw new ArgumentException($"{GetType().Name}.Step: parameter {i} is {p.Shape} {p.DType.Name()} but its gradient is {g.Shape} {g.DType.Name()}; no parameter was changed.");
        using (Recorder.NoGrad())
        {
            for (int i = 0; i < _parameters.Count; i++)
            {
                var p = _parameters[i];
                if (p.Grad is null) continue;
                var theta = _thetaViews[i] ??= p.Detach();
                // Update only reads g; a plain gradient (no graph, as without createGraph) needs no detached view.
                var g = p.Grad is { GradFn: null, RequiresGrad: false } plain ? plain : p.Grad.Detach();
                if (WeightDecay != 0) g = g + theta * WeightDecay;
                p.CopyFrom(Update(i, theta, g));
            }
        }
        StepCount++;
    }

    /// <summary>Clears every parameter's gradient: null, or zeros in place with <paramref name="setToNone"/> false (see <see cref="Tensor.ZeroGrad"/>).</summary>
    public void ZeroGrad(bool setToNone = true)
    {
        foreach (var p in _parameters) p.ZeroGrad(setToNone);
    }

    /// <summary>A deep copy of the optimizer's state: per-parameter tensors plus <c>"step"</c>, <c>"lr"</c> and subclass scalars.</summary>
    public OptimizerState StateDict()
    {
        var s = new OptimizerState();
        foreach (var (k, v) in _state) s.Tensors[k] = v.Clone();
        s.Scalars["step"] = StepCount;
        s.Scalars["lr"] = LearningRate;
        return s;
    }

    /// <summary>Restores a state saved by <see cref="StateDict"/> (copied, so the snapshot stays usable); everything is checked first.</summary>
    /// <exception cref="ArgumentException">The state does not fit this optimizer (see <see cref="StateProblems"/>); the message lists every problem and nothing was changed.</exception>
    public void LoadStateDict(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var problems = StateProblems(state);
        if (problems.Count > 0) throw new ArgumentException($"{GetType().Name}.LoadStateDict: {string.Join("; ", problems)}. Nothing was changed.", nameof(state));
        _state.Clear();
        foreach (var (k, v) in state.Tensors) _state[k] = v.Clone().Keep();
        StepCount = (int)state.Scalars["step"];
        _learningRate = state.Scalars["lr"];
    }

    /// <summary>Every reason <paramref name="state"/> cannot be restored into this optimizer (empty when it can).</summary>
    /// <remarks>
    /// Checked, all at once: the scalars are exactly <c>step</c> (an integer in <c>[0, </c><see cref="MaxStepCount"/><c>]</c>) and <c>lr</c>
    /// (the constructor's check); each tensor key is <c>"{index}.{name}"</c> for a parameter index and a state name of this optimizer as
    /// configured (e.g. no <c>momentum</c> for SGD without momentum); a parameter has either none of its state tensors (it was never
    /// updated) or all of them, none before the first step, and after a step at least one parameter has them; shapes and dtypes match the parameter; values are finite, and second
    /// moments (sums and averages of <c>g²</c>) are ≥ 0.
    /// </remarks>
    public IReadOnlyList<string> StateProblems(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var problems = new List<string>();
        string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        if (!state.Scalars.TryGetValue("step", out var step)) problems.Add("the scalar 'step' is missing");
        else if (!(step >= 0 && step <= MaxStepCount && step == Math.Floor(step)))
            problems.Add($"the step count {F(step)} is not an integer in [0, {MaxStepCount}]");
        if (!state.Scalars.TryGetValue("lr", out var lr)) problems.Add("the scalar 'lr' is missing");
        else if (LearningRateProblem(lr) is { } bad) problems.Add(bad);
        problems.AddRange(state.Scalars.Keys.Where(k => k is not ("step" or "lr")).Order(StringComparer.Ordinal).Select(k => $"unknown scalar '{k}'"));

        var layout = StateLayout;
        var seen = new Dictionary<int, HashSet<string>>();
        foreach (var (k, v) in state.Tensors.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            int dot = k.IndexOf('.');
            if (dot < 0 || !int.TryParse(k.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out int i) || i >= _parameters.Count)
            {
                problems.Add($"state '{k}' does not name one of the {_parameters.Count} parameters as '{{index}}.{{name}}'");
                continue;
            }
            var name = k[(dot + 1)..];
            int slot = Array.FindIndex(layout, s => s.Name == name);
            if (slot < 0)
            {
                problems.Add(layout.Length == 0 ? $"state '{k}' is unexpected: {Describe()} keeps no state"
                    : $"state '{k}' is unexpected: {Describe()} keeps {string.Join(", ", layout.Select(s => $"'{s.Name}'"))} per parameter");
                continue;
            }
            (seen.TryGetValue(i, out var names) ? names : seen[i] = []).Add(name);
            var p = _parameters[i];
            if (v.Shape != p.Shape || v.DType != p.DType)
            {
                problems.Add($"state '{k}' is {v.DType.Name()} {v.Shape} but parameter {i} is {p.DType.Name()} {p.Shape}");
                continue;
            }
            var stats = TensorStats.Of(v);
            if (!stats.IsFinite) problems.Add($"state '{k}' has {stats.NaNs} NaN and {stats.Infinities} infinite values");
            else if (layout[slot].NonNegative && stats.Min < 0) problems.Add($"state '{k}' is a second moment but has the negative value {F(stats.Min)}");
        }
        foreach (var (i, names) in seen.OrderBy(s => s.Key))
        {
            var missing = layout.Where(s => !names.Contains(s.Name)).Select(s => $"'{i}.{s.Name}'").ToList();
            if (missing.Count > 0) problems.Add($"parameter {i} has {string.Join(", ", names.Order(StringComparer.Ordinal).Select(n => $"'{i}.{n}'"))} but lacks {string.Join(", ", missing)}");
        }
        if (state.Scalars.TryGetValue("step", out var st) && seen.Count > 0 && st == 0)
            problems.Add("the step count is 0 but the state holds per-parameter tensors (made only by a step)");
        // Steps taken but no parameter has state: saved by an optimizer configured without it (SGD without momentum, restored into
        // SGD with momentum), which would silently restart every buffer at zero.
        if (st > 0 && st <= MaxStepCount && seen.Count == 0 && layout.Length > 0)
            problems.Add($"the state holds no per-parameter tensors after {F(st)} steps, but {Describe()} keeps {string.Join(", ", layout.Select(s => $"'{s.Name}'"))} per parameter");
        return problems;
    }

    // "Sgd (momentum 0.9)" rather than "Sgd", so a layout mismatch says which setting decides it.
    private protected virtual string Describe() => GetType().Name;

    /// <summary>The state tensors each parameter gets at its first update, and which of them are second moments (≥ 0).</summary>
    private protected abstract (string Name, bool NonNegative)[] StateLayout { get; }

    /// <summary>The new value of parameter <paramref name="index"/> from its value θ and gradient g (weight decay already added).</summary>
    private protected abstract Tensor Update(int index, Tensor theta, Tensor g);

    /// <summary>The state tensor <paramref name="name"/> of parameter <paramref name="index"/>, zeros like θ when first asked.</summary>
    private protected Tensor State(int index, string name, Tensor like)
    {
        var key = $"{index}.{name}";
        if (!_state.TryGetValue(key, out var t)) _state[key] = t = Tensor.ZerosLike(like);
        return t;
    }

    /// <summary>Stores the state tensor <paramref name="name"/> of parameter <paramref name="index"/>.</summary>
    // State outlives the step that computed it (Note [Step scopes]).
    private protected void SetState(int index, string name, Tensor value) => _state[$"{index}.{name}"] = value.Keep();
}
