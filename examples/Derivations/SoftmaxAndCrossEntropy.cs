using AutoGrad;
using AutoGrad.Differentiation;

namespace Derivations;

/// <summary>
/// Closed forms the notes derive for softmax and cross-entropy (000, 002, 003), compared with what the tape computes
/// on random inputs.
/// </summary>
public static class SoftmaxAndCrossEntropy
{
    /// <summary>Runs the examples and records their checks.</summary>
    public static void Run(Checklist c)
    {
        c.Section("Notes 002: cross-entropy of a good and a bad prediction, target (1, 0)");
        var target = Tensor.FromArray(new double[] { 1, 0 });
        double Ce(double p0) => -(target * Tensor.FromArray(new double[] { p0, 1 - p0 }).Log()).Sum().Item();
        c.Check("good prediction (0.99, 0.01), log₁₀", 0.004, Ce(0.99) / Math.Log(10), 5e-4);
        c.Check("bad prediction (0.01, 0.99), log₁₀", 2, Ce(0.01) / Math.Log(10), 1e-9);
        c.Erratum("cross-entropy of the good prediction", "0.004", Ce(0.99), "the notes took log₁₀; cross-entropy uses ln");
        c.Erratum("cross-entropy of the bad prediction", "2", Ce(0.01), "the notes took log₁₀; cross-entropy uses ln");

        var gen = new Generator(2024);
        c.Section("Notes 000: softmax Jacobian S_ij(δ_jk − S_ik), tape against the closed form (random logits)");
        var z = Tensor.Randn(new Shape(5), gen, DType.Float64).RequireGrad();
        var s = z.Softmax();
        double worst = 0;
        for (int j = 0; j < 5; j++)
        {
            var row = Functional.Grad([s.Select(0, j)], [z], retainGraph: true)[0]!;
            for (int k = 0; k < 5; k++)
                worst = Math.Max(worst, Math.Abs(row[k] - s[j] * ((j == k ? 1 : 0) - s[k])));
        }
        c.Check("max |tape − closed form| over the 5×5 Jacobian", 0, worst, 1e-12);

        c.Section("Notes 000/002/003: ∂/∂z of softmax cross-entropy is ŷ − y");
        var logits = Tensor.Randn(new Shape(4, 3), gen, DType.Float64).RequireGrad();
        var labels = Tensor.FromArray(new double[] { 0, 2, 1, 2 }).OneHot(3);
        (-(labels * logits.LogSoftmax(1)).Sum()).Backward();
        var closed = logits.Detach().Softmax(1) - labels;
        c.Check("max |tape − (ŷ − y)|", 0, (logits.Grad! - closed).Abs().Max().Item(), 1e-12);

        c.Section("Notes 003: sigmoid output with binary cross-entropy, ∂E/∂z = σ(z) − y");
        var zz = Tensor.Randn(new Shape(6), gen, DType.Float64).RequireGrad();
        var yy = Tensor.FromArray(new double[] { 1, 0, 1, 1, 0, 0 });
        var p = zz.Sigmoid();
        (-(yy * p.Log() + (1 - yy) * (1 - p).Log()).Sum()).Backward();
        c.Check("max |tape − (σ(z) − y)|", 0, (zz.Grad! - (zz.Detach().Sigmoid() - yy)).Abs().Max().Item(), 1e-12);
    }
}
