using System.Globalization;
using AutoGrad.Plots;

namespace OptimizersExample;

/// <summary>The optimizers' paths over the surface's contours, drawn by AutoGrad.Plots; each legend entry carries the final loss.</summary>
public static class TrajectoryChart
{
    /// <summary>The chart of <paramref name="race"/>.</summary>
    public static Figure Render(RaceResult race)
    {
        var s = race.Surface;
        return Charts.Trajectories(s.At, s.Window,
            race.Trajectories.Select(t => ($"{t.Optimizer}: {t.FinalLoss.ToString("0.##e0", CultureInfo.InvariantCulture)}", t.Points)).ToArray(),
            start: (s.Start[0], s.Start[1]), minimum: (s.Minimum[0], s.Minimum[1]),
            title: $"{s.Formula}, {race.Steps} steps from ({s.Start[0].ToString(CultureInfo.InvariantCulture)}, {s.Start[1].ToString(CultureInfo.InvariantCulture)})");
    }
}
