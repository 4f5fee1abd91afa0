using AutoGrad;

namespace OptimizersExample;

/// <summary>A 2-D loss surface <c>f(θ)</c> for <c>θ = (x, y)</c>: the function as tensor ops, a start, its minimum and a plot window.</summary>
public sealed record Surface(string Name, string Formula, Func<Tensor, Tensor> Loss, double[] Start, double[] Minimum,
    (double XMin, double XMax, double YMin, double YMax) Window)
{
    /// <summary><c>f(x, y)</c> evaluated through the same tensor ops the optimizers differentiate.</summary>
    public double At(double x, double y) => Loss(Tensor.FromArray(new[] { x, y })).Item();

    /// <summary>The elongated quadratic <c>f = 0.05x² + 5y²</c>: curvatures 0.1 and 10, a condition number of 100.</summary>
    public static Surface ElongatedQuadratic { get; } = new(
        "elongated quadratic", "f(x, y) = 0.05x² + 5y²",
        t => (t.Square() * Tensor.FromArray(new[] { 0.05, 5.0 })).Sum(),
        Start: [-9, 1.2], Minimum: [0, 0], Window: (-10, 2, -2, 2));

    /// <summary>Rosenbrock's banana <c>f = (1 − x)² + 100(y − x²)²</c>, minimum 0 at (1, 1) at the end of a curved, flat valley.</summary>
    public static Surface Rosenbrock { get; } = new(
        "Rosenbrock", "f(x, y) = (1 − x)² + 100(y − x²)²",
        t =>
        {
            var x = t.Select(0, 0);
            var y = t.Select(0, 1);
            return (1.0 - x).Square() + (y - x.Square()).Square() * 100.0;
        },
        Start: [-1.5, 2], Minimum: [1, 1], Window: (-2, 2, -1, 3));
}
