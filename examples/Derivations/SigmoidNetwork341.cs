using AutoGrad;
using AutoGrad.Differentiation;

namespace Derivations;

/// <summary>
/// Notes 001 (Hernitschek), the 3-4-1 sigmoid network with binary cross-entropy: one forward pass, one backward
/// pass, and six steps of gradient descent, all through the tape.
/// </summary>
public static class SigmoidNetwork341
{
    private static readonly double[,] W1 =          // rows: input i = 1..3, columns: hidden j = 1..4
    {
        { 0.179, -0.186, -0.008, -0.048 },
        { 0.044, -0.028, -0.063, -0.131 },
        { 0.010, -0.035, -0.004, 0.088 },
    };

    private static readonly double[,] W2 = { { 0.088 }, { 0.171 }, { 0.005 }, { -0.04 } };

    /// <summary>Runs the example and records its checks.</summary>
    public static void Run(Checklist c)
    {
        c.Section("Notes 001: 3-4-1 sigmoid network, x = (7, 8, 10), target 1, binary cross-entropy");
        var x = Tensor.FromArray(new double[] { 7, 8, 10 }, 1, 3);
        const double target = 1;
        var w1 = Tensor.FromArray(W1).RequireGrad();
        var b1 = Tensor.Zeros(new Shape(4), DType.Float64).RequireGrad();
        var w2 = Tensor.FromArray(W2).RequireGrad();
        var b2 = Tensor.Zeros(new Shape(1), DType.Float64).RequireGrad();

        Tensor Forward() => (x.MatMul(w1) + b1).Sigmoid().MatMul(w2).Add(b2).Sigmoid();
        Tensor Loss(Tensor y) => -(target * y.Log() + (1 - target) * (1 - y).Log()).Sum();

        var y0 = Forward();
        var e = Loss(y0);
        e.Backward();
        const double tol = 2e-3;   // the notes round to 3 decimals
        c.Check("forward prediction y", 0.521, y0.Item(), tol);
        c.Check("loss E", 0.652, e.Item(), tol);
        double[] printed = [-0.405, -0.063, -0.169, -0.181];
        for (int i = 0; i < 4; i++) c.Check($"∂E/∂w²₁{"₁₂₃₄"[i]} (hidden {i + 1} → output)", printed[i], w2.Grad![i, 0], tol);
        c.Check("∂E/∂b²₁ = y − ŷ", -0.479, b2.Grad!.Item(), tol);
        c.Check("∂E/∂w¹₁₃ (input 3 → hidden 1)", -0.055, w1.Grad![2, 0], tol);
        c.Check("∂E/∂w¹₄₃ (input 3 → hidden 4)", 0.045, w1.Grad![2, 3], tol);
        double eta = 0.5;
        c.Check("updated w¹₁₃ = 0.01 − η·∂E/∂w¹₁₃", 0.0375, W1[2, 0] - eta * w1.Grad![2, 0], tol);
        c.Erratum("learning rate in the update of w¹₁₃", "η = 0.05", 0.5,
            "the slide writes 0.01 − 0.05(−0.055) but prints 0.0375, which needs η = 0.5 (the η the notes chose)");
        c.Erratum("updated b¹₃", "0.00005", 0 - eta * b1.Grad![2],
            "0 − 0.05·(−0.001) uses the typo η = 0.05 and δ¹₃ rounded to −0.001; with η = 0.5 and δ¹₃ = −0.000548 it is 0.000274");

        double[] trajectory = [0.521, 0.648, 0.758, 0.836, 0.881, 0.908, 0.925];
        c.Check("prediction before training, y₀", trajectory[0], y0.Item(), tol);
        for (int step = 1; step < trajectory.Length; step++)
        {
            foreach (var p in new[] { w1, b1, w2, b2 }) p.ZeroGrad();
            Loss(Forward()).Backward();
            using (Recorder.NoGrad())
                foreach (var p in new[] { w1, b1, w2, b2 })
                    p.CopyFrom(p - eta * p.Grad!);   // plain gradient descent, all parameters from the same point
            double y;
            using (Recorder.NoGrad()) y = Forward().Item();
            c.Check($"prediction after GD step {step} (η = 0.5)", trajectory[step], y, tol);
        }
    }
}
