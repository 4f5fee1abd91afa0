using System.Globalization;
using AutoGrad;
using AutoGrad.Differentiation;
using AutoGrad.Checking;

namespace GradientLab;

/// <summary>What the lab found: both gradient checks, the Hessian errors and the gradient-flow measurements.</summary>
public sealed record LabResult(
    GradCheckResult CustomOpCheck,
    GradCheckResult WrongBackwardCheck,
    GradCheckResult CustomOpSecondOrderCheck,
    double LogSumExpHessianError,
    double SoftsignHessianError,
    LayerGradients Sigmoid,
    LayerGradients Relu);

/// <summary>
/// The research workflow on the library: define an op, check its gradient (and see a wrong one caught), take second derivatives,
/// and measure how gradients flow through a deep network.
/// </summary>
public static class Lab
{
    /// <summary>Runs every step and writes a report to <paramref name="log"/>.</summary>
    public static LabResult Run(TextWriter log)
    {
        var gen = new Generator(2718);
        var x = Tensor.Randn(new Shape(6), gen, DType.Float64);

        log.WriteLine("1. A custom op, softsign y = x/(1 + |x|), with backward g/(1 + |x|)², checked against central differences:");
        var ok = GradCheck.Check(xs => Softsign.Apply(xs[0]), [x]);
        log.WriteLine("   " + ok.Report);

        log.WriteLine("2. The same op with a wrong backward g/(1 + |x|) (the square forgotten):");
        var wrong = GradCheck.Check(xs => Softsign.ApplyWithWrongBackward(xs[0]), [x]);
        log.WriteLine("   " + wrong.Report.Replace("\n", "\n   ", StringComparison.Ordinal));

        log.WriteLine("3. Second derivatives through the custom backward (GradGradCheck):");
        var second = GradGradCheck.Check(xs => Softsign.Apply(xs[0]), [x], seed: 3);
        log.WriteLine("   " + second.Report);

        log.WriteLine("4. Hessians (Functional.Hessian) against closed forms:");
        var z = Tensor.Randn(new Shape(5), gen, DType.Float64);
        var h = Functional.Hessian(t => t.LogSumExp(0), z);
        var p = z.Softmax(0);
        var closed = Tensor.Eye(5, dtype: DType.Float64) * p - p.Reshape(5, 1).MatMul(p.Reshape(1, 5));   // diag(p) − ppᵀ
        double lseError = (h - closed).Abs().Max().Item();
        log.WriteLine(Invariant($"   log Σ eᶻ: max |H − (diag(p) − ppᵀ)| = {lseError:0.0e0} (p = softmax z)"));
        var hs = Functional.Hessian(t => Softsign.Apply(t).Sum(), x);
        var d2 = -2 * x.Sign() / (x.Abs() + 1.0).Pow(3);                                          // (x/(1 + |x|))″ = −2 sgn x/(1 + |x|)³
        double softsignError = (hs - Tensor.Eye(6, dtype: DType.Float64) * d2).Abs().Max().Item();
        log.WriteLine(Invariant($"   Σ softsign(x): max |H − diag(−2 sgn x/(1 + |x|)³)| = {softsignError:0.0e0}"));

        log.WriteLine("5. Gradient flow: ‖∂L/∂Wˡ‖ after one backward pass, 10 Linear layers of width 32, MSE on random targets");
        var sigmoid = GradientFlow.Measure("sigmoid");
        var relu = GradientFlow.Measure("relu");
        log.WriteLine("   layer   sigmoid (Glorot)   ReLU (He)");
        for (int l = 0; l < sigmoid.Norms.Length; l++)
            log.WriteLine(Invariant($"   {l + 1,5}   {sigmoid.Norms[l],16:0.000e0}   {relu.Norms[l],9:0.000e0}"));
        log.WriteLine(Invariant($"   first/last layer: sigmoid {sigmoid.FirstToLast:0.0e0}, ReLU {relu.FirstToLast:0.00}"));
        log.WriteLine("   σ′ ≤ 1/4, so each sigmoid layer shrinks the backward signal; ReLU′ = 1 where active keeps it.");
        return new LabResult(ok, wrong, second, lseError, softsignError, sigmoid, relu);
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
