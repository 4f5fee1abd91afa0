using AutoGrad;
using AutoGrad.NN;
using AutoGrad.NN.Init;

namespace Derivations;

/// <summary>
/// Facts about layers the notes state without a network around them: the GELU approximation (003), convolution and pooling
/// output sizes (002), and Xavier's variance propagation (001), each measured through the library's layers and initializers.
/// </summary>
public static class LayerFacts
{
    /// <summary>Runs the examples and records their checks.</summary>
    public static void Run(Checklist c)
    {
        Gelu(c);
        ConvAndPoolSizes(c);
        XavierVariance(c);
    }

    private static void Gelu(Checklist c)
    {
        c.Section("Notes 003: GELU x·Φ(x) = x·½[1 + erf(x/√2)] and its approximation x·σ(1.702x), on [−8, 8] step 0.001");
        var x = Tensor.Linspace(-8, 8, 16001, DType.Float64);
        var exact = new Gelu(GeluApproximation.None).Forward(x);
        var diff = (exact - new Gelu(GeluApproximation.Sigmoid).Forward(x)).Abs();
        double worst = diff.Max().Item();
        double at = x[(int)diff.ArgMax().Item()];
        c.Check("max |GELU − x·σ(1.702x)| (\"about 0.02\")", 0.02, worst, 1e-3);
        c.Note($"The largest gap is at x = {at:0.###}; the tanh form (not in the notes) stays within "
            + $"{(exact - new Gelu(GeluApproximation.Tanh).Forward(x)).Abs().Max().Item():0.0e0}.");
    }

    private static void ConvAndPoolSizes(Checklist c)
    {
        c.Section("Notes 002: output sizes (n − f + 1), ⌊(n − f)/s⌋ + 1, same padding p = (f − 1)/2, pooling (Conv2d, MaxPool2d shapes)");
        var gen = new Generator(19);
        var image = Tensor.Zeros(new Shape(1, 1, 28, 28));
        int Side(Tensor t) => t.Shape[2];
        const int n = 28;
        c.Check("28×28 image, 3×3 kernel, stride 1 (the figure's 26)", n - 3 + 1, Side(new Conv2d(1, 4, 3, gen).Forward(image)), 0);
        c.Check("5×5 kernel, stride 1: n − f + 1", n - 5 + 1, Side(new Conv2d(1, 4, 5, gen).Forward(image)), 0);
        c.Check("3×3 kernel, stride 2: ⌊(n − f)/s⌋ + 1", Math.Floor((n - 3) / 2.0) + 1, Side(new Conv2d(1, 4, 3, gen, stride: 2).Forward(image)), 0);
        c.Check("5×5 kernel, stride 3: ⌊(n − f)/s⌋ + 1", Math.Floor((n - 5) / 3.0) + 1, Side(new Conv2d(1, 4, 5, gen, stride: 3).Forward(image)), 0);
        c.Check("5×5 kernel, same padding p = 2: keeps n", n, Side(new Conv2d(1, 4, 5, gen, padding: (5 - 1) / 2).Forward(image)), 0);
        c.Check("3×3 kernel, PaddingMode.Same: keeps n", n, Side(new Conv2d(1, 4, 3, gen, 1, PaddingMode.Same).Forward(image)), 0);
        var features = Tensor.Zeros(new Shape(1, 4, 26, 26));
        c.Check("2×2 max pooling, stride 2, of 26×26: halves", 26 / 2, Side(new MaxPool2d(2).Forward(features)), 0);
        c.Check("3×3 max pooling, stride 1, of 26×26: n − f + 1", 26 - 3 + 1, Side(new MaxPool2d(3, stride: 1).Forward(features)), 0);
        double s2 = Side(new Conv2d(1, 1, 2, gen, stride: 2).Forward(image)), s4 = Side(new Conv2d(1, 1, 2, gen, stride: 4).Forward(image));
        c.Check($"2×2 kernel, stride 2 → 4 halves the output ({s2} → {s4})", 0.5, s4 / s2, 0);
        c.Erratum("same padding", "p = (cf − 1)/2", (3 - 1) / 2.0, "p = (f − 1)/2 for an odd f, here f = 3 (catalog E21)");
    }

    private static void XavierVariance(Checklist c)
    {
        c.Section("Notes 001: Var(y) = n·Var(w)·Var(x) for y = Σᵢ wᵢxᵢ; Var(w) = 1/n keeps Var(y) = Var(x), Glorot 2/(n_in + n_out)");
        const int samples = 500, nIn = 256, nOut = 128;
        var gen = new Generator(1801);
        var x = Tensor.Randn(new Shape(samples, nIn), gen, DType.Float64);
        double varX = x.Var().Item();
        c.Note($"Measured on {samples} samples of x ~ N(0, 1) through Linear layers with zero biases: the sample variances of x, w and y.");
        foreach (var (name, init, varW) in new (string, Initializer, double)[]
        {
            ("N(0, 1/n_in) (LeCunNormal)", Initializers.LeCunNormal, 1.0 / nIn),
            ("Glorot normal N(0, 2/(n_in + n_out))", Initializers.GlorotNormal, 2.0 / (nIn + nOut)),
            ("Glorot uniform U(±√(6/(n_in + n_out)))", Initializers.GlorotUniform, 2.0 / (nIn + nOut)),
            ("N(0, 1) (network.py's randn)", Initializers.StandardNormal, 1.0),
        })
        {
            var layer = new Linear(nIn, nOut, gen, init: init, dtype: DType.Float64);
            double measuredW = layer.Weight.Var().Item();
            double varY = layer.Forward(x).Var().Item();
            c.Check($"{name}: Var(w)", varW, measuredW, 0.03 * varW);
            c.Check($"{name}: Var(y)/(n·Var(w)·Var(x))", 1, varY / (nIn * measuredW * varX), 0.05);
            c.Note($"Var(y)/Var(x) = {varY / varX:0.###} (the formula predicts n_in·Var(w) = {nIn * varW:0.###}).");
        }
        c.Note($"Glorot's 2/(n_in + n_out) compromises between forward 1/n_in and backward 1/n_out: here n_in = 2n_out, a forward gain of 4/3.");
        // Five square layers deep: with Var(w) = 1/n the variance stays near 1, with N(0, 1) it grows by n per layer.
        double scaled = DeepVariance(Initializers.LeCunNormal, gen), unscaled = DeepVariance(Initializers.StandardNormal, gen);
        c.Check($"5 layers of {DeepWidth} with N(0, 1/n): Var(y)/Var(x)", 1, scaled, 0.15);
        c.Note($"The same 5 layers with N(0, 1) give Var(y)/Var(x) = {unscaled:0.0e0} (≈ {DeepWidth}⁵ = {Math.Pow(DeepWidth, 5):0.0e0}): "
            + "many large z, many saturated neurons (003).");
    }

    private const int DeepWidth = 64;

    private static double DeepVariance(Initializer init, Generator gen)
    {
        var x = Tensor.Randn(new Shape(500, DeepWidth), gen, DType.Float64);
        var y = x;
        for (int l = 0; l < 5; l++) y = new Linear(DeepWidth, DeepWidth, gen, init: init, dtype: DType.Float64).Forward(y);
        return y.Var().Item() / x.Var().Item();
    }
}
