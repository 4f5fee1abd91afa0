using ScottPlot;

namespace AutoGrad.Plots;

public static partial class Charts
{
    /// <summary>
    /// Optimizer paths over the contour lines of a 2-D surface <c>f(x, y)</c>, with the start and the minimum marked.
    /// Contours are drawn at evenly spaced levels of <c>log(1 + f)</c>, so a steep valley shows its floor.
    /// </summary>
    /// <remarks>
    /// Paths are drawn in order, each narrower than the one before, with its own colour and marker shape, so a path that
    /// runs along another stays visible as a coloured core inside it.
    /// </remarks>
    /// <param name="f">The surface (assumed ≥ 0 where drawn).</param>
    /// <param name="window">The drawn region.</param>
    /// <param name="paths">Named iterates; the names are the legend labels.</param>
    /// <param name="start">The common start, marked with a black dot; null for none.</param>
    /// <param name="minimum">The minimum, marked with a cross; null for none.</param>
    /// <param name="title">The chart title.</param>
    /// <param name="levels">The number of contour levels.</param>
    public static Figure Trajectories(Func<double, double, double> f, (double XMin, double XMax, double YMin, double YMax) window,
        IReadOnlyList<(string Name, IReadOnlyList<(double X, double Y)> Points)> paths, (double X, double Y)? start = null,
        (double X, double Y)? minimum = null, string title = "Optimizer trajectories", int levels = 16)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count == 0) throw new ArgumentException("Charts.Trajectories: no paths to plot.");
        var (x0, x1, y0, y1) = window;
        if (!(x1 > x0 && y1 > y0)) throw new ArgumentException($"Charts.Trajectories: window ({x0}, {x1}) × ({y0}, {y1}) is empty.");
        ArgumentOutOfRangeException.ThrowIfLessThan(levels, 2);
        var plot = Style.NewPlot(title, "x", "y");

        const int n = 90;
        var grid = new Coordinates3d[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double x = x0 + (x1 - x0) * j / (n - 1), y = y0 + (y1 - y0) * i / (n - 1);
                grid[i, j] = new Coordinates3d(x, y, Math.Log(1 + Math.Max(0, f(x, y))));
            }
        var contours = plot.Add.ContourLines(grid, levels);
        contours.LineColor = Color.FromHex("#8a8a8a");
        contours.LineWidth = 1;
        contours.LabelStyle.IsVisible = false;
        contours.Colormap = null;

        double pixel = Math.Max(x1 - x0, y1 - y0) / 600;
        for (int k = 0; k < paths.Count; k++)
        {
            // Markers on about twelve points of each path (and at its end) tell the paths apart where their lines overlap.
            var pts = Thin(paths[k].Points, pixel).ToArray();
            Style.Line(plot, pts.Select(p => p.X).ToArray(), pts.Select(p => p.Y).ToArray(), k, Math.Max(1.5f, 6.5f - 1.2f * k), paths[k].Name,
                markerSize: Math.Max(6f, 11f - k));
        }
        if (start is { } s)
        {
            plot.Add.Marker(s.X, s.Y, MarkerShape.FilledCircle, 10, Colors.Black).LegendText = "";
            Style.Legend(plot, $"start ({Style.Number(s.X)}, {Style.Number(s.Y)})", Colors.Black, 0, MarkerShape.FilledCircle, 10);
        }
        if (minimum is { } mn)
        {
            var m = plot.Add.Marker(mn.X, mn.Y, MarkerShape.Eks, 14, Colors.Black);
            m.MarkerLineWidth = 3;
            m.LegendText = "";
            Style.Legend(plot, $"minimum ({Style.Number(mn.X)}, {Style.Number(mn.Y)})", Colors.Black, 0, MarkerShape.Eks, 14);
        }
        plot.Axes.SetLimits(x0, x1, y0, y1);
        Style.LegendRight(plot);
        return Style.Finish(plot, title, width: 860, height: 560);
    }

    // Drops points within a pixel of the last one kept: thousands of steps crawling along a valley floor add nothing visible.
    private static IEnumerable<(double X, double Y)> Thin(IReadOnlyList<(double X, double Y)> points, double pixel)
    {
        (double X, double Y)? last = null;
        for (int i = 0; i < points.Count; i++)
        {
            var p = points[i];
            if (!double.IsFinite(p.X) || !double.IsFinite(p.Y)) continue;
            bool final = i == points.Count - 1;
            if (!final && last is { } l && Math.Abs(p.X - l.X) < pixel && Math.Abs(p.Y - l.Y) < pixel) continue;
            last = p;
            yield return p;
        }
    }
}
