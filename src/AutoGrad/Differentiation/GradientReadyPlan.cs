namespace AutoGrad.Differentiation;

// Note [Gradient-ready hooks]
// A leaf's gradient in a pass is complete once the last node (in walk order, Note [Tape order]) that takes it as an input
// has run its rule: no later node can add to it. The plan records that index for every leaf with a gradient-ready hook, and
// the walk fires each hook before it processes the next node. Data-parallel training starts the all-reduce of a bucket of
// parameters there, so communication overlaps the rest of the walk, as PyTorch's post-accumulate-grad hooks allow. The plan is
// built only when such a leaf exists, so ordinary passes pay one flag test per input.
internal sealed class GradientReadyPlan
{
    private readonly List<(int Last, Tensor Leaf)> _ready;
    private int _next;

    private GradientReadyPlan(List<(int Last, Tensor Leaf)> ready) => _ready = ready;

    /// <summary>The plan for <paramref name="nodes"/> (walk order), or null when no input leaf has a gradient-ready hook.</summary>
    public static GradientReadyPlan? For(List<Node> nodes)
    {
        Dictionary<Tensor, int>? last = null;
        for (int i = 0; i < nodes.Count; i++)
            foreach (var x in nodes[i].InputArray)
                if (x.IsLeaf && x.HasReadyHooks) (last ??= new(ReferenceEqualityComparer.Instance))[x] = i;
        if (last is null) return null;
        var ready = last.Select(kv => (kv.Value, kv.Key)).ToList();
        ready.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return new GradientReadyPlan(ready);
    }

    /// <summary>Fires the hooks of every leaf whose last use comes before node <paramref name="index"/> (all of them for int.MaxValue).</summary>
    public void FireBefore(int index, GradientMap grads, in PassMode mode)
    {
        while (_next < _ready.Count && _ready[_next].Last < index)
        {
            var leaf = _ready[_next++].Leaf;
            if (grads.TryGet(leaf, out var g)) UserCode.SeeReadyGradient(leaf, g, grads, mode);
        }
    }
}
