using System.Xml.Linq;
using AutoGrad.Metrics;
using SkiaSharp;

namespace AutoGrad.Plots.Tests;

public class ChartsTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static List<string> Texts(Figure f) => XDocument.Parse(f.ToSvg()).Descendants(Svg + "text").Select(t => t.Value.Trim()).ToList();

    [Fact]
    public void A_three_epoch_curve_has_ticks_at_whole_epochs_only()
    {
        var f = Gallery.ThreeEpochCurves();
        _ = f.ToSvg();   // ticks are made when the chart is laid out
        var ticks = f.Plot.Axes.Bottom.TickGenerator.Ticks.Where(t => t.IsMajor).Select(t => t.Position).ToArray();
        Assert.Equal([1.0, 2.0, 3.0], ticks);
        Assert.DoesNotContain("1.5", Texts(f));
        Assert.DoesNotContain("2.5", Texts(f));
    }

    [Fact]
    public void Roc_legend_entries_are_whole_with_their_auc()
    {
        var roc = RocCurve.Compute([0.1, 0.4, 0.35, 0.8], [false, false, true, true]);
        var texts = Texts(Charts.Roc([("pooled", roc), ("fold 1", roc)]));
        Assert.Contains("pooled (AUC = 0.750)", texts);
        Assert.Contains("fold 1 (AUC = 0.750)", texts);
        Assert.Contains("chance (AUC = 0.5)", texts);
    }

    [Fact]
    public void Precision_recall_curve_and_average_precision_match_a_hand_computation()
    {
        // thresholds 0.9, 0.8, 0.7, 0.6 → (R, P) = (½, 1), (½, ½), (1, ⅔), (1, ½); AP = ½·1 + 0 + ½·⅔ + 0 = ⅚
        var c = PrecisionRecallCurve.Compute([0.8, 0.9, 0.6, 0.7], [false, true, false, true]);
        Assert.Equal([0, 0.5, 0.5, 1, 1], c.Recalls);
        Assert.Equal([1, 1, 0.5, 2.0 / 3, 0.5], c.Precisions);
        Assert.Equal(5.0 / 6, c.AveragePrecision, 12);
        Assert.Equal(0.5, c.PositiveRate);
        // Tied scores cross the threshold together: one point, not an order-dependent staircase.
        var tied = PrecisionRecallCurve.Compute([0.5, 0.5], [true, false]);
        Assert.Equal([0, 1], tied.Recalls);
        Assert.Equal(0.5, tied.AveragePrecision, 12);
        Assert.Contains("no positive", Assert.Throws<ArgumentException>(() => PrecisionRecallCurve.Compute([0.1], [false])).Message);
        Assert.Contains("score 1 is NaN", Assert.Throws<ArgumentException>(() => PrecisionRecallCurve.Compute([0.1, double.NaN], [true, false])).Message);
    }

    [Fact]
    public void Smoothing_is_a_bias_corrected_moving_average()
    {
        var s = new PlotSeries("loss", [2.0, 4.0, double.NaN, 4.0]).Smoothed(0.5);
        // v₁ = 1 → 1/(1 − ½) = 2; v₂ = ½ + 2 = 2.5 → 2.5/(1 − ¼) = 10/3; NaN skipped; v₃ = 1.25 + 2 = 3.25 → 3.25/(1 − ⅛) = 26/7
        Assert.Equal(2, s.Y[0], 12);
        Assert.Equal(10.0 / 3, s.Y[1], 12);
        Assert.True(double.IsNaN(s.Y[2]));
        Assert.Equal(26.0 / 7, s.Y[3], 12);
        Assert.Equal("loss (smoothed)", s.Name);
        Assert.Throws<ArgumentOutOfRangeException>(() => s.Smoothed(1));
    }

    [Fact]
    public void Confusion_matrix_shows_every_count_and_each_class_recall()
    {
        var m = ConfusionMatrix.FromPredictions([0, 0, 0, 0, 1, 1, 2, 2, 2], [0, 0, 0, 1, 1, 2, 2, 2, 0], 3, ["cat", "dog", "bird & fish"]);
        var f = Charts.ConfusionMatrix(m);
        var texts = Texts(f);
        foreach (var count in new[] { "3", "1", "0", "2" }) Assert.Contains(count, texts);
        Assert.Equal(9, f.Plot.GetPlottables<ScottPlot.Plottables.Text>().Count());
        Assert.Contains("bird & fish", texts);
        Assert.Contains("0.750", texts);   // cat: 3 of 4
        Assert.Contains("0.500", texts);   // dog: 1 of 2
        Assert.Contains("0.667", texts);   // bird & fish: 2 of 3
        Assert.Contains("recall", texts);
    }

    [Fact]
    public void Gradient_norms_use_a_log_axis_labelled_in_powers_of_ten()
    {
        var texts = Texts(Gallery.GradientNorms());
        Assert.Contains("1e-6", texts);
        Assert.Contains("1e-1", texts);
        Assert.Contains("0 Linear", texts);
    }

    [Fact]
    public void Svg_ids_take_the_prefix_so_charts_can_share_a_page()
    {
        // Skia numbers clips by a process-wide generation count written in hexadecimal (see Figure.ToSvg), so which ids a
        // render gets depends on what rendered before it. Twenty renders walk the count through more than sixteen values,
        // so some id ends in a letter (cl_a…cl_f) and every form is checked, whatever the other tests did first.
        var f = Gallery.ThreeEpochCurves();
        var seen = new List<string>();
        for (int render = 0; render < 20; render++)
        {
            var doc = XDocument.Parse(f.ToSvg("a1-"));
            var ids = doc.Descendants().Select(e => (string?)e.Attribute("id")).OfType<string>().ToHashSet();
            var refs = doc.Descendants().Select(e => (string?)e.Attribute("clip-path")).OfType<string>().Select(r => r[5..^1]).ToList();
            Assert.NotEmpty(refs);
            Assert.All(refs, r => Assert.StartsWith("a1-cl_", r));
            Assert.All(refs, r => Assert.Contains(r, ids));
            Assert.Equal("0 0 720 440", (string?)doc.Root!.Attribute("viewBox"));
            seen.AddRange(refs);
        }
        Assert.Contains(seen, r => r[^1] is >= 'a' and <= 'f');
        Assert.Throws<ArgumentException>(() => f.ToSvg("1 bad"));
    }

    [Fact]
    public void Bad_input_is_refused_with_the_chart_and_the_reason()
    {
        Assert.Contains("series 'bad' has 2 x values but 1 y values",
            Assert.Throws<ArgumentException>(() => Charts.LearningCurves([new PlotSeries("bad", [1.0, 2], [1.0])])).Message);
        Assert.Contains("no finite points", Assert.Throws<ArgumentException>(() => Charts.LearningCurves([new PlotSeries("nan", [double.NaN])])).Message);
        Assert.Contains("window", Assert.Throws<ArgumentException>(() => Charts.Trajectories((x, y) => 0, (1, 0, 0, 1), Gallery.Paths())).Message);
        Assert.Contains("x has 2 values but residuals has 1", Assert.Throws<ArgumentException>(() => Charts.Residuals([1.0, 2], [1.0])).Message);
        Assert.Contains("use .svg or .png", Assert.Throws<ArgumentException>(() => Gallery.ThreeEpochCurves().Save("x.jpg")).Message);
    }

    // The PNG's title row holds dark glyph pixels only when Skia found a font (fontconfig and fonts-dejavu-core, see .ci/run).
    [Fact]
    public void Png_text_is_drawn_with_a_real_font()
    {
        var f = Charts.LearningCurves([new PlotSeries("training", [1.0, 0.5])], "A TITLE WITH GLYPHS");
        using var bitmap = SKBitmap.Decode(f.ToPng());
        Assert.Equal((f.Width, f.Height), (bitmap.Width, bitmap.Height));
        int dark = 0;
        for (int y = 0; y < 30; y++)
            for (int x = 0; x < bitmap.Width; x++)
                if (bitmap.GetPixel(x, y).Red < 100) dark++;
        Assert.True(dark > 300, $"the title row has {dark} dark pixels: no font was found (install fontconfig and fonts-dejavu-core)");
    }
}
