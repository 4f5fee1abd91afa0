using System.Globalization;
using System.Net;
using System.Text;
using AutoGrad.Differentiation;

namespace AutoGrad.Inspection;

/// <summary>Self-contained HTML/SVG view of a <see cref="Graph"/>: a left-to-right layered drawing computed here, no scripts.</summary>
// Note [Graph layout]
// An op sits one layer right of its rightmost input, its output one layer right of the op, and a leaf one layer
// left of its first consumer.
// Within a layer, items are ordered by the mean row of their predecessors (one barycentre sweep), which removes
// most edge crossings in the small graphs this view is for. Sizes come from a fixed monospace character width,
// so the layout needs no text measurement.
internal static class GraphHtml
{
    private const double CharWidth = 7.3, LineHeight = 16, Pad = 8, LayerGap = 48, RowGap = 18, Margin = 16;

    private sealed class Item
    {
        public required string Key;
        public required IReadOnlyList<string> Lines;
        public required bool IsOp;
        public required string Css;
        public int Layer;
        public double Order, X, Y, W, H;
        public List<Item> Preds = [];
    }

    public static string Write(Graph g, string title)
    {
        var values = new Item[g.Values.Count];
        var producedBy = new HashSet<int>(g.Nodes.Select(n => n.Output));
        int rootId = g.Nodes.Count > 0 ? g.Nodes[^1].Output : 0;
        for (int i = 0; i < values.Length; i++)
        {
            var v = g.Values[i];
            string css = i == rootId ? "value root" : v.IsLeaf ? "value leaf" : "value";
            values[i] = new Item { Key = $"v{i}", Lines = g.Lines(v), IsOp = false, Css = css, Order = i };
        }
        var items = new List<Item>(values.Where((_, i) => !producedBy.Contains(i)));
        var edges = new List<(Item From, Item To)>();
        foreach (var n in g.Nodes)
        {
            var lines = n.Site.IsKnown ? new[] { n.Op, n.Site.ToString() } : new[] { n.Op };
            var op = new Item { Key = $"op{n.Id}", Lines = lines, IsOp = true, Css = "op", Order = n.Id };
            foreach (var i in n.Inputs.Distinct())
            {
                op.Preds.Add(values[i]);
                edges.Add((values[i], op));
                op.Layer = Math.Max(op.Layer, values[i].Layer + 1);
            }
            var o = values[n.Output];
            o.Layer = op.Layer + 1;
            o.Preds.Add(op);
            edges.Add((op, o));
            items.Add(op);
            items.Add(o);
        }
        // A leaf is drawn just left of its first consumer, so a bias added late does not cross the whole drawing.
        foreach (var leaf in values.Where((_, i) => !producedBy.Contains(i)))
        {
            var consumers = edges.Where(e => e.From == leaf).Select(e => e.To.Layer).ToList();
            if (consumers.Count > 0) leaf.Layer = consumers.Min() - 1;
        }
        Layout(items);
        return Html(g, title, items, edges);
    }

    private static void Layout(List<Item> items)
    {
        foreach (var it in items)
        {
            it.W = Math.Ceiling(it.Lines.Max(l => l.Length) * CharWidth + 2 * Pad + (it.IsOp ? 16 : 0));
            it.H = it.Lines.Count * LineHeight + 2 * Pad;
        }
        var layers = items.GroupBy(i => i.Layer).OrderBy(l => l.Key).Select(l => l.OrderBy(i => i.Order).ToList()).ToList();
        for (int k = 0; k < layers.Count; k++)
        {
            if (k > 0)
                layers[k] = layers[k].OrderBy(i => i.Preds.Count == 0 ? i.Order : i.Preds.Average(p => p.Order)).ThenBy(i => i.Order).ToList();
            for (int r = 0; r < layers[k].Count; r++) layers[k][r].Order = r;
        }
        double x = Margin, tallest = layers.Max(l => l.Sum(i => i.H) + RowGap * (l.Count - 1));
        foreach (var layer in layers)
        {
            double width = layer.Max(i => i.W), height = layer.Sum(i => i.H) + RowGap * (layer.Count - 1);
            double y = Margin + (tallest - height) / 2;
            foreach (var it in layer)
            {
                it.X = x + (width - it.W) / 2;
                it.Y = y;
                y += it.H + RowGap;
            }
            x += width + LayerGap;
        }
    }

    private static string Html(Graph g, string title, List<Item> items, List<(Item From, Item To)> edges)
    {
        var inv = CultureInfo.InvariantCulture;
        double w = items.Max(i => i.X + i.W) + Margin, h = items.Max(i => i.Y + i.H) + Margin;
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").Append(E(title)).Append("</title>\n<style>\n")
          .Append("body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }\n")
          .Append("svg text { font-family: 'DejaVu Sans Mono', Menlo, Consolas, monospace; font-size: 12px; }\n")
          .Append(".value rect { fill: #ffffff; stroke: #445; stroke-width: 1.2; }\n")
          .Append(".leaf rect { fill: #e8f1ff; }\n.root rect { stroke-width: 2.5; }\n")
          .Append(".op ellipse { fill: #fff6d6; stroke: #a07a00; stroke-width: 1.2; }\n")
          .Append(".edge { fill: none; stroke: #667; stroke-width: 1.2; marker-end: url(#arrow); }\n")
          .Append("table { border-collapse: collapse; margin-top: 1.5em; font-size: 13px; }\n")
          .Append("td, th { border: 1px solid #ccc; padding: 3px 8px; text-align: left; }\n")
          .Append("</style>\n</head>\n<body>\n<h1>").Append(E(title)).Append("</h1>\n");
        sb.Append(inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w:0}\" height=\"{h:0}\" viewBox=\"0 0 {w:0} {h:0}\" role=\"img\" aria-label=\"{E(title)}\">\n");
        sb.Append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\">")
          .Append("<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#667\"/></marker></defs>\n");
        foreach (var (from, to) in edges)
        {
            double x1 = from.X + from.W, y1 = from.Y + from.H / 2, x2 = to.X, y2 = to.Y + to.H / 2, mx = (x1 + x2) / 2;
            sb.Append(inv, $"<path class=\"edge\" d=\"M{x1:0.#},{y1:0.#} C{mx:0.#},{y1:0.#} {mx:0.#},{y2:0.#} {x2:0.#},{y2:0.#}\"/>\n");
        }
        foreach (var it in items)
        {
            sb.Append(inv, $"<g class=\"{it.Css}\" id=\"{it.Key}\">");
            if (it.IsOp) sb.Append(inv, $"<ellipse cx=\"{it.X + it.W / 2:0.#}\" cy=\"{it.Y + it.H / 2:0.#}\" rx=\"{it.W / 2:0.#}\" ry=\"{it.H / 2:0.#}\"/>");
            else sb.Append(inv, $"<rect x=\"{it.X:0.#}\" y=\"{it.Y:0.#}\" width=\"{it.W:0.#}\" height=\"{it.H:0.#}\" rx=\"4\"/>");
            for (int l = 0; l < it.Lines.Count; l++)
            {
                double ty = it.Y + Pad + LineHeight * (l + 0.75);
                string weight = l == 0 && (it.IsOp || g.Values[int.Parse(it.Key[1..], inv)].Name is not null) ? " font-weight=\"bold\"" : "";
                sb.Append(inv, $"<text x=\"{it.X + it.W / 2:0.#}\" y=\"{ty:0.#}\" text-anchor=\"middle\"{weight}>{E(it.Lines[l])}</text>");
            }
            sb.Append("</g>\n");
        }
        sb.Append("</svg>\n");
        sb.Append("<table>\n<tr><th>#</th><th>op</th><th>inputs</th><th>output</th><th>dtype</th><th>source</th></tr>\n");
        foreach (var n in g.Nodes)
            sb.Append(inv, $"<tr><td>{n.Id}</td><td>{E(n.Op)}</td><td>{E(string.Join(", ", n.InputShapes))}</td><td>{E(n.OutputShape.ToString())}</td><td>{n.DType.Name()}</td><td>{E(n.Site.IsKnown ? n.Site.ToString() : "")}</td></tr>\n");
        sb.Append("</table>\n</body>\n</html>\n");
        return sb.ToString();
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
