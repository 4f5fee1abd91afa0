using System.Globalization;
using System.Text;
using AutoGrad.Differentiation;

namespace AutoGrad.Checking;

/// <summary>
/// Compares the gradients the tape computes with central finite differences, in float64 — the test oracle for
/// every op in this library and a public tool for checking your own functions.
/// </summary>
public static partial class GradCheck
{
    /// <summary>
    /// Checks <c>∂f/∂inputs</c> at the given point. Inputs with <c>RequiresGrad</c> set are checked (all of them if none is set);
    /// every input is converted to float64 first.
    /// </summary>
    public static GradCheckResult Check(Func<Tensor[], Tensor> f, Tensor[] inputs, GradCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(inputs);
        var o = options ?? new GradCheckOptions();
        var xs = Float64Copies(inputs);
        var checkedInputs = Enumerable.Range(0, xs.Length).Where(i => xs[i].RequiresGrad).ToArray();

        var y = f(xs);
        if (y.DType != DType.Float64)
            return Fail($"GradCheck: f returned a {y.DType.Name()} tensor for float64 inputs; the check needs f to keep float64 throughout.");
        int m = y.Size;
        if (o.Fast)
        {
            var fast = FastCheck(f, xs, checkedInputs, y, o);
            if (fast is not null) return fast;
            var full = Check(f, inputs, o with { Fast = false });
            return full.WithPrefix("GradCheck fast mode: the vᵀJu comparison failed, so the full Jacobian was checked. ");
        }

        // Analytical Jacobian, one row per output element: the vector-Jacobian product with a one-hot seed.
        var analytical = new double[checkedInputs.Length][,];
        for (int c = 0; c < checkedInputs.Length; c++) analytical[c] = new double[m, xs[checkedInputs[c]].Size];
        string? reentrancyError = null;
        for (int j = 0; j < m; j++)
        {
            var rows = Vjp(y, xs, checkedInputs, OneHot(y.Shape, j));
            if (o.CheckReentrant && reentrancyError is null)
            {
                var again = Vjp(y, xs, checkedInputs, OneHot(y.Shape, j));
                for (int c = 0; c < rows.Length && reentrancyError is null; c++)
                    if (!rows[c].AsSpan().SequenceEqual(again[c]))
                        reentrancyError = $"GradCheck: backward is not reentrant: two backward passes with the same seed gave different gradients for input {checkedInputs[c]}.";
            }
            for (int c = 0; c < rows.Length; c++)
                for (int e = 0; e < rows[c].Length; e++) analytical[c][j, e] = rows[c][e];
        }
        if (reentrancyError is not null) return Fail(reentrancyError);
        if (o.CheckZeroSeed && m > 0)
        {
            var zero = Vjp(y, xs, checkedInputs, Tensor.Zeros(y.Shape, DType.Float64));
            for (int c = 0; c < zero.Length; c++)
                if (zero[c].Any(v => v != 0))
                    return Fail($"GradCheck: a zero output gradient gave a non-zero gradient for input {checkedInputs[c]}.");
        }

        // Numerical Jacobian, one column per input element, by central differences.
        double worstExcess = double.NegativeInfinity, worstKinkExcess = double.NegativeInfinity;
        (int c, int e, int j, double a, double n) worst = (-1, -1, -1, 0, 0), zeroEntry = (-1, -1, -1, 0, 0);
        Kink? kink = null;
        var at = y.ToDoubleArray();
        var numerical = new double[checkedInputs.Length][,];
        // Not under NoGrad: f may itself differentiate (GradGradCheck checks x ↦ ∂f/∂x this way).
        {
            for (int c = 0; c < checkedInputs.Length; c++)
            {
                var x = xs[checkedInputs[c]];
                numerical[c] = new double[m, x.Size];
                for (int e = 0; e < x.Size; e++)
                {
                    double orig = x.F64[e];
                    x.F64[e] = orig + o.Eps;
                    var plus = f(xs).ToDoubleArray();
                    x.F64[e] = orig - o.Eps;
                    var minus = f(xs).ToDoubleArray();
                    x.F64[e] = orig;
                    for (int j = 0; j < m; j++)
                    {
                        double n = (plus[j] - minus[j]) / (2 * o.Eps);
                        numerical[c][j, e] = n;
                        double a = analytical[c][j, e];
                        double excess = Math.Abs(a - n) - (o.Atol + o.Rtol * Math.Abs(n));
                        if (double.IsNaN(a) != double.IsNaN(n)) excess = double.PositiveInfinity;
                        if (excess > 0 && IsKink(plus[j], at[j], minus[j], o, out var left, out var right))
                        {
                            // see Note [Kinks]: not a wrong gradient unless some smooth element also fails
                            if (excess > worstKinkExcess) { worstKinkExcess = excess; kink = new Kink(checkedInputs[c], e, j, a, n, left, right); }
                            continue;
                        }
                        // An entry that is exactly 0 on both sides (an output that does not depend on this input element)
                        // always passes and says nothing; it is named as the worst only when every entry is one.
                        if (a == 0 && n == 0)
                        {
                            if (zeroEntry.c < 0) zeroEntry = (checkedInputs[c], e, j, a, n);
                            continue;
                        }
                        if (excess > worstExcess) { worstExcess = excess; worst = (checkedInputs[c], e, j, a, n); }
                    }
                }
            }
        }
        bool passed = worstExcess <= 0 || worst.c < 0;
        if (worst.c < 0) worst = zeroEntry;
        if (passed && kink is { } k)
            return new GradCheckResult(false, DescribeKink(o, xs, k), k.Input, k.Element, k.Output, k.Analytical, k.Numerical,
                GradCheckKind.Kink, k.Left, k.Right);
        var report = Describe(passed, o, xs, worst, checkedInputs, analytical, numerical);
        return new GradCheckResult(passed, report, worst.c, worst.e, worst.j, worst.a, worst.n,
            passed ? GradCheckKind.Passed : GradCheckKind.WrongGradient, double.NaN, double.NaN);
    }

    // Fresh float64 leaves holding the inputs' values. The variables are the inputs marked RequiresGrad, or all of them
    // when none is marked; the others (indices, masks) stay constants. Shared with GradGradCheck.
    internal static Tensor[] Float64Copies(Tensor[] inputs)
    {
        bool anyMarked = inputs.Any(t => t.RequiresGrad);
        var xs = inputs.Select(t => t.Detach().To(DType.Float64).Clone()).ToArray();
        for (int i = 0; i < xs.Length; i++) xs[i].RequiresGrad = !anyMarked || inputs[i].RequiresGrad;
        return xs;
    }

    /// <summary>Like <see cref="Check"/> but throws <see cref="GradCheckException"/> with the report when the check fails.</summary>
    public static void Assert(Func<Tensor[], Tensor> f, Tensor[] inputs, GradCheckOptions? options = null)
    {
        var r = Check(f, inputs, options);
        if (!r.Passed) throw new GradCheckException(r);
    }

    private static double[][] Vjp(Tensor y, Tensor[] xs, int[] checkedInputs, Tensor seed)
    {
        var targets = checkedInputs.Select(i => xs[i]).ToArray();
        var rows = new double[targets.Length][];
        if (!y.RequiresGrad)
        {
            for (int c = 0; c < rows.Length; c++) rows[c] = new double[targets[c].Size];
            return rows;
        }
        var grads = Functional.Grad([y], targets, [seed], retainGraph: true, allowUnused: true);
        for (int c = 0; c < rows.Length; c++) rows[c] = grads[c]?.ToDoubleArray() ?? new double[targets[c].Size];
        return rows;
    }

    private static Tensor OneHot(Shape shape, int j)
    {
        var t = Tensor.Zeros(shape, DType.Float64);
        t.F64[j] = 1;
        return t;
    }

    private static GradCheckResult Fail(string message) =>
        new(false, message, -1, -1, -1, double.NaN, double.NaN, GradCheckKind.Failed, double.NaN, double.NaN);

    private static string Describe(bool passed, GradCheckOptions o, Tensor[] xs, (int c, int e, int j, double a, double n) w,
        int[] checkedInputs, double[][,] analytical, double[][,] numerical)
    {
        var inv = CultureInfo.InvariantCulture;
        if (w.c < 0) return "GradCheck passed: no input elements to check.";
        var sb = new StringBuilder();
        string where = $"input {w.c} {xs[w.c].Shape} element {w.e}{Index(xs[w.c].Shape, w.e)}, output element {w.j}";
        sb.Append(passed ? "GradCheck passed" : "GradCheck FAILED")
          .Append(inv, $" (eps {o.Eps:g3}, atol {o.Atol:g3}, rtol {o.Rtol:g3}). Worst: {where}: analytical {w.a:g10}, numerical {w.n:g10}, |difference| {Math.Abs(w.a - w.n):g3} vs allowed {o.Atol + o.Rtol * Math.Abs(w.n):g3}.");
        if (!passed)
        {
            int c = Array.IndexOf(checkedInputs, w.c);
            int rows = analytical[c].GetLength(0);
            sb.Append("\n  Jacobian column for that input element (output: analytical | numerical):");
            int from = Math.Max(0, w.j - 4), to = Math.Min(rows, w.j + 5);
            for (int j = from; j < to; j++)
                sb.Append(inv, $"\n    [{j}] {analytical[c][j, w.e],16:g10} | {numerical[c][j, w.e],16:g10}{(j == w.j ? "   <-- worst" : "")}");
            if (to < rows || from > 0) sb.Append(inv, $"\n    ({rows} outputs in all)");
        }
        return sb.ToString();
    }

    internal static string Index(Shape s, int flat)
    {
        if (s.Rank == 0) return "";
        var idx = new int[s.Rank];
        for (int i = s.Rank - 1; i >= 0; i--) { idx[i] = flat % s[i]; flat /= s[i]; }
        return " [" + string.Join(", ", idx) + "]";
    }
}
