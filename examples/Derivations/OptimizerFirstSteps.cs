using AutoGrad;
using AutoGrad.Optim;

namespace Derivations;

/// <summary>
/// Each optimizer's first two updates through the library, against the notes' update equations evaluated by hand (plain
/// arrays, gradients taken from the tape) on the quadratic <c>f(θ) = ½Σᵢ aᵢθᵢ²</c>.
/// </summary>
public static class OptimizerFirstSteps
{
    private static readonly double[] Curvature = [1, 10, 0.1, 3];
    private static readonly double[] Theta0 = [0.8, -0.5, 2.0, -1.2];

    private static Tensor Loss(Tensor theta) => (theta.Square() * Tensor.FromArray(Curvature)).Sum() * 0.5;

    private static double[] TapeGradient(double[] theta)
    {
        var t = Tensor.FromArray((double[])theta.Clone()).RequireGrad();
        Loss(t).Backward();
        return t.Grad!.ToDoubleArray();
    }

    private static double[] Map(double[] a, double[] b, Func<double, double, double> f) => a.Select((v, i) => f(v, b[i])).ToArray();

    private static double[] Map(double[] a, Func<double, double> f) => a.Select(f).ToArray();

    /// <summary>Runs the comparisons and records their checks.</summary>
    public static void Run(Checklist c)
    {
        c.Section("Optimizers: the library's first two updates against the notes' equations by hand, f(θ) = ½Σ aᵢθᵢ², a = (1, 10, 0.1, 3)");
        double[] zeros = new double[Theta0.Length];

        const double etaSgd = 0.1;
        Compare(c, "SGD θ ← θ − η∇ (000–003), η = 0.1", p => new Sgd([p], etaSgd),
            theta => Map(theta, TapeGradient(theta), (t, g) => t - etaSgd * g));

        const double gamma = 0.9;
        var v = zeros;
        Compare(c, "momentum v ← γv + η∇, θ ← θ − v (000, 001)", p => new Sgd([p], etaSgd, momentum: gamma),
            theta => { v = Map(v, TapeGradient(theta), (vi, g) => gamma * vi + etaSgd * g); return Map(theta, v, (t, vi) => t - vi); });
        c.Erratum("momentum range", "γ ∈ {0, 1}", gamma, "the momentum lies in the interval [0, 1), typically 0.9 (catalog E7)");

        var vEwma = zeros;
        Compare(c, "momentum, EWMA form V ← βV + (1 − β)dW, W ← W − ηV (002)", p => new Sgd([p], etaSgd, momentum: gamma, style: MomentumStyle.Ewma),
            theta => { vEwma = Map(vEwma, TapeGradient(theta), (vi, g) => gamma * vi + (1 - gamma) * g); return Map(theta, vEwma, (t, vi) => t - etaSgd * vi); });

        // Notes 001's Nesterov evaluates ∇E at the look-ahead θ − γv. The library stores that look-ahead point φ = θ − γv
        // (Sutskever's re-parametrisation), so its parameter is compared with the notes' θ − γv.
        double[] thetaN = Theta0, vN = zeros;
        Compare(c, "Nesterov v ← γv + η∇E(θ − γv), θ ← θ − v (001)", p => new Sgd([p], etaSgd, momentum: gamma, nesterov: true),
            _ =>
            {
                var lookAhead = Map(thetaN, vN, (t, vi) => t - gamma * vi);
                vN = Map(vN, TapeGradient(lookAhead), (vi, g) => gamma * vi + etaSgd * g);
                thetaN = Map(thetaN, vN, (t, vi) => t - vi);
                return Map(thetaN, vN, (t, vi) => t - gamma * vi);
            });
        c.Note("Nesterov: the library's parameter is the look-ahead point θ − γv where the notes evaluate the gradient.");

        const double etaAda = 0.1, epsAda = 1e-7;
        var cache = zeros;
        Compare(c, "AdaGrad v ← v + ∇², θ ← θ − η∇/(√v + ε) (000), η = 0.1", p => new AdaGrad([p], etaAda, epsAda),
            theta =>
            {
                var g = TapeGradient(theta);
                cache = Map(cache, g, (s, gi) => s + gi * gi);
                return theta.Select((t, i) => t - etaAda * g[i] / (Math.Sqrt(cache[i]) + epsAda)).ToArray();
            }, firstStepSize: etaAda);
        c.Note("AdaGrad: v is the running sum of squared gradients; ∇θₜ is the current gradient only (catalog E9).");

        const double etaRms = 0.001, rho = 0.9, epsRms = 1e-7;
        var square = zeros;
        Compare(c, "RMSProp v ← ρv + (1 − ρ)∇², θ ← θ − η∇/(√v + ε) (000)", p => new RmsProp([p], etaRms, rho, epsRms),
            theta =>
            {
                var g = TapeGradient(theta);
                square = Map(square, g, (s, gi) => rho * s + (1 - rho) * gi * gi);
                return theta.Select((t, i) => t - etaRms * g[i] / (Math.Sqrt(square[i]) + epsRms)).ToArray();
            }, firstStepSize: etaRms / Math.Sqrt(1 - rho));
        var squareIn = zeros;
        Compare(c, "RMSProp, ε inside the root: W ← W − η dW/√(S + ε) (002)", p => new RmsProp([p], etaRms, rho, epsRms, epsilonInsideSqrt: true),
            theta =>
            {
                var g = TapeGradient(theta);
                squareIn = Map(squareIn, g, (s, gi) => rho * s + (1 - rho) * gi * gi);
                return theta.Select((t, i) => t - etaRms * g[i] / Math.Sqrt(squareIn[i] + epsRms)).ToArray();
            });
        c.Erratum("RMSProp's default ρ", "ρ = 0.001", rho,
            "0.001 is the usual learning rate; ρ = 0.001 would forget the cache every step, the conventional decay is 0.9 (E6)");

        const double etaAdam = 0.001, beta1 = 0.9, beta2 = 0.999, epsAdam = 1e-8;
        double[] m = zeros, s2 = zeros;
        int t = 0;
        Compare(c, "Adam with bias correction 1 − βᵗ (000), η = 0.001", p => new Adam([p], etaAdam, beta1, beta2, epsAdam),
            theta =>
            {
                var g = TapeGradient(theta);
                t++;
                m = Map(m, g, (mi, gi) => beta1 * mi + (1 - beta1) * gi);
                s2 = Map(s2, g, (si, gi) => beta2 * si + (1 - beta2) * gi * gi);
                return theta.Select((th, i) =>
                    th - etaAdam * (m[i] / (1 - Math.Pow(beta1, t))) / (Math.Sqrt(s2[i] / (1 - Math.Pow(beta2, t))) + epsAdam)).ToArray();
            }, firstStepSize: etaAdam);
        double g0 = TapeGradient(Theta0)[1];
        c.Erratum("Adam's first moment V₁ for dW = " + g0.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture),
            $"V = β + V + (1 − β)dW = {beta1 + (1 - beta1) * g0:0.###}", (1 - beta1) * g0,
            "the first term is β·V (an exponentially weighted average), so V₁ = (1 − β)dW (E19)");
        c.Note("Notes 003's AdaGrad/RMSProp/Adam slides drop ε and Adam's bias correction (E26); the full forms of 000 are used here.");
    }

    // Runs two library steps and two hand steps from θ₀ and compares them; optionally checks the first step's size per coordinate.
    private static void Compare(Checklist c, string name, Func<Tensor, Optimizer> make, Func<double[], double[]> handStep, double? firstStepSize = null)
    {
        var p = Tensor.FromArray((double[])Theta0.Clone()).RequireGrad();
        var optimizer = make(p);
        var reference = Theta0;
        for (int step = 1; step <= 2; step++)
        {
            optimizer.ZeroGrad();
            Loss(p).Backward();
            optimizer.Step();
            reference = handStep(reference);
            var got = p.ToDoubleArray();
            c.Check($"{name}: update {step}", 0, got.Select((g, i) => Math.Abs(g - reference[i])).Max(), 1e-14);
            if (step == 1 && firstStepSize is double size)
                c.Check("   size of the first step, max |θ₁ − θ₀|", size,
                    got.Select((g, i) => Math.Abs(g - Theta0[i])).Max(), 1e-6 * size);
        }
    }
}
