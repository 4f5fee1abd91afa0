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
    public static Tensor Record(string op, Tensor output, Tensor[] inputs, BackwardRule rule)
    {
        if (t_noGradDepth != 0) return output;
        bool any = false;
        foreach (var x in inputs) any |= x.RequiresGrad;
        if (!any) return output;
        output.GradFn = new Node(op, output, inputs, rule);
        output.RequiresGrad = true;
        t_recorded++;
        return output;
    }
}
