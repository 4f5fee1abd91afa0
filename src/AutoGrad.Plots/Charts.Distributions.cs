using ScottPlot;
using ScottPlot.TickGenerators;

namespace AutoGrad.Plots;

public static partial class Charts
{
    /// <summary>
    /// Gradient norm ‖∂L/∂θ‖₂ of each layer over training, on a logarithmic axis: the picture of vanishing gradients, where the
    /// layers nearest the input fall decades below the last.
    /// </summary>
    /// <param name="steps">The training step of each recorded point.</param>
    /// <param name="layers">Per layer, one norm per step (zeros and non-finite values are left out).</param>
    /// <param name="title">The chart title.</param>
    public static Figure GradientNorms(IReadOnlyList<double> steps, IReadOnlyList<(string Layer, IReadOnlyList<double> Norms)> layers,
        string title = "Gradient norm per layer")
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count == 0) throw new ArgumentException("Charts.GradientNorms: no layers to plot.");
        var plot = Style.NewPlot(title, "step", "gradient norm (log scale)");
        int drawn = 0;
        for (int k = 0; k < layers.Count; k++)
        {
            Same("Charts.GradientNorms", "steps", steps, $"layer '{layers[k].Layer}'", layers[k].Norms);
            var pts = steps.Zip(layers[k].Norms).Where(p => double.IsFinite(p.Second) && p.Second > 0).ToArray();
            if (pts.Length == 0) continue;
            Style.Line(plot, pts.Select(p => p.First).ToArray(), pts.Select(p => Math.Log10(p.Second)).ToArray(), k, 2, layers[k].Layer);
            drawn++;
        }
        if (drawn == 0) throw new ArgumentException("Charts.GradientNorms: no positive finite norm to plot.");
        plot.Axes.Left.TickGenerator = new NumericAutomatic
        {
            IntegerTicksOnly = true,
            LabelFormatter = v => $"1e{v:0}",
            MinorTickGenerator = new LogMinorTickGenerator(),
        };
        Style.IntegerTicks(plot.Axes.Bottom);
        Style.LegendRight(plot);
        return Style.Finish(plot, title);
    }

    /// <summary>
    /// Histograms of several sets of values (e.g. a layer's weights, or its activations on a batch) over common bins, drawn as
    /// step outlines of the density so every set stays visible where they overlap; the legend gives each set's mean and std.
    /// </summary>
    /// <param name="sets">Named values; non-finite values are left out.</param>
    /// <param name="bins">The number of bins across the common range.</param>
    /// <param name="title">The chart title.</param>
    /// <param name="xLabel">The x-axis label.</param>
    public static Figure Histograms(IReadOnlyList<(string Name, IReadOnlyList<double> Values)> sets, int bins = 40, string title = "Histogram",
        string xLabel = "value")
    {
        ArgumentNullException.ThrowIfNull(sets);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        var finite = sets.Select(s => (s.Name, Values: s.Values.Where(double.IsFinite).ToArray())).Where(s => s.Values.Length > 0).ToArray();
        if (finite.Length == 0) throw new ArgumentException("Charts.Histograms: no finite values to plot.");
        double lo = finite.Min(s => s.Values.Min()), hi = finite.Max(s => s.Values.Max());
        if (hi == lo) { lo -= 0.5; hi += 0.5; }
        double width = (hi - lo) / bins;
        var plot = Style.NewPlot(title, xLabel, "density");
        for (int k = 0; k < finite.Length; k++)
        {
            var counts = new double[bins];
            foreach (var v in finite[k].Values) counts[Math.Min(bins - 1, (int)((v - lo) / width))]++;
            var xs = new double[2 * bins + 2];
            var ys = new double[2 * bins + 2];
            xs[0] = lo;
            for (int b = 0; b < bins; b++)
            {
                double density = counts[b] / (finite[k].Values.Length * width);
                xs[2 * b + 1] = lo + b * width;
                xs[2 * b + 2] = lo + (b + 1) * width;
                ys[2 * b + 1] = ys[2 * b + 2] = density;
            }
            xs[^1] = hi;
            double mean = finite[k].Values.Average(), std = Math.Sqrt(finite[k].Values.Average(v => (v - mean) * (v - mean)));
            var line = plot.Add.ScatterLine(xs, ys, Style.Colour(k));
            line.LineWidth = 2;
            line.LegendText = $"{finite[k].Name} (mean {Style.Number(mean, "0.###")}, std {Style.Number(std, "0.###")})";
        }
        plot.Axes.Margins(bottom: 0);
        Style.LegendRight(plot);
        return Style.Finish(plot, title);
    }

    /// <summary>Histograms of every weight matrix or kernel (parameters of rank ≥ 2) of <paramref name="model"/>.</summary>
    public static Figure WeightHistograms(AutoGrad.NN.Module model, int bins = 40, string title = "Weights") =>
        Histograms(model.NamedParameters().Where(p => p.Value.Shape.Rank >= 2).Select(p => (p.Key, (IReadOnlyList<double>)p.Value.ToDoubleArray())).ToArray(),
            bins, title, "weight");
}
