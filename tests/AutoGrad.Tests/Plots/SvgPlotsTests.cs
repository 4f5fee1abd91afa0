using System.Globalization;
using System.Xml.Linq;
using AutoGrad.Metrics;
using AutoGrad.Plots;

namespace AutoGrad.Tests.Plots;

public class SvgPlotsTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static IEnumerable<XElement> WithClass(XDocument d, string name, string cls) =>
        d.Descendants(Svg + name).Where(e => ((string?)e.Attribute("class"))?.Split(' ').Contains(cls) == true);

    private static (double X, double Y)[] Points(XElement polyline) =>
        ((string)polyline.Attribute("points")!).Split(' ')
            .Select(p => p.Split(',')).Select(a => (double.Parse(a[0], CultureInfo.InvariantCulture), double.Parse(a[1], CultureInfo.InvariantCulture))).ToArray();

    [Fact]
    public void Learning_curves_have_one_polyline_per_series_ticks_and_a_legend()
    {
        var train = new PlotSeries("train", [1.0, 0.6, 0.4, 0.3, 0.25]);
        var valid = new PlotSeries("validation", [1.1, 0.7, 0.55, double.NaN, 0.5]);
        var doc = XDocument.Parse(SvgPlots.LearningCurves([train, valid], "Iris MLP"));

        var lines = WithClass(doc, "polyline", "series").ToArray();
        Assert.Equal(2, lines.Length);
        Assert.Equal(5, Points(lines[0]).Length);
        Assert.Equal(4, Points(lines[1]).Length);   // the NaN epoch is left out
        var p = Points(lines[0]);
        Assert.True(p[0].Y < p[4].Y);                // loss falls, so the line goes down the page (SVG y grows downwards)
        Assert.True(p.Zip(p.Skip(1)).All(q => q.First.X < q.Second.X));

        Assert.Equal(["train", "validation"], doc.Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "legend").Descendants(Svg + "text").Select(t => t.Value));
        Assert.Contains("Iris MLP", doc.Descendants(Svg + "text").Select(t => t.Value));
        var xTicks = WithClass(doc, "text", "x").Select(t => t.Value).ToArray();
        Assert.Equal(["1", "2", "3", "4", "5"], xTicks);
        Assert.Contains("0.2", WithClass(doc, "text", "y").Select(t => t.Value));
        Assert.Contains("epoch", doc.Descendants(Svg + "text").Select(t => t.Value));
    }

    [Fact]
    public void Confusion_matrix_cells_show_counts_and_darken_with_count()
    {
        var m = ConfusionMatrix.FromPredictions([0, 0, 0, 0, 1, 1, 2, 2, 2], [0, 0, 0, 1, 1, 2, 2, 2, 0], 3, ["cat", "dog", "bird & fish"]);
        var doc = XDocument.Parse(SvgPlots.ConfusionMatrix(m));
        var cells = WithClass(doc, "rect", "cell").ToArray();
        Assert.Equal(9, cells.Length);
        Assert.Equal(["3", "1", "0", "0", "1", "1", "1", "0", "2"], WithClass(doc, "text", "count").Select(t => t.Value));
        Assert.Equal(["cat", "dog", "bird & fish"], WithClass(doc, "text", "row-label").Select(t => t.Value));

        static int Brightness(XElement rect)
        {
            var hex = ((string)rect.Attribute("fill")!)[1..];
            return Convert.ToInt32(hex[..2], 16) + Convert.ToInt32(hex[2..4], 16) + Convert.ToInt32(hex[4..], 16);
        }
        var byCount = cells.Select(c => (Count: (long)c.Attribute("data-count")!, Light: Brightness(c))).OrderBy(c => c.Count).ToArray();
        for (int i = 1; i < byCount.Length; i++)
        {
            if (byCount[i].Count == byCount[i - 1].Count) Assert.Equal(byCount[i - 1].Light, byCount[i].Light);
            else Assert.True(byCount[i].Light < byCount[i - 1].Light, "a larger count must be darker");
        }
        Assert.Equal("#ffffff", (string)cells.First(c => (long)c.Attribute("data-count")! == 0).Attribute("fill")!);
    }

    [Fact]
    public void Roc_plot_has_the_curve_points_the_diagonal_and_auc_in_the_legend()
    {
        var roc = RocCurve.Compute([0.1, 0.4, 0.35, 0.8], [false, false, true, true]);
        var doc = XDocument.Parse(SvgPlots.Roc(roc, "logistic"));
        var line = WithClass(doc, "polyline", "series").Single();
        var p = Points(line);
        Assert.Equal(roc.FalsePositiveRates.Count, p.Length);
        Assert.Single(WithClass(doc, "line", "chance"));
        var legend = doc.Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "legend").Descendants(Svg + "text").Single().Value;
        Assert.Equal("logistic (AUC = 0.750)", legend);
        // (0,0) maps to the bottom-left corner and (1,1) to the top-right corner of the plot area
        Assert.True(p[0].X < p[^1].X && p[0].Y > p[^1].Y);
    }

    [Fact]
    public void Mismatched_series_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => SvgPlots.LearningCurves([new PlotSeries("bad", [1.0, 2], [1.0])]));
        Assert.Contains("'bad'", e.Message);
    }
}
