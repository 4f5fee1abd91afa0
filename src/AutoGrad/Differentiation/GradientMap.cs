using AutoGrad.Memory;

namespace AutoGrad.Differentiation;

// Note [Gradient accumulation]
// A tensor used by several ops (x * x, a diamond, a shared weight) receives one gradient per use; they are summed, never
// assigned. The map holds the running sum for every tensor reached so far. By Note [Tape order], when a node is processed
// every node that consumes its output has already added its share, so the sum is complete; the engine then takes it and
// the map drops it (Done), which frees it for recycling (Note [Recycled buffers] in Memory/PassBuffers.cs).

/// <summary>
/// One backward pass's running gradient sums, and what follows from them: which buffers the pass may recycle, and how the
/// leaves' sums end up in their <c>.Grad</c>.
/// </summary>
/// <remarks>
/// Maps are reused across passes on a thread (a pass started from inside a rule or hook rents a fresh one), so a small
/// backward allocates almost nothing beyond its gradients; they scan rather than hash while small (Note [Small graphs]
/// in RefMap.cs).
/// </remarks>
internal sealed class GradientMap : IRunningSums
{
    [ThreadStatic] private static GradientMap? t_free;

    private readonly RefMap<Tensor, Tensor> _sums = new();
    private readonly RefMap<Storage, bool> _assigned = new();   // buffers a .Grad took as its own
    private readonly RefMap<Storage, bool> _spent = new();      // buffers added into an existing .Grad
    private readonly RefMap<Tensor, bool> _ownSums = new();     // sums only this map holds (Note [Scattered view gradients] in GradientSinks.cs)
    private readonly PassBuffers _buffers = new();
    private PassBuffers? _recycling;                            // _buffers while a recycling pass walks, else null
    private PassBuffers? _outerBuffers;
    private (bool, IRunningSums?) _outerSinks;

    // Scratch for Engine.Collect and for Backward's single root, kept with the map so that they are reused with it.
    internal readonly RefMap<Node, bool> Seen = new();
    internal readonly List<Node> Nodes = [];
    internal readonly Tensor[] Root = new Tensor[1];
    internal readonly Tensor[] Seed = new Tensor[1];

    public static GradientMap Rent()
    {
        var m = t_free ?? new GradientMap();
        t_free = null;
        return m;
    }

    public static void Return(GradientMap m)
    {
        // Large graphs would pin their nodes and tensors through these collections; let those go.
        if (m.Nodes.Count > 10_000) return;
        m._sums.Clear(); m.Seen.Clear(); m.Nodes.Clear(); m._assigned.Clear(); m._spent.Clear(); m._ownSums.Clear();
        m.Root[0] = null!; m.Seed[0] = null!;
        t_free = m;
    }

    public int Count => _sums.Count;
    public Tensor KeyAt(int k) => _sums.KeyAt(k);
    public Tensor ValueAt(int k) => _sums.ValueAt(k);
    public void SetAt(int k, Tensor g) => _sums.SetValueAt(k, g);
    public bool TryGet(Tensor x, out Tensor g) => _sums.TryGetValue(x, out g!);
    public void Set(Tensor x, Tensor g) => _sums.Set(x, g);

    // A root's seed (before the walk: seeds are never the pass's buffers).
    public void AddSeed(Tensor root, Tensor seed, bool createGraph) =>
        _sums.Set(root, _sums.TryGetValue(root, out var s) ? Sum(s, seed, createGraph) : seed);

    // From here to EndWalk this pass owns what is allocated on this thread when it recycles, except around user code
    // (Suspend), and a pass started inside a rule owns nothing of this one's; sinks are open as the mode says.
    public void BeginWalk(in PassMode mode)
    {
        _recycling = mode.Recycle ? _buffers : null;
        _recycling?.Start();
        _outerBuffers = PassBuffers.Swap(_recycling);
        _outerSinks = GradientSinks.Open(mode.Sinks, this);
    }

    public void EndWalk()
    {
        PassBuffers.Swap(_outerBuffers);
        _outerBuffers = null;
        GradientSinks.Restore(_outerSinks);
    }

    // One more gradient for x (Note [Gradient accumulation]).
    public void Add(Tensor x, Tensor gi, bool createGraph)
    {
        int at = _sums.IndexOf(x);
        if (at >= 0)
        {
            var acc = _sums.ValueAt(at);
            var sum = Sum(acc, gi, createGraph);
            _sums.SetValueAt(at, sum);
            _ownSums.Remove(acc);
            if (!createGraph) _ownSums.TryAdd(sum, true);   // GradientSum.Add's new buffer: nobody else has it
            _recycling?.Hold(sum.Storage);
            _recycling?.Release(acc.Storage);
        }
        else
        {
            _sums.Append(x, gi);
            _recycling?.Hold(gi.Storage);
        }
    }

    // A node has run: its output's gradient g is complete and consumed, so a non-leaf's is dropped to free memory (Grad's
    // inputs keep theirs), and every buffer of the pass that no entry refers to any more is recycled.
    public void Done(Tensor output, Tensor g, in PassMode mode)
    {
        _ownSums.Remove(g);   // the node's rule now holds g, and may return it as another input's gradient
        if (mode.Keep is null || !mode.Keep.Contains(output))
        {
            _sums.Remove(output);
            _recycling?.Release(g.Storage);
        }
        _recycling?.Sweep();
    }

    // The user-code boundary (Note [User code in a pass] in UserCode.cs): until disposed, nothing allocated is the pass's,
    // and g, which user code is about to see, escapes.
    public Boundary Suspend(Tensor g, in PassMode mode)
    {
        PassBuffers.Swap(null);
        if (mode.Recycle) PassBuffers.Escape(g.Storage);
        return new Boundary(_recycling);
    }

    internal readonly struct Boundary(PassBuffers? resume) : IDisposable
    {
        public void Dispose() => PassBuffers.Swap(resume);
    }

    // A leaf's gradient handed to its hooks after the walk is never recycled.
    public void EscapeAt(int k) => PassBuffers.Escape(_sums.ValueAt(k).Storage);

    // Backward's last step: each leaf's sum goes into its .Grad. Without createGraph it is added in place into an existing
    // .Grad (as PyTorch does), after which the sum is spent; otherwise .Grad takes it, or a copy when the buffer is not
    // the leaf's alone.
    public void StoreLeafGrads(in PassMode mode, Tensor? seed)
    {
        for (int k = 0; k < _sums.Count; k++)
        {
            var x = _sums.KeyAt(k);
            if (!x.IsLeaf || !x.RequiresGrad) continue;
            var g = _sums.ValueAt(k);
            if (!mode.CreateGraph && x.Grad is { } existing && GradientSinks.CanAddInPlace(existing, g))
            {
                GradientSum.AddInto(existing, g);
                existing.BumpVersion(mode.Site);
                _spent.TryAdd(g.Storage, true);
                continue;
            }
            var own = MayTake(x, g, seed, mode) ? g : g.Clone();
            x.Grad = x.Grad is null ? own : Sum(x.Grad, own, mode.CreateGraph);
        }
        // A spent sum this pass allocated and no .Grad took goes back to the pool; only a pass that owned its buffers may.
        if (mode.Recycle)
            for (int k = 0; k < _spent.Count; k++)
                if (!_assigned.ContainsKey(_spent.KeyAt(k))) _buffers.RecycleResult(_spent.KeyAt(k));
    }

    // Whether x.Grad may be g itself rather than a copy. .Grad must never share a buffer with another tensor, or an in-place
    // update of one would change both.
    private bool MayTake(Tensor x, Tensor g, Tensor? seed, in PassMode mode)
    {
        if (mode.CreateGraph) return true;                           // .Grad is then a graph value, never updated in place
        if (x.HasHooks) return false;                                // a leaf hook may have kept g (PyTorch copies too)
        if (ReferenceEquals(g.Storage, seed?.Storage)) return false; // a rule returned the caller's seed itself
        return _assigned.TryAdd(g.Storage, true);                    // Add returns g twice, a reshape shares g's buffer: once only
    }

    // Whether `sum` is a running sum only this map holds, which a view's gradient may be scatter-added into in place.
    public bool IsOwnSum(Tensor sum) => _ownSums.ContainsKey(sum);

    // A view gradient the sink made in a fresh buffer, about to be added to the map as the input's first gradient.
    public void MarkOwnSum(Tensor fresh) => _ownSums.TryAdd(fresh, true);

    // a + b: recorded with createGraph, else the engine's own sum below the op layer.
    public static Tensor Sum(Tensor a, Tensor b, bool createGraph) => createGraph ? a + b : GradientSum.Add(a, b);
}
