using AutoGrad.Autograd;
using Microsoft.Extensions.ObjectPool;

namespace AutoGrad;

// Note [Step scopes]
// In a training step most forward values die with the backward pass: an activation is read by the rules that saved
// it, and then by nobody. PyTorch frees it then because it counts references; .NET does not, so the library cannot
// tell whether user code still holds `logits` after Backward. Recycling such a buffer without knowing would hand the
// user's tensor another tensor's numbers. A StepScope is the user's promise instead, and it is checked:
//  - Buffers allocated on this thread while the scope is open are ScopedStorage; those of 64 elements or more come from the
//    pool (BufferPool).
//  - When one of the library's ops returns a result with such a buffer of its own (not a view of an input), recorded or
//    not, with a gradient or without (comparisons, ArgMax, OneHot), the buffer is listed. Only those come back: what factories make (Zeros, FromArray, Rand, optimizer state),
//    Clone() and views of such tensors are never listed, so parameters, buffers and state made inside a scope live on.
//    User code that stores an op's result beyond the step calls Keep() on it.
//  - Anything that outlives the step by construction is marked Kept: a tensor assigned to .Grad, a leaf set to require
//    gradients, module parameters and buffers, optimizer parameters and state, scaler statistics, and what the user passes
//    to Keep().
//  - When the scope ends, each listed buffer that is not Kept goes back to the pool and its Storage forgets the array.
//    Reading or writing a tensor on it afterwards throws, naming the op and line that made it, instead of reading
//    whatever the next step wrote there. Tests run with BufferPool.Poison on, so a path that escaped the check would
//    show NaN.
// Without a scope nothing changes: every buffer is the garbage collector's, as before.

/// <summary>
/// A region of code, typically one training step, whose intermediate tensors give their memory back to a pool when it
/// ends, so the next step reuses it instead of allocating. Open it with <see cref="Tensor.StepScope"/>.
/// </summary>
/// <remarks>
/// The results of ops made inside the scope (activations, the loss, anything computed from them) are released when the scope
/// is disposed; reading one afterwards throws <see cref="InvalidOperationException"/>. Read what you need inside the scope
/// (<c>loss.Item()</c>), or call <see cref="Tensor.Keep"/> or <see cref="Tensor.Clone"/> there. Parameters, gradients,
/// optimizer and module state, and tensors made by factories (<c>Zeros</c>, <c>FromArray</c>, <c>Rand</c>) are never
/// released. Scopes nest; each belongs to the thread that opened it.
/// </remarks>
public readonly struct StepScope : IDisposable
{
    private readonly State? _state;
    private readonly long _id;

    private StepScope(State state)
    {
        _state = state;
        _id = state.Id;
    }

    // The innermost open scope's id on this thread, 0 when none is open.
    internal static long CurrentId => State.Current?.Id ?? 0;

    internal static StepScope Begin() => new(State.Push());

    // A library op made a result that owns a buffer made in the current scope (recorded or not).
    internal static void OnOpResult(Tensor output, Tensor[] inputs)
    {
        if (Owner(output) is not { } current) return;
        foreach (var x in inputs)
            if (ReferenceEquals(x.Storage, output.Storage)) return;   // a view: the buffer belongs to the input
        current.Recorded.Add((ScopedStorage)output.Storage);
    }

    // The current scope when it made the output's buffer, else null.
    private static State? Owner(Tensor output) =>
        output.Storage is ScopedStorage s && State.Current is { } current && s.ScopeId == current.Id ? current : null;

    // Index arrays that routing ops rent (max-pooling's maxima) go back with the scope too.
    internal static RoutingPositions Track(RoutingPositions positions)
    {
        State.Current!.Positions.Add(positions);
        return positions;
    }

    // The same for an op of up to three inputs that skipped making an inputs array (Note [Unrecorded ops] in Tape.cs).
    internal static void OnOpResult(Tensor output, Tensor a, Tensor? b, Tensor? c)
    {
        if (Owner(output) is not { } current) return;
        var s = output.Storage;
        if (ReferenceEquals(a.Storage, s) || ReferenceEquals(b?.Storage, s) || ReferenceEquals(c?.Storage, s)) return;
        current.Recorded.Add((ScopedStorage)s);
    }

    // An op without a gradient rule (comparisons, Sign, ArgMax, OneHot) reports its result here: temporary like any other.
    internal static Tensor Temporary(Tensor result, Tensor a, Tensor? b = null)
    {
        OnOpResult(result, a, b, null);
        return result;
    }

    /// <summary>Ends the scope: the buffers of the intermediate tensors made inside it return to the pool.</summary>
    public void Dispose() => _state?.End(_id);

    // One open scope. States come from a shared pool, so opening a scope allocates nothing once a few have been used.
    private sealed class State
    {
        [ThreadStatic] private static State? t_current;
        private static readonly ObjectPool<State> s_pool = new DefaultObjectPool<State>(new DefaultPooledObjectPolicy<State>(), 64);
        private static long s_nextId;

        public long Id;
        private int _thread;
        private State? _outer;
        public readonly List<ScopedStorage> Recorded = [];
        public readonly List<RoutingPositions> Positions = [];

        public static State? Current => t_current;

        public static State Push()
        {
            var s = s_pool.Get();
            s.Id = Interlocked.Increment(ref s_nextId);
            s._thread = Environment.CurrentManagedThreadId;
            s._outer = t_current;
            t_current = s;
            return s;
        }

        public void End(long id)
        {
            if (Id != id) return;   // disposed already
            if (_thread != Environment.CurrentManagedThreadId)
                throw new InvalidOperationException(
                    $"StepScope: disposed on thread {Environment.CurrentManagedThreadId} but opened on thread {_thread}; a scope must end on the thread " +
                    "that opened it (do not await inside one).");
            // Scopes close innermost first; closing an outer one (an exception skipped a Dispose) closes those inside it.
            bool open = false;
            for (var s = t_current; s is not null; s = s._outer) open |= ReferenceEquals(s, this);
            if (!open) return;
            while (!ReferenceEquals(t_current, this)) t_current!.Close();
            Close();
        }

        private void Close()
        {
            foreach (var s in Recorded)
            {
                if (s.Kept || s.Data is not { } data) continue;   // kept, or listed twice
                s.Data = null;
                if (data.Length >= BufferPool.MinLength) BufferPool.Give(data);
            }
            Recorded.Clear();
            foreach (var p in Positions) p.Release();
            Positions.Clear();
            Id = 0;
            t_current = _outer;
            _outer = null;
            s_pool.Return(this);
        }
    }
}
