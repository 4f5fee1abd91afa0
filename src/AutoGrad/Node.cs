namespace AutoGrad.Differentiation;

/// <summary>Computes an op's input gradients from the gradient <c>g = ∂L/∂y</c> of its output.</summary>
/// <remarks>Entries are null for inputs that receive no gradient. Each entry has the output's shape or the input's;
/// the engine sums it down to the input's shape (see Note [Broadcast gradients] in Differentiation/Engine.cs).</remarks>
public delegate Tensor?[] BackwardRule(Tensor g);

// A library op's rule that reads its operands from the node rather than capturing them: written as a static lambda,
// it is one delegate for every node, so recording the op allocates no closure, and running the op unrecorded (inside
// another op's backward, under NoGrad) allocates nothing for the tape at all.
internal delegate Tensor?[] OperandRule(Tensor g, Tensor[] inputs, Tensor output);

/// <summary>
/// One recorded op on the tape: its name, its inputs, its output and the rule that maps the output's
/// gradient to its inputs' gradients.
/// </summary>
// Note [Tape order]
// Every node takes a stamp from one increasing counter when its op runs. An op's inputs exist before
// the op runs, so their nodes have smaller stamps: sorting the nodes reachable from a root by stamp,
// newest first, is already a reverse topological order. Backward therefore needs no recursive DFS and
// cannot overflow the stack on deep graphs (an RNN unrolled over 10,000 steps is fine). The tape of a
// thread is the set of nodes its ops record, ordered by stamp; it is owned by the tensors that hold them,
// so a graph nobody references (an evaluation pass without NoGrad) is collected like any other object.
public sealed class Node
{
    private static long s_nextStamp;

    internal Node(string op, Tensor output, Tensor[] inputs, Delegate rule, Tensor[]? saved, CallSite site, bool libraryRule)
    {
        Op = op;
        Output = output;
        _inputs = inputs;
        _rule = rule;
        Site = site;
        _stampAndLibrary = Interlocked.Increment(ref s_nextStamp) << 1 | (libraryRule ? 1L : 0L);
        _saved = saved;   // null: the inputs and then the output, without copying them into a new array
        // Almost every saved tensor is fresh (version 0); then no per-node array is needed: null means all zero.
        int n = SavedCount;
        for (int i = 0; i < n; i++)
        {
            if (SavedAt(i).Version == 0) continue;
            _savedVersions = new int[n];
            for (int k = 0; k < n; k++) _savedVersions[k] = SavedAt(k).Version;
            break;
        }
    }

    /// <summary>The op's name, for example <c>Multiply</c>.</summary>
    public string Op { get; }

    /// <summary>The tensor this op produced.</summary>
    public Tensor Output { get; }

    /// <summary>The op's tensor inputs, in order.</summary>
    public IReadOnlyList<Tensor> Inputs => _inputs;

    private readonly Tensor[] _inputs;

    // The engine's hot loops index the array directly rather than through the interface.
    internal Tensor[] InputArray => _inputs;

    /// <summary>Where the user called the op that recorded this node (see Note [Call sites] in CallSite.cs).</summary>
    public CallSite Site { get; }

    /// <summary>Position on the tape: larger stamps were recorded later.</summary>
    public long Stamp => _stampAndLibrary >> 1;

    // The stamp and LibraryRule share one field: a separate bool would add 8 bytes to every recorded node.
    private readonly long _stampAndLibrary;

    /// <summary>True once a backward pass without <c>retainGraph</c> has released this node's saved values.</summary>
    public bool IsFreed => _rule is null;

    // A BackwardRule or an OperandRule; null once freed.
    private Delegate? _rule;

    internal Tensor?[] RunRule(Tensor g) => _rule is OperandRule r ? r(g, _inputs, Output) : ((BackwardRule)_rule!)(g);

    // Recorded by one of the library's ops (Note [Recycled buffers] in Memory/PassBuffers.cs).
    internal bool LibraryRule => (_stampAndLibrary & 1) != 0;

    // Note [Saved values]
    // A rule captures the tensors it needs (inputs or the output). If one of them is written in place
    // after the op ran, the rule would silently compute a wrong gradient; the storage's version counter,
    // copied here at record time, lets the engine refuse instead. Only the tensors the rule reads are listed
    // (all inputs and the output unless the op says otherwise), so that updating a weight used only by an Add
    // is not a false alarm. The engine checks them just before the rule runs.
    private readonly Tensor[]? _saved;

    internal int SavedCount => _saved?.Length ?? _inputs.Length + 1;

    internal Tensor SavedAt(int i) => _saved is { } s ? s[i] : i < _inputs.Length ? _inputs[i] : Output;

    private readonly int[]? _savedVersions;

    internal int SavedVersion(int i) => _savedVersions?[i] ?? 0;

    internal void Release() => _rule = null;

    /// <inheritdoc/>
    public override string ToString() => $"{Op} -> {Output.Shape} {Output.DType.Name()}";
}
