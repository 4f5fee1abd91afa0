using System.Globalization;
using AutoGrad.Differentiation;

namespace AutoGrad.Checking;

public static partial class GradCheck
{
    private readonly record struct Kink(int Input, int Element, int Output, double Analytical, double Numerical, double Left, double Right);

    // Note [Kinks]
    // At a non-differentiable point (ReLU at 0, |x| at 0, max at a tie) the central difference averages two different
    // one-sided slopes, and no analytical value is "right": reporting it as a wrong gradient sends the user hunting for
    // a bug that is not there. So a failing element is re-examined with one-sided differences; if the right slope
    // (f(x+ε) − f(x))/ε and the left slope (f(x) − f(x−ε))/ε disagree beyond the tolerance, the element is a kink. For a
    // smooth f they differ by about ε·f'', far below the tolerance. The check still fails (the point is not a valid
    // test point) but says why, and any smooth element that fails makes it a wrong gradient again.
    private static bool IsKink(double plus, double at, double minus, GradCheckOptions o, out double left, out double right)
    {
        right = (plus - at) / o.Eps;
        left = (at - minus) / o.Eps;
        return Math.Abs(right - left) > o.Atol + o.Rtol * Math.Max(Math.Abs(right), Math.Abs(left));
    }

    private static string DescribeKink(GradCheckOptions o, Tensor[] xs, Kink k)
    {
        var inv = CultureInfo.InvariantCulture;
        bool between = k.Analytical >= Math.Min(k.Left, k.Right) - o.Atol && k.Analytical <= Math.Max(k.Left, k.Right) + o.Atol;
        return string.Create(inv, $"GradCheck: non-differentiable point (kink) at input {k.Input} {xs[k.Input].Shape} element {k.Element}{Index(xs[k.Input].Shape, k.Element)}, ")
            + string.Create(inv, $"output element {k.Output}: left slope {k.Left:g6}, right slope {k.Right:g6}, so the central difference {k.Numerical:g6} means nothing here; ")
            + string.Create(inv, $"analytical {k.Analytical:g6} {(between ? "lies between the one-sided slopes (a valid convention)" : "lies OUTSIDE the one-sided slopes")}. ")
            + "This is not a wrong gradient: move the test point away from the kink.";
    }

    // One random projection of the Jacobian: vᵀJu by backward (seed v, then dot with u) against the directional central
    // difference. Returns a passing result, or null when it fails (the caller then runs the full check).
    private static GradCheckResult? FastCheck(Func<Tensor[], Tensor> f, Tensor[] xs, int[] checkedInputs, Tensor y, GradCheckOptions o)
    {
        var gen = new Generator(o.Seed);
        var u = checkedInputs.Select(i => Normal(xs[i].Size, gen)).ToArray();
        double un = Math.Sqrt(u.Sum(a => a.Sum(v => v * v)));
        foreach (var a in u) for (int e = 0; e < a.Length; e++) a[e] /= un;
        var v = Normal(y.Size, gen);
        double vn = Math.Sqrt(v.Sum(t => t * t));
        for (int j = 0; j < v.Length; j++) v[j] /= vn;

        var rows = Vjp(y, xs, checkedInputs, Tensor.FromArray(v, y.Shape.Dims));
        double analytical = 0;
        for (int c = 0; c < rows.Length; c++) for (int e = 0; e < rows[c].Length; e++) analytical += rows[c][e] * u[c][e];

        double[] Shifted(double sign)
        {
            for (int c = 0; c < checkedInputs.Length; c++)
            {
                var x = xs[checkedInputs[c]].F64;
                for (int e = 0; e < x.Length; e++) x[e] += sign * o.Eps * u[c][e];
            }
            var r = f(xs).ToDoubleArray();
            for (int c = 0; c < checkedInputs.Length; c++)
            {
                var x = xs[checkedInputs[c]].F64;
                for (int e = 0; e < x.Length; e++) x[e] -= sign * o.Eps * u[c][e];
            }
            return r;
        }
        var plus = Shifted(+1);
        var minus = Shifted(-1);
        double numerical = 0;
        for (int j = 0; j < v.Length; j++) numerical += v[j] * (plus[j] - minus[j]) / (2 * o.Eps);

        if (double.IsNaN(analytical) || double.IsNaN(numerical) || Math.Abs(analytical - numerical) > o.Atol + o.Rtol * Math.Abs(numerical)) return null;
        var report = string.Create(CultureInfo.InvariantCulture,
            $"GradCheck passed (fast mode, seed {o.Seed}: vᵀJu analytical {analytical:g10}, numerical {numerical:g10}).");
        return new GradCheckResult(true, report, -1, -1, -1, analytical, numerical, GradCheckKind.Passed, double.NaN, double.NaN);
    }

    private static double[] Normal(int n, Generator gen)
    {
        var a = new double[n];
        for (int i = 0; i < n; i++) a[i] = gen.NextNormal();
        return a;
    }
}
