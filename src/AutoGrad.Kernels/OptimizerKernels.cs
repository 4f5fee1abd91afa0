using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AutoGrad.Kernels;

/// <summary>
/// In-place optimizer updates. Each performs, per element and in the element type, exactly the roundings of the tensor
/// expression it replaces (multiplies and adds stay separate, never fused), so results are bit-identical to it.
/// </summary>
internal static class OptimizerKernels
{
    /// <summary><c>θ ← θ − (g·c)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SubtractScaled<T>(Span<T> theta, ReadOnlySpan<T> g, T c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0, n = theta.Length;
        if (Vector512.IsHardwareAccelerated)
        {
            ref T rt = ref MemoryMarshal.GetReference(theta), rg = ref MemoryMarshal.GetReference(g);
            var vc = Vector512.Create(c);
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                (Vector512.LoadUnsafe(ref rt, (nuint)i) - Vector512.LoadUnsafe(ref rg, (nuint)i) * vc).StoreUnsafe(ref rt, (nuint)i);
        }
        for (; i < n; i++) theta[i] = theta[i] - g[i] * c;
    }

    /// <summary>
    /// Adam: <c>m ← m·β₁ + g·(1−β₁)</c>, <c>s ← s·β₂ + g²·(1−β₂)</c>, <c>θ ← θ·d − (m·c₁·η)/(√(s·c₂) + ε)</c> with
    /// <c>cᵢ = 1/(1 − βᵢᵗ)</c> and <c>d</c> the decoupled decay factor (1 for none).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Adam<T>(Span<T> theta, ReadOnlySpan<T> g, Span<T> m, Span<T> s, T b1, T ob1, T b2, T ob2, T c1, T c2, T lr, T eps, T d, bool decay)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0, n = theta.Length;
        if (Vector512.IsHardwareAccelerated)
        {
            ref T rt = ref MemoryMarshal.GetReference(theta), rg = ref MemoryMarshal.GetReference(g);
            ref T rm = ref MemoryMarshal.GetReference(m), rs = ref MemoryMarshal.GetReference(s);
            Vector512<T> vb1 = Vector512.Create(b1), vob1 = Vector512.Create(ob1), vb2 = Vector512.Create(b2), vob2 = Vector512.Create(ob2),
                vc1 = Vector512.Create(c1), vc2 = Vector512.Create(c2), vlr = Vector512.Create(lr), veps = Vector512.Create(eps), vd = Vector512.Create(d);
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var gv = Vector512.LoadUnsafe(ref rg, (nuint)i);
                var mv = Vector512.LoadUnsafe(ref rm, (nuint)i) * vb1 + gv * vob1;
                var sv = Vector512.LoadUnsafe(ref rs, (nuint)i) * vb2 + (gv * gv) * vob2;
                mv.StoreUnsafe(ref rm, (nuint)i);
                sv.StoreUnsafe(ref rs, (nuint)i);
                var tv = Vector512.LoadUnsafe(ref rt, (nuint)i);
                if (decay) tv *= vd;
                (tv - (mv * vc1 * vlr) / (Vector512.Sqrt(sv * vc2) + veps)).StoreUnsafe(ref rt, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            T mi = m[i] * b1 + g[i] * ob1, si = s[i] * b2 + (g[i] * g[i]) * ob2;
            m[i] = mi;
            s[i] = si;
            T t = decay ? theta[i] * d : theta[i];
            theta[i] = t - (mi * c1 * lr) / (T.Sqrt(si * c2) + eps);
        }
    }
}
