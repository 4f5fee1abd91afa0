using ScottPlot;
using ScottPlot.TickGenerators;

namespace AutoGrad.Plots;

// The look shared by every chart: one palette, line styles that stay distinguishable in grey, integer ticks where the axis
// counts something (epochs, steps), and legends outside the data area so the layout reserves their full measured width.
internal static class Style
{
    public const int Width = 720, Height = 440;

    // Matplotlib's tab10, the palette most readers already know.
    public static readonly Color[] Palette =
    [
        Color.FromHex("#1f77b4"), Color.FromHex("#d62728"), Color.FromHex("#2ca02c"), Color.FromHex("#ff7f0e"), Color.FromHex("#9467bd"),
        Color.FromHex("#8c564b"), Color.FromHex("#e377c2"), Color.FromHex("#7f7f7f"), Color.FromHex("#bcbd22"), Color.FromHex("#17becf"),
    ];

    public static readonly LinePattern[] Patterns = [LinePattern.Solid, LinePattern.Dashed, LinePattern.Dotted, LinePattern.DenselyDashed];

    public static readonly MarkerShape[] Markers =
        [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond, MarkerShape.FilledTriangleDown, MarkerShape.OpenCircle];

    public static Color Colour(int i) => Palette[i % Palette.Length];

    public static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Title(title, 16);
        plot.XLabel(xLabel, 14);
        plot.YLabel(yLabel, 14);
        return plot;
    }

    // Ticks only at whole numbers: a 3-epoch curve gets 1, 2, 3 and never 1.5 or 2.5.
    public static void IntegerTicks(IAxis axis) =>
        axis.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true, MinorTickGenerator = new EvenlySpacedMinorTickGenerator(1) };

    public static void LegendRight(Plot plot)
    {
        var panel = plot.ShowLegend(Edge.Right);
        panel.Legend.FontSize = 12;
    }

    public static Figure Finish(Plot plot, string title, int width = Width, int height = Height) => new(plot, title, width, height);

    public static string Number(double v, string format = "0.###") => v.ToString(format, System.Globalization.CultureInfo.InvariantCulture);
}
