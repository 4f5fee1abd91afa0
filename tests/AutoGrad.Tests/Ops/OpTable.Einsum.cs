using FsCheck;
using FsCheck.Fluent;

namespace AutoGrad.Tests.Ops;

public static partial class OpTable
{
    // (equation, operand shapes): letters only, so NaiveEinsum (a loop over every assignment of the labels) is the reference.
    private static readonly (string Eq, int[][] Shapes)[] s_einsum1 =
    [
        ("ij->ji", [[2, 3]]), ("ii->i", [[3, 3]]), ("ii", [[3, 3]]), ("ij->", [[2, 3]]), ("ij->j", [[2, 3]]), ("iji->ij", [[2, 3, 2]]),
        ("bii->bi", [[2, 3, 3]]), ("ijk->kij", [[2, 1, 3]]), ("ij", [[2, 3]]), ("ji", [[2, 3]]), ("->", [[]]),
    ];

    private static readonly (string Eq, int[][] Shapes)[] s_einsum2 =
    [
        ("ij,jk->ik", [[2, 3], [3, 4]]), ("ij,jk", [[2, 3], [3, 2]]), ("bij,bjk->bik", [[2, 2, 3], [2, 3, 2]]), ("i,i->", [[4], [4]]),
        ("i,j->ij", [[3], [2]]), ("ij,ij->ij", [[2, 3], [2, 3]]), ("ba,ab", [[2, 3], [3, 2]]), ("ij,kj->ik", [[2, 3], [4, 3]]),
        ("ii,i->i", [[3, 3], [3]]), ("bhld,bhsd->bhls", [[1, 2, 3, 2], [1, 2, 2, 2]]), ("ij,k->", [[2, 2], [3]]), (",i->i", [[], [3]]),
        ("Ab,ba->Aa", [[2, 3], [3, 2]]),
    ];

    private static readonly (string Eq, int[][] Shapes)[] s_einsum3 =
    [
        ("i,ij,j->", [[3], [3, 2], [2]]), ("ij,jk,kl->il", [[2, 3], [3, 2], [2, 2]]), ("bn,anm,bm->ba", [[2, 3], [2, 3, 2], [2, 2]]),
        ("i,i,i->i", [[3], [3], [3]]), ("ab,cd,ef->", [[1, 2], [2, 1], [2, 2]]),
    ];

    private static Gen<OpSample> EinsumSamples((string Eq, int[][] Shapes)[] cases, Func<string, Tensor[], Tensor> call, bool naive) =>
        from c in Gen.Elements(cases)
        from xs in Gen.CollectToArray(c.Shapes, s => Generators.Tensor(s, Wide))
        select new OpSample(xs, ts => call(c.Eq, ts), $"Einsum(\"{c.Eq}\")", naive ? () => NaiveEinsum(c.Eq, xs) : null);

    // With '...': checked against the same contraction written out in ops in EinsumTests; here gradients and float32.
    private static readonly (string Eq, int[][] Shapes)[] s_einsumEllipsis =
    [
        ("...ij,...jk->...ik", [[2, 1, 2, 3], [3, 3, 2]]), ("...ii->...i", [[2, 3, 3]]), ("i...,i...->...", [[3, 2], [3, 1]]),
        ("...ij,jk", [[2, 2, 3], [3, 2]]), ("b...,b...->b", [[2, 2, 2], [2, 2, 2]]), ("...,...->...", [[2, 3], [3]]),
    ];

    private static readonly OpCase[] EinsumRows =
    [
        new("Einsum", "Einsum(equation, a)", EinsumSamples(s_einsum1, (e, t) => EinsumOps.Einsum(e, t[0]), true)),
        new("Einsum", "Einsum(equation, a, b)", EinsumSamples(s_einsum2, (e, t) => EinsumOps.Einsum(e, t[0], t[1]), true)),
        new("Einsum", "Einsum(equation, a, b, c)", EinsumSamples(s_einsum3, (e, t) => EinsumOps.Einsum(e, t[0], t[1], t[2]), true)),
        new("Einsum", "Einsum(equation, list of four)",
            from xs in Gen.CollectToArray(new[] { new[] { 2, 3 }, [3, 2], [2, 2], [2, 3] }, s => Generators.Tensor(s, Wide))
            select new OpSample(xs, ts => EinsumOps.Einsum("ab,bc,cd,de->ae", ts), "Einsum(\"ab,bc,cd,de->ae\")", () => NaiveEinsum("ab,bc,cd,de->ae", xs))),
        new("Einsum", "Einsum(equation with '...', a, b)",
            EinsumSamples(s_einsumEllipsis.Where(c => c.Shapes.Length == 2).ToArray(), (e, t) => EinsumOps.Einsum(e, t[0], t[1]), false)),
        new("Einsum", "Einsum(equation with '...', a)",
            EinsumSamples(s_einsumEllipsis.Where(c => c.Shapes.Length == 1).ToArray(), (e, t) => EinsumOps.Einsum(e, t[0]), false)),
    ];

    /// <summary>Einsum by definition: a loop over every assignment of the labels, for equations of letters only.</summary>
    internal static double[] NaiveEinsum(string eq, Tensor[] xs)
    {
        var parts = eq.Split("->");
        var terms = parts[0].Split(',');
        string output = parts.Length == 2 ? parts[1]
            : new string([.. string.Concat(terms).GroupBy(c => c).Where(g => g.Count() == 1).Select(g => g.Key).Order()]);
        var size = new Dictionary<char, int>();
        for (int k = 0; k < xs.Length; k++)
            for (int a = 0; a < terms[k].Length; a++) size[terms[k][a]] = xs[k].Shape[a];
        var labels = size.Keys.ToArray();
        var values = xs.Select(x => x.ToDoubleArray()).ToArray();
        var y = new double[output.Aggregate(1, (p, c) => p * size[c])];
        var at = new Dictionary<char, int>();
        void Loop(int d)
        {
            if (d == labels.Length)
            {
                double prod = 1;
                for (int k = 0; k < xs.Length; k++) prod *= values[k][Flat(terms[k], at, size)];
                y[Flat(output, at, size)] += prod;
                return;
            }
            for (int i = 0; i < size[labels[d]]; i++) { at[labels[d]] = i; Loop(d + 1); }
        }
        Loop(0);
        return y;
    }

    private static int Flat(string term, Dictionary<char, int> at, Dictionary<char, int> size) =>
        term.Aggregate(0, (f, c) => f * size[c] + at[c]);
}
