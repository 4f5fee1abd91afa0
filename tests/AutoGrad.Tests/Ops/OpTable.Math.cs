using AutoGrad.Checking;

namespace AutoGrad.Tests.Ops;

public static partial class OpTable
{
    private static readonly OpCase[] MathRows =
    [
        Elementwise1("Negate", "Negate(x)", x => x.Negate(), v => -v, Wide),
        Elementwise1("Exp", "Exp(x)", x => x.Exp(), System.Math.Exp, Wide),
        Elementwise1("Log", "Log(x)", x => x.Log(), System.Math.Log, Domain.Real(0.1, 5)),
        Elementwise1("Sqrt", "Sqrt(x)", x => x.Sqrt(), System.Math.Sqrt, Domain.Real(0.1, 5)),
        Elementwise1("Square", "Square(x)", x => x.Square(), v => v * v, Wide),
        Elementwise1("Abs", "Abs(x)", x => x.Abs(), System.Math.Abs, Domain.AwayFrom([0], 0.05)),
        Elementwise1("Tanh", "Tanh(x)", x => x.Tanh(), System.Math.Tanh, Wide),
        Elementwise1("Sigmoid", "Sigmoid(x)", x => x.Sigmoid(), v => 1 / (1 + System.Math.Exp(-v)), Domain.Real(-6, 6)),
        Elementwise1("Relu", "Relu(x)", x => x.Relu(), v => System.Math.Max(v, 0), Domain.AwayFrom([0], 0.05)),
        Elementwise1("Clamp", "Clamp(x, -1, 1)", x => x.Clamp(-1, 1), v => System.Math.Clamp(v, -1, 1), Domain.AwayFrom([-1, 1], 0.05, -2, 2)),
        Elementwise1("Clamp", "Clamp(x, min: 0.5)", x => x.Clamp(min: 0.5), v => System.Math.Max(v, 0.5), Domain.AwayFrom([0.5], 0.05)),
        Elementwise1("Clamp", "Clamp(x, max: -0.5)", x => x.Clamp(max: -0.5), v => System.Math.Min(v, -0.5), Domain.AwayFrom([-0.5], 0.05)),
        Elementwise1("Erf", "Erf(x)", x => x.Erf(), ErfBySimpson, Domain.Real(-3.5, 3.5)) with { ReferenceTolerance = 1e-10 },
        // Rounding to float32 quantises f at ~1e-7, so the finite-difference step must be far larger than that.
        Elementwise1("To", "To(Float32) then To(Float64)", x => x.To(DType.Float32).To(DType.Float64), v => (float)v, Wide)
            with { GradCheckOptions = new(Eps: 1e-3), ReferenceTolerance = 0 },
    ];

    // An oracle independent of the library's series/continued fraction: composite Simpson on (2/√π)e^{−t²}.
    internal static double ErfBySimpson(double x)
    {
        const int n = 2000;
        double h = x / n, sum = 1 + System.Math.Exp(-x * x);
        for (int i = 1; i < n; i++) sum += (i % 2 == 1 ? 4 : 2) * System.Math.Exp(-(i * h) * (i * h));
        return 2 / System.Math.Sqrt(System.Math.PI) * sum * h / 3;
    }
}
