using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;

namespace AutoGrad.Differentiation;

public static partial class Functional
{
    // Note [Vmap fallback]
    // A batched tensor has an empty buffer (Note [Batched tensors] in Batching.cs), so an op without a batching rule throws
    // the moment its kernel reads one, or raises BatchingUnsupportedException for a form its rule does not cover. Vmap then
    // runs f once per example (slices along the inDims, the outputs stacked along the outDims): the same values, by the
    // slow road. The op is named once per process on standard error and listed in FallbackOps, which a test pins.
    // The batched attempt may have run part of f: side effects of f itself (a module's running statistics) are f's to avoid.
    private static readonly ConcurrentDictionary<string, int> s_fallbacks = new();

    // For tests: when set, every fallback on this thread appends its op here.
    [ThreadStatic] internal static List<string>? t_fallbackLog;

    /// <summary>The ops (by public method name) that made a Vmap fall back to a loop over the batch in this process, with counts.</summary>
    public static IReadOnlyDictionary<string, int> VmapFallbacks => s_fallbacks;

    /// <summary>
    /// Vectorizes <paramref name="f"/>, written for one example, over a batch axis: input <c>i</c> is batched along axis
    /// <c>inDims[i]</c> (null: the same tensor for every example), the result carries the batch along <paramref name="outDim"/>.
    /// </summary>
    /// <remarks>
    /// Runs <paramref name="f"/> once, on batched tensors, through each op's batching rule (no loop); an op without a rule falls
    /// back to a loop over the batch (see <see cref="VmapFallbacks"/>). Gradients flow through the result as through any op, and
    /// Vmap composes with itself and with <see cref="Grad(Func{Tensor[], Tensor}, int[], bool)"/>, <see cref="Jacrev"/> and the others.
    /// </remarks>
    /// <param name="f">The per-example function.</param>
    /// <param name="inDims">One entry per input: its batch axis, or null for an unbatched input; null means axis 0 for every input.</param>
    /// <param name="outDim">Where the batch axis goes in the result.</param>
    public static Func<Tensor[], Tensor> Vmap(Func<Tensor[], Tensor> f, int?[]? inDims = null, int outDim = 0)
    {
        ArgumentNullException.ThrowIfNull(f);
        var many = Vmap(xs => [f(xs) ?? throw new ArgumentException("Vmap: f returned null; it must return a tensor.", nameof(f))], inDims, [outDim]);
        return xs => many(xs)[0];
    }

    /// <summary>Vectorizes a function of one tensor along axis <paramref name="inDim"/> of its input (see <see cref="Vmap(Func{Tensor[], Tensor}, int?[], int)"/>).</summary>
    public static Func<Tensor, Tensor> Vmap(Func<Tensor, Tensor> f, int inDim = 0, int outDim = 0)
    {
        ArgumentNullException.ThrowIfNull(f);
        var g = Vmap(xs => f(xs[0]), [inDim], outDim);
        return x => g([x]);
    }

    /// <summary>Vectorizes a function with several outputs; output <c>j</c> carries the batch along <c>outDims[j]</c> (0 for all if null).</summary>
    public static Func<Tensor[], Tensor[]> Vmap(Func<Tensor[], Tensor[]> f, int?[]? inDims, int[]? outDims)
    {
        ArgumentNullException.ThrowIfNull(f);
        return inputs => RunVmap(f, inputs, inDims, outDims);
    }

    private static Tensor[] RunVmap(Func<Tensor[], Tensor[]> f, Tensor[] inputs, int?[]? inDims, int[]? outDims)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var dims = inDims ?? inputs.Select(_ => (int?)0).ToArray();
        if (dims.Length != inputs.Length)
            throw new ArgumentException($"Vmap: {inputs.Length} inputs but {dims.Length} inDims; give one entry per input (null for an unbatched one).", nameof(inDims));
        int size = -1, sizeFrom = -1;
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is null) throw new ArgumentNullException(nameof(inputs), $"Vmap: inputs[{i}] is null.");
            if (dims[i] is not int d) continue;
            int r = inputs[i].Rank;
            if (d < -r || d >= r)
                throw new ArgumentException($"Vmap: inDims[{i}] = {d} is outside the rank of inputs[{i}] (shape {inputs[i].Shape}, axes {-r}..{r - 1}).", nameof(inDims));
            int n = inputs[i].Shape[d < 0 ? d + r : d];
            if (size < 0) { size = n; sizeFrom = i; }
            else if (n != size)
                throw new ArgumentException($"Vmap: batch sizes differ: inputs[{sizeFrom}] has {size} along inDims[{sizeFrom}] = {dims[sizeFrom]} but inputs[{i}] has {n} along inDims[{i}] = {d}.", nameof(inputs));
        }
        if (size < 0) throw new ArgumentException("Vmap: no input is batched; give at least one inDims entry that is not null.", nameof(inDims));

        int level = Batching.Push(size);
        bool open = true;
        try
        {
            var xs = new Tensor[inputs.Length];
            for (int i = 0; i < inputs.Length; i++) xs[i] = dims[i] is int d ? Enter(inputs[i], d, level) : inputs[i];
            var ys = f(xs) ?? throw new ArgumentException("Vmap: f returned null; it must return tensors.", nameof(f));
            var outs = new Tensor[ys.Length];
            var od = Outs(outDims, ys.Length);
            for (int j = 0; j < ys.Length; j++)
                outs[j] = Exit(ys[j] ?? throw new ArgumentException($"Vmap: f returned null for output {j}; it must return tensors.", nameof(f)), level, size, od[j], j);
            return outs;
        }
        catch (Exception e) when (FallbackOp(e) is string op)
        {
            Batching.Pop(level);
            open = false;
            t_fallbackLog?.Add(op);
            if (s_fallbacks.AddOrUpdate(op, 1, (_, c) => c + 1) == 1)
                Console.Error.WriteLine($"Vmap: {op} has no batching rule; running a loop over the batch instead (this notice is shown once per op).");
            return Loop(f, inputs, dims, outDims, size);
        }
        finally
        {
            if (open) Batching.Pop(level);
        }
    }

    private static int[] Outs(int[]? outDims, int count)
    {
        var od = outDims ?? new int[count];
        if (od.Length != count) throw new ArgumentException($"Vmap: f returned {count} outputs but {od.Length} outDims were given.", nameof(outDims));
        return od;
    }

    // The input with its batch axis d moved to the front of the logical axes, as a tensor batched at this level.
    private static Tensor Enter(Tensor x, int d, int level)
    {
        int r = x.Rank;
        if (d < 0) d += r;
        var levels = Batching.Levels(x);
        var real = Batching.Real(x);
        int k = levels.Length, from = k + d;
        if (from != k)
        {
            var perm = Enumerable.Range(0, real.Rank).ToList();
            perm.RemoveAt(from);
            perm.Insert(k, from);
            real = real.Permute([.. perm]);
        }
        return Batching.Wrap(real, [.. levels, level]);
    }

    // An output of f as the caller sees it: this level's batch axis moved to logical position outDim (an unbatched output
    // is repeated along it).
    private static Tensor Exit(Tensor y, int level, int size, int outDim, int index)
    {
        int r = y.Rank + 1;
        if (outDim < -r || outDim >= r)
            throw new ArgumentException($"Vmap: outDims[{index}] = {outDim} is outside the rank of output {index} with its batch axis (per example {y.Shape}, axes {-r}..{r - 1}).", "outDims");
        if (outDim < 0) outDim += r;
        var levels = Batching.Levels(y);
        int at = Array.IndexOf(levels, level);
        if (at < 0)
        {
            var u = y.Unsqueeze(outDim);
            var dims = u.Shape.ToArray();
            dims[outDim] = size;
            return u.BroadcastTo(new Shape(dims));
        }
        var real = Batching.Real(y);
        var rest = levels.Where(l => l != level).ToArray();
        int to = rest.Length + outDim;
        if (to != at)
        {
            var perm = Enumerable.Range(0, real.Rank).ToList();
            perm.RemoveAt(at);
            perm.Insert(to, at);
            real = real.Permute([.. perm]);
        }
        return Batching.Wrap(real, rest);
    }

    private static Tensor[] Loop(Func<Tensor[], Tensor[]> f, Tensor[] inputs, int?[] dims, int[]? outDims, int size)
    {
        var results = new List<Tensor[]>(size);
        for (int b = 0; b < size; b++)
        {
            var xs = inputs.Select((x, i) => dims[i] is int d ? x.Select(d, b) : x).ToArray();
            results.Add(f(xs) ?? throw new ArgumentException("Vmap: f returned null; it must return tensors."));
        }
        int count = results[0].Length;
        var od = Outs(outDims, count);
        var outs = new Tensor[count];
        for (int j = 0; j < count; j++)
        {
            var parts = results.Select(r => r[j] ?? throw new ArgumentException($"Vmap: f returned null for output {j}; it must return tensors.")).ToArray();
            int r0 = parts[0].Rank + 1;
            if (od[j] < -r0 || od[j] >= r0)
                throw new ArgumentException($"Vmap: outDims[{j}] = {od[j]} is outside the rank of output {j} with its batch axis (per example {parts[0].Shape}).", nameof(outDims));
            outs[j] = CombineOps.Stack(parts, od[j] < 0 ? od[j] + r0 : od[j]);
        }
        return outs;
    }

    // The op to blame when the batched run failed for want of a rule, or null for any other error (which propagates).
    private static string? FallbackOp(Exception e)
    {
        if (e is BatchingUnsupportedException u) return u.Op;
        if (e is not (ArgumentOutOfRangeException or ArgumentException or IndexOutOfRangeException)) return null;
        // Reading a batched tensor's empty buffer: the failing frame is a span over it. Blame the outermost public op of
        // this library on the stack below f (the one the user, or a composite, called).
        var frames = new StackTrace(e, false).GetFrames();
        bool emptyRead = frames.Take(3).Any(fr => fr.GetMethod()?.DeclaringType is { } t && (t.Name.StartsWith("Span", StringComparison.Ordinal) || t.Name == "ThrowHelper"));
        if (!emptyRead || e is not ArgumentOutOfRangeException) return null;
        string? op = null, other = null;
        foreach (var fr in frames)
        {
            var m = fr.GetMethod();
            if (m?.DeclaringType is not { } t || t.Assembly != typeof(Functional).Assembly) continue;
            if (t == typeof(Functional) || t.Namespace == typeof(Functional).Namespace) break;   // reached the transforms: stop
            if (!m.IsPublic || !t.IsPublic) continue;
            if (t.Namespace == "AutoGrad") op = m.Name;
            else other = $"{t.Name}.{m.Name}";   // a module or loss that reads values itself (Embedding.Forward)
        }
        return op ?? other ?? "an op";
    }
}
