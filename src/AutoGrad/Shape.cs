using System.Collections;

namespace AutoGrad;

/// <summary>
/// The dimensions of a row-major tensor: <c>(d₀, …, d_{r−1})</c>, with rank 0 meaning a scalar of one element.
/// </summary>
/// <remarks>Immutable and compared by value. Negative axes count from the end, as in NumPy.</remarks>
public readonly struct Shape : IEquatable<Shape>, IReadOnlyList<int>
{
    private readonly int[]? _dims;

    /// <summary>The largest rank a shape may have (64); file readers enforce it too, so a hostile file cannot make a rank-million tensor.</summary>
    public const int MaxRank = 64;

    /// <summary>A shape with the given dimensions, each ≥ 0, at most <see cref="MaxRank"/> of them.</summary>
    public Shape(params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        if (dims.Length > MaxRank) throw new ArgumentException($"Shape: rank {dims.Length} exceeds the limit of {MaxRank} dimensions.", nameof(dims));
        foreach (var d in dims)
            if (d < 0) throw new ArgumentException($"Shape: dimension {d} is negative in ({string.Join(", ", dims)}).", nameof(dims));
        _dims = (int[])dims.Clone();
        CheckSize(dims, "Shape", "shape ");
    }

    /// <summary>The largest element count a tensor can hold (its buffers are indexed by <see cref="int"/>).</summary>
    public const int MaxElements = int.MaxValue;

    // ∏ dᵢ in 64 bits, saturating at MaxElements + 1 so no product of any rank can wrap (0 if any dimension is 0).
    internal static long LongSize(ReadOnlySpan<int> dims)
    {
        foreach (var d in dims) if (d == 0) return 0;
        long size = 1;
        foreach (var d in dims)
        {
            size *= d;
            if (size > MaxElements) return (long)MaxElements + 1;
        }
        return size;
    }

    // Throws naming op (and what it was given, in detail) when dims hold more elements than a tensor can. Callers whose detail
    // must be formatted test TooBig first and build the message only then, so the common case allocates nothing.
    internal static void CheckSize(ReadOnlySpan<int> dims, string op, string detail)
    {
        if (TooBig(dims)) throw TooLarge(dims, op, detail);
    }

    internal static bool TooBig(ReadOnlySpan<int> dims) => LongSize(dims) > MaxElements;

    internal static ArgumentException TooLarge(ReadOnlySpan<int> dims, string op, string detail)
    {
        double exact = 1;
        foreach (var d in dims) exact *= d;
        return new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{op}: {detail}({string.Join(", ", dims.ToArray())}) would hold {exact:N0} elements, more than the {MaxElements:N0} a tensor can."));
    }

    private Shape(int[] dims, bool _) => _dims = dims;

    internal static Shape Wrap(int[] dims) => new(dims, true);

    /// <summary>The rank-0 shape <c>()</c> of a scalar.</summary>
    public static Shape Scalar => new([], true);

    /// <summary>Number of dimensions <c>r</c>.</summary>
    public int Rank => _dims?.Length ?? 0;

    /// <summary>Number of dimensions <c>r</c> (same as <see cref="Rank"/>).</summary>
    public int Count => Rank;

    /// <summary>Number of elements <c>∏ dᵢ</c> (1 for a scalar); every way of making a shape checks it fits in <see cref="MaxElements"/>.</summary>
    public int Size
    {
        get
        {
            int s = 1;
            if (_dims is not null) foreach (var d in _dims) s *= d;
            return s;
        }
    }

    /// <summary>Dimension <c>d_axis</c>; a negative axis counts from the end.</summary>
    public int this[int axis] => Dims[NormalizeAxis(axis, "Shape")];

    internal int[] Dims => _dims ?? [];

    /// <summary>The dimensions as a new array.</summary>
    public int[] ToArray() => (int[])Dims.Clone();

    /// <summary>Row-major strides in elements: <c>sᵢ = ∏_{j&gt;i} dⱼ</c>.</summary>
    public int[] Strides()
    {
        var d = Dims;
        var s = new int[d.Length];
        int acc = 1;
        for (int i = d.Length - 1; i >= 0; i--) { s[i] = acc; acc *= d[i]; }
        return s;
    }

    /// <summary>Maps an axis in <c>[−r, r)</c> to <c>[0, r)</c>, or throws naming <paramref name="op"/>.</summary>
    public int NormalizeAxis(int axis, string op) => NormalizeAxis(axis, Rank, op, this);

    internal static int NormalizeAxis(int axis, int rank, string op, Shape shape)
    {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank)
            throw new ArgumentOutOfRangeException(nameof(axis), $"{op}: axis {axis} is out of range for shape {shape} (rank {rank}; valid axes are {-rank}..{rank - 1}).");
        return a;
    }

    /// <summary>
    /// NumPy broadcasting: align trailing dimensions; each pair must be equal or contain a 1.
    /// </summary>
    public static Shape Broadcast(Shape a, Shape b, string op)
    {
        if (a.Equals(b)) return a;
        int r = Math.Max(a.Rank, b.Rank);
        var dims = new int[r];
        for (int i = 0; i < r; i++)
        {
            int da = i < r - a.Rank ? 1 : a.Dims[i - (r - a.Rank)];
            int db = i < r - b.Rank ? 1 : b.Dims[i - (r - b.Rank)];
            if (da == db || db == 1) dims[i] = da;
            else if (da == 1) dims[i] = db;
            else
                throw new ArgumentException(
                    $"{op}: shapes {a} and {b} cannot be broadcast: aligned from the right, dimension {i - r} is {da} in the first and {db} in the second; each pair must be equal or one of them 1.");
        }
        if (TooBig(dims)) throw TooLarge(dims, op, $"broadcasting {a} and {b} to ");
        return new Shape(dims, true);
    }

    /// <summary>True when this shape can be broadcast to <paramref name="target"/> without changing <paramref name="target"/>.</summary>
    public bool CanBroadcastTo(Shape target)
    {
        if (Rank > target.Rank) return false;
        int off = target.Rank - Rank;
        for (int i = 0; i < Rank; i++)
            if (Dims[i] != 1 && Dims[i] != target.Dims[i + off]) return false;
        return true;
    }

    /// <inheritdoc/>
    public bool Equals(Shape other) => ReferenceEquals(_dims, other._dims) || Dims.AsSpan().SequenceEqual(other.Dims);   // ops pass shapes on unchanged

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Shape s && Equals(s);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var d in Dims) h.Add(d);
        return h.ToHashCode();
    }

    /// <summary>Value equality of two shapes.</summary>
    public static bool operator ==(Shape a, Shape b) => a.Equals(b);

    /// <summary>Value inequality of two shapes.</summary>
    public static bool operator !=(Shape a, Shape b) => !a.Equals(b);

    /// <summary>A shape from an array of dimensions.</summary>
    public static implicit operator Shape(int[] dims) => new(dims);

    /// <summary>NumPy-style text: <c>(2, 3)</c>, <c>(4,)</c> or <c>()</c>.</summary>
    public override string ToString() => Rank == 1 ? $"({Dims[0]},)" : $"({string.Join(", ", Dims)})";

    /// <inheritdoc/>
    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)Dims).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
