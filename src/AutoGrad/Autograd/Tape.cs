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
        Record(op, output, inputs, rule, saved, libraryRule: false);

    // The library's own ops: their rules keep no reference to the tensors they make, so the engine may recycle those
    // (see Note [Recycled buffers] in BufferPool.cs). A rule recorded by user code may keep anything.
    internal static Tensor RecordOp(string op, Tensor output, Tensor[] inputs, BackwardRule rule, Tensor[]? saved = null) =>
        Record(op, output, inputs, rule, saved, libraryRule: true);

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
        output.Site = CallSite.Current;
        if (Diagnostics.IsAnomalyDetectionEnabled)
            Diagnostics.CheckForward(op, output, c is not null ? [a, b!, c] : b is not null ? [a, b] : [a], output.Site);
        return output;
    }

    private static Tensor Record(string op, Tensor output, Tensor[] inputs, BackwardRule rule, Tensor[]? saved, bool libraryRule)
    {
        if (t_noGradDepth != 0) return Unrecorded(op, output, inputs);
        bool any = false;
        foreach (var x in inputs) any |= x.RequiresGrad;
        if (!any) return Unrecorded(op, output, inputs);
        var site = CallSite.ForRecord();
        output.Site = site;
        Diagnostics.CheckForward(op, output, inputs, site);
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
