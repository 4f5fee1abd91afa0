using AutoGrad.NN;
using static AutoGrad.Tests.Ops.Extreme.ExtremeReferences;

namespace AutoGrad.Tests.Ops.Extreme;

/// <summary>An element-wise op of one tensor, its float64 reference and derivative; <see cref="Name"/> is its op-table name.</summary>
public sealed record UnaryExtreme(string Name, string Label, Func<Tensor, Tensor> Apply, Func<double, double> Value, Func<double, double> Derivative)
{
    /// <summary>Allowed error of values, in ulps of the rounded reference.</summary>
    public double Ulps { get; init; } = 4;
    /// <summary>Allowed error of gradients, in ulps (composed ops round several times).</summary>
    public double GradUlps { get; init; } = 8;
    public override string ToString() => Label;
}

/// <summary>An element-wise op of two tensors, checked on every pair of a row of extreme values and a column of them.</summary>
public sealed record BinaryExtreme(string Name, string Label, Func<Tensor, Tensor, Tensor> Apply, Func<double, double, double> Value,
    Func<double, double, double> DerivativeA, Func<double, double, double> DerivativeB)
{
    /// <summary>The second operands; the first run over <see cref="ExtremeValues.Inputs"/> (or <see cref="FirstOperands"/>).</summary>
    public double[]? SecondOperands { get; init; }
    public double[]? FirstOperands { get; init; }
    public double Ulps { get; init; } = 2;
    public double GradUlps { get; init; } = 4;
    public override string ToString() => Label;
}

public static class ExtremeElementwiseTable
{
    /// <summary>Every one-input row: those written here and those the op table gives with a derivative (<see cref="UnaryFromOpTable"/>).</summary>
    public static UnaryExtreme[] Unary => s_unary.Value;

    /// <summary>Every two-input row, likewise.</summary>
    public static BinaryExtreme[] Binary => s_binary.Value;

    /// <summary>
    /// The extreme-value rows an op-table row carries (CONTRIBUTING "Add an op in 3 steps", step 3): an element-wise row with
    /// <c>Derivative</c> (or <c>Derivatives</c>) set is checked here with its own function and scalar reference.
    /// </summary>
    public static IEnumerable<UnaryExtreme> UnaryFromOpTable() =>
        from c in OpTable.All
        where c.Derivative is not null && c.UnaryOp is not null && c.Unary is not null
        select new UnaryExtreme(c.Name, c.Label, c.UnaryOp!, c.Unary!, c.Derivative!);

    /// <summary>The two-input rows the op table carries (<c>Derivatives</c> set), likewise.</summary>
    public static IEnumerable<BinaryExtreme> BinaryFromOpTable() =>
        from c in OpTable.All
        where c.Derivatives is not null && c.BinaryOp is not null && c.Binary is not null
        let d = c.Derivatives!.Value
        select new BinaryExtreme(c.Name, c.Label, c.BinaryOp!, c.Binary!, d.A, d.B) { SecondOperands = c.ExtremeSecondOperands ?? s_second };

    private static readonly UnaryExtreme[] s_listed =
    [
        new("Negate", "Negate(x)", x => x.Negate(), v => -v, _ => -1),
        new("op_UnaryNegation", "-x", x => -x, v => -v, _ => -1),
        new("Abs", "Abs(x)", x => x.Abs(), Math.Abs, v => Math.Sign(v)),
        new("Exp", "Exp(x)", x => x.Exp(), Math.Exp, Math.Exp),
        new("Log", "Log(x)", x => x.Log(), Math.Log, v => 1 / v),
        new("Sqrt", "Sqrt(x)", x => x.Sqrt(), Math.Sqrt, v => 0.5 / Math.Sqrt(v)),
        new("Square", "Square(x)", x => x.Square(), v => v * v, v => 2 * v),
        new("Pow", "Pow(x, 3)", x => x.Pow(3), v => v * v * v, v => 3 * v * v),
        new("Pow", "Pow(x, 0.5)", x => x.Pow(0.5), v => Math.Pow(v, 0.5), v => 0.5 * Math.Pow(v, -0.5)),   // C's pow: (−∞)^0.5 = ∞
        new("Pow", "Pow(x, -1)", x => x.Pow(-1), v => 1 / v, v => -1 / (v * v)),
        new("Tanh", "Tanh(x)", x => x.Tanh(), Math.Tanh, v => 1 - Math.Tanh(v) * Math.Tanh(v)),
        new("Sigmoid", "Sigmoid(x)", x => x.Sigmoid(), Sig, SigD),
        new("Relu", "Relu(x)", x => x.Relu(), v => Math.Max(v, 0), v => v > 0 ? 1 : 0),
        new("Relu6", "Relu6(x)", x => x.Relu6(), v => Math.Clamp(v, 0, 6), v => InRange(v, 0, 6)),
        new("Clamp", "Clamp(x, -2, 3)", x => x.Clamp(-2, 3), v => Math.Clamp(v, -2, 3), v => InRange(v, -2, 3)),
        new("Erf", "Erf(x)", x => x.Erf(), Erf, v => 2 / Math.Sqrt(Math.PI) * Math.Exp(-v * v)),
        new("Identity", "Identity(x)", x => x.Identity(), v => v, _ => 1),
        new("LeakyRelu", "LeakyRelu(x, 0.1)", x => x.LeakyRelu(0.1), v => v > 0 ? v : 0.1 * v, v => v > 0 ? 1 : 0.1),
        new("Elu", "Elu(x, 1.3)", x => x.Elu(1.3), v => Elu(v, 1.3), v => EluD(v, 1.3)),
        new("Selu", "Selu(x)", x => x.Selu(), v => Activations.SeluScale * Elu(v, Activations.SeluAlpha),
            v => Activations.SeluScale * EluD(v, Activations.SeluAlpha)),
        new("Softplus", "Softplus(x)", x => x.Softplus(), Softplus, Sig),
        new("Softplus", "Softplus(x, 2)", x => x.Softplus(2), v => Softplus(2 * v) / 2, v => Sig(2 * v)),
        new("Mish", "Mish(x)", x => x.Mish(), Mish, MishD),
        new("Silu", "Silu(x)", x => x.Silu(), v => v * Sig(v), v => Sig(v) + v * SigD(v)),
        new("Silu", "Silu(x, 1.5)", x => x.Silu(1.5), v => v * Sig(1.5 * v), v => Sig(1.5 * v) + 1.5 * v * SigD(1.5 * v)),
        new("Gelu", "Gelu(x) exact", x => x.Gelu(), v => v * Phi(v), v => Phi(v) + v * Math.Exp(-v * v / 2) / Math.Sqrt(2 * Math.PI)),
        new("Gelu", "Gelu(x, Sigmoid)", x => x.Gelu(GeluApproximation.Sigmoid), v => v * Sig(1.702 * v), v => Sig(1.702 * v) + 1.702 * v * SigD(1.702 * v)),
        new("Gelu", "Gelu(x, Tanh)", x => x.Gelu(GeluApproximation.Tanh), GeluTanh, GeluTanhD),
        new("HardSigmoid", "HardSigmoid(x)", x => x.HardSigmoid(), v => Math.Clamp(v + 3, 0, 6) / 6, v => InRange(v, -3, 3) / 6),
        new("HardSwish", "HardSwish(x)", x => x.HardSwish(), v => v * Math.Clamp(v + 3, 0, 6) / 6,
            v => Math.Clamp(v + 3, 0, 6) / 6 + v * InRange(v, -3, 3) / 6),
        // A round trip through the other dtype: exact from float32, rounded to float32 (±1e300 → ±∞) from float64.
        new("To", "To(other dtype) and back", x => x.To(x.DType == DType.Float32 ? DType.Float64 : DType.Float32).To(x.DType),
            v => (float)v, v => 1) { Ulps = 0 },
    ];

    // A second operand of each kind: zeros, a subnormal, ±1, ±1e4, ±1e30, ±∞, NaN.
    private static readonly double[] s_second = [0, -1e-40f, 1, -1, 1e4, -1e30f, 1e30f, double.PositiveInfinity, double.NegativeInfinity, double.NaN];

    private static double Winner(double a, double b) => a > b ? 1 : a == b ? 0.5 : 0;

    private static readonly BinaryExtreme[] s_listedBinary =
    [
        new("Add", "Add(a, b)", (a, b) => a.Add(b), (a, b) => a + b, (_, _) => 1, (_, _) => 1) { SecondOperands = s_second },
        new("op_Addition", "a + b", (a, b) => a + b, (a, b) => a + b, (_, _) => 1, (_, _) => 1) { SecondOperands = s_second },
        new("Subtract", "Subtract(a, b)", (a, b) => a.Subtract(b), (a, b) => a - b, (_, _) => 1, (_, _) => -1) { SecondOperands = s_second },
        new("op_Subtraction", "a - b", (a, b) => a - b, (a, b) => a - b, (_, _) => 1, (_, _) => -1) { SecondOperands = s_second },
        new("Multiply", "Multiply(a, b)", (a, b) => a.Multiply(b), (a, b) => a * b, (_, b) => b, (a, _) => a) { SecondOperands = s_second },
        new("op_Multiply", "a * b", (a, b) => a * b, (a, b) => a * b, (_, b) => b, (a, _) => a) { SecondOperands = s_second },
        new("Divide", "Divide(a, b)", (a, b) => a.Divide(b), (a, b) => a / b, (_, b) => 1 / b, (a, b) => -(a / b) / b) { SecondOperands = s_second },
        new("op_Division", "a / b", (a, b) => a / b, (a, b) => a / b, (_, b) => 1 / b, (a, b) => -(a / b) / b) { SecondOperands = s_second },
        new("Maximum", "Maximum(a, b)", (a, b) => a.Maximum(b), (a, b) => double.IsNaN(a) || double.IsNaN(b) ? double.NaN : Math.Max(a, b),
            Winner, (a, b) => 1 - Winner(a, b)) { SecondOperands = s_second },
        new("Minimum", "Minimum(a, b)", (a, b) => a.Minimum(b), (a, b) => double.IsNaN(a) || double.IsNaN(b) ? double.NaN : Math.Min(a, b),
            (a, b) => Winner(b, a), (a, b) => 1 - Winner(b, a)) { SecondOperands = s_second },
        new("Pow", "Pow(a, b), a > 0", (a, b) => a.Pow(b), Math.Pow, (a, b) => b == 0 ? 0 : b * Math.Pow(a, b - 1), (a, b) => Math.Pow(a, b) * Math.Log(a))
        {
            FirstOperands = [1e-40f, float.Epsilon, 0.5, 1, 2, 1e4, 1e30f, double.PositiveInfinity],
            SecondOperands = [0, 0.5, 2, 3, -1, -0.5],
        },
        new("PRelu", "PRelu(x, α)", (x, a) => x.PRelu(a), (v, a) => v > 0 ? v : a * v, (v, a) => v > 0 ? 1 : a, (v, _) => v > 0 ? 0 : v)
            { SecondOperands = [0.25, 1e-40f, 1e4] },
        new("Swish", "Swish(x, β)", (x, b) => x.Swish(b), (v, b) => v * Sig(b * v), (v, b) => Sig(b * v) + b * v * SigD(b * v), (v, b) => SigD(b * v) == 0 ? 0 : v * v * SigD(b * v))
            { SecondOperands = [1, 0.5, 1e4] },
    ];

    // After the listed rows: a static initializer sees the fields above it as assigned.
    private static readonly Lazy<UnaryExtreme[]> s_unary = new(() => [.. s_listed, .. UnaryFromOpTable()]);
    private static readonly Lazy<BinaryExtreme[]> s_binary = new(() => [.. s_listedBinary, .. BinaryFromOpTable()]);
}
