using System.Globalization;
using System.Text;

namespace AutoGrad;

/// <summary>Prints tensors the way NumPy prints arrays: nested brackets, aligned columns, <c>...</c> past 1000 elements.</summary>
internal static class TensorFormatter
{
    private const int Threshold = 1000;   // NumPy's print threshold
    private const int EdgeItems = 3;

    public static string Format(Tensor t)
    {
        bool elide = t.Size > Threshold;
        if (!t.DType.IsFloatingPoint())   // integers as PyTorch prints them ("[1, 2]"), bools as "True"/"False"
        {
            var exact = t.DType == DType.Bool ? t.ToBoolArray().Select(b => b ? "True" : "False").ToArray()
                : t.ToInt64Array().Select(v => v.ToString(CultureInfo.InvariantCulture)).ToArray();
            return Assemble(t, exact, elide);
        }
        var values = t.ToDoubleArray();
        bool allInts = values.All(v => double.IsFinite(v) && v == Math.Round(v) && Math.Abs(v) < 1e16);
        double maxAbs = values.Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(0).Max();
        double minAbs = values.Where(v => double.IsFinite(v) && v != 0).Select(Math.Abs).DefaultIfEmpty(1).Min();
        bool sci = !allInts && (maxAbs >= 1e8 || minAbs < 1e-4);
        int digits = t.DType == DType.Float32 ? 6 : 8;
        string Fmt(double v)
        {
            if (double.IsNaN(v)) return "nan";
            if (double.IsPositiveInfinity(v)) return "inf";
            if (double.IsNegativeInfinity(v)) return "-inf";
            if (allInts) return v.ToString("0", CultureInfo.InvariantCulture) + ".";
            if (sci) return v.ToString("0." + new string('#', digits) + "e+00", CultureInfo.InvariantCulture);
            var s = Math.Round(v, digits).ToString("0." + new string('#', digits), CultureInfo.InvariantCulture);
            return s.Contains('.') ? s : s + ".";   // NumPy keeps the point on whole numbers among fractions: "3."
        }
        var cells = values.Select(Fmt).ToArray();
        if (!sci) AlignPoints(cells);
        return Assemble(t, cells, elide);
    }

    private static string Assemble(Tensor t, string[] cells, bool elide)
    {
        int width = cells.Length == 0 ? 0 : cells.Max(c => c.Length);
        var sb = new StringBuilder("tensor(");
        if (t.Rank == 0) sb.Append(cells[0]);
        else Append(sb, t.Shape.Dims, t.Shape.Strides(), 0, 0, cells, width, elide, 7);
        sb.Append($", shape={t.Shape}, dtype={t.DType.Name()}");
        if (t.GradFn is not null) sb.Append($", grad_fn={t.GradFn.Op}");
        else if (t.RequiresGrad) sb.Append(", requires_grad=True");
        return sb.Append(')').ToString();
    }

    // NumPy lines the decimal points up: integer parts padded on the left, fractions with spaces on the right
    // ("[ 1.5  , -2.25 ,  3.   ]"); nan and inf have no point and are only right-aligned later.
    private static void AlignPoints(string[] cells)
    {
        int intWidth = 0, fracWidth = 0;
        foreach (var c in cells)
        {
            int p = c.IndexOf('.');
            if (p < 0) continue;
            intWidth = Math.Max(intWidth, p);
            fracWidth = Math.Max(fracWidth, c.Length - p - 1);
        }
        for (int i = 0; i < cells.Length; i++)
        {
            int p = cells[i].IndexOf('.');
            if (p >= 0) cells[i] = cells[i].PadLeft(cells[i].Length + intWidth - p).PadRight(intWidth + 1 + fracWidth);
        }
    }

    private static void Append(StringBuilder sb, int[] dims, int[] strides, int axis, int offset, string[] cells, int width, bool elide, int indent)
    {
        sb.Append('[');
        int n = dims[axis];
        for (int i = 0; i < n; i++)
        {
            if (elide && n > 2 * EdgeItems && i == EdgeItems)
            {
                sb.Append(axis == dims.Length - 1 ? "..., " : "...,\n" + new string(' ', indent + axis + 1));
                i = n - EdgeItems - 1;
                continue;
            }
            if (axis == dims.Length - 1) sb.Append(cells[offset + i].PadLeft(width));
            else Append(sb, dims, strides, axis + 1, offset + i * strides[axis], cells, width, elide, indent);
            if (i < n - 1)
                sb.Append(axis == dims.Length - 1 ? ", " : "," + new string('\n', dims.Length - axis - 1) + new string(' ', indent + axis + 1));
        }
        sb.Append(']');
    }
}
