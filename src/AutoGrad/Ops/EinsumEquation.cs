namespace AutoGrad;

/// <summary>
/// A parsed einsum equation: each operand's axis labels and the output's, with <c>...</c> expanded into labels of their own
/// (aligned from the right across operands, as broadcasting aligns axes) and every label's size checked.
/// </summary>
internal sealed class EinsumEquation
{
    // Letters get labels 0..51 ('A'..'Z', 'a'..'z': ASCII order, the implicit output's order); ellipsis axes 100 + k for the
    // k-th of the broadcast ellipsis axes counted from the left.
    private const int EllipsisBase = 100;

    private EinsumEquation(string text, int[][] inputs, int[] output, Dictionary<int, int> sizes)
    {
        Text = text;
        Inputs = inputs;
        Output = output;
        Sizes = sizes;
    }

    public string Text { get; }

    /// <summary>Per operand, the label of each axis (repeated labels stay repeated: they mean a diagonal).</summary>
    public int[][] Inputs { get; }

    /// <summary>The output's labels, in order.</summary>
    public int[] Output { get; }

    /// <summary>Each label's size after broadcasting (an ellipsis axis of size 1 broadcasts).</summary>
    public Dictionary<int, int> Sizes { get; }

    public static string Name(int label) =>
        label >= EllipsisBase ? $"'...' axis {label - EllipsisBase}" : $"'{(char)(label < 26 ? 'A' + label : 'a' + label - 26)}'";

    public static EinsumEquation Parse(string equation, IReadOnlyList<Tensor> operands)
    {
        ArgumentNullException.ThrowIfNull(equation);
        string eq = equation;
        int arrow = eq.IndexOf("->", StringComparison.Ordinal);
        if (arrow >= 0 && eq.IndexOf("->", arrow + 2, StringComparison.Ordinal) >= 0)
            throw Error(eq, eq.IndexOf("->", arrow + 2, StringComparison.Ordinal), "a second '->'");
        string lhs = arrow >= 0 ? eq[..arrow] : eq;
        // The terms of the left side, each with the position of its first character in the equation.
        var terms = new List<(int Start, string Text)>();
        int start = 0;
        for (int i = 0; i <= lhs.Length; i++)
            if (i == lhs.Length || lhs[i] == ',') { terms.Add((start, lhs[start..i])); start = i + 1; }
        if (terms.Count != operands.Count)
            throw new ArgumentException($"Einsum: equation '{eq}' has {terms.Count} input term(s) but {operands.Count} operand(s) were given.");

        var parsed = terms.Select(t => ParseTerm(eq, t.Start, t.Text)).ToArray();
        // Ellipsis axes: as many as the operand's rank leaves after its letters; all right-aligned against the widest.
        int[] ellipsisRank = new int[operands.Count];
        for (int k = 0; k < operands.Count; k++)
        {
            var (letters, ellipsisAt) = parsed[k];
            int rank = operands[k].Rank;
            if (ellipsisAt < 0 ? letters.Count != rank : letters.Count > rank)
                throw new ArgumentException(
                    $"Einsum: equation '{eq}': term '{terms[k].Text}' at position {terms[k].Start} names {letters.Count} ax{(letters.Count == 1 ? "is" : "es")}" +
                    $"{(ellipsisAt < 0 ? "" : " and '...'")} but operand {k} has shape {operands[k].Shape} (rank {rank}).");
            ellipsisRank[k] = ellipsisAt < 0 ? 0 : rank - letters.Count;
        }
        int widest = ellipsisRank.Length == 0 ? 0 : ellipsisRank.Max();
        var inputs = new int[operands.Count][];
        for (int k = 0; k < operands.Count; k++)
        {
            var (letters, ellipsisAt) = parsed[k];
            var labels = letters.Select(l => l.Label).ToList();
            if (ellipsisAt >= 0)
                labels.InsertRange(ellipsisAt, Enumerable.Range(widest - ellipsisRank[k], ellipsisRank[k]).Select(e => EllipsisBase + e));
            inputs[k] = [.. labels];
        }

        // Sizes: a letter has one size everywhere (and along a diagonal); an ellipsis axis of size 1 broadcasts.
        var sizes = new Dictionary<int, int>();
        for (int k = 0; k < operands.Count; k++)
            for (int a = 0; a < inputs[k].Length; a++)
            {
                int label = inputs[k][a], n = operands[k].Shape[a];
                if (!sizes.TryGetValue(label, out int known)) { sizes[label] = n; continue; }
                if (known == n) continue;
                if (label >= EllipsisBase && (known == 1 || n == 1)) { sizes[label] = Math.Max(known, n); continue; }
                throw new ArgumentException(
                    $"Einsum: equation '{eq}': label {Name(label)} has size {known} in one place and {n} at axis {a} of operand {k} (shape {operands[k].Shape}).");
            }

        int[] output;
        if (arrow >= 0)
        {
            var (letters, ellipsisAt) = ParseTerm(eq, arrow + 2, eq[(arrow + 2)..]);
            var seen = new HashSet<int>();
            foreach (var (label, pos) in letters)
            {
                if (!seen.Add(label)) throw Error(eq, pos, $"output label {Name(label)} repeated");
                if (!inputs.Any(i => i.Contains(label))) throw Error(eq, pos, $"output label {Name(label)} appears in no input");
            }
            var labels = letters.Select(l => l.Label).ToList();
            if (ellipsisAt >= 0) labels.InsertRange(ellipsisAt, Enumerable.Range(0, widest).Select(e => EllipsisBase + e));
            output = [.. labels];
        }
        else
        {
            // Implicit output: the broadcast ellipsis axes, then the letters used exactly once, in ASCII order.
            var counts = inputs.SelectMany(i => i).Where(l => l < EllipsisBase).GroupBy(l => l).Where(g => g.Count() == 1).Select(g => g.Key).Order();
            output = [.. Enumerable.Range(0, widest).Select(e => EllipsisBase + e), .. counts];
        }
        return new EinsumEquation(eq, inputs, output, sizes);
    }

    // One term: its letters with their positions, and where '...' stands among them (−1 if absent).
    private static (List<(int Label, int Pos)> Letters, int EllipsisAt) ParseTerm(string eq, int offset, string term)
    {
        var letters = new List<(int, int)>();
        int ellipsisAt = -1;
        for (int i = 0; i < term.Length; i++)
        {
            char c = term[i];
            int pos = offset + i;
            if (c == ' ') continue;
            if (c == '.')
            {
                if (i + 2 >= term.Length || term[i + 1] != '.' || term[i + 2] != '.') throw Error(eq, pos, "'.' that is not part of '...'");
                if (ellipsisAt >= 0) throw Error(eq, pos, "a second '...' in one term");
                ellipsisAt = letters.Count;
                i += 2;
            }
            else if (c is >= 'A' and <= 'Z') letters.Add((c - 'A', pos));
            else if (c is >= 'a' and <= 'z') letters.Add((26 + c - 'a', pos));
            else throw Error(eq, pos, c == '-' || c == '>' ? $"'{c}' that is not part of '->'" : $"character '{c}' (labels are the letters a–z and A–Z)");
        }
        return (letters, ellipsisAt);
    }

    private static ArgumentException Error(string eq, int pos, string what) =>
        new($"Einsum: equation '{eq}' does not parse: {what} at position {pos}.");
}
