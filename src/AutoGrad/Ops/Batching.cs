using AutoGrad.Memory;

namespace AutoGrad.Differentiation;

// Note [Batched tensors]
// Inside Functional.Vmap a function written for one example sees *batched tensors*: Tensor objects whose Shape is the
// per-example (logical) shape and whose storage is a BatchedStorage holding the real tensor, whose leading axes are
// the batch axes of the vmap levels it varies along (ascending level order), followed by the logical axes. A batched
// tensor's own buffer is empty, so any kernel that reads it without a batching rule throws at once; Vmap catches that
// and falls back to a loop over the batch (Note [Vmap fallback] in Vmap.cs) instead of computing something silently wrong.
// Each primitive op with a batching rule checks its operands first (one type test, `x.Storage is BatchedStorage`) and,
// for a batched operand, calls the same op on the real tensors with its axes shifted past the batch axes (Batching.Rules.cs).
// Because the rule calls ordinary ops on real tensors, the tape records the real computation: gradients through a
// vmapped function (Grad∘Vmap) are ordinary backward passes, and backward rules never see a batched tensor.
// Levels: every Vmap call pushes a level (its depth); an op over operands batched at different levels aligns them by
// inserting size-1 axes for the levels an operand lacks, so nested Vmap needs nothing else.
internal sealed class BatchedStorage : Storage
{
    public BatchedStorage(Tensor real, int[] levels, Tensor? shared = null)
        : base(real.DType switch
        {
            DType.Float32 => Array.Empty<float>(), DType.Float64 => Array.Empty<double>(), DType.Int32 => Array.Empty<int>(),
            DType.Int64 => Array.Empty<long>(), _ => Array.Empty<bool>(),
        })
    {
        _real = real;
        Levels = levels;
        _shared = shared;
    }

    private readonly Tensor _real;
    private Tensor? _shared;

    /// <summary>The real tensor: batch axes (one per level, ascending) then the logical axes (filled first if it is a per-example leaf).</summary>
    public Tensor Real
    {
        get
        {
            if (_shared is not null) Fill();
            return _real;
        }
    }

    /// <summary>
    /// For a per-example leaf not yet read (Note [Per-example leaves]): the one value every example holds, with the logical
    /// shape; null once <see cref="Real"/> has been read.
    /// </summary>
    public Tensor? Shared => _shared;

    /// <summary>The real tensor without filling it: the leaf gradients are taken with respect to.</summary>
    public Tensor Leaf => _real;

    // The leaf has no buffer yet: allocate it and copy the shared value into every example's block, once.
    private void Fill()
    {
        var shared = _shared!;
        _shared = null;
        if (_real.DType == DType.Float32) _real.Storage.Data = Tile<float>(shared.F32, _real.Size);
        else _real.Storage.Data = Tile<double>(shared.F64, _real.Size);
    }

    // `size` elements holding `block` over and over.
    private static T[] Tile<T>(ReadOnlySpan<T> block, int size)
    {
        var data = GC.AllocateUninitializedArray<T>(size);
        for (int o = 0; o < size; o += block.Length) block.CopyTo(data.AsSpan(o, block.Length));
        return data;
    }

    /// <summary>The vmap levels this tensor varies along, ascending; never empty.</summary>
    public readonly int[] Levels;
}

/// <summary>The batched-tensor layer behind <see cref="Functional.Vmap(Func{Tensor[], Tensor}, int?[], int)"/>; see Note [Batched tensors].</summary>
internal static partial class Batching
{
    [ThreadStatic] private static List<(int Level, int Size)>? t_levels;

    /// <summary>True for a batched tensor (one made inside Vmap).</summary>
    public static bool IsOn(Tensor t) => t.Storage is BatchedStorage;

    public static bool Any(Tensor a, Tensor b) => a.Storage is BatchedStorage || b.Storage is BatchedStorage;

    public static bool Any(Tensor a, Tensor? b, Tensor? c) =>
        a.Storage is BatchedStorage || b?.Storage is BatchedStorage || c?.Storage is BatchedStorage;

    /// <summary>The vmap levels currently open on this thread, innermost last.</summary>
    public static IReadOnlyList<(int Level, int Size)> Active => t_levels ??= [];

    internal static int Push(int size)
    {
        var l = t_levels ??= [];
        int level = l.Count == 0 ? 1 : l[^1].Level + 1;
        l.Add((level, size));
        return level;
    }

    internal static void Pop(int level)
    {
        var l = t_levels!;
        if (l.Count == 0 || l[^1].Level != level) throw new InvalidOperationException($"Vmap: level {level} closed out of order.");
        l.RemoveAt(l.Count - 1);
    }

    public static Tensor Real(Tensor t) => t.Storage is BatchedStorage s ? s.Real : t;

    /// <summary>As <see cref="Real"/>, but a per-example leaf is not filled (for its shape or whether it requires gradients).</summary>
    public static Tensor Unfilled(Tensor t) => t.Storage is BatchedStorage s ? s.Leaf : t;

    public static int[] Levels(Tensor t) => t.Storage is BatchedStorage s ? s.Levels : [];

    /// <summary>A batched tensor over <paramref name="real"/> whose first <c>levels.Length</c> axes are batch axes (plain when there are none).</summary>
    public static Tensor Wrap(Tensor real, int[] levels)
    {
        if (levels.Length == 0) return real;
        if (real.Rank < levels.Length) throw new InvalidOperationException($"Vmap: a real tensor of shape {real.Shape} cannot carry {levels.Length} batch axes.");
        return new Tensor(new BatchedStorage(real, levels), new Shape(real.Shape.Dims[levels.Length..]), real.DType);
    }

    /// <summary>
    /// A per-example leaf of <paramref name="shared"/> (a float tensor the same for every example) along the levels open
    /// now: its real tensor gets a buffer, written, only when some rule reads it (Note [Per-example leaves]).
    /// </summary>
    public static Tensor PerExampleLeaf(Tensor shared, int[] levels, out Tensor leaf)
    {
        var dims = new int[levels.Length + shared.Rank];
        for (int i = 0; i < levels.Length; i++) dims[i] = SizeOf(levels[i], []);
        shared.Shape.Dims.CopyTo(dims, levels.Length);
        // No buffer until Fill: reading the leaf otherwise would fail at once, and the product rule never does.
        leaf = new Tensor(new Storage(shared.DType == DType.Float32 ? Array.Empty<float>() : Array.Empty<double>()), new Shape(dims), shared.DType).RequireGrad();
        return new Tensor(new BatchedStorage(leaf, levels, shared), shared.Shape, shared.DType);
    }

    /// <summary>The union of the operands' levels, ascending.</summary>
    public static int[] Union(Tensor? a, Tensor? b = null, Tensor? c = null)
    {
        var la = a is null ? [] : Levels(a);
        var lb = b is null ? [] : Levels(b);
        var lc = c is null ? [] : Levels(c);
        if (lb.Length == 0 && lc.Length == 0) return la;
        if (la.Length == 0 && lc.Length == 0) return lb;
        return la.Concat(lb).Concat(lc).Distinct().Order().ToArray();
    }

    public static int[] Union(IReadOnlyList<Tensor> ts) => ts.SelectMany(Levels).Distinct().Order().ToArray();

    /// <summary>The batch size of each level among the operands.</summary>
    private static int SizeOf(int level, ReadOnlySpan<Tensor?> operands)
    {
        foreach (var t in operands)
            if (t?.Storage is BatchedStorage s)
                for (int i = 0; i < s.Levels.Length; i++)
                    if (s.Levels[i] == level) return s.Leaf.Shape[i];
        foreach (var (l, size) in Active) if (l == level) return size;
        throw new InvalidOperationException($"Vmap: no operand carries level {level}.");
    }

    /// <summary>
    /// The real tensor of <paramref name="t"/> with one leading axis per level of <paramref name="union"/> (size 1 where
    /// <paramref name="t"/> does not vary along it) and its logical axes left-padded with 1s to <paramref name="logicalRank"/>.
    /// </summary>
    public static Tensor Align(Tensor t, int[] union, int logicalRank)
    {
        var own = Levels(t);
        var real = Real(t);
        if (own.Length == union.Length && t.Rank == logicalRank) return real;
        var dims = new int[union.Length + logicalRank];
        int k = 0;
        for (int i = 0; i < union.Length; i++)
        {
            int j = Array.IndexOf(own, union[i]);
            dims[i] = j >= 0 ? real.Shape[j] : 1;
            if (j >= 0) k++;
        }
        for (int i = 0; i < logicalRank - t.Rank; i++) dims[union.Length + i] = 1;
        for (int i = 0; i < t.Rank; i++) dims[union.Length + logicalRank - t.Rank + i] = t.Shape[i];
        return real.Reshape(dims);
    }

    /// <summary>
    /// As <see cref="Align"/>, then broadcast to the full batch sizes of <paramref name="union"/> (a materialized copy when
    /// <paramref name="t"/> lacks a level): for ops whose operands must agree in every axis (Concat, Gather, …).
    /// </summary>
    public static Tensor Expand(Tensor t, int[] union, ReadOnlySpan<Tensor?> operands)
    {
        var aligned = Align(t, union, t.Rank);
        var dims = aligned.Shape.ToArray();
        bool same = true;
        for (int i = 0; i < union.Length; i++)
        {
            int size = SizeOf(union[i], operands);
            same &= dims[i] == size;
            dims[i] = size;
        }
        return same ? aligned : aligned.BroadcastTo(new Shape(dims));
    }

    /// <summary>Normalizes a logical axis of <paramref name="t"/> and shifts it past the batch axes.</summary>
    public static int Shift(Tensor t, int axis, string op) => t.Shape.NormalizeAxis(axis, op) + Levels(t).Length;

    // ---- rule shapes shared by the ops ----

    /// <summary>An element-wise op: the same op on the real tensor.</summary>
    public static Tensor Unary(Tensor x, Func<Tensor, Tensor> op)
    {
        var s = (BatchedStorage)x.Storage;
        return Wrap(op(s.Real), s.Levels);
    }

    /// <summary>An element-wise op with a parameter, passed as state so the unbatched path allocates no closure.</summary>
    public static Tensor Unary<TState>(Tensor x, TState state, Func<Tensor, TState, Tensor> op)
    {
        var s = (BatchedStorage)x.Storage;
        return Wrap(op(s.Real, state), s.Levels);
    }

    /// <summary>A broadcasting binary op: operands aligned to the union of their levels and to a common logical rank.</summary>
    public static Tensor Binary(Tensor a, Tensor b, Func<Tensor, Tensor, Tensor> op)
    {
        var u = Union(a, b);
        int r = Math.Max(a.Rank, b.Rank);
        return Wrap(op(IsOn(a) ? Align(a, u, r) : a, IsOn(b) ? Align(b, u, r) : b), u);
    }

    /// <summary>A broadcasting ternary op (Where).</summary>
    public static Tensor Ternary(Tensor a, Tensor b, Tensor c, Func<Tensor, Tensor, Tensor, Tensor> op)
    {
        var u = Union(a, b, c);
        int r = Math.Max(a.Rank, Math.Max(b.Rank, c.Rank));
        return Wrap(op(IsOn(a) ? Align(a, u, r) : a, IsOn(b) ? Align(b, u, r) : b, IsOn(c) ? Align(c, u, r) : c), u);
    }
}

/// <summary>An op met a batched tensor it has no batching rule for in this form; Vmap falls back to a loop.</summary>
internal sealed class BatchingUnsupportedException(string op, string why) : Exception($"Vmap: {op} has no batching rule for {why}.")
{
    public string Op { get; } = op;
}
