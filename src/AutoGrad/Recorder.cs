using AutoGrad.Memory;

namespace AutoGrad.Differentiation;

/// <summary>
/// The per-thread recorder: decides whether ops are recorded (<see cref="NoGrad"/>) and records them.
/// </summary>
public static partial class Recorder
{
    [ThreadStatic] private static int t_noGradDepth;
    [ThreadStatic] private static long t_recorded;

    /// <summary>True when ops on this thread are recorded (no <see cref="NoGrad"/> scope is open).</summary>
    public static bool IsEnabled => t_noGradDepth == 0;

    /// <summary>Number of nodes recorded on this thread since it started (a counter for tests and diagnostics).</summary>
    public static long RecordedCount => t_recorded;

    /// <summary>Opens a scope in which nothing is recorded; dispose it to close. Scopes nest.</summary>
    /// <example><code>using (Recorder.NoGrad()) { model.Forward(x); }</code></example>
    public static Scope NoGrad()
    {
        t_noGradDepth++;
        return new Scope(+1);
    }

    /// <summary>Opens a scope in which ops are recorded even inside an enclosing <see cref="NoGrad"/>.</summary>
    public static Scope EnableGrad()
    {
        int saved = t_noGradDepth;
        t_noGradDepth = 0;
        return new Scope(-saved - 1);
    }

    /// <summary>Restores the recording state when disposed.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly int _token;

        internal Scope(int token) => _token = token;

        /// <summary>Closes the scope.</summary>
        public void Dispose()
        {
            if (_token == +1) t_noGradDepth--;
            else if (_token < 0) t_noGradDepth = -_token - 1;
        }
    }

    // Record, the public form for user code (CustomFunction too), is in Differentiation/Recorder.Record.cs.

    // Note [Finishing an op]
    // Every op of this library ends with one call, Finish(op, y, inputs, rule): it lists y with the current StepScope when
    // y's buffer is the scope's and not an input's (Note [Step scopes] in Memory/ScopeBuffers.cs), keeps the call site
    // for later error messages, checks y in anomaly mode, and records a node when recording is on and some input requires
    // gradients. The overloads differ only in how the rule is given:
    //  - no rule: an op without a gradient (comparisons, Sign, ArgMax, OneHot), or a value saved for a rule;
    //  - a BackwardRule closure, for ops off the hot path;
    //  - a static OperandRule that reads its operands from the node, so no closure exists at all;
    //  - a state and a static factory that builds the closure from it, called only when the op is recorded.
    // Rules recorded this way are the library's: trusted not to keep what they allocate (Note [Recycled buffers] in
    // Memory/PassBuffers.cs). User code records through the public Record above, whose rules may keep anything.

    // Note [Unrecorded ops]
    // A rule closure, its delegate and the inputs array cost ~150 bytes per op, and most calls are not recorded: every op a
    // backward pass runs without createGraph, every op under NoGrad. A hot op therefore passes its operands one by one with
    // an OperandRule or a (state, factory) pair: unrecorded, Finish then allocates nothing (a lambda over the op's parameters
    // would allocate its closure on entry, recorded or not), and it makes an inputs array only for anomaly mode's check.

    internal static Tensor Finish(string op, Tensor y, Tensor a, Tensor? b = null, Tensor? c = null)
    {
        ListInScope(y, a, b, c);
        // Never recorded, so an exporter learns of comparisons and the like only this way (Note [Op traces] in OpTrace.cs).
        if (OpTrace.IsActive) OpTrace.Describe(y, op, c is not null ? [a, b, c] : b is not null ? [a, b] : [a]);
        var site = CallSite.Current;
        if (site.IsKnown) y.Site = site;
        return y;
    }

    internal static Tensor Finish(string op, Tensor y, Tensor[] inputs, BackwardRule rule, Tensor[]? saved = null)
    {
        if (ScopeBuffers.Owning(y.Storage) is { } scope && !SharesStorage(y, inputs)) scope.List(y.Storage);
        return Records(inputs) ? Recorded(op, y, inputs, rule, saved, libraryRule: true) : Unrecorded(op, y, inputs);
    }

    internal static Tensor Finish(string op, Tensor y, Tensor x, OperandRule rule, Tensor[]? saved = null)
    {
        ListInScope(y, x, null, null);
        if (t_noGradDepth == 0 && x.RequiresGrad) return Recorded(op, y, [x], rule, saved, libraryRule: true);
        return Unrecorded(op, y, x, null, null);
    }

    internal static Tensor Finish(string op, Tensor y, Tensor a, Tensor b, OperandRule rule, Tensor[]? saved = null)
    {
        ListInScope(y, a, b, null);
        if (t_noGradDepth == 0 && (a.RequiresGrad || b.RequiresGrad)) return Recorded(op, y, [a, b], rule, saved, libraryRule: true);
        return Unrecorded(op, y, a, b, null);
    }

    // The rule is built from state by a static factory, only when the op is recorded (Note [Unrecorded ops]).
    internal static Tensor Finish<TState>(string op, Tensor y, Tensor a, Tensor? b, Tensor? c, TState state, Func<TState, BackwardRule> rule,
        Tensor[]? saved = null)
    {
        ListInScope(y, a, b, c);
        if (t_noGradDepth == 0 && (a.RequiresGrad || b is { RequiresGrad: true } || c is { RequiresGrad: true }))
            return Recorded(op, y, Inputs(a, b, c), rule(state), saved, libraryRule: true);
        return Unrecorded(op, y, a, b, c);
    }

    // Tensor.Detach's result y of x: an identity to an exporter's trace (Note [Op traces] in OpTrace.cs), nothing otherwise.
    internal static Tensor Detached(Tensor y, Tensor x) => OpTrace.IsActive ? OpTrace.Described(y, "Detach", x) : y;

    private static Tensor[] Inputs(Tensor a, Tensor? b, Tensor? c) => c is not null ? [a, b!, c] : b is not null ? [a, b] : [a];

    // see Note [Step scopes] in Memory/ScopeBuffers.cs: a view shares its input's buffer, which is the input's to give back.
    private static void ListInScope(Tensor y, Tensor a, Tensor? b, Tensor? c)
    {
        if (ScopeBuffers.Owning(y.Storage) is not { } scope) return;
        var s = y.Storage;
        if (ReferenceEquals(a.Storage, s) || ReferenceEquals(b?.Storage, s) || ReferenceEquals(c?.Storage, s)) return;
        scope.List(s);
    }

    private static bool SharesStorage(Tensor y, Tensor[] inputs)
    {
        foreach (var x in inputs)
            if (ReferenceEquals(x.Storage, y.Storage)) return true;
        return false;
    }

    private static bool Records(Tensor[] inputs)
    {
        if (t_noGradDepth != 0) return false;
        foreach (var x in inputs)
            if (x.RequiresGrad) return true;
        return false;
    }

    private static Tensor Recorded(string op, Tensor output, Tensor[] inputs, Delegate rule, Tensor[]? saved, bool libraryRule)
    {
        bool anomaly = Diagnostics.IsAnomalyDetectionEnabled;
        var site = CallSite.ForRecord(anomaly);
        output.Site = site;
        if (anomaly) Diagnostics.CheckForwardSlow(op, output, inputs, site);
        output.GradFn = new Node(op, output, inputs, rule, saved, site, libraryRule);
        output.RequiresGrad = true;
        t_recorded++;
        return output;
    }

    // Not recorded, but the site is still worth keeping for shape errors about this tensor later (one field copy).
    private static Tensor Unrecorded(string op, Tensor output, Tensor[] inputs)
    {
        output.Site = CallSite.Current;
        Diagnostics.CheckForward(op, output, inputs, output.Site);
        if (OpTrace.IsActive) OpTrace.DescribeUnrecorded(output, op, inputs);   // Note [Op traces]
        return output;
    }

    private static Tensor Unrecorded(string op, Tensor y, Tensor a, Tensor? b, Tensor? c)
    {
        var site = CallSite.Current;
        if (site.IsKnown) y.Site = site;   // y is fresh: its site is already unknown
        if (Diagnostics.IsAnomalyDetectionEnabled) Diagnostics.CheckForwardSlow(op, y, Inputs(a, b, c), site);
        if (OpTrace.IsActive) OpTrace.DescribeUnrecorded(y, op, Inputs(a, b, c));   // Note [Op traces]
        return y;
    }
}
