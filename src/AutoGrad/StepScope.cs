using AutoGrad.Memory;

namespace AutoGrad;

/// <summary>
/// A region of code, typically one training step, whose intermediate tensors give their memory back to a pool when it
/// ends, so the next step reuses it instead of allocating. Open it with <see cref="Tensor.StepScope"/>.
/// </summary>
/// <remarks>
/// The results of ops made inside the scope (activations, the loss, anything computed from them) are released when the scope
/// is disposed; reading one afterwards throws <see cref="InvalidOperationException"/>. Read what you need inside the scope
/// (<c>loss.Item()</c>), or call <see cref="Tensor.Keep"/> or <see cref="Tensor.Clone"/> there. Parameters, gradients,
/// optimizer and module state, and tensors made by factories (<c>Zeros</c>, <c>FromArray</c>, <c>Rand</c>) are never
/// released. Scopes nest; each belongs to the thread that opened it. A scope that runs 100 backward passes or lists 1 GiB
/// of results without ending (one opened around a whole training loop) warns once on standard error, naming the line that
/// opened it. The bookkeeping lives in src/AutoGrad/Memory/ScopeBuffers.cs (Note [Step scopes]).
/// </remarks>
public readonly struct StepScope : IDisposable
{
    private readonly ScopeBuffers? _state;
    private readonly long _id;

    private StepScope(ScopeBuffers state)
    {
        _state = state;
        _id = state.Id;
    }

    internal static StepScope Begin(string openedFile, int openedLine) => new(ScopeBuffers.Push(openedFile, openedLine));

    /// <summary>Ends the scope: the buffers of the intermediate tensors made inside it return to the pool.</summary>
    public void Dispose() => _state?.End(_id);
}
