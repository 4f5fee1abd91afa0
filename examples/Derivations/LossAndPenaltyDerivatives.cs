using AutoGrad;
using AutoGrad.Losses;
using AutoGrad.NN;

namespace Derivations;

/// <summary>
/// Notes 000's closed-form derivatives of the regression losses, the L1/L2 penalties and inverted dropout, compared with
/// what the tape computes through the library's losses, penalties and <see cref="Dropout"/> layer on random inputs.
/// </summary>
public static class LossAndPenaltyDerivatives
{
    /// <summary>Runs the comparisons and records their checks.</summary>
    public static void Run(Checklist c)
    {
        var gen = new Generator(6000);
        MseAndMae(c, gen);
        Penalties(c, gen);
        Dropout(c);
    }

    private static double MaxAbs(Tensor a, Tensor b) => (a - b).Abs().Max().Item();

    private static void MseAndMae(Checklist c, Generator gen)
    {
        const int n = 4, j = 5;   // n samples of J outputs; the library averages over all n·J elements
        c.Section("Notes 000: MSE L = (1/J)Σⱼ(y − ŷ)², ∂L/∂ŷ = −(2/J)(y − ŷ), tape against the closed form (random ŷ, y)");
        var y = Tensor.Randn(new Shape(n, j), gen, DType.Float64);
        var yHat = Tensor.Randn(new Shape(n, j), gen, DType.Float64).RequireGrad();
        yHat.MseLoss(y).Backward();
        c.Note($"The loss is also averaged over the n = {n} samples, so each sample's derivative is divided by n.");
        c.Check("max |tape − (−2/J)(y − ŷ)/n|", 0, MaxAbs(yHat.Grad!, -2.0 / j * (y - yHat.Detach()) / n), 1e-12);

        c.Section("Notes 000: MAE L = (1/J)Σⱼ|y − ŷ|, ∂L/∂ŷ = −sign(y − ŷ)/J (0 at a tie)");
        var target = Tensor.Randn(new Shape(j), gen, DType.Float64);
        var pred = Tensor.Randn(new Shape(j), gen, DType.Float64).ToDoubleArray();
        pred[2] = target[2];   // one exact tie, where the notes ask for a zero derivative
        var p = Tensor.FromArray(pred).RequireGrad();
        p.MaeLoss(target).Backward();
        var closed = -(target - p.Detach()).Sign() / j;
        c.Check("max |tape − (−sign(y − ŷ)/J)|", 0, MaxAbs(p.Grad!, closed), 1e-15);
        c.Check("∂L/∂ŷ₂ at the tie ŷ₂ = y₂", 0, p.Grad![2], 0);
        double printed = (target - p.Detach()).Sign()[0] / j;
        c.Erratum("∂L/∂ŷ₀ of MAE (sign form)", printed.ToString("+0.0;−0.0", System.Globalization.CultureInfo.InvariantCulture), p.Grad![0],
            "the notes' +sign(y − ŷ)/J is ∂/∂(y − ŷ); ∂/∂ŷ has a minus, as in their own MSE derivative (catalog E36)");
    }

    private static void Penalties(Checklist c, Generator gen)
    {
        const double lambda = 0.0005;   // notes 000: "usually a small value like 0.0005"
        c.Section($"Notes 000: L1 = λΣ|θ| and L2 = λΣθ² penalties (λ = {lambda}), gradients λ·sgn(θ) and 2λθ");
        var w = Tensor.Randn(new Shape(3, 4), gen, DType.Float64).RequireGrad();
        var b = Tensor.Randn(new Shape(4), gen, DType.Float64).RequireGrad();
        AutoGrad.Losses.Penalties.L1([w, b], lambda).Backward();
        c.Check("L1: max |tape − λ·sgn(w)| (weights)", 0, MaxAbs(w.Grad!, w.Detach().Sign() * lambda), 1e-18);
        c.Check("L1: max |tape − λ·sgn(b)| (biases)", 0, MaxAbs(b.Grad!, b.Detach().Sign() * lambda), 1e-18);
        w.ZeroGrad();
        b.ZeroGrad();
        AutoGrad.Losses.Penalties.L2([w, b], lambda).Backward();
        c.Check("L2: max |tape − 2λw| (weights)", 0, MaxAbs(w.Grad!, w.Detach() * (2 * lambda)), 1e-18);
        c.Check("L2: max |tape − 2λb| (biases)", 0, MaxAbs(b.Grad!, b.Detach() * (2 * lambda)), 1e-18);
    }

    private static void Dropout(Checklist c)
    {
        const double p = 0.3;
        const ulong seed = 42;
        c.Section($"Notes 000: inverted dropout y = x ⊙ r/(1 − p), ∂y/∂x = r/(1 − p) (p = {p} the drop rate, seeded mask)");
        var x = Tensor.Randn(new Shape(4, 6), new Generator(7), DType.Float64).RequireGrad();
        var upstream = Tensor.Randn(new Shape(4, 6), new Generator(8), DType.Float64);
        var layer = new Dropout(p, new Generator(seed));
        (layer.Forward(x) * upstream).Sum().Backward();
        // Same seed, same draws: the mask r the layer used, rebuilt outside it.
        var r = Tensor.Bernoulli(x.Shape, 1 - p, new Generator(seed), DType.Float64);
        c.Check("max |tape − u ⊙ r/(1 − p)| (u = upstream gradient)", 0, MaxAbs(x.Grad!, upstream * r / (1 - p)), 1e-15);
        c.Check("kept elements scaled by 1/(1 − p)", 1 / (1 - p), layer.LastMask!.Max().Item(), 1e-15);
        c.Note($"The mask kept {r.Sum().Item()} of {r.Size} elements; p is the drop rate (catalog E8), kept when a uniform draw < 1 − p (E24).");
        layer.Eval();
        c.Check("evaluation mode is the identity: max |y − x|", 0, MaxAbs(layer.Forward(x.Detach()), x.Detach()), 0);
    }
}
