namespace AutoGrad.Differentiation;

// Note [The backward loop]
// Run is the textbook reverse-mode loop: seed the roots, then for each node newest first (Note [Tape order]) take its
// output's complete gradient, run its rule, and add each input's share to that input's running sum. Everything else a
// pass does has one home, named here so a reader can find it:
//  - what a pass may do, decided once before the walk (createGraph, retainGraph, anomaly mode, recycling, gradient sinks,
//    Grad's keep-set, the caller's site): PassMode (PassMode.cs);
//  - running sums, dropping a gradient once consumed, recycling the pass's dead buffers, and adding the leaves' sums into
//    .Grad (in place when possible): GradientMap (GradientMap.cs), with the buffer bookkeeping below it in
//    Memory/PassBuffers.cs (Note [Recycled buffers]) and the map's reuse across passes in GradientMap.Rent/Return;
//  - the sums themselves, below the op layer: GradientSum (GradientSum.cs);
//  - hooks, RetainGrad and user-recorded rules, behind one boundary where the pass owns nothing: UserCode (UserCode.cs,
//    Note [User code in a pass]);
//  - a rule's product gradient accumulated straight into a leaf's .Grad: GradientSinks (Note [Gradient sinks]);
//  - saved values changed in place since the op ran: CheckSaved below (Note [Saved values] in Node.cs);
//  - summing a broadcast input's gradient down to its shape: ReduceToShape below (Note [Broadcast gradients]);
//  - replaying the node's call site and anomaly checks around a rule: RunRule below, Diagnostics.cs;
//  - a StepScope that keeps running passes without ending: ScopeBuffers.PassRan (Note [Forgotten scopes]);
//  - counters and switches for tests: EngineTestHooks.cs and Memory/MemoryTestHooks.cs, never read by the library.

/// <summary>Runs backward passes over the recorded graph: the one place where gradients are propagated.</summary>
internal static class Engine
{
    public static void Backward(Tensor root, Tensor? gradient, bool retainGraph, bool createGraph)
    {
        var seed = SeedFor("Backward", root, gradient);
        var grads = GradientMap.Rent();
        try
        {
            grads.Root[0] = root;
            grads.Seed[0] = seed;
            var mode = Run(grads, grads.Root, grads.Seed, "Backward", retainGraph, createGraph, keep: null);
            grads.StoreLeafGrads(mode, gradient);
        }
        finally { GradientMap.Return(grads); }
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
        var grads = GradientMap.Rent();
        try
        {
            Run(grads, outputs, seeds, "Grad", retainGraph, createGraph, keep: new HashSet<Tensor>(inputs, ReferenceEqualityComparer.Instance));
            var result = new Tensor?[inputs.Length];
            for (int i = 0; i < inputs.Length; i++)
            {
                if (grads.TryGet(inputs[i], out var g)) result[i] = g;
                else if (!allowUnused)
                    throw new InvalidOperationException(
                        $"Grad: input {i} ({inputs[i].Shape}) was not used to compute the outputs; pass allowUnused: true to get null for it.");
            }
            return result;
        }
        finally { GradientMap.Return(grads); }
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

    // see Note [The backward loop]
    private static PassMode Run(GradientMap grads, Tensor[] roots, Tensor[] seeds, string op, bool retainGraph, bool createGraph,
        HashSet<Tensor>? keep)
    {
        var nodes = Collect(grads, roots, op);
        var mode = PassMode.Of(op, retainGraph, createGraph, keep, nodes);
        for (int i = 0; i < roots.Length; i++) grads.AddSeed(roots[i], seeds[i], createGraph);
        if (mode.Sinks)
            foreach (var node in nodes) CheckSaved(node);   // every refusal before any .Grad changes (Note [Gradient sinks])
        Memory.ScopeBuffers.Current?.PassRan();              // Note [Forgotten scopes]

        grads.BeginWalk(mode);
        try
        {
            using var recording = createGraph ? Recorder.EnableGrad() : Recorder.NoGrad();
            var ready = keep is null ? GradientReadyPlan.For(nodes) : null;   // Note [Gradient-ready hooks]
            int index = 0;
            foreach (var node in nodes)
            {
                ready?.FireBefore(index++, grads, mode);
                var output = node.Output;
                if (!grads.TryGet(output, out var g)) continue;
                if (output.HasHooks || output.RetainsGrad) g = UserCode.SeeGradient(output, g, grads, mode);
                CheckSaved(node);
                var inputGrads = node.LibraryRule ? RunRule(node, g, mode) : UserCode.RunRule(node, g, grads, mode);
                var inputs = node.InputArray;
                if (inputGrads.Length != inputs.Length)
                    throw new InvalidOperationException($"Backward of '{node.Op}'{At(node)} returned {inputGrads.Length} gradients for {inputs.Length} inputs.");
                Diagnostics.CheckBackward(node, g, inputGrads);
                for (int i = 0; i < inputGrads.Length; i++)
                    if (inputGrads[i] is { } gi && inputs[i].RequiresGrad) grads.Add(inputs[i], ReduceToShape(node, i, gi, inputs[i]), createGraph);
                grads.Done(output, g, mode);
            }
            ready?.FireBefore(int.MaxValue, grads, mode);
        }
        finally { grads.EndWalk(); }

        if (!retainGraph)
            foreach (var node in nodes) node.Release();
        UserCode.SeeLeafGradients(grads);
        return mode;
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
    internal static Tensor?[] RunRule(Node node, Tensor g, in PassMode mode)
    {
        using var site = mode.Site.IsKnown || node.Site.IsKnown ? CallSite.Push(node.Site) : default;
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
            string by = writer.File is { } file ? $", last by {writer.Member} at {new CallSite(file, writer.Line, writer.Member ?? "?")}" : "";
            throw new InvalidOperationException(
                $"Backward of '{node.Op}'{At(node)} needs the value of {what}{name} {t.Shape} as it was when the op ran (version {node.SavedVersion(i)}), " +
                $"but it has been modified in place since (now version {t.Version}){by}. Run the forward pass again after the in-place update, " +
                "or update a Clone() instead.");
        }
    }

    private static List<Node> Collect(GradientMap grads, Tensor[] roots, string op)
    {
        // Breadth-first, with the list itself as the queue: the order is fixed by the sort below anyway.
        var (seen, list) = (grads.Seen, grads.Nodes);
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
