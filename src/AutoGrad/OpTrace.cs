namespace AutoGrad.Differentiation;

/// <summary>
/// Records, while a trace is open on this thread, which ops were called with which arguments: what an exporter needs beyond
/// the tape's nodes (a convolution's stride, a softmax's axis, a product's transpose flags).
/// </summary>
// Note [Op traces]
// A node knows its op's name, inputs and output, but not the op's non-tensor arguments (they live in its rule's closure), and
// a composite op (Conv2d, LayerNorm) leaves only its inner primitives on the tape. An exporter such as AutoGrad.Onnx opens a
// trace, runs one forward pass, and asks OpTrace.Session.Of(tensor) for the description its op gave: the outermost op wins,
// because it describes its result after the inner ones did. An op describes itself only when a trace is open
// (`if (OpTrace.IsActive) OpTrace.Describe(...)`), so outside a trace it costs one thread-static read and allocates nothing.
// Only ops whose arguments an exporter cannot read from shapes describe themselves; the others are read from their nodes.
public static class OpTrace
{
    [ThreadStatic] private static Session? t_session;
    private static int s_open;   // traces open on any thread: while 0, IsActive reads no thread-static at all

    /// <summary>True while a trace is open on this thread.</summary>
    public static bool IsActive => Volatile.Read(ref s_open) != 0 && t_session is not null;

    /// <summary>Opens a trace on this thread; dispose the session to close it. Traces do not nest.</summary>
    public static Session Begin()
    {
        if (t_session is not null) throw new InvalidOperationException("OpTrace.Begin: a trace is already open on this thread.");
        Interlocked.Increment(ref s_open);
        return t_session = new Session();
    }

    /// <summary>
    /// Describes <paramref name="output"/> as made by <paramref name="op"/> from <paramref name="inputs"/> with
    /// <paramref name="attributes"/>, when a trace is open; otherwise does nothing.
    /// </summary>
    /// <remarks>Ignored when <paramref name="output"/> is one of the inputs (an op that returned its input unchanged).</remarks>
    public static void Describe(Tensor output, string op, Tensor?[] inputs, params (string Name, object Value)[] attributes)
    {
        if (t_session is not { } s) return;
        ArgumentNullException.ThrowIfNull(output);
        foreach (var x in inputs)
            if (ReferenceEquals(x, output)) return;
        var map = new Dictionary<string, object>(attributes.Length);
        foreach (var (name, value) in attributes) map[name] = value;
        s.Add(output, new OpDescription(op, [.. inputs], map, CallSite.Current));
    }

    // The scalar ops' one-line form: describes y (when a trace is open) and returns it.
    internal static Tensor Described(Tensor y, string op, Tensor x, string name, double value)
    {
        if (IsActive) Describe(y, op, [x], (name, value));
        return y;
    }

    // Detach's: an identity in a forward pass, described so that what is computed from a detached input stays in the graph.
    internal static Tensor Described(Tensor y, string op, Tensor x)
    {
        if (IsActive) Describe(y, op, [x]);
        return y;
    }

    // An op that was not recorded (under NoGrad, or on a detached input) but read a traced tensor: described by name and
    // inputs only, unless the op already described itself with its arguments, so an exporter sees it instead of taking its
    // result for a constant. An exporter that needs arguments it was not given then fails naming the op, never silently.
    internal static void DescribeUnrecorded(Tensor y, string op, Tensor[] inputs)
    {
        if (t_session is not { } s || s.Of(y) is not null) return;
        foreach (var x in inputs)
            if (x.RequiresGrad || s.Of(x) is not null)
            {
                s.Add(y, new OpDescription(op, [.. inputs], new Dictionary<string, object>(), CallSite.Current) { Unrecorded = true });
                return;
            }
    }

    /// <summary>An open trace: the descriptions recorded since <see cref="Begin"/>.</summary>
    public sealed class Session : IDisposable
    {
        private readonly Dictionary<Tensor, OpDescription> _descriptions = new(ReferenceEqualityComparer.Instance);

        internal Session() { }

        internal void Add(Tensor output, OpDescription description) => _descriptions[output] = description;

        /// <summary>The description of the outermost op that returned <paramref name="output"/>, or null.</summary>
        public OpDescription? Of(Tensor output) => _descriptions.GetValueOrDefault(output);

        /// <summary>Closes the trace.</summary>
        public void Dispose()
        {
            if (!ReferenceEquals(t_session, this)) return;
            t_session = null;
            Interlocked.Decrement(ref s_open);
        }
    }
}

/// <summary>What an op told <see cref="OpTrace"/> about one call: its name, tensor inputs (null for an absent optional one), arguments and call site.</summary>
/// <param name="Op">The op's name, for example <c>Conv2d</c>.</param>
/// <param name="Inputs">The op's tensor inputs in order; null where an optional input (a bias) was not given.</param>
/// <param name="Attributes">The op's other arguments by name.</param>
/// <param name="Site">Where the op was called.</param>
public sealed record OpDescription(string Op, IReadOnlyList<Tensor?> Inputs, IReadOnlyDictionary<string, object> Attributes, CallSite Site)
{
    /// <summary>
    /// True when the tape did not record the op and it described itself, without its arguments, only so that an exporter does
    /// not take its result for a constant; a node recorded for the same tensor afterwards (an op finishing with an inner op's
    /// result) tells more.
    /// </summary>
    public bool Unrecorded { get; init; }

    /// <summary>The attribute <paramref name="name"/> as a <typeparamref name="T"/>.</summary>
    public T Get<T>(string name) => Attributes.TryGetValue(name, out var v) && v is T t
        ? t
        : throw new KeyNotFoundException($"OpDescription '{Op}': no attribute '{name}' of type {typeof(T).Name}.");
}
