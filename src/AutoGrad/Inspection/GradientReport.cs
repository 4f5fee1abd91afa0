using System.Globalization;
using System.Text;
using AutoGrad.Differentiation;

namespace AutoGrad.Inspection;

/// <summary>Thresholds for <see cref="GradientReport"/> (vanishing and exploding gradients; Glorot and Bengio 2010, Pascanu et al. 2013).</summary>
/// <param name="VanishingNorm">A gradient with <c>‖g‖₂</c> below this is flagged vanishing.</param>
/// <param name="VanishingRatio">A gradient with <c>‖g‖₂/‖θ‖₂</c> below this is flagged vanishing.</param>
/// <param name="ExplodingNorm">A gradient with <c>‖g‖₂</c> above this (or any non-finite element) is flagged exploding.</param>
public sealed record GradientReportOptions(double VanishingNorm = 1e-7, double VanishingRatio = 1e-6, double ExplodingNorm = 1e3);

/// <summary>How a parameter's gradient looks after backward.</summary>
public enum GradientFlag
{
    /// <summary>Within the thresholds.</summary>
    Ok,

    /// <summary>The parameter requires a gradient but received none (not used by the loss, or cut off by Detach/NoGrad).</summary>
    Missing,

    /// <summary><c>‖g‖</c> or <c>‖g‖/‖θ‖</c> below the vanishing threshold.</summary>
    Vanishing,

    /// <summary><c>‖g‖</c> above the exploding threshold, or a NaN/∞ element.</summary>
    Exploding,
}

/// <summary>Gradient-flow statistics of one parameter θ with gradient g.</summary>
/// <param name="Name">The parameter's name.</param>
/// <param name="Shape">The parameter's shape.</param>
/// <param name="Norm"><c>‖g‖₂</c> (NaN when missing).</param>
/// <param name="MaxAbs"><c>max |gᵢ|</c> (NaN when missing).</param>
/// <param name="ZeroFraction">Fraction of elements with <c>gᵢ = 0</c> (NaN when missing).</param>
/// <param name="ParamNorm"><c>‖θ‖₂</c>.</param>
/// <param name="Ratio"><c>‖g‖₂/‖θ‖₂</c> (∞ for θ = 0 and g ≠ 0, NaN when missing).</param>
/// <param name="Flag">The verdict under the report's thresholds.</param>
public sealed record ParameterGradientStats(string Name, Shape Shape, double Norm, double MaxAbs, double ZeroFraction, double ParamNorm, double Ratio, GradientFlag Flag);

/// <summary>
/// After backward: which parameters received no gradient, and per-parameter gradient statistics that flag vanishing and
/// exploding gradients.
/// </summary>
public sealed class GradientReport
{
    private GradientReport(IReadOnlyList<ParameterGradientStats> rows, GradientReportOptions options)
    {
        Parameters = rows;
        Options = options;
    }

    /// <summary>One row per parameter that requires a gradient, in the order given.</summary>
    public IReadOnlyList<ParameterGradientStats> Parameters { get; }

    /// <summary>The thresholds used.</summary>
    public GradientReportOptions Options { get; }

    /// <summary>Names of the parameters that required a gradient but received none.</summary>
    public IReadOnlyList<string> Missing => Parameters.Where(p => p.Flag == GradientFlag.Missing).Select(p => p.Name).ToList();

    /// <summary>Rows flagged vanishing.</summary>
    public IReadOnlyList<ParameterGradientStats> Vanishing => Parameters.Where(p => p.Flag == GradientFlag.Vanishing).ToList();

    /// <summary>Rows flagged exploding.</summary>
    public IReadOnlyList<ParameterGradientStats> Exploding => Parameters.Where(p => p.Flag == GradientFlag.Exploding).ToList();

    /// <summary>The row for the parameter called <paramref name="name"/>.</summary>
    public ParameterGradientStats this[string name] =>
        Parameters.FirstOrDefault(p => p.Name == name) ?? throw new KeyNotFoundException($"GradientReport: no parameter named '{name}'.");

    /// <summary>Builds the report from named parameters; parameters that do not require gradients are skipped.</summary>
    public static GradientReport For(IEnumerable<(string Name, Tensor Param)> parameters, GradientReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var o = options ?? new GradientReportOptions();
        var rows = parameters.Where(p => p.Param.RequiresGrad).Select(p => Row(p.Name, p.Param, o)).ToList();
        return new GradientReport(rows, o);
    }

    /// <summary>Builds the report from a module's <c>NamedParameters()</c>.</summary>
    public static GradientReport For(IEnumerable<KeyValuePair<string, Tensor>> namedParameters, GradientReportOptions? options = null) =>
        For(namedParameters.Select(p => (p.Key, p.Value)), options);

    private static ParameterGradientStats Row(string name, Tensor p, GradientReportOptions o)
    {
        double pn = Norm(p);
        if (p.Grad is not { } g) return new(name, p.Shape, double.NaN, double.NaN, double.NaN, pn, double.NaN, GradientFlag.Missing);
        double sum = 0, max = 0;
        int zeros = 0;
        bool finite = true;
        for (int i = 0; i < g.Size; i++)
        {
            double v = g.GetFlat(i);
            if (!double.IsFinite(v)) finite = false;
            if (v == 0) zeros++;
            sum += v * v;
            max = Math.Max(max, Math.Abs(v));
        }
        double norm = Math.Sqrt(sum);
        double ratio = pn > 0 ? norm / pn : norm > 0 ? double.PositiveInfinity : 0;
        var flag = !finite || norm > o.ExplodingNorm ? GradientFlag.Exploding
            : norm < o.VanishingNorm || ratio < o.VanishingRatio ? GradientFlag.Vanishing
            : GradientFlag.Ok;
        return new(name, p.Shape, norm, max, g.Size == 0 ? 0 : (double)zeros / g.Size, pn, ratio, flag);
    }

    private static double Norm(Tensor t)
    {
        double s = 0;
        for (int i = 0; i < t.Size; i++) { double v = t.GetFlat(i); s += v * v; }
        return Math.Sqrt(s);
    }

    /// <summary>A fixed-width table: name, shape, ‖g‖, max |g|, zero fraction, ‖θ‖, ‖g‖/‖θ‖ and flag, one row per parameter.</summary>
    public override string ToString()
    {
        var inv = CultureInfo.InvariantCulture;
        int w = Math.Max(9, Parameters.Count == 0 ? 0 : Parameters.Max(p => p.Name.Length));
        int ws = Math.Max(5, Parameters.Count == 0 ? 0 : Parameters.Max(p => p.Shape.ToString().Length));
        var sb = new StringBuilder();
        sb.Append(inv, $"{"parameter".PadRight(w)}  {"shape".PadRight(ws)}  {"‖g‖",10}  {"max|g|",10}  {"zeros",6}  {"‖θ‖",10}  {"‖g‖/‖θ‖",10}  flag");
        foreach (var p in Parameters)
        {
            sb.Append('\n').Append(p.Name.PadRight(w)).Append("  ").Append(p.Shape.ToString().PadRight(ws)).Append("  ");
            if (p.Flag == GradientFlag.Missing)
                sb.Append(inv, $"{"—",10}  {"—",10}  {"—",6}  {p.ParamNorm,10:g3}  {"—",10}  MISSING (no gradient)");
            else
                sb.Append(inv, $"{p.Norm,10:g3}  {p.MaxAbs,10:g3}  {p.ZeroFraction,6:P0}  {p.ParamNorm,10:g3}  {p.Ratio,10:g3}  {(p.Flag == GradientFlag.Ok ? "" : p.Flag.ToString().ToUpperInvariant())}");
        }
        return sb.ToString();
    }
}
