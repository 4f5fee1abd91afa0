using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AutoGrad.Kernels;

/// <summary>Gradient routing kernels: pass a gradient through where a condition holds, or to the arg-extreme of a window.</summary>
internal static class MaskKernels
{
    /// <summary>y = g where x &gt; 0, else 0 (ReLU's backward, ReLU'(0) = 0), one vectorized compare-and-select.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PassWherePositive<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0, n = y.Length;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<T>.Count)
        {
            ref T rg = ref MemoryMarshal.GetReference(g), rx = ref MemoryMarshal.GetReference(x), ry = ref MemoryMarshal.GetReference(y);
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var m = Vector512.GreaterThan(Vector512.LoadUnsafe(ref rx, (nuint)i), Vector512<T>.Zero);
                Vector512.BitwiseAnd(m, Vector512.LoadUnsafe(ref rg, (nuint)i)).StoreUnsafe(ref ry, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<T>.Count)
        {
            ref T rg = ref MemoryMarshal.GetReference(g), rx = ref MemoryMarshal.GetReference(x), ry = ref MemoryMarshal.GetReference(y);
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var m = Vector256.GreaterThan(Vector256.LoadUnsafe(ref rx, (nuint)i), Vector256<T>.Zero);
                Vector256.BitwiseAnd(m, Vector256.LoadUnsafe(ref rg, (nuint)i)).StoreUnsafe(ref ry, (nuint)i);
            }
        }
        for (; i < n; i++) y[i] = x[i] > T.Zero ? g[i] : T.Zero;
    }

    /// <summary><c>y[pos[k]] += g[k]</c> into <paramref name="y"/> (zeros on entry); repeated positions accumulate in order.</summary>
    public static void Route<T>(ReadOnlySpan<T> g, ReadOnlySpan<int> pos, Span<T> y) where T : unmanaged, INumber<T>
    {
        for (int k = 0; k < pos.Length; k++) y[pos[k]] += g[k];
    }

    /// <summary><c>y[k] = h[pos[k]]</c>: the adjoint of <see cref="Route{T}"/>.</summary>
    public static void Pick<T>(ReadOnlySpan<T> h, ReadOnlySpan<int> pos, Span<T> y) where T : unmanaged
    {
        for (int k = 0; k < pos.Length; k++) y[k] = h[pos[k]];
    }

    /// <summary>
    /// Max pooling of (N·C, H, W) planes with a k×k window and stride s: the maximum and the flat input position of the
    /// first maximal element of each window, row-major within the window; NaN wins, as in <see cref="Reduce.Extreme{T}"/>.
    /// </summary>
    public static void MaxPool<T>(ReadOnlySpan<T> x, Span<T> y, Span<int> pos, int planes, int h, int w, int k, int s, int oh, int ow)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.Length < planes * h * w || y.Length < planes * oh * ow || pos.Length < y.Length || (oh - 1) * s + k > h || (ow - 1) * s + k > w)
            throw new ArgumentException("MaxPool: buffers do not match the geometry.");
        ref T rx = ref MemoryMarshal.GetReference(x);
        if (k == 2)
        {
            MaxPool2x2(x, y, pos, planes, h, w, s, oh, ow);
            return;
        }
        int o = 0;
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++, o++)
                {
                    int start = p * h * w + i * s * w + j * s, best = start;
                    T bv = Unsafe.Add(ref rx, start);
                    // Branch-free: on random data "is this the new maximum?" mispredicts half the time. best moves to
                    // the element only when it is strictly greater, so ties keep the first; NaN is handled after.
                    for (int u = 0, row = start; u < k; u++, row += w)
                        for (int v = 0; v < k; v++)
                        {
                            T c = Unsafe.Add(ref rx, row + v);
                            bool gt = c > bv;
                            int take = Unsafe.As<bool, byte>(ref gt);
                            best += take * (row + v - best);
                            bv = T.Max(bv, c);
                        }
                    bool nan = T.IsNaN(bv);
                    bv = Unsafe.Add(ref rx, best);
                    if (nan) (bv, best) = FirstNaN(x, start, w, k);
                    y[o] = bv;
                    pos[o] = best;
                }
    }

    // The common 2×2 window unrolled: the same strictly-greater, first-wins and NaN rules as the general loop.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxPool2x2<T>(ReadOnlySpan<T> x, Span<T> y, Span<int> pos, int planes, int h, int w, int s, int oh, int ow)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T rx = ref MemoryMarshal.GetReference(x);
        int o = 0;
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < oh; i++)
            {
                int r0 = p * h * w + i * s * w, r1 = r0 + w;
                for (int j = 0, c0 = r0, c1 = r1; j < ow; j++, o++, c0 += s, c1 += s)
                {
                    T a = Unsafe.Add(ref rx, c0), b = Unsafe.Add(ref rx, c0 + 1), c = Unsafe.Add(ref rx, c1), d = Unsafe.Add(ref rx, c1 + 1);
                    bool gab = b > a, gcd = d > c;
                    int top = c0 + Unsafe.As<bool, byte>(ref gab), bottom = c1 + Unsafe.As<bool, byte>(ref gcd);
                    T mt = T.Max(a, b), mb = T.Max(c, d);
                    bool gb = mb > mt;
                    int best = top + Unsafe.As<bool, byte>(ref gb) * (bottom - top);
                    if (T.IsNaN(T.Max(mt, mb))) (_, best) = FirstNaN(x, c0, w, 2);
                    y[o] = Unsafe.Add(ref rx, best);
                    pos[o] = best;
                }
            }
    }

    private static (T, int) FirstNaN<T>(ReadOnlySpan<T> x, int start, int w, int k) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int u = 0, row = start; u < k; u++, row += w)
            for (int v = 0; v < k; v++)
                if (T.IsNaN(x[row + v])) return (x[row + v], row + v);
        throw new InvalidOperationException("MaxPool: NaN flagged but not found.");
    }
}
