using System.Globalization;

namespace AutoGrad.Differentiation;

/// <summary>
/// Debugging switches: anomaly detection (the first op whose output holds NaN or ±∞) and stack-walked call sites for
/// operators (see Note [Call sites] in CallSite.cs).
/// </summary>
public static class Diagnostics
{
    [ThreadStatic] private static int t_anomalyDepth;
    [ThreadStatic] private static int t_inBackwardRule;

    /// <summary>
    /// When true, nodes recorded by operators (<c>a + b</c>) outside any public op, or by library code such as a layer's
    /// Forward, get the user's line by walking the stack (slow: for debugging). Off by default; on inside <see cref="DetectAnomaly"/>.
    /// </summary>
    public static bool CaptureOperatorSites
    {
        get => s_captureOperatorSites || t_anomalyDepth > 0;
        set => s_captureOperatorSites = value;
    }

    private static bool s_captureOperatorSites;

    /// <summary>True while a <see cref="DetectAnomaly"/> scope is open on this thread.</summary>
    public static bool IsAnomalyDetectionEnabled => t_anomalyDepth > 0;

    /// <summary>
    /// Opens a scope in which every op's output (forward) and every backward rule's gradients are checked for NaN and ±∞;
    /// the first one found throws <see cref="AnomalyException"/> naming the op, its source line and its inputs' statistics.
    /// </summary>
    /// <example><code>using (Diagnostics.DetectAnomaly()) { loss = model.Forward(x).MseLoss(y); loss.Backward(); }</code></example>
    public static AnomalyScope DetectAnomaly()
    {
        t_anomalyDepth++;
        return new AnomalyScope();
    }

    /// <summary>Closes an anomaly-detection scope when disposed.</summary>
    public readonly struct AnomalyScope : IDisposable
    {
        /// <summary>Closes the scope.</summary>
        public void Dispose() => t_anomalyDepth--;
    }

    // While a backward rule runs, its inner ops are not checked one by one: the engine checks the rule's results and
    // reports them as "the backward of <op>", which is what the user recorded.
    internal static Scope EnterBackwardRule()
    {
        t_inBackwardRule++;
        return new Scope(entered: true);
    }

    // default (not entered) disposes to nothing.
    internal readonly struct Scope(bool entered) : IDisposable
    {
        public void Dispose()
        {
            if (entered) t_inBackwardRule--;
        }
    }

    // Every op calls these: the test for anomaly mode is inlined, the check itself is not.
    internal static void CheckForward(string op, Tensor output, Tensor[] inputs, CallSite site)
    {
        if (t_anomalyDepth != 0) CheckForwardSlow(op, output, inputs, site);
    }

    internal static void CheckForward(string op, Tensor output, Tensor a, Tensor b, CallSite site)
    {
        if (t_anomalyDepth != 0) CheckForwardSlow(op, output, [a, b], site);
    }

    // For a caller that has read the anomaly-mode flag already.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    internal static void CheckForwardSlow(string op, Tensor output, Tensor[] inputs, CallSite site)
    {
        if (t_inBackwardRule > 0 || TensorStats.Of(output).IsFinite) return;
        throw new AnomalyException(op, CallSite.Resolve(site), backward: false, output, inputs, null);
    }

    internal static void CheckBackward(Node node, Tensor g, Tensor?[] inputGrads)
    {
        if (t_anomalyDepth != 0) CheckBackwardSlow(node, g, inputGrads);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void CheckBackwardSlow(Node node, Tensor g, Tensor?[] inputGrads)
    {
        for (int i = 0; i < inputGrads.Length; i++)
            if (inputGrads[i] is { } gi && !TensorStats.Of(gi).IsFinite)
                throw new AnomalyException(node.Op, node.Site, backward: true, gi, [.. node.Inputs], (i, g));
    }

    /// <summary>"operand a (2, 3) float32 made by Exp at Model.cs:42" — for error messages about an op's operands.</summary>
    internal static string Operand(string name, Tensor t)
    {
        var s = $"operand {name} {t.Shape} {t.DType.Name()}";
        if (t.Name is { } n) s += $" '{n}'";
        var site = t.GradFn?.Site ?? t.Site;
        string? op = t.GradFn?.Op ?? (site.IsKnown ? site.Member : null);
        if (op is null) return s + (t.RequiresGrad ? " (a leaf parameter)" : " (a leaf)");
        return s + $" made by {op}" + (site.IsKnown ? $" at {site}" : "");
    }

    /// <summary>An <see cref="ArgumentException"/> for an op whose operands do not fit: the message, where the op was called, and where each operand was made.</summary>
    internal static ArgumentException OperandError(string op, string message, Tensor a, Tensor b, Exception? inner = null)
    {
        // The op's message stays first ("<op>: …"), under the name of the op the user called (see UserOp); where it was called
        // and where each operand was made follow on their own lines.
        var user = UserOp(op);
        if (user != op && message.StartsWith(op + ":", StringComparison.Ordinal)) message = user + message[op.Length..];
        var site = CallSite.Resolve(CallSite.Current);
        var at = site.IsKnown ? $"\n  {user} called at {site}" + (user != op ? $" (the error arose in its inner {op})" : "") : "";
        return new ArgumentException($"{message}{at}\n  {Operand("a", a)}\n  {Operand("b", b)}", inner);
    }

    /// <summary>The name errors give an op: the outermost public op now running (Note [Call sites]), else <paramref name="op"/>.</summary>
    /// <remarks>
    /// The same first-entered-wins rule as call sites: a composite's inner op (1-D <c>MatMul</c>'s <c>Dot</c>, <c>PRelu</c>'s
    /// <c>Multiply</c>) reports under the name the user wrote. A name that already starts with the outer one ("MatMul (batch axes)")
    /// is more precise and is kept.
    /// </remarks>
    internal static string UserOp(string op) =>
        CallSite.Current.Member is { Length: > 0 } outer && !op.StartsWith(outer, StringComparison.Ordinal) ? outer : op;

}

/// <summary>Summary statistics of a tensor's values: min, max and mean of the finite ones, and counts of NaN and ±∞.</summary>
/// <param name="Count">Number of elements.</param>
/// <param name="Min">Smallest finite value (NaN when there is none).</param>
/// <param name="Max">Largest finite value (NaN when there is none).</param>
/// <param name="Mean">Mean of the finite values (NaN when there is none).</param>
/// <param name="NaNs">Number of NaN elements.</param>
/// <param name="Infinities">Number of +∞ or −∞ elements.</param>
public readonly record struct TensorStats(int Count, double Min, double Max, double Mean, int NaNs, int Infinities)
{
    /// <summary>True when no element is NaN or infinite.</summary>
    public bool IsFinite => NaNs == 0 && Infinities == 0;

    /// <summary>Computes the statistics of <paramref name="t"/>'s values.</summary>
    public static TensorStats Of(Tensor t)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0;
        int nan = 0, inf = 0, n = t.Size;
        for (int i = 0; i < n; i++)
        {
            double v = t.GetFlat(i);   // any dtype (integer buffers are always finite)
            if (double.IsNaN(v)) { nan++; continue; }
            if (double.IsInfinity(v)) { inf++; continue; }
            if (v < min) min = v;
            if (v > max) max = v;
            sum += v;
        }
        int finite = n - nan - inf;
        return finite == 0 ? new(n, double.NaN, double.NaN, double.NaN, nan, inf) : new(n, min, max, sum / finite, nan, inf);
    }

    /// <summary><c>min … max … mean … NaN … ±∞ …</c>, invariant culture.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"min {Min:g6}, max {Max:g6}, mean {Mean:g6}, NaN {NaNs}, ±∞ {Infinities} (of {Count})");
}
