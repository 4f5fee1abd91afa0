using System.Numerics;
using System.Runtime.Intrinsics;

namespace AutoGrad.Kernels;

/// <summary>
/// Dense row-major matrix multiply: C[m×n] = (accumulate ? C : 0) + op(A)·op(B).
/// op(A) is m×k (A stored k×m when <c>transA</c>); op(B) is k×n (B stored n×k when <c>transB</c>).
/// </summary>
/// <remarks>
/// Results are bit-identical for any <see cref="MaxDegreeOfParallelism"/>: work is only ever
/// partitioned over rows or columns of C, and every element is reduced over K in the same fixed
/// block order by the same micro-kernel, so thread count never changes the floating-point sequence.
/// </remarks>
internal static class Gemm
{
    // Below this many multiply-adds, packing costs more than it saves; tiny matmuls dominate small models.
    private const long DirectThreshold = 32 * 1024;

    // Below ~4 MFLOP the Parallel.For dispatch (a few microseconds) is comparable to the work itself.
    private const long ParallelFlopThreshold = 4_000_000;

    /// <summary>Upper bound on worker threads; tests set it to 1 to check determinism.</summary>
    internal static int MaxDegreeOfParallelism { get; set; } = Environment.ProcessorCount;

    /// <summary>Single-precision GEMM; see <see cref="Gemm"/>.</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n,
        bool transA = false, bool transB = false, bool accumulate = false)
        => Run(a, b, c, m, k, n, transA, transB, accumulate);

    /// <summary>Double-precision GEMM; see <see cref="Gemm"/>.</summary>
    public static void Multiply(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n,
        bool transA = false, bool transB = false, bool accumulate = false)
        => Run(a, b, c, m, k, n, transA, transB, accumulate);

    private static unsafe void Run<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n,
        bool transA, bool transB, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Validate(a.Length, b.Length, c.Length, m, k, n);
        if (m == 0 || n == 0)
        {
            return;
        }

        if (k == 0)
        {
            if (!accumulate)
            {
                c[..(m * n)].Clear();
            }

            return;
        }

        long macs = (long)m * n * k;
        fixed (T* pa = a)
        fixed (T* pb = b)
        fixed (T* pc = c)
        {
            // The blocked path needs a 256-bit SIMD kernel; without one the direct loops are the better fallback.
            if (macs < DirectThreshold || !Vector256.IsHardwareAccelerated)
            {
                GemmDirect.Multiply(pa, pb, pc, m, k, n, transA, transB, accumulate);
                return;
            }

            int lda = transA ? m : k;
            int ldb = transB ? k : n;
            int workers = Math.Max(1, MaxDegreeOfParallelism);
            if (workers == 1 || 2 * macs < ParallelFlopThreshold)
            {
                GemmBlocked.Multiply(pa, lda, transA, pb, ldb, transB, pc, n, m, k, n, accumulate);
                return;
            }

            RunParallel(pa, lda, transA, pb, ldb, transB, pc, m, k, n, accumulate, workers);
        }
    }

    private static unsafe void RunParallel<T>(T* a, int lda, bool transA, T* b, int ldb, bool transB, T* c,
        int m, int k, int n, bool accumulate, int workers)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Split the longer side of C so that tall-skinny and short-wide products both get parallelism.
        bool splitRows = m >= n;
        int extent = splitRows ? m : n;
        int align = splitRows ? GemmBlocked.MR : GemmBlocked.NR<T>();
        int tiles = (extent + align - 1) / align;
        int chunks = Math.Min(workers, tiles);
        if (chunks <= 1)
        {
            GemmBlocked.Multiply(a, lda, transA, b, ldb, transB, c, n, m, k, n, accumulate);
            return;
        }

        int tilesPerChunk = (tiles + chunks - 1) / chunks;
        int step = tilesPerChunk * align;
        chunks = (extent + step - 1) / step;

        // Lambdas cannot capture pointers, so they travel as nint.
        nint ia = (nint)a, ib = (nint)b, ic = (nint)c;
        var options = new ParallelOptions { MaxDegreeOfParallelism = workers };
        Parallel.For(0, chunks, options, chunk =>
        {
            int start = chunk * step;
            int count = Math.Min(step, extent - start);
            T* pa = (T*)ia, pb = (T*)ib, pc = (T*)ic;
            if (splitRows)
            {
                T* subA = transA ? pa + start : pa + (long)start * lda;
                GemmBlocked.Multiply(subA, lda, transA, pb, ldb, transB, pc + (long)start * n, n,
                    count, k, n, accumulate);
            }
            else
            {
                T* subB = transB ? pb + (long)start * ldb : pb + start;
                GemmBlocked.Multiply(pa, lda, transA, subB, ldb, transB, pc + start, n,
                    m, k, count, accumulate);
            }
        });
    }

    private static void Validate(int aLength, int bLength, int cLength, int m, int k, int n)
    {
        if (m < 0 || k < 0 || n < 0)
        {
            throw new ArgumentException($"Gemm: dimensions must be non-negative (m={m}, k={k}, n={n}).");
        }

        if (aLength < (long)m * k)
        {
            throw new ArgumentException(
                $"Gemm: A has {aLength} elements but m*k = {m}*{k} = {(long)m * k} are required.", "a");
        }

        if (bLength < (long)k * n)
        {
            throw new ArgumentException(
                $"Gemm: B has {bLength} elements but k*n = {k}*{n} = {(long)k * n} are required.", "b");
        }

        if (cLength < (long)m * n)
        {
            throw new ArgumentException(
                $"Gemm: C has {cLength} elements but m*n = {m}*{n} = {(long)m * n} are required.", "c");
        }
    }
}
