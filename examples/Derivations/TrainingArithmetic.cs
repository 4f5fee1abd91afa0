using AutoGrad;
using AutoGrad.Data;
using AutoGrad.Optim;

namespace Derivations;

/// <summary>
/// The notes' small training facts, each through the library class that implements it: step decay (002), iterations per
/// epoch (001), momentum's terminal speed (004) and the unrolled exponentially weighted average (002).
/// </summary>
public static class TrainingArithmetic
{
    /// <summary>Runs the examples and records their checks.</summary>
    public static void Run(Checklist c)
    {
        StepDecaySchedule(c);
        IterationsPerEpoch(c);
        MomentumTerminalSpeed(c);
        EwmaUnrolling(c);
    }

    private static void StepDecaySchedule(Checklist c)
    {
        c.Section("Notes 002: step decay ηₙ = η₀·γ^⌊n/step⌋ with η₀ = 1, step 10, γ = 0.1 (StepDecay)");
        var schedule = new StepDecay(initial: 1, stepSize: 10, gamma: 0.1);
        c.Check("η at epoch 9 = 1·0.1^⌊9/10⌋", 1, schedule.At(9), 1e-15);
        c.Check("η at epoch 11 = 1·0.1^⌊11/10⌋", 0.1, schedule.At(11), 1e-15);
        c.Note($"Epochs 0, 10, 19, 20 give {schedule.At(0)}, {schedule.At(10)}, {schedule.At(19)}, {schedule.At(20):0.##}; "
            + "the notes write n for both η and the epoch (catalog E32).");
    }

    private static void IterationsPerEpoch(Checklist c)
    {
        c.Section("Notes 001: 2000 training examples at batch size 20 take 100 iterations per epoch (DataLoader)");
        var data = new Dataset(Tensor.Zeros(new Shape(2000, 1)), new int[2000], name: "2000 examples");
        var loader = new DataLoader(data, batchSize: 20, shuffle: true, generator: new Generator(1));
        c.Check("DataLoader.BatchCount", 100, loader.BatchCount, 0);
        int iterations = 0, seen = 0;
        foreach (var batch in loader) { iterations++; seen += batch.Count; }
        c.Check("batches in one pass over the loader", 100, iterations, 0);
        c.Check("examples seen in that pass", 2000, seen, 0);
    }

    private static void MomentumTerminalSpeed(Checklist c)
    {
        c.Section("Notes 004: momentum α multiplies the maximum speed by 1/(1 − α): 10 for α = 0.9 (Sgd with momentum)");
        c.Note("A linear loss L = g·θ has the constant gradient g; the step |θₜ₊₁ − θₜ| tends to η·g/(1 − α).");
        const double eta = 0.01, g = 3;
        foreach (var (alpha, notes, steps) in new[] { (0.5, 2.0, 100), (0.9, 10.0, 400), (0.99, 100.0, 4000) })
        {
            var theta = Tensor.Zeros(new Shape(1), DType.Float64).RequireGrad();
            var opt = new Sgd([theta], eta, momentum: alpha);
            double before = 0, step = 0;
            for (int t = 0; t < steps; t++)
            {
                opt.ZeroGrad();
                (theta * g).Sum().Backward();
                before = theta.Item();
                opt.Step();
            }
            step = Math.Abs(theta.Item() - before);
            c.Check($"α = {alpha}: last step / (η·g) after {steps} steps", notes, step / (eta * g), 1e-9 * notes);
        }
    }

    private static void EwmaUnrolling(Checklist c)
    {
        const double beta = 0.9;
        c.Section($"Notes 002: EWMA vₜ = βvₜ₋₁ + (1 − β)θₜ unrolled, β = {beta} (Sgd's EWMA momentum fed θₜ as its gradient)");
        double[] theta = [4.0, -1.5, 2.5];
        // With η = 1 the EWMA-style momentum moves the parameter by exactly −vₜ, so vₜ is read off the parameter.
        var p = Tensor.Zeros(new Shape(1), DType.Float64).RequireGrad();
        var opt = new Sgd([p], learningRate: 1, momentum: beta, style: MomentumStyle.Ewma);
        var v = new double[3];
        for (int t = 0; t < 3; t++)
        {
            opt.ZeroGrad();
            (p * theta[t]).Sum().Backward();
            double before = p.Item();
            opt.Step();
            v[t] = before - p.Item();
        }
        double[] unrolled =
        [
            (1 - beta) * theta[0],
            (1 - beta) * (beta * theta[0] + theta[1]),
            (1 - beta) * (beta * beta * theta[0] + beta * theta[1] + theta[2]),
        ];
        for (int t = 0; t < 3; t++) c.Check($"v{"₁₂₃"[t]} against the unrolled form", unrolled[t], v[t], 1e-14);

        // Bias correction on a constant sequence: vₜ/(1 − βᵗ) recovers the constant; the notes' (1 − β)ᵗ does not.
        var q = Tensor.Zeros(new Shape(1), DType.Float64).RequireGrad();
        var ewma = new Sgd([q], learningRate: 1, momentum: beta, style: MomentumStyle.Ewma);
        const double constant = 2;
        double v3 = 0;
        for (int t = 0; t < 3; t++)
        {
            ewma.ZeroGrad();
            (q * constant).Sum().Backward();
            double before = q.Item();
            ewma.Step();
            v3 = before - q.Item();
        }
        c.Check("bias-corrected v₃/(1 − β³) of a constant 2", constant, v3 / (1 - Math.Pow(beta, 3)), 1e-14);
        c.Erratum("bias correction of the EWMA", $"v₃/(1 − β)³ = {v3 / Math.Pow(1 - beta, 3):0.#}", v3 / (1 - Math.Pow(beta, 3)),
            "the correction divides by 1 − βᵗ (as 000 and 002's own Adam line do), not (1 − β)ᵗ (catalog E14)");
    }
}
