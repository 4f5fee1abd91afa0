using System.Xml.Linq;
using OptimizersExample;

namespace AutoGrad.Tests.Examples;

public class OptimizersTests
{
    private static readonly RaceResult Quadratic = Race.Run(Surface.ElongatedQuadratic, 100);

    [Fact]
    public void Every_optimizer_leaves_the_start_and_records_each_step()
    {
        Assert.Equal(5, Quadratic.Trajectories.Count);
        double start = Surface.ElongatedQuadratic.At(-9, 1.2);
        foreach (var t in Quadratic.Trajectories)
        {
            Assert.Equal(101, t.Points.Count);
            Assert.Equal((-9.0, 1.2), t.Points[0]);
            Assert.True(double.IsFinite(t.FinalLoss) && t.FinalLoss < start / 10, $"{t.Optimizer}: final loss {t.FinalLoss} from {start}");
        }
    }

    [Fact]
    public void Momentum_nesterov_and_adam_beat_plain_sgd_on_the_elongated_quadratic()
    {
        double sgd = Quadratic.FinalLoss("SGD");
        // SGD's η is capped by the steep direction (curvature 10), so it crawls along the flat one (curvature 0.1):
        // x shrinks by (1 − 0.012) per step, f ≈ 0.05·(9·0.988¹⁰⁰)² ≈ 0.36.
        Assert.Equal(0.05 * Math.Pow(9 * Math.Pow(1 - 0.12 * 0.1, 100), 2), sgd, 6);
        foreach (var name in new[] { "momentum 0.9", "Nesterov 0.9", "Adam" })
            Assert.True(Quadratic.FinalLoss(name) < sgd / 100, $"{name}: {Quadratic.FinalLoss(name)} vs SGD {sgd}");
        Assert.True(Quadratic.FinalLoss("RMSProp") < sgd, $"RMSProp {Quadratic.FinalLoss("RMSProp")} vs SGD {sgd}");
    }

    [Fact]
    public void On_rosenbrock_momentum_and_adam_reach_the_minimum_and_sgd_does_not()
    {
        var race = Race.Run(Surface.Rosenbrock, 2000);
        Assert.True(race.FinalLoss("SGD") > 0.05, $"SGD {race.FinalLoss("SGD")}");
        foreach (var name in new[] { "momentum 0.9", "Nesterov 0.9", "Adam" })
        {
            var end = race.Trajectories.Single(t => t.Optimizer == name).Points[^1];
            Assert.True(Math.Abs(end.X - 1) < 1e-2 && Math.Abs(end.Y - 1) < 1e-2, $"{name} ended at {end}");
        }
    }

    [Fact]
    public void The_chart_has_one_path_per_optimizer_in_race_order_and_the_final_losses()
    {
        var figure = TrajectoryChart.Render(Quadratic);
        var paths = figure.Plot.GetPlottables<ScottPlot.Plottables.Scatter>().ToList();
        var legend = figure.Plot.Legend.ManualItems.Select(i => i.LabelText).ToList();
        Assert.Equal([.. Quadratic.Trajectories.Select(t => t.Optimizer), "start (-9, 1.2)", "minimum (0, 0)"], legend.Select(l => l.Split(':')[0]));
        Assert.Equal(Quadratic.Trajectories.Count, paths.Count);
        Assert.All(paths, p => Assert.True(p.Data.GetScatterPoints().Count >= 2));
        // Drawn widest first, so a path running along a later one stays visible around it.
        Assert.True(paths.Zip(paths.Skip(1)).All(q => q.First.LineWidth > q.Second.LineWidth));
        XNamespace ns = "http://www.w3.org/2000/svg";
        var texts = XDocument.Parse(figure.ToSvg()).Descendants(ns + "text").Select(e => e.Value.Trim()).ToList();
        Assert.Contains("SGD: 3.62e-1", texts);
    }
}
