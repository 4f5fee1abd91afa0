namespace AutoGrad.Autograd;

/// <summary>Runs backward passes over the recorded graph: the one place where gradients are propagated.</summary>
internal static class Engine
{
    [ThreadStatic] private static bool t_keepBuffers;

    // Off only in tests that compare a pass with and without recycling (Note [Recycled buffers] in BufferPool.cs);
    // per thread, so such a test does not change what tests running in parallel measure.
    internal static bool RecycleBuffers
    {
        get => !t_keepBuffers;
        set => t_keepBuffers = !value;
    }

    public static void Backward(Tensor root, Tensor? gradient, bool retainGraph, bool createGraph)
    {
        var seed = SeedFor("Backward", root, gradient);
        bool recycle = RecycleBuffers && !createGraph && !Diagnostics.IsAnomalyDetectionEnabled;
        // Every scope opened inside the pass is closed by a using, so this stays the current site throughout.
        var site = CallSite.Current;
        var w = Workspace.Rent();
        try
        {
            w.Root[0] = root;
            w.Seed[0] = seed;
            var grads = Run(w, w.Root, w.Seed, retainGraph, createGraph, recycle, site.IsKnown, "Backward", keep: null);
            for (int k = 0; k < grads.Count; k++)
            {
                var x = grads.KeyAt(k);
                if (!x.IsLeaf || !x.RequiresGrad) continue;
                var g = grads.ValueAt(k);
                if (!createGraph && x.Grad is { } existing && CanAddInPlace(existing, g))
                {
                    // As PyTorch does without createGraph: add into the existing buffer; g itself is then spent.
                    Dispatch.AddInPlace(existing, g);
                    existing.BumpVersion(site);
                    w.Spent.TryAdd(g.Storage, true);
                    continue;
                }
                // A rule may hand the same tensor to several inputs (Add returns g twice), a reshape of it to another
                // (sharing its Storage), or return the seed itself; .Grad must never share a buffer with another
                // tensor, or an in-place update of one would change both.
                // A leaf hook may have kept g; like PyTorch, .Grad then takes a copy so later in-place accumulation leaves
                // the hook's tensor alone.
                var own = createGraph || (!x.HasHooks && w.Assigned.TryAdd(g.Storage, true) && !ReferenceEquals(g.Storage, gradient?.Storage)) ? g : g.Clone();
                x.Grad = x.Grad is null ? own : Accumulate(x.Grad, own, createGraph);
            }
            // A spent gradient this pass allocated and no .Grad took goes back to the pool; only a pass that tracked its
            // buffers (Run started the tracker) may recycle (Note [Recycled buffers]).
            if (recycle)
                for (int k = 0; k < w.Spent.Count; k++)
                    if (!w.Assigned.ContainsKey(w.Spent.KeyAt(k))) w.Tracker.RecycleResult(w.Spent.KeyAt(k));
        }
        finally { Workspace.Return(w); }
    }

    // Note [Gradient sinks]
    // Without createGraph a leaf's gradient ends up added into its existing .Grad in place (Backward above). A rule whose
    // gradient for a leaf is a product (MatMul's weight gradient) can instead accumulate it straight into that buffer with
    // the GEMM's accumulate flag: no temporary and no separate add pass (about 20 µs per step for a 784×128 weight). It is
    // allowed only in a Backward pass that runs no user code (hooks, user-recorded rules, RetainGrad) and no anomaly checks,
    // and only after every node's saved values have been checked, so that no exception can come after a .Grad changed. The
    // rule then returns null for that input; the sum is the same, added in another order.
    [ThreadStatic] private static bool t_sinks;

    // Gradients this thread's rules have accumulated straight into a .Grad (for tests).
    [ThreadStatic] internal static long SunkCount;

    // The leaf's existing .Grad when a rule may accumulate the leaf's gradient into it, else null (Note [Gradient sinks]).
    internal static Tensor? GradientSink(Tensor x)
    {
        if (!t_sinks || !x.IsLeaf || !x.RequiresGrad || x.HasHooks || x.HasReadyHooks) return null;
        return x.Grad is { } existing && CanAddInPlace(existing, x) ? existing : null;   // x's layout is its gradient's
    }

    // Whether a pass over these nodes may use gradient sinks: no user code runs in it.
    private static bool MaySink(List<Node> nodes)
    {
        foreach (var n in nodes)
            if (!n.LibraryRule || n.Output.HasHooks || n.Output.RetainsGrad) return false;
        return true;
    }

    // In-place accumulation needs a plain leaf gradient of the same layout that shares no buffer with the new one.
    private static bool CanAddInPlace(Tensor existing, Tensor g) =>
        existing.GradFn is null && existing.Shape == g.Shape && existing.DType == g.DType && !ReferenceEquals(existing.Storage, g.Storage);

    // The collections one backward pass needs, reused across passes on a thread (a pass started from inside a rule
    // or hook rents a fresh one), so a small backward allocates almost nothing beyond its gradients. The maps and sets
    // scan rather than hash while small (see Note [Small graphs] in RefMap.cs).
    private sealed class Workspace
    {
        [ThreadStatic] private static Workspace? t_free;

        public readonly RefMap<Tensor, Tensor> Grads = new();
        public readonly RefMap<Node, bool> Seen = new();
        public readonly List<Node> Nodes = [];
        public readonly RefMap<Storage, bool> Assigned = new();
        public readonly RefMap<Storage, bool> Spent = new();
        public readonly Tensor[] Root = new Tensor[1];
        public readonly Tensor[] Seed = new Tensor[1];
        public readonly BufferPool.Tracker Tracker = new();

        public static Workspace Rent()
        {
            var w = t_free ?? new Workspace();
            t_free = null;
            return w;
        }

        public static void Return(Workspace w)
        {
            // Large graphs would pin their nodes and tensors through these collections; let those go.
            if (w.Nodes.Count > 10_000) return;
            w.Grads.Clear(); w.Seen.Clear(); w.Nodes.Clear(); w.Assigned.Clear(); w.Spent.Clear();
            w.Root[0] = null!; w.Seed[0] = null!;
            t_free = w;
        }
    }

    public static Tensor?[] Grad(Tensor[] outputs, Tensor[] inputs, Tensor?[]? gradOutputs, bool retainGraph, bool createGraph, bool allowUnused)
    {
        if (outputs.Length == 0) throw new ArgumentException("Grad: no outputs given.");
        if (gradOutputs is not null && gradOutputs.Length != outputs.Length)
            throw new ArgumentException($"Grad: {outputs.Length} outputs but {gradOutputs.Length} output gradients.");
        for (int i = 0; i < inputs.Length; i++)
            if (!inputs[i].RequiresGrad)
                throw new ArgumentException($"Grad: input {i} ({inputs[i].Shape}) does not require gradients.");
        var seeds = new Tensor[outputs.Length];
        for (int i = 0; i < outputs.Length; i++) seeds[i] = SeedFor("Grad", outputs[i], gradOutputs?[i]);
        var w = Workspace.Rent();
        try
        {
            bool recycle = RecycleBuffers && !createGraph && !Diagnostics.IsAnomalyDetectionEnabled;
            var grads = Run(w, outputs, seeds, retainGraph, createGraph, recycle, CallSite.Current.IsKnown, "Grad", keep: new HashSet<Tensor>(inputs, ReferenceEqualityComparer.Instance));
            var result = new Tensor?[inputs.Length];
            for (int i = 0; i < inputs.Length; i++)
            {
                grads.TryGetValue(inputs[i], out result[i]);
                if (result[i] is null && !allowUnused)
                    throw new InvalidOperationException(
                        $"Grad: input {i} ({inputs[i].Shape}) was not used to compute the outputs; pass allowUnused: true to get null for it.");
            }
            return result;
        }
        finally { Workspace.Return(w); }
    }

    private static Tensor SeedFor(string op, Tensor root, Tensor? gradient)
    {
        if (!root.RequiresGrad)
            throw new InvalidOperationException(
                $"{op}: the tensor {root.Shape} does not require gradients: none of the tensors it was computed from has RequiresGrad set, or it was computed inside NoGrad.");
        if (gradient is null)
        {
            if (root.Size != 1)
                throw new ArgumentException(
                    $"{op}: the output has shape {root.Shape}; a gradient can be implied only for a single-element output. Pass the seed ∂L/∂output of shape {root.Shape}, or reduce the output first (for example with Sum()).");
            return Tensor.OnesLike(root);
        }
        if (gradient.Shape != root.Shape)
            throw new ArgumentException($"{op}: the seed gradient has shape {gradient.Shape} but the output has shape {root.Shape}.");
        Tensor.CheckSameDType(op, root, gradient);
        return gradient;
    }

    // Note [Gradient hooks]
    // A hook sees the complete gradient of one backward pass, as PyTorch's tensor hooks do: for a non-leaf that is
    // the moment its node is reached (every consumer has added its share, Note [Tape order]); for a leaf it is
    // after the walk, before the sum is added to .Grad. Hooks run with the same recording state as the rules, so
    // with createGraph a hook's arithmetic is differentiable too.

    // Note [Gradient accumulation]
    // A tensor used by several ops (x * x, a diamond, a shared weight) receives one gradient per use; they
    // are summed, never assigned. The map below holds the running sum for every tensor reached so far. By
    // Note [Tape order], when a node is processed every node that consumes its output has already added
    // its share, so the sum is complete.
    private static RefMap<Tensor, Tensor> Run(Workspace w, Tensor[] roots, Tensor[] seeds, bool retainGraph, bool createGraph, bool recycle,
        bool outerSiteKnown, string op, HashSet<Tensor>? keep)
    {
        var grads = w.Grads;
        for (int i = 0; i < roots.Length; i++)
            grads.Set(roots[i], grads.TryGetValue(roots[i], out var s) ? Accumulate(s, seeds[i], createGraph) : seeds[i]);

        var nodes = Collect(w, roots, op);
        bool sinks = keep is null && !createGraph && !Diagnostics.IsAnomalyDetectionEnabled && MaySink(nodes);
        if (sinks)
            foreach (var node in nodes) CheckSaved(node);   // every refusal before any .Grad changes (Note [Gradient sinks])
        // see Note [Recycled buffers] in BufferPool.cs; null: this pass recycles nothing
        var rec = recycle ? w.Tracker : null;
        rec?.Start();
        // From here this pass owns what is allocated on this thread, except around user code (hooks, user-recorded rules,
        // the clone for RetainGrad), and a pass started inside a rule owns nothing of this one's.
        var outer = BufferPool.Tracker.Swap(rec);
        bool outerSinks = t_sinks;
        t_sinks = sinks;
        try
        {
            using var scope = createGraph ? Tape.EnableGrad() : Tape.NoGrad();
            var ready = keep is null ? GradientReadyPlan.For(nodes) : null;   // see Note [Gradient-ready hooks]
            int index = 0;
            foreach (var node in nodes)
            {
                ready?.FireBefore(index++, grads);
                if (!grads.TryGetValue(node.Output, out var g)) continue;
                var output = node.Output;
                bool userRule = !node.LibraryRule;
                if (output.HasHooks || output.RetainsGrad || userRule)
                {
                    BufferPool.Tracker.Swap(null);
                    if (rec is not null) BufferPool.Tracker.Escape(g);   // user code may see g
                    if (output.HasHooks) grads.Set(output, g = output.RunHooks(g));
                    if (output.RetainsGrad)
                        output.Grad = output.Grad is null ? (createGraph ? g : g.Clone()) : Accumulate(output.Grad, g, createGraph);
                    if (!userRule) BufferPool.Tracker.Swap(rec);
                }
                CheckSaved(node);
                var inputGrads = RunRule(node, g, outerSiteKnown);
                if (userRule) BufferPool.Tracker.Swap(rec);
                var nodeInputs = node.InputArray;
                if (inputGrads.Length != nodeInputs.Length)
                    throw new InvalidOperationException($"Backward of '{node.Op}'{At(node)} returned {inputGrads.Length} gradients for {node.Inputs.Count} inputs.");
                Diagnostics.CheckBackward(node, g, inputGrads);
                for (int i = 0; i < inputGrads.Length; i++)
                {
                    var x = nodeInputs[i];
                    var gi = inputGrads[i];
                    if (gi is null || !x.RequiresGrad) continue;
                    gi = ReduceToShape(node, i, gi, x);
                    int at = grads.IndexOf(x);
                    if (at >= 0)
                    {
                        var acc = grads.ValueAt(at);
                        var sum = Accumulate(acc, gi, createGraph);
                        grads.SetValueAt(at, sum);
                        rec?.Hold(sum);
                        rec?.Release(acc);
                    }
                    else
                    {
                        grads.Append(x, gi);
                        rec?.Hold(gi);
                    }
                }
                // A non-leaf's gradient is complete and consumed once its node has run; drop it to free memory.
                if (keep is null || !keep.Contains(output))
                {
                    grads.Remove(output);
                    rec?.Release(g);
                }
                rec?.Sweep();
            }
            ready?.FireBefore(int.MaxValue, grads);
        }
        finally
        {
            BufferPool.Tracker.Swap(outer);
            t_sinks = outerSinks;
        }
        if (!retainGraph)
            foreach (var node in nodes) node.Release();
        for (int k = 0; k < grads.Count; k++)
        {
            var x = grads.KeyAt(k);
            if (!x.IsLeaf || !x.HasHooks) continue;
            BufferPool.Tracker.Escape(grads.ValueAt(k));   // a leaf hook is user code: what it saw is never recycled
            grads.SetValueAt(k, x.RunHooks(grads.ValueAt(k)));
        }
        return grads;
    }

    // Note [Broadcast gradients]
    // A rule returns the gradient in the output's shape; an input that was broadcast (a bias [n] added to
    // [b, n]) needs it summed over the broadcast axes. Doing it here, once, keeps every rule free of it.
    private static Tensor ReduceToShape(Node node, int i, Tensor gi, Tensor x)
    {
        if (gi.Shape == x.Shape) return gi;
        if (!x.Shape.CanBroadcastTo(gi.Shape))
            throw new InvalidOperationException(
                $"Backward of '{node.Op}'{At(node)} returned a gradient of shape {gi.Shape} for input {i} of shape {x.Shape}, which cannot be summed down to it.");
        return gi.SumTo(x.Shape);
    }

    private static string At(Node node) => node.Site.IsKnown ? $" recorded at {node.Site}" : "";

    // The rule runs with its node's site current, so nodes it records (createGraph) point at the user's line too. Both
    // scopes cost thread-static accesses, so they are skipped when they would change nothing: the site when neither it
    // nor the current one is known, the rule marker when anomaly mode is off and the rule is the library's (which cannot
    // turn it on).
    private static Tensor?[] RunRule(Node node, Tensor g, bool outerSiteKnown)
    {
        using var site = outerSiteKnown || node.Site.IsKnown ? CallSite.Push(node.Site) : default;
        using var rule = !node.LibraryRule || Diagnostics.IsAnomalyDetectionEnabled ? Diagnostics.EnterBackwardRule() : default;
        try
        {
            return node.RunRule(g);
        }
        catch (Exception e) when (e is not AnomalyException && !e.Message.StartsWith("In the backward of ", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"In the backward of {node.Op}{At(node)}: {e.Message}", e);
        }
    }

    // see Note [Saved values] in Node.cs
    private static void CheckSaved(Node node)
    {
        for (int i = 0; i < node.SavedCount; i++)
        {
            var t = node.SavedAt(i);
            if (t.Version == node.SavedVersion(i)) continue;
            int input = -1;
            for (int k = 0; k < node.Inputs.Count && input < 0; k++) if (ReferenceEquals(node.Inputs[k], t)) input = k;
            string what = input >= 0 ? $"its input {input}" : ReferenceEquals(t, node.Output) ? "its output" : "a saved tensor";
            string name = t.Name is { } n ? $" '{n}'" : "";
            var writer = t.Storage.LastWriter;
            string by = writer.IsKnown ? $", last by {writer.Member} at {writer}" : "";
            throw new InvalidOperationException(
                $"Backward of '{node.Op}'{At(node)} needs the value of {what}{name} {t.Shape} as it was when the op ran (version {node.SavedVersion(i)}), " +
                $"but it has been modified in place since (now version {t.Version}){by}. Run the forward pass again after the in-place update, " +
                "or update a Clone() instead.");
        }
    }

    private static Tensor Accumulate(Tensor a, Tensor b, bool createGraph) =>
        createGraph ? a + b : ElementwiseOps.AddNoGrad(a, b);

    private static List<Node> Collect(Workspace w, Tensor[] roots, string op)
    {
        // Breadth-first, with the list itself as the queue: the order is fixed by the sort below anyway.
        var (seen, list) = (w.Seen, w.Nodes);
        foreach (var r in roots)
            if (r.GradFn is { } n && seen.TryAdd(n, true)) list.Add(n);
        for (int k = 0; k < list.Count; k++)
        {
            var n = list[k];
            if (n.IsFreed)
                throw new InvalidOperationException(
                    $"{op}: the graph through '{n.Op}' (output {n.Output.Shape}) was already freed by an earlier backward pass. " +
                    "Pass retainGraph: true to the first Backward if you need to backpropagate through the same graph again.");
            var inputs = n.InputArray;
            for (int i = 0; i < inputs.Length; i++)
                if (inputs[i].GradFn is { } p && seen.TryAdd(p, true)) list.Add(p);
        }
        // Newest first (see Note [Tape order]). The walk of a small graph leaves the list nearly sorted
        // already, so insertion sort does in a few compares what Sort's delegate calls would.
        if (list.Count > 16) list.Sort((a, b) => b.Stamp.CompareTo(a.Stamp));
        else
            for (int i = 1; i < list.Count; i++)
            {
                var n = list[i];
                long stamp = n.Stamp;
                int j = i - 1;
                for (; j >= 0 && list[j].Stamp < stamp; j--) list[j + 1] = list[j];
                list[j + 1] = n;
            }
        return list;
    }
}
