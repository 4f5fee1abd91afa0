using System.Globalization;
using AutoGrad.Metrics;

namespace AutoGrad.Plots;

/// <summary>One named line of a chart: points <c>(xᵢ, yᵢ)</c>.</summary>
/// <param name="Name">The legend label.</param>
/// <param name="X">The x values (e.g. epochs).</param>
/// <param name="Y">The y values (e.g. losses), as many as <paramref name="X"/>.</param>
public sealed record PlotSeries(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y)
{
    /// <summary>A series with <c>xᵢ = i + 1</c> (epochs counted from 1).</summary>
    public PlotSeries(string name, IReadOnlyList<double> y) : this(name, Enumerable.Range(1, y.Count).Select(i => (double)i).ToArray(), y) { }
}

/// <summary>Stand-alone SVG charts for training reports: learning curves, confusion-matrix heat maps and ROC curves.</summary>
/// <remarks>Each method returns the SVG document as a string; write it with <c>File.WriteAllText(path, svg)</c> and open it in a browser.</remarks>
public static class SvgPlots
{
    private const int Width = 640, Height = 420, Left = 70, Right = 160, Top = 40, Bottom = 55;

    /// <summary>Line chart of one or more series (e.g. training and validation loss per epoch) with axes, ticks and a legend.</summary>
    /// <remarks>Non-finite points (a diverged loss) are left out of the line.</remarks>
    public static string LearningCurves(IReadOnlyList<PlotSeries> series, string title = "Learning curves", string xLabel = "epoch", string yLabel = "loss")
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.Count == 0) throw new ArgumentException("SvgPlots.LearningCurves: no series to plot.");
        foreach (var s in series)
            if (s.X.Count != s.Y.Count) throw new ArgumentException($"SvgPlots.LearningCurves: series '{s.Name}' has {s.X.Count} x values but {s.Y.Count} y values.");
        var finite = series.SelectMany(s => s.X.Zip(s.Y)).Where(p => double.IsFinite(p.First) && double.IsFinite(p.Second)).ToArray();
        if (finite.Length == 0) throw new ArgumentException("SvgPlots.LearningCurves: no finite points to plot.");
        var xt = SvgCanvas.NiceTicks(finite.Min(p => p.First), finite.Max(p => p.First));
        var yt = SvgCanvas.NiceTicks(finite.Min(p => p.Second), finite.Max(p => p.Second));
        var canvas = new SvgCanvas(Width, Height, title);
        var map = Axes(canvas, xt, yt, xLabel, yLabel);
        var legend = new List<(string, string)>();
        for (int i = 0; i < series.Count; i++)
        {
            var colour = SvgCanvas.Palette[i % SvgCanvas.Palette.Length];
            var points = series[i].X.Zip(series[i].Y).Where(p => double.IsFinite(p.First) && double.IsFinite(p.Second)).Select(p => map(p.First, p.Second));
            canvas.Polyline(points, colour, "series", series[i].Name);
            legend.Add((series[i].Name, colour));
        }
        canvas.Legend(Width - Right + 15, Top + 20, legend);
        return canvas.ToString();
    }

    /// <summary>ROC curves (TPR against FPR) with the chance diagonal; each legend entry shows its AUC.</summary>
    public static string Roc(IReadOnlyList<(string Name, RocCurve Curve)> curves, string title = "ROC curve")
    {
        ArgumentNullException.ThrowIfNull(curves);
        if (curves.Count == 0) throw new ArgumentException("SvgPlots.Roc: no curves to plot.");
        double[] ticks = [0, 0.2, 0.4, 0.6, 0.8, 1];
        var canvas = new SvgCanvas(Width, Height, title);
        var map = Axes(canvas, ticks, ticks, "false positive rate", "true positive rate");
        var (x0, y0) = map(0, 0);
        var (x1, y1) = map(1, 1);
        canvas.Line(x0, y0, x1, y1, "#999999", 1, "4 4", "chance");
        var legend = new List<(string, string)>();
        for (int i = 0; i < curves.Count; i++)
        {
            var colour = SvgCanvas.Palette[i % SvgCanvas.Palette.Length];
            var c = curves[i].Curve;
            canvas.Polyline(c.FalsePositiveRates.Zip(c.TruePositiveRates).Select(p => map(p.First, p.Second)), colour, "series", curves[i].Name);
            legend.Add(($"{curves[i].Name} (AUC = {c.Auc.ToString("0.000", CultureInfo.InvariantCulture)})", colour));
        }
        canvas.Legend(Width - Right + 15, Top + 20, legend);
        return canvas.ToString();
    }

    /// <summary>One ROC curve with its AUC in the legend.</summary>
    public static string Roc(RocCurve curve, string name = "classifier", string title = "ROC curve") => Roc([(name, curve)], title);

    /// <summary>
    /// Heat map of a confusion matrix, rows = actual class, columns = predicted class; each cell shows its count
    /// and is shaded from white (0) to dark blue (the largest count).
    /// </summary>
    public static string ConfusionMatrix(ConfusionMatrix matrix, string title = "Confusion matrix")
    {
        ArgumentNullException.ThrowIfNull(matrix);
        int k = matrix.ClassCount;
        double cell = Math.Clamp(440.0 / k, 12, 60);
        int left = 110, top = 60;
        // Column labels wider than a cell (e.g. "Ankle boot") are drawn slanted, with room below for the longest one.
        int longest = matrix.ClassNames.Max(n => n.Length);
        bool slant = longest * 6.5 > cell;
        int labelDepth = slant ? (int)(longest * 6.5 * 0.7) + 10 : 16;
        int width = (int)(left + k * cell + 30), height = (int)(top + k * cell + labelDepth + 44);
        var canvas = new SvgCanvas(width, height, title);
        long max = 1;
        for (int i = 0; i < k; i++) for (int j = 0; j < k; j++) max = Math.Max(max, matrix[i, j]);
        for (int i = 0; i < k; i++)
        {
            canvas.Text(left - 6, top + (i + 0.5) * cell + 4, matrix.ClassNames[i], anchor: "end", cssClass: "row-label");
            if (slant)
                canvas.Text(left + (i + 0.5) * cell, top + k * cell + 12, matrix.ClassNames[i], anchor: "end", cssClass: "column-label", rotate: -45);
            else
                canvas.Text(left + (i + 0.5) * cell, top + k * cell + 16, matrix.ClassNames[i], anchor: "middle", cssClass: "column-label");
            for (int j = 0; j < k; j++)
            {
                double t = (double)matrix[i, j] / max;
                var rect = canvas.Rect(left + j * cell, top + i * cell, cell, cell, Shade(t), "#dddddd", "cell");
                rect.Add(new System.Xml.Linq.XAttribute("data-count", matrix[i, j]));
                if (cell >= 18)
                    canvas.Text(left + (j + 0.5) * cell, top + (i + 0.5) * cell + 4, matrix[i, j].ToString(CultureInfo.InvariantCulture),
                        anchor: "middle", size: Math.Min(12, cell / 3), cssClass: "count", fill: t > 0.5 ? "white" : "black");
            }
        }
        canvas.Text(left + k * cell / 2, top + k * cell + labelDepth + 24, "predicted class", anchor: "middle", cssClass: "axis-label");
        canvas.Text(18, top + k * cell / 2, "actual class", anchor: "middle", cssClass: "axis-label", rotate: -90);
        return canvas.ToString();
    }

    // White (t = 0) to #08306b (t = 1), linear in RGB: darker means more examples.
    private static string Shade(double t)
    {
        int r = (int)Math.Round(255 + (8 - 255) * t), g = (int)Math.Round(255 + (48 - 255) * t), b = (int)Math.Round(255 + (107 - 255) * t);
        return $"#{r:x2}{g:x2}{b:x2}";
    }

    private static Func<double, double, (double, double)> Axes(SvgCanvas canvas, double[] xt, double[] yt, string xLabel, string yLabel)
    {
        double x0 = Left, x1 = canvas.Width - Right, y0 = canvas.Height - Bottom, y1 = Top;
        (double, double) Map(double x, double y) =>
            (x0 + (x - xt[0]) / (xt[^1] - xt[0]) * (x1 - x0), y0 - (y - yt[0]) / (yt[^1] - yt[0]) * (y0 - y1));
        foreach (var t in xt)
        {
            var (px, _) = Map(t, yt[0]);
            canvas.Line(px, y0, px, y0 + 5, cssClass: "tick");
            canvas.Line(px, y0, px, y1, "#eeeeee", cssClass: "grid");
            canvas.Text(px, y0 + 18, SvgCanvas.TickLabel(t), anchor: "middle", cssClass: "tick-label x");
        }
        foreach (var t in yt)
        {
            var (_, py) = Map(xt[0], t);
            canvas.Line(x0 - 5, py, x0, py, cssClass: "tick");
            canvas.Line(x0, py, x1, py, "#eeeeee", cssClass: "grid");
            canvas.Text(x0 - 8, py + 4, SvgCanvas.TickLabel(t), anchor: "end", cssClass: "tick-label y");
        }
        // Axes last so the grid does not paint over them.
        canvas.Line(x0, y0, x1, y0, cssClass: "axis");
        canvas.Line(x0, y0, x0, y1, cssClass: "axis");
        canvas.Text((x0 + x1) / 2, canvas.Height - 15, xLabel, anchor: "middle", cssClass: "axis-label");
        canvas.Text(18, (y0 + y1) / 2, yLabel, anchor: "middle", cssClass: "axis-label", rotate: -90);
        return Map;
    }
}
