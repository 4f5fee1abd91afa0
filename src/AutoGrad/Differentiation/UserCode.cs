namespace AutoGrad.Differentiation;

// Note [User code in a pass]
// Four things run user code inside a backward pass: tensor hooks (Note [Gradient hooks] in Engine.cs), gradient-ready hooks
// on leaves (Note [Gradient-ready hooks] in GradientReadyPlan.cs), RetainGrad's copy into a non-leaf's .Grad, and rules
// recorded by user code (Recorder.Record, CustomFunction). User code may keep whatever it
// sees or allocates, so while it runs the pass owns nothing (what it allocates is the garbage collector's), and the gradient
// it sees escapes (it is never recycled): GradientMap.Suspend. Every call into user code from the engine goes through this
// class, and a pass over nodes that run none of it may use gradient sinks (PassMode.Sinks).
internal static class UserCode
{
    // Whether processing this node runs user code.
    public static bool Runs(Node node) => !node.LibraryRule || node.Output.HasHooks || node.Output.RetainsGrad;

    // A non-leaf's complete gradient, seen by its hooks and kept by RetainGrad; returns it as the hooks left it.
    public static Tensor SeeGradient(Tensor output, Tensor g, GradientMap grads, in PassMode mode)
    {
        using var boundary = grads.Suspend(g, mode);
        if (output.HasHooks) grads.Set(output, g = output.RunHooks(g));
        if (output.RetainsGrad)
            output.Grad = output.Grad is null ? (mode.CreateGraph ? g : g.Clone()) : GradientMap.Sum(output.Grad, g, mode.CreateGraph);
        return g;
    }

    // A leaf's gradient, complete for this pass, seen by its gradient-ready hooks during the walk.
    public static void SeeReadyGradient(Tensor leaf, Tensor g, GradientMap grads, in PassMode mode)
    {
        using var boundary = grads.Suspend(g, mode);
        leaf.RunReadyHooks(g);
    }

    // A rule recorded by user code.
    public static Tensor?[] RunRule(Node node, Tensor g, GradientMap grads, in PassMode mode)
    {
        using var boundary = grads.Suspend(g, mode);
        return Engine.RunRule(node, g, mode);
    }

    // After the walk, a leaf's hooks see its complete gradient before it is added to .Grad (Note [Gradient hooks]).
    public static void SeeLeafGradients(GradientMap grads)
    {
        for (int k = 0; k < grads.Count; k++)
        {
            var x = grads.KeyAt(k);
            if (!x.IsLeaf || !x.HasHooks) continue;
            grads.EscapeAt(k);
            grads.SetAt(k, x.RunHooks(grads.ValueAt(k)));
        }
    }
}
