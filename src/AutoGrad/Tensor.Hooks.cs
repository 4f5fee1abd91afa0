using AutoGrad.Differentiation;

namespace AutoGrad;

public sealed partial class Tensor
{
    // Both kinds of hooks live behind one field, so a tensor without hooks (nearly every one) pays a single reference.
    private sealed class HookLists
    {
        public List<Func<Tensor, Tensor?>>? Gradient;   // RegisterHook
        public List<Action<Tensor>>? Ready;             // RegisterGradientReadyHook (Tensor.GradientReady.cs)
    }

    private HookLists? _hookLists;

    private List<Func<Tensor, Tensor?>>? _hooks => _hookLists?.Gradient;

    internal bool HasHooks => _hooks is { Count: > 0 };

    /// <summary>
    /// Registers <paramref name="hook"/> to run on the gradient <c>∂L/∂this</c> during backward, before it is accumulated
    /// into <see cref="Grad"/> or propagated further; a non-null return value replaces the gradient. Dispose the handle to remove it.
    /// </summary>
    /// <remarks>
    /// Hooks run in registration order, each seeing the previous one's result. On a leaf the hook sees the gradient of
    /// this pass summed over all uses; on a non-leaf it sees the complete gradient just before the op that made the
    /// tensor propagates it (see Note [Gradient hooks] in Differentiation/Engine.cs).
    /// </remarks>
    public IDisposable RegisterHook(Func<Tensor, Tensor?> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        if (!RequiresGrad) throw new InvalidOperationException("RegisterHook: the tensor does not require gradients, so the hook would never run.");
        ((_hookLists ??= new()).Gradient ??= []).Add(hook);
        return new HookHandle(this, hook);
    }

    internal Tensor RunHooks(Tensor g)
    {
        // A copy, so a hook may remove itself (or another) while running.
        foreach (var hook in _hooks!.ToArray())
        {
            var r = hook(g);
            if (r is null) continue;
            if (r.Shape != g.Shape || r.DType != g.DType)
                throw new InvalidOperationException(
                    $"RegisterHook: a hook on a tensor {Shape} returned a {r.DType.Name()} gradient of shape {r.Shape}; it must return {g.DType.Name()} {g.Shape} (or null to keep the gradient).");
            g = r;
        }
        return g;
    }

    private sealed class HookHandle(Tensor owner, Func<Tensor, Tensor?> hook) : IDisposable
    {
        public void Dispose() => owner._hooks?.Remove(hook);
    }
}
