namespace AutoGrad.Autograd;

/// <summary>
/// The per-thread recorder: decides whether ops are recorded (<see cref="NoGrad"/>) and records them.
/// </summary>
public static class Tape
{
    [ThreadStatic] private static int t_noGradDepth;
    [ThreadStatic] private static long t_recorded;

    /// <summary>True when ops on this thread are recorded (no <see cref="NoGrad"/> scope is open).</summary>
    public static bool IsEnabled => t_noGradDepth == 0;

    /// <summary>Number of nodes recorded on this thread since it started (a counter for tests and diagnostics).</summary>
    public static long RecordedCount => t_recorded;

    /// <summary>Opens a scope in which nothing is recorded; dispose it to close. Scopes nest.</summary>
    /// <example><code>using (Tape.NoGrad()) { model.Forward(x); }</code></example>
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

    /// <summary>
    /// Records <paramref name="output"/> as made by <paramref name="op"/> from <paramref name="inputs"/>, when recording is
    /// on and some input requires gradients; returns <paramref name="output"/>.
    /// </summary>
    /// <param name="op">The op's name, shown in errors and graph views.</param>
    /// <param name="output">The op's result.</param>
    /// <param name="inputs">The op's tensor inputs.</param>
    /// <param name="rule">Maps <c>∂L/∂output</c> to the inputs' gradients.</param>
    /// <param name="saved">
    /// The tensors whose values <paramref name="rule"/> reads (default: every input and the output); an in-place write to one
    /// of them before backward is an error. Pass an empty array for rules that read no values (Add, Reshape, Sum).
    /// </param>
    public static Tensor Record(string op, Tensor output, Tensor[] inputs, BackwardRule rule, Tensor[]? saved = null) =>
        Records(inputs) ? Recorded(op, output, inputs, rule, saved, libraryRule: false) : Unrecorded(op, output, inputs);

    // Note [Unrecorded ops]
    // A rule closure, its delegate and the inputs array cost ~150 bytes per op, and most calls are not recorded: every op a
    // backward pass runs without createGraph, every op under NoGrad. A hot op asks WillRecord first and builds its rule in
    // a separate method only then (a lambda over the op's parameters would allocate its closure on entry); otherwise
    // NotRecorded does what Record does for an unrecorded op, making the inputs array only for anomaly mode's check.
    internal static bool WillRecord(Tensor a) => t_noGradDepth == 0 && a.RequiresGrad;

    internal static bool WillRecord(Tensor a, Tensor b, Tensor? c = null) =>
        t_noGradDepth == 0 && (a.RequiresGrad || b.RequiresGrad || c is { RequiresGrad: true });

    internal static Tensor NotRecorded(string op, Tensor output, Tensor a, Tensor? b = null, Tensor? c = null)
    {
        if (output.Storage is ScopedStorage) StepScope.OnOpResult(output, a, b, c);   // see Note [Step scopes]
        output.Site = CallSite.Current;
        if (Diagnostics.IsAnomalyDetectionEnabled)
            Diagnostics.CheckForward(op, output, c is not null ? [a, b!, c] : b is not null ? [a, b] : [a], output.Site);
        return output;
    }

    // The library's own ops: their rules keep no reference to the tensors they make, so the engine may recycle those
    // (see Note [Recycled buffers] in BufferPool.cs). A rule recorded by user code may keep anything.
    internal static Tensor RecordOp(string op, Tensor output, Tensor[] inputs, BackwardRule rule, Tensor[]? saved = null)
    {
        // A library op's result made inside a StepScope is temporary, recorded or not (Note [Step scopes]).
        StepScope.OnOpResult(output, inputs);
        return Records(inputs) ? Recorded(op, output, inputs, rule, saved, libraryRule: true) : Unrecorded(op, output, inputs);
    }

    // A binary op whose rule reads its operands from the node (OperandRule): the inputs array is made only when recording.
    internal static Tensor RecordOp(string op, Tensor output, Tensor a, Tensor b, OperandRule rule, Tensor[]? saved = null)
    {
        StepScope.OnOpResult(output, a, b, null);   // see Note [Step scopes]
        if (t_noGradDepth == 0 && (a.RequiresGrad || b.RequiresGrad))
            return Recorded(op, output, [a, b], rule, saved, libraryRule: true);
        var site = CallSite.Current;
        if (site.IsKnown) output.Site = site;   // the output is fresh: its site is already unknown
        Diagnostics.CheckForward(op, output, a, b, site);
        return output;
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
        return output;
    }
}
