using AutoGrad.Metrics;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace AutoGrad.Plots;

public static partial class Charts
{
    /// <summary>
    /// Heat map of a confusion matrix, rows = actual class, columns = predicted class: each cell shows its count and is shaded
    /// from white (0) to dark blue (the largest count); the right axis gives each class's recall (its diagonal over its row).
    /// </summary>
    public static Figure ConfusionMatrix(ConfusionMatrix matrix, string title = "Confusion matrix")
    {
        ArgumentNullException.ThrowIfNull(matrix);
        int k = matrix.ClassCount;
        var plot = Style.NewPlot(title, "predicted class", "actual class");
        long max = 1;
        for (int i = 0; i < k; i++) for (int j = 0; j < k; j++) max = Math.Max(max, matrix[i, j]);
        int cell = Math.Clamp(480 / k, 14, 64);
        float countSize = Math.Min(13, cell / 3.2f);
        for (int i = 0; i < k; i++)
        {
            double y = k - 1 - i;   // row 0 at the top, as the matrix is written
            for (int j = 0; j < k; j++)
            {
                double t = (double)matrix[i, j] / max;
                var rect = plot.Add.Rectangle(j - 0.5, j + 0.5, y - 0.5, y + 0.5);
                rect.FillColor = Shade(t);
                rect.LineColor = Color.FromHex("#d0d0d0");
                if (cell >= 18)
                {
                    var text = plot.Add.Text(matrix[i, j].ToString(System.Globalization.CultureInfo.InvariantCulture), j, y);
                    text.Alignment = Alignment.MiddleCenter;
                    text.LabelFontSize = countSize;
                    text.LabelFontColor = t > 0.5 ? Colors.White : Colors.Black;
                }
            }
        }
        var columns = new NumericManual();
        var rows = new NumericManual();
        var recall = new NumericManual();
        for (int c = 0; c < k; c++)
        {
            columns.AddMajor(c, matrix.ClassNames[c]);
            rows.AddMajor(k - 1 - c, matrix.ClassNames[c]);
            double r = matrix.Support(c) == 0 ? double.NaN : matrix.Recall(c);
            recall.AddMajor(k - 1 - c, double.IsNaN(r) ? "–" : Style.Number(r, "0.000"));
        }
        plot.Axes.Bottom.TickGenerator = columns;
        plot.Axes.Left.TickGenerator = rows;
        plot.Axes.Right.TickGenerator = recall;
        plot.Axes.Right.Label.Text = "recall";
        plot.Axes.Right.Label.FontSize = 14;
        // Names wider than a cell are slanted. ScottPlot sizes the axis panel for level labels only, so the panel is given the
        // slanted labels' height (about 0.6 em per character of DejaVu Sans at 12 px, times sin 40°) plus the axis title.
        double longest = matrix.ClassNames.Max(n => n.Length) * 7.4;
        int extra = 0;
        if (longest > cell)
        {
            plot.Axes.Bottom.TickLabelStyle.Rotation = -40;
            plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
            plot.Axes.Bottom.MinimumSize = (float)(longest * Math.Sin(40 * Math.PI / 180) + 12 * Math.Cos(40 * Math.PI / 180) + 34);
            extra = (int)plot.Axes.Bottom.MinimumSize;
        }
        plot.Axes.SetLimits(-0.5, k - 0.5, -0.5, k - 0.5);
        plot.Axes.SetLimitsY(-0.5, k - 0.5, plot.Axes.Right);
        plot.HideGrid();
        int side = k * cell;
        return Style.Finish(plot, title, width: side + 330, height: side + 150 + extra);
    }

    // White (t = 0) to #08306b (t = 1), linear in RGB: darker means more examples.
    private static Color Shade(double t) =>
        new((byte)Math.Round(255 + (8 - 255) * t), (byte)Math.Round(255 + (48 - 255) * t), (byte)Math.Round(255 + (107 - 255) * t));

    /// <summary>ROC curves (true against false positive rate) with the chance diagonal; each legend entry shows its AUC.</summary>
    /// <remarks>The first curve is drawn first and widest, so a pooled curve stays visible around its folds.</remarks>
    public static Figure Roc(IReadOnlyList<(string Name, RocCurve Curve)> curves, string title = "ROC curve")
    {
        ArgumentNullException.ThrowIfNull(curves);
        if (curves.Count == 0) throw new ArgumentException("Charts.Roc: no curves to plot.");
        var plot = Style.NewPlot(title, "false positive rate", "true positive rate");
        var chance = plot.Add.Line(0, 0, 1, 1);
        chance.LineColor = Colors.Gray;
        chance.LegendText = "chance (AUC = 0.5)";
        for (int i = 0; i < curves.Count; i++)
        {
            var c = curves[i].Curve;
            var line = plot.Add.ScatterLine(c.FalsePositiveRates.ToArray(), c.TruePositiveRates.ToArray(), Style.Colour(i));
            line.LegendText = $"{curves[i].Name} (AUC = {Style.Number(c.Auc, "0.000")})";
            line.LineWidth = i == 0 ? 3 : 1.5f;
        }
        UnitSquare(plot);
        return Style.Finish(plot, title, width: 760, height: 480);
    }

    /// <summary>One ROC curve with its AUC in the legend.</summary>
    public static Figure Roc(RocCurve curve, string name = "classifier", string title = "ROC curve") => Roc([(name, curve)], title);

    /// <summary>Precision-recall curves with each one's average precision (AP) in the legend, and the guessing baseline of the first.</summary>
    public static Figure PrecisionRecall(IReadOnlyList<(string Name, PrecisionRecallCurve Curve)> curves, string title = "Precision-recall curve")
    {
        ArgumentNullException.ThrowIfNull(curves);
        if (curves.Count == 0) throw new ArgumentException("Charts.PrecisionRecall: no curves to plot.");
        var plot = Style.NewPlot(title, "recall", "precision");
        double baseline = curves[0].Curve.PositiveRate;
        var guess = plot.Add.Line(0, baseline, 1, baseline);
        guess.LineColor = Colors.Gray;
        guess.LegendText = $"guessing (precision = {Style.Number(baseline, "0.000")})";
        for (int i = 0; i < curves.Count; i++)
        {
            var c = curves[i].Curve;
            var line = plot.Add.ScatterLine(c.Recalls.ToArray(), c.Precisions.ToArray(), Style.Colour(i));
            line.ConnectStyle = ConnectStyle.StepVertical;
            line.LegendText = $"{curves[i].Name} (AP = {Style.Number(c.AveragePrecision, "0.000")})";
            line.LineWidth = i == 0 ? 3 : 1.5f;
        }
        UnitSquare(plot);
        return Style.Finish(plot, title, width: 760, height: 480);
    }

    private static void UnitSquare(Plot plot)
    {
        plot.Axes.SetLimits(-0.02, 1.02, -0.02, 1.02);
        Style.LegendRight(plot);
    }
}
