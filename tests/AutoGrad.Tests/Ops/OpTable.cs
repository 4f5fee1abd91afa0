using AutoGrad.Differentiation;
using FsCheck;
using FsCheck.Fluent;
using AutoGrad.Checking;

namespace AutoGrad.Tests.Ops;

/// <summary>
/// One generated input for an op: the tensors to differentiate, the function of them (with any generated
/// non-differentiable arguments such as axes or indices already bound), and optionally a naive expected result.
/// </summary>
public sealed record OpSample(Tensor[] Inputs, Func<Tensor[], Tensor> Apply, string Description, Func<double[]>? Expected = null)
{
    /// <summary>
    /// For a row that draws random numbers (dropout): the function drawing from a given generator, which may be shared across
    /// calls (Apply makes a fresh one per call, so that repeated calls agree).
    /// </summary>
    public Func<Tensor[], Generator, Tensor>? ApplyWith { get; init; }

    public override string ToString() =>
        $"{Description} on {string.Join("; ", Inputs.Select(t => $"{t.Shape} [{string.Join(", ", t.ToDoubleArray().Select(v => v.ToString("R")))}]"))}";
}

/// <summary>
/// A row of the op table. <see cref="Name"/> is the public method it covers (the coverage test matches on it);
/// <see cref="Label"/> is unique and names the variant. Element-wise ops give a scalar reference.
/// </summary>
public sealed record OpCase(string Name, string Label, Gen<OpSample> Samples)
{
    public Func<double, double>? Unary { get; init; }
    public Func<double, double, double>? Binary { get; init; }
    /// <summary>The element-wise op itself, kept by <see cref="OpTable.Elementwise1"/>/<see cref="OpTable.Elementwise2"/> so the
    /// extreme-value tables can run it.</summary>
    public Func<Tensor, Tensor>? UnaryOp { get; init; }
    public Func<Tensor, Tensor, Tensor>? BinaryOp { get; init; }
    /// <summary>
    /// The analytic derivative of a one-input element-wise row. Setting it (<c>with { Derivative = … }</c>) also gives the op its
    /// extreme-value row (±0, subnormals, ±1e30, ±1e300, ±∞, NaN against <see cref="Unary"/> in float64:
    /// Extreme/ExtremeElementwiseTable.FromOpTable), so a new element-wise op needs no second table. <see cref="Unary"/> must
    /// then be accurate there too (e.g. Log1p's reference, not <c>Math.Log(1 + v)</c>).
    /// </summary>
    public Func<double, double>? Derivative { get; init; }
    /// <summary>The two partial derivatives of a two-input element-wise row; set both to give it an extreme-value row, checked
    /// on every pair of <see cref="ExtremeSecondOperands"/> (default: zeros, a subnormal, ±1, ±1e4, ±1e30, ±∞, NaN).</summary>
    public (Func<double, double, double> A, Func<double, double, double> B)? Derivatives { get; init; }
    public double[]? ExtremeSecondOperands { get; init; }
    /// <summary>Relative tolerance of the float64 forward against the scalar reference or the naive expected values.</summary>
    public double ReferenceTolerance { get; init; } = 1e-12;
    /// <summary>Tolerance of float32 against float64: <c>|y32 − y64| ≤ tol·(1 + |y64|)</c>.</summary>
    public double Float32Tolerance { get; init; } = 1e-5;
    public GradCheckOptions? GradCheckOptions { get; init; }
    public int MaxTest { get; init; } = 25;

    public override string ToString() => Label;
}

/// <summary>
/// The op table: one row per public differentiable op (and variant). Rows live in partial files by kind;
/// other areas (layers, losses) add theirs with a partial file declaring a <c>static readonly OpCase[]</c> field,
/// which <see cref="All"/> picks up by reflection.
/// </summary>
public static partial class OpTable
{
    // Every static OpCase[] field of this class, whichever partial file declares it: a new area adds a file, nothing else.
    private static IEnumerable<OpCase[]> Parts =>
        typeof(OpTable).GetFields(System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public)
            .Where(f => f.FieldType == typeof(OpCase[])).OrderBy(f => f.Name, StringComparer.Ordinal).Select(f => (OpCase[])f.GetValue(null)!);

    private static readonly Lazy<IReadOnlyList<OpCase>> s_all = new(() => Parts.SelectMany(p => p).ToArray());

    /// <summary>Every row.</summary>
    public static IReadOnlyList<OpCase> All => s_all.Value;

    /// <summary>The row with this label.</summary>
    public static OpCase Get(string label) =>
        All.SingleOrDefault(c => c.Label == label) ?? throw new ArgumentException($"OpTable: no row labelled '{label}'.");

    // Theory data carries labels (strings serialize, so each row is its own test case in the runner).
    public static TheoryData<string> Labels => [.. All.Select(c => c.Label)];

    // Rows whose samples carry naive expected values (decided on one sample: a row's generator either always sets them or never).
    public static TheoryData<string> WithExpectedValues =>
        [.. All.Where(c => Gen.Sample(c.Samples, 1).Single().Expected is not null).Select(c => c.Label)];

    public static TheoryData<string> WithScalarReference => [.. All.Where(c => c.Unary is not null || c.Binary is not null).Select(c => c.Label)];

    // ---- helpers shared by the partial files ----

    internal static Domain Wide => Domain.Real(-3, 3);

    internal static Gen<OpSample> Unary(Domain d, Func<Tensor, Tensor> f, string description, int maxRank = 4) =>
        from x in Generators.Tensor(d, 0, maxRank)
        select new OpSample([x], xs => f(xs[0]), description);

    internal static Gen<OpSample> Binary(Domain da, Domain db, Func<Tensor, Tensor, Tensor> f, string description) =>
        from shapes in Generators.BroadcastPair()
        from a in Generators.Tensor(shapes.A, da)
        from b in Generators.Tensor(shapes.B, db)
        select new OpSample([a, b], xs => f(xs[0], xs[1]), description);

    internal static OpCase Elementwise1(string name, string label, Func<Tensor, Tensor> f, Func<double, double> reference, Domain d) =>
        new(name, label, Unary(d, f, label)) { Unary = reference, UnaryOp = f };

    internal static OpCase Elementwise2(string name, string label, Func<Tensor, Tensor, Tensor> f, Func<double, double, double> reference, Domain da, Domain db) =>
        new(name, label, Binary(da, db, f, label)) { Binary = reference, BinaryOp = f };

    internal static int SizeOf(int[] shape) => shape.Aggregate(1, (p, v) => p * v);
}
