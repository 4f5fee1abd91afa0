using System.Globalization;
using OptimizersExample;

// SGD, momentum, Nesterov, RMSProp and Adam on two 2-D surfaces; trajectories drawn to SVG and PNG (notes 003 shows such a figure
// without numbers). Usage: dotnet run --project examples/Optimizers [output folder, default: artifacts/optimizers]
string folder = args.Length > 0 ? args[0] : Path.Combine("artifacts", "optimizers");
Directory.CreateDirectory(folder);
foreach (var (surface, steps, file) in new[]
{
    (Surface.ElongatedQuadratic, 100, "optimizers-quadratic"),
    (Surface.Rosenbrock, 2000, "optimizers-rosenbrock"),
})
{
    var race = Race.Run(surface, steps);
    Console.WriteLine($"{surface.Formula}: {steps} steps from ({surface.Start[0]}, {surface.Start[1]}), minimum at ({surface.Minimum[0]}, {surface.Minimum[1]})");
    foreach (var t in race.Trajectories)
    {
        var end = t.Points[^1];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {t.Optimizer,-14} final loss {t.FinalLoss,10:0.###e0}   at ({end.X,8:0.####}, {end.Y,8:0.####})"));
    }
    var (svg, png) = TrajectoryChart.Render(race).SaveBoth(folder, file);
    Console.WriteLine($"  trajectories: {Path.GetFullPath(svg)}, {Path.GetFullPath(png)}");
}
