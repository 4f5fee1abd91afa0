using AutoGrad;
using AutoGrad.Optim;

namespace OptimizersExample;

/// <summary>The path of one optimizer: every iterate θ₀ … θ_N and the final loss f(θ_N).</summary>
public sealed record Trajectory(string Optimizer, IReadOnlyList<(double X, double Y)> Points, double FinalLoss);

/// <summary>All trajectories on one surface after <see cref="Steps"/> steps.</summary>
public sealed record RaceResult(Surface Surface, int Steps, IReadOnlyList<Trajectory> Trajectories)
{
    /// <summary>The final loss of the optimizer named <paramref name="optimizer"/>.</summary>
    public double FinalLoss(string optimizer) => Trajectories.Single(t => t.Optimizer == optimizer).FinalLoss;
}

/// <summary>Runs SGD, momentum, Nesterov, RMSProp and Adam (the library's optimizers) from the same start on a 2-D surface.</summary>
public static class Race
{
    /// <summary>The optimizers and their learning rates for a surface (tuned per surface, each stable on it).</summary>
    public static IReadOnlyList<(string Name, Func<Tensor, Optimizer> Make)> Contestants(Surface surface)
    {
        // One η for SGD, momentum and Nesterov, stable for all three: ηλ_max < 2 (SGD), < 2(1 + γ) (heavy ball) and
        // < 2(1 + γ)/(1 + 2γ) ≈ 1.36 (Nesterov, γ = 0.9), with λ_max = 10 for the quadratic and about 1000 in Rosenbrock's
        // valley. The adaptive methods take steps of about η per coordinate and get their own scale.
        bool quadratic = surface == Surface.ElongatedQuadratic;
        double eta = quadratic ? 0.12 : 0.001;
        return
        [
            ("SGD", p => new Sgd([p], eta)),
            ("momentum 0.9", p => new Sgd([p], eta, momentum: 0.9)),
            ("Nesterov 0.9", p => new Sgd([p], eta, momentum: 0.9, nesterov: true)),
            ("RMSProp", p => new RmsProp([p], quadratic ? 0.1 : 0.01, rho: 0.9)),
            ("Adam", p => new Adam([p], quadratic ? 0.3 : 0.05)),
        ];
    }

    /// <summary>Runs every contestant for <paramref name="steps"/> full-gradient steps from the surface's start.</summary>
    public static RaceResult Run(Surface surface, int steps)
    {
        var trajectories = new List<Trajectory>();
        foreach (var (name, make) in Contestants(surface))
        {
            var theta = Tensor.FromArray((double[])surface.Start.Clone()).RequireGrad();
            var optimizer = make(theta);
            var points = new List<(double, double)> { (theta[0], theta[1]) };
            for (int step = 0; step < steps; step++)
            {
                optimizer.ZeroGrad();
                surface.Loss(theta).Backward();
                optimizer.Step();
                points.Add((theta[0], theta[1]));
            }
            trajectories.Add(new Trajectory(name, points, surface.At(theta[0], theta[1])));
        }
        return new RaceResult(surface, steps, trajectories);
    }
}
