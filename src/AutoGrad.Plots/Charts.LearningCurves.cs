using ScottPlot;

namespace AutoGrad.Plots;

/// <summary>
/// Charts for training and evaluating models, drawn by ScottPlot 5: learning curves, confusion matrices, ROC and
/// precision-recall curves, optimizer trajectories, regression fits, gradient norms and histograms.
/// </summary>
/// <remarks>Each method returns a <see cref="Figure"/>; save it with <see cref="Figure.SaveSvg"/> or <see cref="Figure.SavePng"/>.</remarks>
public static partial class Charts
{
    /// <summary>Line chart of one or more series, e.g. training and validation loss per epoch, with a legend.</summary>
    /// <param name="series">The lines; non-finite points (a diverged loss) are left out.</param>
    /// <param name="title">The chart title.</param>
    /// <param name="xLabel">The x-axis label.</param>
    /// <param name="yLabel">The y-axis label.</param>
    /// <param name="integerX">Ticks on the x axis only at whole numbers (epochs, steps); false for a continuous x.</param>
    /// <exception cref="ArgumentException">No series, a series whose x and y differ in length, or no finite point at all.</exception>
    public static Figure LearningCurves(IReadOnlyList<PlotSeries> series, string title = "Learning curves", string xLabel = "epoch", string yLabel = "loss",
        bool integerX = true)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.Count == 0) throw new ArgumentException("Charts.LearningCurves: no series to plot.");
        foreach (var s in series) s.Validate("Charts.LearningCurves");
        var plot = Style.NewPlot(title, xLabel, yLabel);
        int drawn = 0;
        for (int i = 0; i < series.Count; i++)
        {
            var (x, y) = series[i].Finite();
            if (x.Length == 0) continue;
            Style.Line(plot, x, y, i, 2, series[i].Name);
            drawn++;
        }
        if (drawn == 0) throw new ArgumentException("Charts.LearningCurves: no finite points to plot.");
        if (integerX) Style.IntegerTicks(plot.Axes.Bottom);
        if (series.Count > 1 || series[0].Name.Length > 0) Style.LegendRight(plot);
        return Style.Finish(plot, title);
    }

    /// <summary>
    /// Per-batch values (e.g. the loss of every step) as a faint raw line with its bias-corrected moving average on top
    /// (<see cref="PlotSeries.Smoothed"/>); the x axis counts steps from 1.
    /// </summary>
    /// <param name="values">One value per step.</param>
    /// <param name="beta">The smoothing weight β in [0, 1).</param>
    /// <param name="title">The chart title.</param>
    /// <param name="yLabel">The y-axis label.</param>
    public static Figure BatchCurve(IReadOnlyList<double> values, double beta = 0.95, string title = "Loss per batch", string yLabel = "loss")
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) throw new ArgumentException("Charts.BatchCurve: no values to plot.");
        var raw = new PlotSeries("per batch", values);
        var smooth = raw.Smoothed(beta, $"moving average (β = {Style.Number(beta)})");
        var plot = Style.NewPlot(title, "step", yLabel);
        var (rx, ry) = raw.Finite();
        if (rx.Length == 0) throw new ArgumentException("Charts.BatchCurve: no finite values to plot.");
        var faint = plot.Add.ScatterLine(rx, ry, Style.Colour(0).WithAlpha(0.35));
        faint.LegendText = raw.Name;
        faint.LineWidth = 1;
        var (sx, sy) = smooth.Finite();
        var line = plot.Add.ScatterLine(sx, sy, Style.Colour(1));
        line.LegendText = smooth.Name;
        line.LineWidth = 2.5f;
        Style.IntegerTicks(plot.Axes.Bottom);
        Style.LegendRight(plot);
        return Style.Finish(plot, title);
    }
}
