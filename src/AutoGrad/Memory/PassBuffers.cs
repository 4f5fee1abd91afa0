namespace AutoGrad.Memory;

// Note [Recycled buffers]
// In a training step most gradients die within the backward pass: the gradient of an activation lives from the rule that
// makes it to the rule that consumes it. The engine recycles only buffers that provably never escaped:
//  - A buffer is a candidate only if a trusted rule (one recorded by this library's ops, not by user code through
//    Recorder.Record or CustomFunction) allocated it while the engine ran it without createGraph and outside anomaly mode;
//    such a buffer is owned by the pass (its PooledStorage's Owner is the pass's id, Note [Pooled buffers] in BufferPool.cs).
//    Nothing else is ever recycled: forward values, seeds, hook results, clones made for RetainGrad.
//  - With no graph recorded, the only references to an owned buffer are the rule's returned gradients and the engine's
//    gradient map, so the engine counts the map entries per Storage (a reshape or the same tensor returned twice shares
//    one Storage). After each node's step, an owned buffer with no map entry is dead and is recycled.
//  - A gradient handed to a hook or to an untrusted rule escapes: its owner is cleared and it is never recycled. The
//    gradients left in the map when the walk ends are the results (leaves' .Grad, Grad's outputs); the pass recycles only
//    those it added into an existing .Grad (they are then dead), and the next pass has another id, so the rest are never
//    recycled either.

/// <summary>One backward pass's bookkeeping of the buffers its rules made (see Note [Recycled buffers]).</summary>
internal sealed class PassBuffers
{
    [ThreadStatic] private static PassBuffers? t_current;

    public long Id;
    private readonly List<PooledStorage> _created = [];
    private readonly List<PooledStorage> _dropped = [];

    // The pass that owns what this thread allocates now, or null.
    public static PassBuffers? Current => t_current;

    public void Start()
    {
        Id = BufferPool.NextOwnerId();
        _created.Clear();
        _dropped.Clear();
    }

    // Makes next (null: none) own the buffers allocated on this thread; returns the previous owner, to restore.
    public static PassBuffers? Swap(PassBuffers? next)
    {
        var previous = t_current;
        t_current = next;
        return previous;
    }

    internal PooledStorage Created(PooledStorage s)
    {
        _created.Add(s);
        return s;
    }

    // A gradient-map entry now refers to the buffer.
    public void Hold(Storage storage)
    {
        if (storage is PooledStorage s && s.Owner == Id) s.PassRefs++;
    }

    // A gradient-map entry no longer refers to the buffer.
    public void Release(Storage storage)
    {
        if (storage is PooledStorage s && s.Owner == Id && --s.PassRefs == 0) _dropped.Add(s);
    }

    // User code may keep the buffer: no pass may recycle it.
    public static void Escape(Storage storage)
    {
        if (storage is PooledStorage { Owner: > 0 } s) s.Owner = 0;   // a pass's (a scope's ids are negative)
    }

    // A result of this pass that was added into an existing .Grad and handed to nobody (the caller checked) is dead.
    public void RecycleResult(Storage storage)
    {
        if (storage is PooledStorage s && s.Owner == Id && Id != 0) BufferPool.Recycle(s);
    }

    // Recycles every owned buffer that no gradient-map entry refers to any more.
    public void Sweep()
    {
        if (_created.Count == 0 && _dropped.Count == 0) return;
        Sweep(_created);
        Sweep(_dropped);
    }

    private void Sweep(List<PooledStorage> list)
    {
        foreach (var s in list)
            if (s.Owner == Id && s.PassRefs == 0) BufferPool.Recycle(s);   // Recycle clears the owner: once only, even if listed twice
        list.Clear();
    }
}
