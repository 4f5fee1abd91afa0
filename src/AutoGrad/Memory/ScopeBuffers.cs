using Microsoft.Extensions.ObjectPool;

namespace AutoGrad.Memory;

// Note [Step scopes]
// In a training step most forward values die with the backward pass: an activation is read by the rules that saved
// it, and then by nobody. PyTorch frees it then because it counts references; .NET does not, so the library cannot
// tell whether user code still holds `logits` after Backward. Recycling such a buffer without knowing would hand the
// user's tensor another tensor's numbers. A StepScope is the user's promise instead, and it is checked:
//  - Buffers allocated on this thread while the scope is open are owned by it (PooledStorage, Note [Pooled buffers] in
//    BufferPool.cs); those of 64 elements or more come from the pool.
//  - When one of the library's ops finishes with a result on such a buffer of its own (not a view of an input), recorded
//    or not, with a gradient or without (comparisons, ArgMax, OneHot), the buffer is listed (Recorder.Finish). Only those come
//    back: what factories make (Zeros, FromArray, Rand, optimizer state), Clone() and views of such tensors are never
//    listed, so parameters, buffers and state made inside a scope live on. User code that stores an op's result beyond
//    the step calls Keep() on it.
//  - Anything that outlives the step by construction is kept (its owner cleared): a tensor assigned to .Grad, a leaf set
//    to require gradients, module parameters and buffers, optimizer parameters and state, scaler statistics, and what the
//    user passes to Keep().
//  - When the scope ends, each listed buffer it still owns goes back to the pool and its Storage forgets the array.
//    Reading or writing a tensor on it afterwards throws, naming the op and line that made it, instead of reading
//    whatever the next step wrote there. Tests run with MemoryTestHooks.Poison on, so a path that escaped the check would
//    show NaN.
// Without a scope nothing changes: every buffer is the garbage collector's, as before.

// Note [Forgotten scopes]
// A scope keeps every op result made inside it until it ends, so a scope opened once around a whole training loop (a
// `using var` at the top of Main, a Dispose that is never reached) grows by a step's activations every step: 135 MB to
// 404 MB over 3,000 MLP steps, with no error. Nothing can tell a forgotten scope from a long step for sure, but a step
// runs one backward pass (a few with gradient accumulation), so a scope warns once, on standard error, naming the line
// that opened it, when it has seen WarnAfterPasses backward passes or listed WarnAfterBytes of results without ending.
// It keeps working: the warning is the whole change.

/// <summary>The bookkeeping of one open StepScope (see Note [Step scopes]).</summary>
internal sealed class ScopeBuffers
{
    // Documented in Note [Forgotten scopes] and README's StepScope section.
    internal const int WarnAfterPasses = 100;
    internal const long WarnAfterBytes = 1L << 30;

    [ThreadStatic] private static ScopeBuffers? t_current;
    // States come from a shared pool, so opening a scope allocates nothing once a few have been used.
    private static readonly ObjectPool<ScopeBuffers> s_pool = new DefaultObjectPool<ScopeBuffers>(new DefaultPooledObjectPolicy<ScopeBuffers>(), 64);

    public long Id;   // negative: a scope's (Note [Pooled buffers]); 0 when ended
    private int _thread;
    private ScopeBuffers? _outer;
    private readonly List<PooledStorage> _listed = [];
    private readonly List<RoutingPositions> _positions = [];
    private string? _openedFile;
    private int _openedLine;
    private int _passes;
    private long _listedBytes;
    private bool _warned;

    // The innermost open scope on this thread, or null.
    public static ScopeBuffers? Current => t_current;

    public static ScopeBuffers Push(string openedFile, int openedLine)
    {
        var s = s_pool.Get();
        s.Id = -BufferPool.NextOwnerId();
        s._thread = Environment.CurrentManagedThreadId;
        s._outer = t_current;
        s._openedFile = openedFile;
        s._openedLine = openedLine;
        t_current = s;
        return s;
    }

    // The current scope when it owns this buffer (an op's result made inside it), else null.
    public static ScopeBuffers? Owning(Storage storage) =>
        storage is PooledStorage s && t_current is { } current && s.Owner == current.Id ? current : null;

    // An op finished with a result on a buffer this scope owns, not shared with an input: it comes back when the scope ends.
    public void List(Storage storage)
    {
        var s = (PooledStorage)storage;
        _listed.Add(s);
        if (_warned) return;
        _listedBytes += (long)s.Data!.Length * (s.Data is float[] ? sizeof(float) : sizeof(double));
        if (_listedBytes >= WarnAfterBytes) Warn($"listed {_listedBytes >> 20} MB of op results");
    }

    // Index arrays that routing ops rent (max-pooling's maxima) go back with the scope too.
    public RoutingPositions Track(RoutingPositions positions)
    {
        _positions.Add(positions);
        return positions;
    }

    // A backward pass ran on this thread while this scope was the innermost one (see Note [Forgotten scopes]).
    public void PassRan()
    {
        if (++_passes >= WarnAfterPasses && !_warned) Warn($"run {_passes} backward passes");
    }

    private void Warn(string what)
    {
        _warned = true;
        string at = _openedFile is { Length: > 0 } f ? $"opened at {Path.GetFileName(f)}:{_openedLine}" : "opened at an unknown line";
        var message =
            $"AutoGrad warning: a StepScope {at} has {what} without ending. A scope keeps every op result made inside it until it is " +
            "disposed, so memory grows with every step; open one scope per step (using (Tensor.StepScope()) { ... } inside the loop).";
        MemoryTestHooks.LastScopeWarning = message;
        Console.Error.WriteLine(message);
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
        foreach (var s in _listed)
            if (s.Owner == Id) BufferPool.Release(s);   // not kept, not listed twice
        _listed.Clear();
        foreach (var p in _positions) p.Release();
        _positions.Clear();
        Id = 0;
        _passes = 0;
        _listedBytes = 0;
        _warned = false;
        _openedFile = null;
        t_current = _outer;
        _outer = null;
        s_pool.Return(this);
    }
}
