using AutoGrad;
using AutoGrad.Differentiation;
using AutoGrad.Losses;

namespace Derivations;

/// <summary>
/// Notes 003 (Nielsen's chapter 2): the four backpropagation equations BP1–BP4 evaluated explicitly with tensor ops on a random
/// sigmoid network with the quadratic cost, compared with the tape's gradients of the same cost.
/// </summary>
public static class NielsenBackprop
{
    private static readonly int[] Sizes = [4, 5, 4, 3];
    private const int BatchSize = 6;

    /// <summary>Runs the comparison and records its checks.</summary>
    public static void Run(Checklist c)
    {
        c.Section("Notes 003: Nielsen's BP1–BP4 against the tape, sigmoid layers 4→5→4→3, quadratic cost C = (1/2n)Σₓ‖y − a‖²");
        var gen = new Generator(3003);
        int layers = Sizes.Length - 1;
        // Nielsen's layout: wˡ is (out, in), so zˡ = wˡaˡ⁻¹ + bˡ; samples are rows here, so zˡ = aˡ⁻¹(wˡ)ᵀ + bˡ.
        var w = new Tensor[layers];
        var b = new Tensor[layers];
        for (int l = 0; l < layers; l++)
        {
            w[l] = Tensor.Randn(new Shape(Sizes[l + 1], Sizes[l]), gen, DType.Float64).RequireGrad();   // np.random.randn(y, x)
            b[l] = Tensor.Randn(new Shape(Sizes[l + 1]), gen, DType.Float64).RequireGrad();
        }
        var x = Tensor.Rand(new Shape(BatchSize, Sizes[0]), gen, DType.Float64);
        var y = Tensor.Rand(new Shape(BatchSize, Sizes[^1]), gen, DType.Float64);

        // Forward pass on the tape, keeping every zˡ and aˡ.
        var z = new Tensor[layers];
        var a = new Tensor[layers + 1];
        a[0] = x;
        for (int l = 0; l < layers; l++)
        {
            z[l] = a[l].MatMul(w[l].Transpose(0, 1)) + b[l];
            a[l + 1] = z[l].Sigmoid();
        }
        var cost = a[layers].QuadraticCost(y);
        var tape = Functional.Grad([cost], [.. z, .. w, .. b]);

        // The four equations, evaluated explicitly on detached values.
        Tensor SigmoidPrime(Tensor zl) { var s = zl.Detach().Sigmoid(); return s * (1 - s); }
        var delta = new Tensor[layers];
        var gradA = (a[layers].Detach() - y) / BatchSize;   // ∇ₐC of the mean cost: (a − y)/n
        delta[layers - 1] = gradA * SigmoidPrime(z[layers - 1]);                                   // BP1
        for (int l = layers - 2; l >= 0; l--)
            delta[l] = delta[l + 1].MatMul(w[l + 1].Detach()) * SigmoidPrime(z[l]);               // BP2
        for (int l = layers - 1; l >= 0; l--)
        {
            string bp = l == layers - 1 ? "BP1" : "BP2";
            c.Check($"{bp}: max |δ^{l + 1} − tape ∂C/∂z^{l + 1}|", 0, MaxAbs(delta[l], tape[l]!), 1e-14);
        }
        for (int l = 0; l < layers; l++)
        {
            var dB = delta[l].Sum([0]);                                   // BP3: ∂C/∂bˡⱼ = δˡⱼ (summed over the batch)
            var dW = delta[l].Transpose(0, 1).MatMul(a[l].Detach());      // BP4: ∂C/∂wˡⱼₖ = aˡ⁻¹ₖ δˡⱼ
            c.Check($"BP3: max |δ^{l + 1} − tape ∂C/∂b^{l + 1}|", 0, MaxAbs(dB, tape[2 * layers + l]!), 1e-14);
            c.Check($"BP4: max |a^{l}δ^{l + 1} − tape ∂C/∂w^{l + 1}|", 0, MaxAbs(dW, tape[layers + l]!), 1e-14);
        }
        c.Note($"Weights and biases N(0, 1) as in network.py; a batch of n = {BatchSize}; ∇ₐC = (a − y)/n because C averages over x.");
    }

    private static double MaxAbs(Tensor p, Tensor q) => (p - q).Abs().Max().Item();
}
