using System.Globalization;
using System.Xml.Linq;

namespace AutoGrad.Plots;

// A small SVG builder over System.Xml.Linq, so every document is well-formed and text is escaped for free.
internal sealed class SvgCanvas
{
    public static readonly XNamespace Ns = "http://www.w3.org/2000/svg";

    public static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];

    private readonly XElement _root;

    public SvgCanvas(int width, int height, string title)
    {
        (Width, Height) = (width, height);
        _root = new XElement(Ns + "svg",
            new XAttribute("width", width), new XAttribute("height", height),
            new XAttribute("viewBox", $"0 0 {width} {height}"),
            new XAttribute("font-family", "sans-serif"), new XAttribute("font-size", 12),
            new XElement(Ns + "title", title),
            new XElement(Ns + "rect", new XAttribute("width", width), new XAttribute("height", height), new XAttribute("fill", "white")));
        Text(width / 2.0, 20, title, anchor: "middle", size: 15, cssClass: "title");
    }

    public int Width { get; }

    public int Height { get; }

    public static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    public XElement Add(XElement e) { _root.Add(e); return e; }

    public XElement Text(double x, double y, string text, string anchor = "start", double size = 12, string? cssClass = null, string fill = "black", double rotate = 0)
    {
        var e = new XElement(Ns + "text", new XAttribute("x", F(x)), new XAttribute("y", F(y)),
            new XAttribute("text-anchor", anchor), new XAttribute("font-size", F(size)), new XAttribute("fill", fill), text);
        if (cssClass is not null) e.Add(new XAttribute("class", cssClass));
        if (rotate != 0) e.Add(new XAttribute("transform", $"rotate({F(rotate)} {F(x)} {F(y)})"));
        return Add(e);
    }

    public XElement Line(double x1, double y1, double x2, double y2, string stroke = "black", double width = 1, string? dash = null, string? cssClass = null)
    {
        var e = new XElement(Ns + "line", new XAttribute("x1", F(x1)), new XAttribute("y1", F(y1)), new XAttribute("x2", F(x2)), new XAttribute("y2", F(y2)),
            new XAttribute("stroke", stroke), new XAttribute("stroke-width", F(width)));
        if (dash is not null) e.Add(new XAttribute("stroke-dasharray", dash));
        if (cssClass is not null) e.Add(new XAttribute("class", cssClass));
        return Add(e);
    }

    public XElement Rect(double x, double y, double w, double h, string fill, string? stroke = null, string? cssClass = null)
    {
        var e = new XElement(Ns + "rect", new XAttribute("x", F(x)), new XAttribute("y", F(y)), new XAttribute("width", F(w)), new XAttribute("height", F(h)),
            new XAttribute("fill", fill));
        if (stroke is not null) e.Add(new XAttribute("stroke", stroke));
        if (cssClass is not null) e.Add(new XAttribute("class", cssClass));
        return Add(e);
    }

    public XElement Polyline(IEnumerable<(double X, double Y)> points, string stroke, string cssClass, string? name = null, string? dash = null)
    {
        var e = new XElement(Ns + "polyline",
            new XAttribute("points", string.Join(" ", points.Select(p => $"{F(p.X)},{F(p.Y)}"))),
            new XAttribute("fill", "none"), new XAttribute("stroke", stroke), new XAttribute("stroke-width", 2), new XAttribute("class", cssClass));
        if (name is not null) e.Add(new XAttribute("data-name", name));
        if (dash is not null) e.Add(new XAttribute("stroke-dasharray", dash));
        return Add(e);
    }

    public void Legend(double x, double y, IReadOnlyList<(string Label, string Colour)> entries)
    {
        var g = new XElement(Ns + "g", new XAttribute("class", "legend"));
        for (int i = 0; i < entries.Count; i++)
        {
            double ly = y + 18 * i;
            g.Add(new XElement(Ns + "line", new XAttribute("x1", F(x)), new XAttribute("y1", F(ly)), new XAttribute("x2", F(x + 20)), new XAttribute("y2", F(ly)),
                new XAttribute("stroke", entries[i].Colour), new XAttribute("stroke-width", 2)));
            g.Add(new XElement(Ns + "text", new XAttribute("x", F(x + 26)), new XAttribute("y", F(ly + 4)), entries[i].Label));
        }
        Add(g);
    }

    public override string ToString() => new XDocument(new XDeclaration("1.0", "utf-8", null), _root).Declaration + "\n" + _root;

    // "Nice" tick values covering [lo, hi]: steps of 1, 2 or 5 × 10ᵏ, about `target` of them.
    public static double[] NiceTicks(double lo, double hi, int target = 6)
    {
        if (!(hi > lo)) { lo -= 0.5; hi += 0.5; }
        double raw = (hi - lo) / Math.Max(1, target - 1);
        double mag = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1.0, 2, 5, 10 }.Select(m => m * mag).First(s => s >= raw * 0.999);
        double start = Math.Floor(lo / step + 1e-9) * step;
        var ticks = new List<double>();
        for (double t = start; t <= hi + step * 1e-9 || ticks.Count < 2; t += step) ticks.Add(Math.Round(t / step) * step);
        if (ticks[^1] < hi) ticks.Add(ticks[^1] + step);
        return ticks.ToArray();
    }

    public static string TickLabel(double v)
    {
        if (v == 0) return "0";
        double a = Math.Abs(v);
        return a >= 1e5 || a < 1e-3 ? v.ToString("0.##E+0", CultureInfo.InvariantCulture) : v.ToString("0.####", CultureInfo.InvariantCulture);
    }
}
