using System.Runtime.CompilerServices;
using AutoGrad.Autograd;

namespace AutoGrad.Optim;

/// <summary>
/// Base of the optimizers: <see cref="Step"/> updates every parameter that has a gradient, in place, under <see cref="Tape.NoGrad"/>,
/// as tensor arithmetic <c>θ ← update(θ, g)</c>.
/// </summary>
/// <remarks>
/// <see cref="WeightDecay"/> λ is the coupled L2 form <c>g ← g + λθ</c> (notes 001: <c>∂C/∂w = ∂E/∂w + λw</c>). State can be saved
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
        if (!(learningRate >= 0)) throw new ArgumentOutOfRangeException(nameof(learningRate), $"{GetType().Name}: learning rate must be ≥ 0, got {learningRate}.");
        if (!(weightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(weightDecay), $"{GetType().Name}: weight decay must be ≥ 0, got {weightDecay}.");
        LearningRate = learningRate;
        WeightDecay = weightDecay;
        foreach (var p in _parameters) p.Keep();   // parameters outlive any StepScope (Note [Step scopes])
        _thetaViews = new Tensor?[_parameters.Count];
    }

    /// <summary>The parameters θ being optimised, in order.</summary>
    public IReadOnlyList<Tensor> Parameters => _parameters;

    /// <summary>The learning rate η (a schedule may change it between steps).</summary>
    public double LearningRate { get; set; }

    /// <summary>Coupled L2 weight decay λ: the gradient used is <c>g + λθ</c>.</summary>
    public double WeightDecay { get; }

    /// <summary>Number of steps taken so far (<c>t</c> before the next step).</summary>
    public int StepCount { get; private set; }

    /// <summary>Applies one update to every parameter with a gradient.</summary>
    /// <remarks>The caller's line is recorded as the parameters' last in-place writer, for Note [Saved values] errors.</remarks>
    public void Step([CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        using (Tape.NoGrad())
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

    /// <summary>Restores a state saved by <see cref="StateDict"/> (copied, so the snapshot stays usable); shapes are checked first.</summary>
    public void LoadStateDict(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!state.Scalars.TryGetValue("step", out var step) || !state.Scalars.TryGetValue("lr", out var lr))
            throw new ArgumentException($"{GetType().Name}.LoadStateDict: the state lacks the 'step' or 'lr' scalar.");
        foreach (var (k, v) in state.Tensors)
        {
            int dot = k.IndexOf('.');
            if (dot < 0 || !int.TryParse(k[..dot], out int i) || i < 0 || i >= _parameters.Count)
                throw new ArgumentException($"{GetType().Name}.LoadStateDict: key '{k}' does not name a parameter index.");
            if (v.Shape != _parameters[i].Shape)
                throw new ArgumentException($"{GetType().Name}.LoadStateDict: '{k}' has shape {v.Shape} but parameter {i} has shape {_parameters[i].Shape}.");
        }
        _state.Clear();
        foreach (var (k, v) in state.Tensors) _state[k] = v.Clone();
        StepCount = (int)step;
        LearningRate = lr;
    }

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
