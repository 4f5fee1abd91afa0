namespace AutoGrad.Differentiation;

// Everything about one backward pass that is decided before its walk starts, in one place, so the walk itself asks a
// field instead of re-deriving a condition (Note [The backward loop] in Engine.cs).
internal readonly struct PassMode
{
    public string Op { get; init; }                  // "Backward" or "Grad", for error messages
    public bool CreateGraph { get; init; }           // the rules' own ops are recorded, so gradients are differentiable
    public bool RetainGraph { get; init; }           // nodes keep their rules and saved values after the pass
    public bool Anomaly { get; init; }               // Diagnostics.DetectAnomaly is on: rules' results are checked
    public bool Recycle { get; init; }               // gradients the pass's rules made are recycled (Note [Recycled buffers])
    public bool Sinks { get; init; }                 // a rule may accumulate a product into a leaf's .Grad (Note [Gradient sinks])
    public HashSet<Tensor>? Keep { get; init; }      // Grad's inputs: their gradients stay in the map when their node runs
    public CallSite Site { get; init; }              // the user's line current when the pass started (it stays current)

    public static PassMode Of(string op, bool retainGraph, bool createGraph, HashSet<Tensor>? keep, List<Node> nodes)
    {
        bool anomaly = Diagnostics.IsAnomalyDetectionEnabled;
        return new PassMode
        {
            Op = op,
            CreateGraph = createGraph,
            RetainGraph = retainGraph,
            Anomaly = anomaly,
            Recycle = EngineTestHooks.RecycleBuffers && !createGraph && !anomaly,
            Sinks = keep is null && !createGraph && !anomaly && RunsNoUserCode(nodes),
            Keep = keep,
            Site = CallSite.Current,
        };
    }

    // Hooks, RetainGrad and user-recorded rules are user code (UserCode.cs).
    private static bool RunsNoUserCode(List<Node> nodes)
    {
        foreach (var n in nodes)
            if (UserCode.Runs(n)) return false;
        return true;
    }
}
