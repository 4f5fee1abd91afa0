using AutoGrad.Training;

namespace AutoGrad.Plots;

/// <summary>Learning curves of a <see cref="History"/>: training and, when recorded, validation values per epoch.</summary>
public static class HistoryCharts
{
    /// <summary>Training (and validation) loss per epoch, with ticks at whole epochs.</summary>
    /// <exception cref="InvalidOperationException">The history has no epochs.</exception>
    public static Figure LossCurves(this History history, string title = "Loss") =>
        Curves(history, History.TrainLossName, History.ValidationLossName, title, "loss");

    /// <summary>Training (and validation) accuracy per epoch, with ticks at whole epochs.</summary>
    /// <exception cref="InvalidOperationException">The history has no epochs.</exception>
    public static Figure AccuracyCurves(this History history, string title = "Accuracy") =>
        Curves(history, History.TrainAccuracyName, History.ValidationAccuracyName, title, "accuracy");

    /// <summary>
    /// Writes <c>loss.svg</c>, <c>loss.png</c>, <c>accuracy.svg</c> and <c>accuracy.png</c> into <paramref name="folder"/>
    /// (created if missing); returns the two SVG paths.
    /// </summary>
    public static (string LossPath, string AccuracyPath) SavePlots(this History history, string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var (loss, _) = history.LossCurves().SaveBoth(folder, "loss");
        var (accuracy, _) = history.AccuracyCurves().SaveBoth(folder, "accuracy");
        return (loss, accuracy);
    }

    private static Figure Curves(History history, string train, string validation, string title, string yLabel)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (history.Count == 0) throw new InvalidOperationException("HistoryCharts: the history has no epochs, nothing to plot.");
        var x = history.Epochs.Select(e => (double)e.Epoch).ToArray();
        var series = new List<PlotSeries> { new("training", x, history.Series(train)) };
        if (history.Epochs.Any(e => e.HasValidation)) series.Add(new PlotSeries("validation", x, history.Series(validation)));
        return Charts.LearningCurves(series, title, "epoch", yLabel);
    }
}
