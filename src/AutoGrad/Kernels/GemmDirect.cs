using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AutoGrad.Kernels;

/// <summary>
/// Unpacked GEMM for small products, where packing overhead would dominate. Every inner loop runs
/// over a contiguous row so it vectorises for any transpose combination.
/// </summary>
internal static unsafe class GemmDirect
{
    // Larger gathered rows of a transposed A go to the pool instead of the stack.
    private const int StackGatherLimit = 1024;

    internal static void Multiply<T>(T* a, T* b, T* c, int m, int k, int n, bool transA, bool transB, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (transB)
        {
            MultiplyDot(a, b, c, m, k, n, transA, accumulate);
        }
        else
        {
            MultiplyAxpy(a, b, c, m, k, n, transA, accumulate);
        }
    }

    // op(B) rows are contiguous, so C row i is built as a sum of scaled B rows (ikj order).
    private static void MultiplyAxpy<T>(T* a, T* b, T* c, int m, int k, int n, bool transA, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < m; i++)
        {
            T* crow = c + (long)i * n;
            if (!accumulate)
            {
                new Span<T>(crow, n).Clear();
            }

            for (int p = 0; p < k; p++)
            {
                T aip = transA ? a[(long)p * m + i] : a[(long)i * k + p];
                Axpy(crow, b + (long)p * n, aip, n);
            }
        }
    }

    // With B stored n×k, column j of op(B) is a contiguous row of B, so each C element is one dot product.
    [SkipLocalsInit]
    private static void MultiplyDot<T>(T* a, T* b, T* c, int m, int k, int n, bool transA, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[]? rented = null;
        Span<T> gather = default;
        if (transA)
        {
            if (k <= StackGatherLimit)
            {
                T* buffer = stackalloc T[k];
                gather = new Span<T>(buffer, k);
            }
            else
            {
                rented = System.Buffers.ArrayPool<T>.Shared.Rent(k);
                gather = rented.AsSpan(0, k);
            }
        }

        try
        {
            fixed (T* g = gather)
            {
                for (int i = 0; i < m; i++)
                {
                    T* arow = a + (long)i * k;
                    if (transA)
                    {
                        for (int p = 0; p < k; p++)
                        {
                            g[p] = a[(long)p * m + i];
                        }

                        arow = g;
                    }

                    T* crow = c + (long)i * n;
                    for (int j = 0; j < n; j++)
                    {
                        T dot = Dot(arow, b + (long)j * k, k);
                        crow[j] = accumulate ? crow[j] + dot : dot;
                    }
                }
            }
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<T>.Shared.Return(rented);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Axpy<T>(T* dst, T* src, T alpha, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int j = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<T>.Count)
        {
            var va = Vector512.Create(alpha);
            for (; j <= n - Vector512<T>.Count; j += Vector512<T>.Count)
            {
                Vector512.Store(SimdMath.Fma(va, Vector512.Load(src + j), Vector512.Load(dst + j)), dst + j);
            }
        }

        if (Vector256.IsHardwareAccelerated && n - j >= Vector256<T>.Count)
        {
            var va = Vector256.Create(alpha);
            for (; j <= n - Vector256<T>.Count; j += Vector256<T>.Count)
            {
                Vector256.Store(SimdMath.Fma(va, Vector256.Load(src + j), Vector256.Load(dst + j)), dst + j);
            }
        }

        for (; j < n; j++)
        {
            dst[j] = T.FusedMultiplyAdd(alpha, src[j], dst[j]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Dot<T>(T* x, T* y, int k)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int p = 0;
        T sum = T.Zero;
        if (Vector512.IsHardwareAccelerated && k >= Vector512<T>.Count)
        {
            // Two accumulators hide FMA latency on the longer rows this path still sees.
            var s0 = Vector512<T>.Zero;
            var s1 = Vector512<T>.Zero;
            int w = Vector512<T>.Count;
            for (; p <= k - 2 * w; p += 2 * w)
            {
                s0 = SimdMath.Fma(Vector512.Load(x + p), Vector512.Load(y + p), s0);
                s1 = SimdMath.Fma(Vector512.Load(x + p + w), Vector512.Load(y + p + w), s1);
            }

            for (; p <= k - w; p += w)
            {
                s0 = SimdMath.Fma(Vector512.Load(x + p), Vector512.Load(y + p), s0);
            }

            sum = Vector512.Sum(s0 + s1);
        }
        else if (Vector256.IsHardwareAccelerated && k >= Vector256<T>.Count)
        {
            var s0 = Vector256<T>.Zero;
            for (; p <= k - Vector256<T>.Count; p += Vector256<T>.Count)
            {
                s0 = SimdMath.Fma(Vector256.Load(x + p), Vector256.Load(y + p), s0);
            }

            sum = Vector256.Sum(s0);
        }

        for (; p < k; p++)
        {
            sum = T.FusedMultiplyAdd(x[p], y[p], sum);
        }

        return sum;
    }
}
