using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AutoGrad.Kernels;

/// <summary>
/// Dense row-major matrix multiply: C[m×n] = (accumulate ? C : 0) + op(A)·op(B).
/// op(A) is m×k (A stored k×m when <c>transA</c>); op(B) is k×n (B stored n×k when <c>transB</c>).
/// </summary>
/// <remarks>
/// Results are bit-identical for any <see cref="MaxDegreeOfParallelism"/>: the path (direct, narrow or
/// packed) depends only on the shape, work is only ever partitioned over rows or columns of C, and every
/// element is reduced over K in the same fixed order by the same micro-kernel, so thread count never
/// changes the floating-point sequence. Parallel products run on <see cref="GemmWorkers"/>.
/// </remarks>
internal static class Gemm
{
    // Below this many multiply-adds, packing costs more than it saves; tiny matmuls dominate small models.
    private const long DirectThreshold = 32 * 1024;

    // Below this the narrow kernel's fixed cost (packing op(B), a zero-padded 16-row slab) exceeds the direct
    // loops' whole run time (8×16×10: 0.15 vs 0.08 µs; 13×31×7: 0.27 vs 0.72 µs).
    private const long SmallNMinMacs = 2048;

    // Packed op(B) up to this size lives on the stack: for small products a pool rental is a visible cost.
    private const int SmallNStackBytes = 16 * 1024;

    // Below ~4 MFLOP a second thread saves little: each chunk re-packs the shared operand and starts with cold
    // caches, and on a busy machine the other core is often not there. Settable so benchmarks can probe it.
    internal static long ParallelFlopThreshold { get; set; } = 4_000_000;

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

    /// <summary>The GEMM for kernels generic over float and double (ConvKernels, AttentionKernels); see <see cref="Gemm"/>.</summary>
    internal static void Multiply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n,
        bool transA, bool transB, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
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
        int workers = Math.Max(1, MaxDegreeOfParallelism);
        bool parallel = workers > 1 && 2 * macs >= ParallelFlopThreshold;
        int lda = transA ? m : k;
        int ldb = transB ? k : n;
        fixed (T* pa = a)
        fixed (T* pb = b)
        fixed (T* pc = c)
        {
            // Narrow outputs first: the packed path would waste most of its NR = 32 lanes, and the direct path
            // has no full-width AVX-512 kernel for them.
            if (GemmSmallN.Supports(n) && macs >= SmallNMinMacs)
            {
                RunSmallN(pa, lda, transA, pb, ldb, transB, pc, m, k, n, accumulate, parallel ? workers : 1);
                return;
            }

            // The blocked path needs a 256-bit SIMD kernel; without one the direct loops are the better fallback.
            if (macs < DirectThreshold || !Vector256.IsHardwareAccelerated)
            {
                GemmDirect.Multiply(pa, pb, pc, m, k, n, transA, transB, accumulate);
                return;
            }

            if (!parallel)
            {
                GemmBlocked.Multiply(pa, lda, transA, pb, ldb, transB, pc, n, m, k, n, accumulate);
                return;
            }

            RunParallel(pa, lda, transA, pb, ldb, transB, pc, m, k, n, accumulate, workers);
        }
    }

    [SkipLocalsInit]
    private static unsafe void RunSmallN<T>(T* a, int lda, bool transA, T* b, int ldb, bool transB, T* c,
        int m, int k, int n, bool accumulate, int workers)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int alignBytes = 64;
        int length = GemmSmallN.PackedLength<T>(k, n) + alignBytes / Unsafe.SizeOf<T>();
        if ((long)length * Unsafe.SizeOf<T>() <= SmallNStackBytes)
        {
            T* onStack = stackalloc T[length];
            RunSmallNPacked(a, lda, transA, b, ldb, transB, c, m, k, n, accumulate, workers, AlignUp(onStack, alignBytes));
            return;
        }

        T[] rented = ArrayPool<T>.Shared.Rent(length);
        try
        {
            fixed (T* raw = rented)
            {
                RunSmallNPacked(a, lda, transA, b, ldb, transB, c, m, k, n, accumulate, workers, AlignUp(raw, alignBytes));
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(rented);
        }
    }

    private static unsafe void RunSmallNPacked<T>(T* a, int lda, bool transA, T* b, int ldb, bool transB, T* c,
        int m, int k, int n, bool accumulate, int workers, T* packedB)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        GemmSmallN.PackB(b, ldb, transB, k, n, packedB);
        int step = ChunkStep(m, GemmSmallN.MR, workers, out int chunks);
        if (chunks > 1 && GemmWorkers.TryEnter())
        {
            try
            {
                GemmJobs.SmallN<T>.Instance.Set(a, lda, transA, packedB, c, m, k, n, accumulate, step);
                GemmWorkers.Execute(GemmJobs.SmallN<T>.Instance, chunks);
            }
            finally
            {
                GemmWorkers.Exit();
            }

            return;
        }

        GemmSmallN.MultiplyRows(a, lda, transA, packedB, c, n, 0, m, k, n, accumulate);
    }

    private static unsafe T* AlignUp<T>(T* p, int bytes) where T : unmanaged
        => (T*)(((nint)p + (bytes - 1)) & ~(nint)(bytes - 1));

    private static unsafe void RunParallel<T>(T* a, int lda, bool transA, T* b, int ldb, bool transB, T* c,
        int m, int k, int n, bool accumulate, int workers)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Split the longer side of C so that tall-skinny and short-wide products both get parallelism.
        bool splitRows = m >= n;
        int step = ChunkStep(splitRows ? m : n, splitRows ? GemmBlocked.MR : GemmBlocked.NR<T>(), workers, out int chunks);
        // A busy pool (another thread is multiplying) means serial: same tiles, same bits, no waiting.
        if (chunks > 1 && GemmWorkers.TryEnter())
        {
            try
            {
                if (splitRows && n <= GemmBlocked.NC<T>())
                {
                    RunRowsOnPackedB(a, lda, transA, b, ldb, transB, c, m, k, n, accumulate, workers, step, chunks);
                    return;
                }

                GemmJobs.Blocked<T>.Instance.Set(a, lda, transA, b, ldb, transB, c, m, k, n, accumulate, splitRows, step);
                GemmWorkers.Execute(GemmJobs.Blocked<T>.Instance, chunks);
            }
            finally
            {
                GemmWorkers.Exit();
            }

            return;
        }

        GemmBlocked.Multiply(a, lda, transA, b, ldb, transB, c, n, m, k, n, accumulate);
    }

    // Note [One packed B for every row chunk]
    // Split by rows, each worker's GemmBlocked.Multiply packed all of op(B) for itself, so two threads packed B twice; with
    // Linear's (out, in) weight read transposed (8×8 register transposes rather than row copies) that duplicate was a
    // visible share of an MLP step (a 128×784 by 784×128 product computes ~13 M multiply-adds but packs ~100 k elements
    // twice). When op(B) is a single NC block, the workers instead pack disjoint NR-column panels of it into one shared
    // buffer, then each multiplies its rows against it: the same panels (GemmPacking.PackB on the same blocks), the same
    // K blocks and micro-tiles in the same order, so C is bit-identical to the serial path (GemmTests, one and two threads).
    private static unsafe void RunRowsOnPackedB<T>(T* a, int lda, bool transA, T* b, int ldb, bool transB, T* c,
        int m, int k, int n, bool accumulate, int workers, int step, int chunks)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int alignBytes = 64;
        long length = GemmBlocked.PackedBLength<T>(k, n) + alignBytes / Unsafe.SizeOf<T>();
        T[] rented = ArrayPool<T>.Shared.Rent(checked((int)length));
        try
        {
            fixed (T* raw = rented)
            {
                T* packed = AlignUp(raw, alignBytes);
                int packStep = ChunkStep(n, GemmBlocked.NR<T>(), workers, out int packChunks);
                GemmJobs.PackB<T>.Instance.Set(b, ldb, transB, k, n, packed, packStep);
                GemmWorkers.Execute(GemmJobs.PackB<T>.Instance, packChunks);
                GemmJobs.RowsOnPackedB<T>.Instance.Set(a, lda, transA, packed, c, m, k, n, accumulate, step);
                GemmWorkers.Execute(GemmJobs.RowsOnPackedB<T>.Instance, chunks);
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(rented);
        }
    }

    // Fixed partition of `extent` into at most `workers` runs whose lengths are multiples of `align` (tile edges).
    private static int ChunkStep(int extent, int align, int workers, out int chunks)
    {
        int tiles = (extent + align - 1) / align;
        chunks = Math.Min(workers, tiles);
        if (chunks <= 1)
        {
            chunks = 1;
            return extent;
        }

        int step = (tiles + chunks - 1) / chunks * align;
        chunks = (extent + step - 1) / step;
        return step;
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
