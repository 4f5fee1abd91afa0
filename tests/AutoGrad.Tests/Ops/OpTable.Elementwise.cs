namespace AutoGrad.Tests.Ops;

public static partial class OpTable
{
    private static Domain NonZero => Domain.AwayFrom([0], 0.5);
    private static Domain PositiveBase => Domain.Real(0.5, 3);

    // Maximum/Minimum operands from interleaved combs: never closer than 0.2, so no ties (where the rule splits the gradient).
    private static Domain CombA => Domain.Comb(-3, 6, 1.0, 0.0, 0.3);
    private static Domain CombB => Domain.Comb(-3, 6, 1.0, 0.5, 0.3);

    private static readonly OpCase[] ElementwiseRows =
    [
        Elementwise2("Add", "Add(a, b)", (a, b) => a.Add(b), (a, b) => a + b, Wide, Wide),
        Elementwise2("Subtract", "Subtract(a, b)", (a, b) => a.Subtract(b), (a, b) => a - b, Wide, Wide),
        Elementwise2("Multiply", "Multiply(a, b)", (a, b) => a.Multiply(b), (a, b) => a * b, Wide, Wide),
        Elementwise2("Divide", "Divide(a, b)", (a, b) => a.Divide(b), (a, b) => a / b, Wide, NonZero),
        Elementwise2("Pow", "Pow(a, b)", (a, b) => a.Pow(b), Math.Pow, PositiveBase, Domain.Real(-2, 2)),
        Elementwise2("Maximum", "Maximum(a, b)", (a, b) => a.Maximum(b), Math.Max, CombA, CombB),
        Elementwise2("Minimum", "Minimum(a, b)", (a, b) => a.Minimum(b), Math.Min, CombA, CombB),
        Elementwise1("Pow", "Pow(x, 2.5)", x => x.Pow(2.5), v => Math.Pow(v, 2.5), PositiveBase),
        Elementwise1("Pow", "Pow(x, -1.5)", x => x.Pow(-1.5), v => Math.Pow(v, -1.5), PositiveBase),
        Elementwise1("Pow", "Pow(x, 3) on reals", x => x.Pow(3), v => v * v * v, Wide),
        Elementwise1("Pow", "Pow(x, 0)", x => x.Pow(0), _ => 1, Wide),
        Elementwise1("Pow", "Pow(x, 1)", x => x.Pow(1), v => v, Wide),
        Elementwise1("Add", "Add(x, 1.75)", x => x.Add(1.75), v => v + 1.75, Wide),
        Elementwise1("Multiply", "Multiply(x, -2.5)", x => x.Multiply(-2.5), v => v * -2.5, Wide),
        Elementwise1("Divide", "Divide(x, -2.5)", x => x.Divide(-2.5), v => v / -2.5, Wide),
    ];

    private static readonly OpCase[] OperatorRows =
    [
        Elementwise2("op_Addition", "a + b", (a, b) => a + b, (a, b) => a + b, Wide, Wide),
        Elementwise2("op_Subtraction", "a - b", (a, b) => a - b, (a, b) => a - b, Wide, Wide),
        Elementwise2("op_Multiply", "a * b", (a, b) => a * b, (a, b) => a * b, Wide, Wide),
        Elementwise2("op_Division", "a / b", (a, b) => a / b, (a, b) => a / b, Wide, NonZero),
        Elementwise1("op_UnaryNegation", "-x", x => -x, v => -v, Wide),
        Elementwise1("op_Addition", "x + 0.5", x => x + 0.5, v => v + 0.5, Wide),
        Elementwise1("op_Addition", "0.5 + x", x => 0.5 + x, v => 0.5 + v, Wide),
        Elementwise1("op_Subtraction", "x - 0.5", x => x - 0.5, v => v - 0.5, Wide),
        Elementwise1("op_Subtraction", "0.5 - x", x => 0.5 - x, v => 0.5 - v, Wide),
        Elementwise1("op_Multiply", "x * 3", x => x * 3.0, v => v * 3, Wide),
        Elementwise1("op_Multiply", "3 * x", x => 3.0 * x, v => 3 * v, Wide),
        Elementwise1("op_Division", "x / 4", x => x / 4.0, v => v / 4, Wide),
        Elementwise1("op_Division", "2 / x", x => 2.0 / x, v => 2 / v, NonZero),
    ];
}
