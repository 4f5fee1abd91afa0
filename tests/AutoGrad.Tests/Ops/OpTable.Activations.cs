using AutoGrad.NN;
using FsCheck;
using FsCheck.Fluent;

namespace AutoGrad.Tests.Ops;

public static partial class OpTable
{
    private static double Sig(double v) => 1 / (1 + System.Math.Exp(-v));

    private static double Elu(double v, double a) => v > 0 ? v : a * (System.Math.Exp(v) - 1);

    private static double Softplus(double v) => System.Math.Log(1 + System.Math.Exp(v));

    private static readonly Domain AwayFromZero = Domain.AwayFrom([0], 0.05);

    private static readonly OpCase[] ActivationRows =
    [
        Elementwise1("LeakyRelu", "LeakyRelu(x, 0.1)", x => x.LeakyRelu(0.1), v => v > 0 ? v : 0.1 * v, AwayFromZero),
        Elementwise2("PRelu", "PRelu(x, α)", (x, a) => x.PRelu(a), (v, a) => v > 0 ? v : a * v, AwayFromZero, Domain.Real(0.05, 0.5)),
        Elementwise1("Elu", "Elu(x, 1.3)", x => x.Elu(1.3), v => Elu(v, 1.3), AwayFromZero),
        Elementwise1("Selu", "Selu(x)", x => x.Selu(), v => Activations.SeluScale * Elu(v, Activations.SeluAlpha), AwayFromZero),
        Elementwise1("Gelu", "Gelu(x) exact", x => x.Gelu(), v => 0.5 * v * (1 + ErfBySimpson(v / System.Math.Sqrt(2))), Wide)
            with { ReferenceTolerance = 1e-10 },
        Elementwise1("Gelu", "Gelu(x, Sigmoid)", x => x.Gelu(GeluApproximation.Sigmoid), v => v * Sig(1.702 * v), Wide),
        Elementwise1("Gelu", "Gelu(x, Tanh)", x => x.Gelu(GeluApproximation.Tanh),
            v => 0.5 * v * (1 + System.Math.Tanh(System.Math.Sqrt(2 / System.Math.PI) * (v + 0.044715 * v * v * v))), Wide),
        Elementwise1("Silu", "Silu(x)", x => x.Silu(), v => v * Sig(v), Wide),
        Elementwise1("Silu", "Silu(x, 1.5)", x => x.Silu(1.5), v => v * Sig(1.5 * v), Wide),
        Elementwise2("Swish", "Swish(x, β)", (x, b) => x.Swish(b), (v, b) => v * Sig(b * v), Wide, Domain.Real(0.2, 2)),
        Elementwise1("Softplus", "Softplus(x)", x => x.Softplus(), Softplus, AwayFromZero),
        Elementwise1("Softplus", "Softplus(x, 2)", x => x.Softplus(2), v => Softplus(2 * v) / 2, AwayFromZero),
        Elementwise1("Mish", "Mish(x)", x => x.Mish(), v => v * System.Math.Tanh(Softplus(v)), AwayFromZero),
        Elementwise1("Relu6", "Relu6(x)", x => x.Relu6(), v => System.Math.Clamp(v, 0, 6), Domain.AwayFrom([0, 6], 0.05, -2, 8)),
        Elementwise1("HardSigmoid", "HardSigmoid(x)", x => x.HardSigmoid(), v => System.Math.Clamp(v + 3, 0, 6) / 6, Domain.AwayFrom([-3, 3], 0.05, -5, 5)),
        Elementwise1("HardSwish", "HardSwish(x)", x => x.HardSwish(), v => v * System.Math.Clamp(v + 3, 0, 6) / 6, Domain.AwayFrom([-3, 3], 0.05, -5, 5)),
        Elementwise1("Identity", "Identity(x)", x => x.Identity(), v => v, Wide),
        new("Glu", "Glu(x) on the last axis",
            from s in Generators.Shape(1, 3, 1, 3)
            let shape = s[..^1].Append(2 * s[^1]).ToArray()
            from x in Generators.Tensor(shape, Wide)
            select new OpSample([x], xs => xs[0].Glu(), "Glu", () => NaiveGlu(x))),
        new("Maxout", "Maxout(x, 3)",
            from rows in Gen.Choose(1, 3)
            from groups in Gen.Choose(1, 3)
            from x in Generators.DistinctTensor([rows, 3 * groups])
            select new OpSample([x], xs => xs[0].Maxout(3), "Maxout",
                () => Enumerable.Range(0, rows * groups).Select(g => Enumerable.Range(0, 3).Max(k => x.GetFlat(3 * g + k))).ToArray())),
    ];

    private static double[] NaiveGlu(Tensor x)
    {
        int d = x.Shape[-1], half = d / 2, rows = x.Size / d;
        var r = new double[rows * half];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < half; j++) r[i * half + j] = x.GetFlat(i * d + j) * Sig(x.GetFlat(i * d + half + j));
        return r;
    }
}
