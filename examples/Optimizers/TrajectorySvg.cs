using System.Globalization;
using System.Xml.Linq;

namespace OptimizersExample;

/// <summary>Draws a surface as a heat map of log(1 + f) with the optimizers' trajectories on top, as a standalone SVG.</summary>
public static class TrajectorySvg
{
    private static readonly XNamespace Ns = "http://www.w3.org/2000/svg";
    private static readonly string[] Colours = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];
    private const int Width = 790, Height = 520, Left = 50, Top = 40, PlotWidth = 480, PlotHeight = 440, Cells = 40;

    /// <summary>The SVG document for <paramref name="race"/>.</summary>
    public static string Render(RaceResult race)
    {
        var s = race.Surface;
        var (x0, x1, y0, y1) = s.Window;
        double Px(double x) => Left + (x - x0) / (x1 - x0) * PlotWidth;
        double Py(double y) => Top + (y1 - y) / (y1 - y0) * PlotHeight;

        var svg = new XElement(Ns + "svg", new XAttribute("width", Width), new XAttribute("height", Height),
            new XAttribute("viewBox", $"0 0 {Width} {Height}"), new XAttribute("font-family", "sans-serif"), new XAttribute("font-size", 12),
            new XElement(Ns + "title", $"Optimizer trajectories on the {s.Name}"),
            new XElement(Ns + "rect", new XAttribute("width", Width), new XAttribute("height", Height), new XAttribute("fill", "white")),
            new XElement(Ns + "defs", new XElement(Ns + "clipPath", new XAttribute("id", "plot"),
                Rect(Left, Top, PlotWidth, PlotHeight, "none"))),
            Text(Width / 2.0, 22, $"{s.Formula}, {race.Steps} steps from ({F(s.Start[0])}, {F(s.Start[1])})", "middle", 15));

        // Heat map of log(1 + f): light where f is small, dark where it is large.
        var values = new double[Cells, Cells];
        double max = 0;
        for (int i = 0; i < Cells; i++)
            for (int j = 0; j < Cells; j++)
            {
                double x = x0 + (i + 0.5) / Cells * (x1 - x0), y = y1 - (j + 0.5) / Cells * (y1 - y0);
                values[i, j] = Math.Log(1 + s.At(x, y));
                max = Math.Max(max, values[i, j]);
            }
        var heat = new XElement(Ns + "g", new XAttribute("class", "surface"));
        double cw = (double)PlotWidth / Cells, ch = (double)PlotHeight / Cells;
        for (int i = 0; i < Cells; i++)
            for (int j = 0; j < Cells; j++)
            {
                int shade = (int)Math.Round(255 - 150 * values[i, j] / max);
                heat.Add(Rect(Left + i * cw, Top + j * ch, cw + 0.5, ch + 0.5, $"rgb({shade},{shade},255)"));
            }
        svg.Add(heat);
        svg.Add(Rect(Left, Top, PlotWidth, PlotHeight, "none", "black"));

        var paths = new XElement(Ns + "g", new XAttribute("clip-path", "url(#plot)"));
        for (int k = 0; k < race.Trajectories.Count; k++)
        {
            var t = race.Trajectories[k];
            paths.Add(new XElement(Ns + "polyline", new XAttribute("class", "trajectory"), new XAttribute("data-name", t.Optimizer),
                new XAttribute("points", string.Join(" ", Thin(t.Points.Select(p => (Px(p.X), Py(p.Y)))).Select(p => $"{F(p.X)},{F(p.Y)}"))),
                new XAttribute("fill", "none"), new XAttribute("stroke", Colours[k % Colours.Length]), new XAttribute("stroke-width", 1.5)));
        }
        svg.Add(paths);
        svg.Add(new XElement(Ns + "circle", new XAttribute("cx", F(Px(s.Start[0]))), new XAttribute("cy", F(Py(s.Start[1]))),
            new XAttribute("r", 4), new XAttribute("fill", "black")));
        svg.Add(Text(Px(s.Minimum[0]), Py(s.Minimum[1]) + 5, "★", "middle", 16));

        // Axes: the window's corners, and a legend with each optimizer's final loss.
        svg.Add(Text(Left, Top + PlotHeight + 18, F(x0), "start", 12), Text(Left + PlotWidth, Top + PlotHeight + 18, F(x1), "end", 12),
            Text(Left + PlotWidth / 2.0, Top + PlotHeight + 18, "x", "middle", 12),
            Text(Left - 6, Top + PlotHeight, F(y0), "end", 12), Text(Left - 6, Top + 10, F(y1), "end", 12),
            Text(Left - 6, Top + PlotHeight / 2.0, "y", "end", 12));
        double ly = Top + 10;
        svg.Add(Text(Left + PlotWidth + 20, ly, "final loss", "start", 13));
        for (int k = 0; k < race.Trajectories.Count; k++)
        {
            var t = race.Trajectories[k];
            ly += 22;
            svg.Add(new XElement(Ns + "line", new XAttribute("x1", Left + PlotWidth + 20), new XAttribute("x2", Left + PlotWidth + 44),
                new XAttribute("y1", F(ly - 4)), new XAttribute("y2", F(ly - 4)),
                new XAttribute("stroke", Colours[k % Colours.Length]), new XAttribute("stroke-width", 3)));
            svg.Add(Text(Left + PlotWidth + 50, ly, $"{t.Optimizer}: {t.FinalLoss.ToString("0.##e0", CultureInfo.InvariantCulture)}", "start", 12));
        }
        return new XDocument(new XDeclaration("1.0", "utf-8", null), svg).Declaration + "\n" + svg;
    }

    // Drops points within half a pixel of the last one kept (thousands of Rosenbrock steps crawl along the valley floor).
    private static IEnumerable<(double X, double Y)> Thin(IEnumerable<(double X, double Y)> points)
    {
        (double X, double Y)? last = null;
        foreach (var p in points)
        {
            if (last is { } l && Math.Abs(p.X - l.X) < 0.5 && Math.Abs(p.Y - l.Y) < 0.5) continue;
            last = p;
            yield return p;
        }
    }

    private static XElement Rect(double x, double y, double w, double h, string fill, string? stroke = null)
    {
        var e = new XElement(Ns + "rect", new XAttribute("x", F(x)), new XAttribute("y", F(y)), new XAttribute("width", F(w)),
            new XAttribute("height", F(h)), new XAttribute("fill", fill));
        if (stroke is not null) e.Add(new XAttribute("stroke", stroke));
        return e;
    }

    private static XElement Text(double x, double y, string text, string anchor, double size) =>
        new(Ns + "text", new XAttribute("x", F(x)), new XAttribute("y", F(y)), new XAttribute("text-anchor", anchor),
            new XAttribute("font-size", size), text);

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
}
