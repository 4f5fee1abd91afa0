using ScottPlot;

namespace AutoGrad.Plots;

public static partial class Charts
{
    /// <summary>A regression fit: the observed points, the model's prediction along x and, when given, the true function.</summary>
    /// <param name="x">The inputs of the observed points.</param>
    /// <param name="y">The observed targets.</param>
    /// <param name="curveX">Sorted inputs at which the prediction (and truth) are drawn as lines.</param>
    /// <param name="prediction">The model's output at <paramref name="curveX"/>.</param>
    /// <param name="truth">The noise-free function at <paramref name="curveX"/>, or null.</param>
    /// <param name="title">The chart title.</param>
    /// <param name="xLabel">The x-axis label.</param>
    /// <param name="yLabel">The y-axis label.</param>
    public static Figure RegressionFit(IReadOnlyList<double> x, IReadOnlyList<double> y, IReadOnlyList<double> curveX, IReadOnlyList<double> prediction,
        IReadOnlyList<double>? truth = null, string title = "Regression fit", string xLabel = "x", string yLabel = "y")
    {
        Same("Charts.RegressionFit", "x", x, "y", y);
        Same("Charts.RegressionFit", "curveX", curveX, "prediction", prediction);
        if (truth is not null) Same("Charts.RegressionFit", "curveX", curveX, "truth", truth);
        var plot = Style.NewPlot(title, xLabel, yLabel);
        var points = plot.Add.Markers(x.ToArray(), y.ToArray(), MarkerShape.FilledCircle, 4, Style.Colour(7).WithAlpha(0.45));
        points.LegendText = "observed";
        if (truth is not null)
        {
            var t = plot.Add.ScatterLine(curveX.ToArray(), truth.ToArray(), Style.Colour(2));
            t.LineWidth = 4;
            t.LegendText = "true function";
        }
        var p = plot.Add.ScatterLine(curveX.ToArray(), prediction.ToArray(), Style.Colour(1));
        p.LineWidth = 2;
        p.LegendText = "prediction";
        Style.LegendRight(plot);
        return Style.Finish(plot, title);
    }

    /// <summary>Residuals <c>y − ŷ</c> against x with the zero line, and the residuals' RMS in the legend.</summary>
    public static Figure Residuals(IReadOnlyList<double> x, IReadOnlyList<double> residuals, string title = "Residuals", string xLabel = "x")
    {
        Same("Charts.Residuals", "x", x, "residuals", residuals);
        if (x.Count == 0) throw new ArgumentException("Charts.Residuals: no points to plot.");
        var plot = Style.NewPlot(title, xLabel, "residual y − ŷ");
        double rms = Math.Sqrt(residuals.Average(r => r * r));
        var zero = plot.Add.HorizontalLine(0, 1.5f, Colors.Black);
        zero.LegendText = "zero";
        var points = plot.Add.Markers(x.ToArray(), residuals.ToArray(), MarkerShape.FilledCircle, 4, Style.Colour(0).WithAlpha(0.55));
        points.LegendText = $"residuals (RMS = {Style.Number(rms, "0.0000")})";
        Style.LegendRight(plot);
        return Style.Finish(plot, title);
    }

    private static void Same(string chart, string aName, IReadOnlyList<double> a, string bName, IReadOnlyList<double> b)
    {
        ArgumentNullException.ThrowIfNull(a, aName);
        ArgumentNullException.ThrowIfNull(b, bName);
        if (a.Count != b.Count) throw new ArgumentException($"{chart}: {aName} has {a.Count} values but {bName} has {b.Count}.");
    }
}
