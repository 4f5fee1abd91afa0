
namespace AutoGrad;

// Note [Integer tensors]
// Int32, Int64 and Bool tensors hold labels, indices, token ids and masks. They carry no gradient: setting RequiresGrad
// on one, or an op recording a node for an integer result, throws naming the op (the RequiresGrad setter is the one
// place both go through). Float ops do not promote integer operands, with one exception:
//  - a binary element-wise op (Add, Multiply, …, the operators) given one float and one integer or bool operand converts
//    that operand to the float one's dtype first, as PyTorch does (`x * mask`); two integer operands are refused;
//  - every other float op (Exp, MatMul, Sum, Softmax, the layers) given an integer tensor throws
//    "<op>: needs a floating-point tensor (float32 or float64), got int64 …; convert it with To(DType.Float32) first."
//    The float views Tensor.F32/F64 raise it, so no op can misread an integer buffer.
// Integer-aware ops: creation, To, printing, the comparisons (Bool results), the logical ops, Where, ArgMax/ArgMin, TopK
// and Sort (Int64 indices), and every op that takes indices (Gather, ScatterAdd, IndexSelect, OneHot, Embedding, the
// losses' labels). Those also accept float index tensors whose values are whole numbers (the library's earlier
// convention); a fraction or NaN there is an error naming the op and the flat position.
// Conversions (To): float → integer truncates toward zero like PyTorch, but NaN, ±∞ and values outside the target's
// range throw (PyTorch leaves them undefined); int64 → int32 outside the int32 range throws (PyTorch wraps); anything →
// bool is `≠ 0` (NaN is true); bool → number is 0 or 1; int64 → float rounds to nearest beyond 2^53 (float32: 2^24).
public sealed partial class Tensor
{
    // A value that an element of `dtype` must hold exactly (Full, SetFlat): whole numbers in range for integers, 0 or 1 for bool.
    internal static double Exact(double v, DType dtype, string op)
    {
        bool ok = dtype switch
        {
            DType.Int32 => v == Math.Floor(v) && v >= int.MinValue && v <= int.MaxValue,
            DType.Int64 => v == Math.Floor(v) && v >= -9.2233720368547758e18 && v < 9.2233720368547758e18,
            DType.Bool => v is 0 or 1,
            _ => true,
        };
        if (!ok)
            throw new ArgumentException($"{Differentiation.Diagnostics.UserOp(op)}: {v} is not a {dtype.Name()} value"
                + (dtype == DType.Bool ? " (bool elements are 0 or 1)." : " (integer elements take whole numbers in range)."));
        return v;
    }

    // The first element of x that `dtype` cannot hold exactly, or null: a fraction, NaN or ±∞ for an integer type, a value
    // out of its range, anything but 0 and 1 for bool, an integer beyond 2^53 (float64) or 2^24 (float32) for a float type.
    // Float → float is never reported (rounding float64 to float32 is the documented conversion). For loading state
    // (LoadStateDict, SafeTensors), which must refuse before it writes anything.
    internal static (int Index, string Value)? InexactAt(Tensor x, DType dtype)
    {
        if (x.DType == dtype || (x.DType.IsFloatingPoint() && dtype.IsFloatingPoint())) return null;
        if (x.DType == DType.Int64 && dtype.IsFloatingPoint())
        {
            long limit = dtype == DType.Float64 ? 1L << 53 : 1L << 24;
            var s = x.I64;
            for (int i = 0; i < s.Length; i++)
                if (s[i] > limit || s[i] < -limit) return (i, s[i].ToString(System.Globalization.CultureInfo.InvariantCulture));
            return null;
        }
        if (x.DType == DType.Int32 && dtype == DType.Float32)
        {
            var s = x.I32;
            for (int i = 0; i < s.Length; i++)
                if (s[i] > 1 << 24 || s[i] < -(1 << 24)) return (i, s[i].ToString(System.Globalization.CultureInfo.InvariantCulture));
            return null;
        }
        if (dtype.IsFloatingPoint() || x.DType == DType.Bool) return null;   // int32 → float64, bool → anything: exact
        double min = dtype switch { DType.Int32 => int.MinValue, DType.Int64 => -9.2233720368547758e18, _ => 0 };
        double max = dtype switch { DType.Int32 => int.MaxValue, DType.Int64 => 9.2233720368547748e18, _ => 1 };
        for (int i = 0; i < x.Size; i++)
        {
            if (x.DType == DType.Int64 && dtype != DType.Int64)
            {
                long v = x.I64[i];
                if (v < min || v > max) return (i, v.ToString(System.Globalization.CultureInfo.InvariantCulture));
                continue;
            }
            double d = x.GetFlat(i);
            if (d != Math.Floor(d) || d < min || d > max) return (i, d.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        }
        return null;
    }

    internal static void RequireFloat(DType dtype, string op)
    {
        if (!dtype.IsFloatingPoint())
            throw new ArgumentException($"{Differentiation.Diagnostics.UserOp(op)}: needs a floating-point dtype (float32 or float64), got {dtype.Name()}.");
    }

    // A copy of x in `dtype` with no graph; x.DType ≠ dtype and not both floating-point (MathOps.To handles float ↔ float).
    internal static Tensor Convert(Tensor x, DType dtype, string op)
    {
        var y = Empty(x.Shape, dtype);
        int n = x.Size;
        switch (dtype)
        {
            case DType.Bool:
                var b = y.B8;
                for (int i = 0; i < n; i++) b[i] = x.GetFlat(i) != 0;   // NaN ≠ 0: true, as in PyTorch
                break;
            case DType.Float32:
                if (x.DType == DType.Int64) { var s = x.I64; var d = y.F32; for (int i = 0; i < n; i++) d[i] = s[i]; }
                else { var d = y.F32; for (int i = 0; i < n; i++) d[i] = (float)x.GetFlat(i); }
                break;
            case DType.Float64:
                if (x.DType == DType.Int64) { var s = x.I64; var d = y.F64; for (int i = 0; i < n; i++) d[i] = s[i]; }
                else { var d = y.F64; for (int i = 0; i < n; i++) d[i] = x.GetFlat(i); }
                break;
            case DType.Int64:
                if (x.DType.IsFloatingPoint()) ToIntegers(x, y.I64, long.MinValue, long.MaxValue, dtype, op);
                else { var d = y.I64; for (int i = 0; i < n; i++) d[i] = (long)x.GetFlat(i); }   // int32 and bool: exact
                break;
            case DType.Int32:
                if (x.DType == DType.Int64)
                {
                    var s = x.I64; var d = y.I32;
                    for (int i = 0; i < n; i++)
                    {
                        if (s[i] < int.MinValue || s[i] > int.MaxValue)
                            throw new ArgumentException($"{Differentiation.Diagnostics.UserOp(op)}: int64 value {s[i]} at flat position {i} does not fit in int32.");
                        d[i] = (int)s[i];
                    }
                }
                else if (x.DType.IsFloatingPoint()) ToIntegers(x, y.I32, int.MinValue, int.MaxValue, dtype, op);
                else { var d = y.I32; var s = x.B8; for (int i = 0; i < n; i++) d[i] = s[i] ? 1 : 0; }
                break;
        }
        return y;
    }

    // Float → integer, truncating toward zero; NaN, ±∞ and values out of range are errors (see Note [Integer tensors]).
    private static void ToIntegers<T>(Tensor x, Span<T> y, double min, double max, DType dtype, string op) where T : System.Numerics.INumberBase<T>
    {
        for (int i = 0; i < y.Length; i++)
        {
            double v = Math.Truncate(x.GetFlat(i));
            // long.MaxValue rounds up to 2^63 as a double, which no int64 holds: the upper test is strict for int64.
            if (double.IsNaN(v) || v < min || (dtype == DType.Int64 ? v >= max : v > max))
                throw new ArgumentException($"{Differentiation.Diagnostics.UserOp(op)}: {x.DType.Name()} value {x.GetFlat(i).ToString("R", System.Globalization.CultureInfo.InvariantCulture)} at flat position {i} has no {dtype.Name()} value (NaN, infinite or out of range).");
            y[i] = T.CreateTruncating(v);
        }
    }
}
