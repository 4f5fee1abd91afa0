using System.Text;
using AutoGrad.Differentiation;

namespace AutoGrad.Inspection;

/// <summary>Graphviz DOT export of a <see cref="Graph"/>.</summary>
internal static class GraphDot
{
    public static string Write(Graph g)
    {
        var sb = new StringBuilder();
        sb.Append("digraph autograd {\n");
        sb.Append("  rankdir=LR;\n");
        sb.Append("  node [fontname=\"Helvetica\", fontsize=10];\n");
        var declared = new bool[g.Values.Count];
        void Value(int id)
        {
            if (declared[id]) return;
            declared[id] = true;
            var v = g.Values[id];
            var fields = string.Join(" | ", g.Lines(v).Select(Record));
            sb.Append($"  v{id} [shape=record, label=\"{{ {fields} }}\"");
            if (v.IsLeaf) sb.Append(", style=filled, fillcolor=\"#eef5ff\"");
            sb.Append("];\n");
        }
        foreach (var n in g.Nodes)
        {
            foreach (var i in n.Inputs) Value(i);
            var label = Quote(n.Op) + (n.Site.IsKnown ? "\\n" + Quote(n.Site.ToString()) : "");
            sb.Append($"  op{n.Id} [shape=ellipse, label=\"{label}\"];\n");
            foreach (var i in n.Inputs) sb.Append($"  v{i} -> op{n.Id};\n");
            Value(n.Output);
            sb.Append($"  op{n.Id} -> v{n.Output};\n");
        }
        for (int i = 0; i < declared.Length; i++) Value(i);   // a root with no ops
        sb.Append("}\n");
        return sb.ToString();
    }

    // Inside a double-quoted DOT string only " and \ need escaping.
    private static string Quote(string s) => s.Replace("\\", "\\\\").Replace("\"", "\\\"");

    // A record field additionally treats { } | < > as structure.
    private static string Record(string s)
    {
        var sb = new StringBuilder();
        foreach (var c in Quote(s))
        {
            if (c is '{' or '}' or '|' or '<' or '>') sb.Append('\\');
            sb.Append(c);
        }
        return sb.ToString();
    }
}
