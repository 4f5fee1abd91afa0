using System.Runtime.CompilerServices;

namespace AutoGrad;

/// <summary>Repeating elements in place along an axis.</summary>
public static class RepeatOps
{
    /// <summary>
    /// Each slice along <paramref name="axis"/> repeated <paramref name="repeats"/> times in a row:
    /// <c>[a, b] → [a, a, b, b]</c> (PyTorch's <c>repeat_interleave</c>); with no axis, of the flattened tensor.
    /// </summary>
    /// <remarks>Composed from IndexSelect, so the gradient sums the copies of each slice.</remarks>
    public static Tensor RepeatInterleave(this Tensor x, int repeats, int? axis = null, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (repeats < 0) throw new ArgumentException($"RepeatInterleave: repeats must be ≥ 0, got {repeats}.");
        var (src, ax) = Axis(x, axis);
        int n = src.Shape[ax];
        return Run(src, ax, Enumerable.Repeat(repeats, n).ToArray());
    }

    /// <summary>Slice <c>i</c> along <paramref name="axis"/> repeated <c>repeats[i]</c> times (one count per slice); with no axis, of the flattened tensor.</summary>
    /// <remarks>Composed from IndexSelect, so the gradient sums the copies of each slice.</remarks>
    public static Tensor RepeatInterleave(this Tensor x, int[] repeats, int? axis = null, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        ArgumentNullException.ThrowIfNull(repeats);
        var (src, ax) = Axis(x, axis);
        int n = src.Shape[ax];
        if (repeats.Length != n)
            throw new ArgumentException($"RepeatInterleave: {repeats.Length} repeat counts for {n} slices along axis {ax} of shape {src.Shape}.");
        for (int i = 0; i < repeats.Length; i++)
            if (repeats[i] < 0) throw new ArgumentException($"RepeatInterleave: repeats[{i}] = {repeats[i]} is negative.");
        return Run(src, ax, repeats);
    }

    private static (Tensor, int) Axis(Tensor x, int? axis)
    {
        if (axis is not int a) return (x.Reshape(-1), 0);
        if (x.Rank == 0) throw new ArgumentException("RepeatInterleave: a scalar has no axis; pass axis: null.");
        return (x, x.Shape.NormalizeAxis(a, "RepeatInterleave"));
    }

    private static Tensor Run(Tensor x, int axis, int[] repeats)
    {
        long total = 0;
        foreach (var r in repeats) total += r;
        if (total > Shape.MaxElements) throw new ArgumentException($"RepeatInterleave: {total} slices would exceed the element limit.");
        var indices = new int[total];
        int k = 0;
        for (int i = 0; i < repeats.Length; i++)
            for (int r = 0; r < repeats[i]; r++) indices[k++] = i;
        return x.IndexSelect(axis, indices);
    }
}
