using System.Runtime.CompilerServices;
using AutoGrad.Differentiation;

namespace AutoGrad;

/// <summary>Einstein summation, lowered to diagonals, sums, permutes, reshapes and batched matrix products.</summary>
/// <remarks>
/// No rule of its own: every step is an op with a gradient (the strided view for diagonals, Sum, Permute, Reshape, MatMul),
/// so gradients of every order come from them.
/// </remarks>
public static class EinsumOps
{
    /// <summary>Einstein summation of one operand (<c>"ii->i"</c> a diagonal, <c>"ii"</c> a trace, <c>"ij->ji"</c> a transpose).</summary>
    /// <remarks>See <see cref="Einsum(string, IReadOnlyList{Tensor}, string, int)"/> for the equation's grammar.</remarks>
    public static Tensor Einsum(string equation, Tensor a, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return Run(equation, [a]);
    }

    /// <summary>Einstein summation of two operands (<c>"ij,jk->ik"</c> a product, <c>"bij,bjk->bik"</c> a batched one).</summary>
    /// <remarks>See <see cref="Einsum(string, IReadOnlyList{Tensor}, string, int)"/> for the equation's grammar.</remarks>
    public static Tensor Einsum(string equation, Tensor a, Tensor b, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return Run(equation, [a, b]);
    }

    /// <summary>Einstein summation of three operands (<c>"i,ij,j->"</c> a bilinear form).</summary>
    /// <remarks>See <see cref="Einsum(string, IReadOnlyList{Tensor}, string, int)"/> for the equation's grammar.</remarks>
    public static Tensor Einsum(string equation, Tensor a, Tensor b, Tensor c, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return Run(equation, [a, b, c]);
    }

    /// <summary>Einstein summation of any number of operands: <c>y[out] = Σ over the other labels of Πₖ operandₖ[labelsₖ]</c>.</summary>
    /// <remarks>
    /// PyTorch's and NumPy's grammar: one term of letters (a–z, A–Z) per operand, separated by commas, optionally <c>-&gt; output</c>.
    /// A letter repeated within a term takes the diagonal; a letter absent from the output is summed over. <c>...</c> stands
    /// for the axes a term does not name, aligned from the right across operands and broadcast (size 1 against n). Without
    /// <c>-&gt;</c> the output is the ellipsis axes followed by the letters that occur once, in ASCII order (upper case first).
    /// An explicit output without <c>...</c> sums the ellipsis axes. Operands are combined left to right, each pair by one
    /// batched MatMul after summing the labels no later term needs.
    /// </remarks>
    public static Tensor Einsum(string equation, IReadOnlyList<Tensor> operands, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        ArgumentNullException.ThrowIfNull(operands);
        if (operands.Count == 0) throw new ArgumentException($"Einsum: equation '{equation}' needs at least one operand.");
        return Run(equation, operands);
    }

    private static Tensor Run(string equation, IReadOnlyList<Tensor> operands)
    {
        for (int k = 0; k < operands.Count; k++) ArgumentNullException.ThrowIfNull(operands[k], $"operands[{k}]");
        for (int k = 1; k < operands.Count; k++) Tensor.CheckSameDType("Einsum", operands[0], operands[k]);
        var eq = EinsumEquation.Parse(equation, operands);
        var terms = new List<(Tensor X, List<int> Labels)>();
        for (int k = 0; k < operands.Count; k++) terms.Add(Prepare(operands[k], eq.Inputs[k], eq));

        // Combine left to right; before each product, sum the labels that only this operand still has.
        var (acc, labels) = terms[0];
        (acc, labels) = SumUnneeded(acc, labels, Needed(eq, terms, 1));
        for (int k = 1; k < terms.Count; k++)
        {
            var needed = Needed(eq, terms, k + 1);
            var (x, lx) = terms[k];
            var both = needed.Concat(lx).ToHashSet();
            (acc, labels) = SumUnneeded(acc, labels, both);
            (x, lx) = SumUnneeded(x, lx, needed.Concat(labels).ToHashSet());
            (acc, labels) = Product(acc, labels, x, lx, needed, eq);
        }
        (acc, labels) = SumUnneeded(acc, labels, eq.Output.ToHashSet());
        var perm = eq.Output.Select(l => labels.IndexOf(l)).ToArray();
        return acc.Permute(perm);
    }

    // Labels still needed after the first `from` terms are combined: the output's and those of the terms not yet combined.
    private static HashSet<int> Needed(EinsumEquation eq, List<(Tensor X, List<int> Labels)> terms, int from)
    {
        var set = eq.Output.ToHashSet();
        for (int k = from; k < terms.Count; k++) set.UnionWith(terms[k].Labels);
        return set;
    }

    // One operand's diagonals taken (a repeated label: one strided view whose stride is the sum of the repeats'), and its
    // broadcast ellipsis axes of size 1 dropped: an axis of size 1 that broadcasts means the operand does not depend on it.
    private static (Tensor, List<int>) Prepare(Tensor x, int[] labels, EinsumEquation eq)
    {
        var unique = labels.Distinct().ToList();
        if (unique.Count < labels.Length)
        {
            var strides = x.Shape.Strides();
            var shape = unique.Select(l => x.Shape[Array.IndexOf(labels, l)]).ToArray();
            var st = unique.Select(l => labels.Select((m, a) => m == l ? strides[a] : 0).Sum()).ToArray();
            x = x.AsStrided(new Shape(shape), st, 0, "Einsum");
        }
        var keep = new List<int>();
        var kept = new List<int>();
        for (int a = 0; a < unique.Count; a++)
        {
            if (x.Shape[a] == 1 && eq.Sizes[unique[a]] != 1) continue;
            keep.Add(a);
            kept.Add(unique[a]);
        }
        if (kept.Count < unique.Count) x = x.Reshape(keep.Select(a => x.Shape[a]).ToArray());
        return (x, kept);
    }

    private static (Tensor, List<int>) SumUnneeded(Tensor x, List<int> labels, HashSet<int> needed)
    {
        var axes = Enumerable.Range(0, labels.Count).Where(a => !needed.Contains(labels[a])).ToArray();
        if (axes.Length == 0) return (x, labels);
        return (x.Sum(axes), labels.Where(l => needed.Contains(l)).ToList());
    }

    // A (labels la) times B (labels lb) as one batched product: batch = shared and still needed, contracted = shared and
    // not needed, then A's own and B's own. A becomes (batch, m, k), B (batch, k, n).
    private static (Tensor, List<int>) Product(Tensor a, List<int> la, Tensor b, List<int> lb, HashSet<int> needed, EinsumEquation eq)
    {
        var batch = la.Where(l => lb.Contains(l) && needed.Contains(l)).ToList();
        var contract = la.Where(l => lb.Contains(l) && !needed.Contains(l)).ToList();
        var aOnly = la.Where(l => !lb.Contains(l)).ToList();
        var bOnly = lb.Where(l => !la.Contains(l)).ToList();
        int Size(IEnumerable<int> ls) => ls.Aggregate(1, (p, l) => p * eq.Sizes[l]);
        var pa = a.Permute([.. batch.Concat(aOnly).Concat(contract).Select(l => la.IndexOf(l))]).Reshape(Size(batch), Size(aOnly), Size(contract));
        var pb = b.Permute([.. batch.Concat(contract).Concat(bOnly).Select(l => lb.IndexOf(l))]).Reshape(Size(batch), Size(contract), Size(bOnly));
        var y = pa.MatMul(pb);
        var labels = batch.Concat(aOnly).Concat(bOnly).ToList();
        return (y.Reshape(labels.Select(l => eq.Sizes[l]).ToArray()), labels);
    }
}
