using ScottPlot;
using ScottPlot.TickGenerators;

namespace AutoGrad.Plots;

// The look shared by every chart: one palette, a marker shape per line so lines stay apart in grey and where they overlap,
// integer ticks where the axis counts something (epochs, steps), and legends outside the data area so the layout reserves
// their full measured width. Lines are never dashed: Skia's SVG canvas drops path effects ("Unsupported path effect in
// addPaint"), so a dashed line would be dashed in the PNG and solid in the SVG.
internal static class Style
{
    public const int Width = 720, Height = 440;

    // Matplotlib's tab10, the palette most readers already know.
    public static readonly Color[] Palette =
    [
        Color.FromHex("#1f77b4"), Color.FromHex("#d62728"), Color.FromHex("#2ca02c"), Color.FromHex("#ff7f0e"), Color.FromHex("#9467bd"),
        Color.FromHex("#8c564b"), Color.FromHex("#e377c2"), Color.FromHex("#7f7f7f"), Color.FromHex("#bcbd22"), Color.FromHex("#17becf"),
    ];


    public static readonly MarkerShape[] Markers =
        [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond, MarkerShape.FilledTriangleDown, MarkerShape.OpenCircle];

    public static Color Colour(int i) => Palette[i % Palette.Length];

    // A line with the index's colour and marker shape: a marker on every point up to 40 points, else on about 12 of them
    // (a separate plottable). Its legend entry, showing line and marker together, is a manual item, so entries keep the
    // order of the calls.
    public static void Line(Plot plot, double[] x, double[] y, int index, float width, string label, Color? colour = null, float markerSize = 7)
    {
        var c = colour ?? Colour(index);
        var shape = Markers[index % Markers.Length];
        var line = plot.Add.ScatterLine(x, y, c);
        line.LineWidth = width;
        line.LegendText = "";
        if (x.Length <= 40)
        {
            line.MarkerShape = shape;
            line.MarkerSize = markerSize;
        }
        else
        {
            int every = Math.Max(1, x.Length / 12);
            var marks = Enumerable.Range(0, x.Length).Where(i => i % every == 0 || i == x.Length - 1).ToArray();
            var markers = plot.Add.Markers(marks.Select(i => x[i]).ToArray(), marks.Select(i => y[i]).ToArray(), shape, markerSize, c);
            markers.LegendText = "";
        }
        if (label.Length > 0) Legend(plot, label, c, width, shape, markerSize);
    }

    public static void Legend(Plot plot, string label, Color colour, float lineWidth, MarkerShape shape, float markerSize) =>
        plot.Legend.ManualItems.Add(new LegendItem
        {
            LabelText = label, LineColor = colour, LineWidth = lineWidth, MarkerShape = shape, MarkerSize = markerSize,
            MarkerFillColor = colour, MarkerLineColor = colour,
        });

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
        // ScottPlot clips each legend to its rows, and a row is as tall as its symbol: at the default 14 px the clip cuts
        // the ascenders of the first entry ("fold 1 train" loses the tops of f, l, d). 20 px rows hold DejaVu Sans' full
        // ascent (0.93 em = 11.1 px at 12 px) above the baseline.
        panel.Legend.SymbolHeight = 20;
    }

    public static Figure Finish(Plot plot, string title, int width = Width, int height = Height) => new(plot, title, width, height);

    public static string Number(double v, string format = "0.###") => v.ToString(format, System.Globalization.CultureInfo.InvariantCulture);
}
