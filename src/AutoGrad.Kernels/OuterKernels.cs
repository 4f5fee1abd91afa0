using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AutoGrad.Kernels;

/// <summary>
/// Row-wise outer products <c>o[b, i, j] = x[b, i]·y[b, j]</c>: the per-example weight gradients of a Linear layer
/// (Note [Per-example leaves] in src/AutoGrad/Ops/Batching.Rules.cs), written once, row by row, with no zero-fill and no
/// second pass. Each element is one multiplication, so the result is bit-identical to the broadcast product
/// <c>x.Unsqueeze(2) * y.Unsqueeze(1)</c> and to any thread count.
/// </summary>
/// <remarks>
/// The result is usually far larger than the inputs (784×128 floats per example for the first layer of an MNIST MLP) and
/// larger than the caches, so the time is the memory write. Above <see cref="StreamingBytes"/> the rows are written with
/// non-temporal (streaming) stores, which skip reading each destination line into the cache before overwriting it (Intel®
/// 64 and IA-32 Architectures Optimization Reference Manual, "Non-temporal stores", and the MOVNTPS/MOVNTPD entries of the
/// Software Developer's Manual vol. 2: https://www.intel.com/content/www/us/en/developer/articles/technical/intel-sdm.html).
/// Examples are split among up to <see cref="Gemm.MaxDegreeOfParallelism"/> threads in contiguous blocks.
/// </remarks>
internal static unsafe class OuterKernels
{
    /// <summary>Results at least this large (bytes) are streamed past the cache; smaller ones are likely read again soon.</summary>
    public const long StreamingBytes = 1 << 21;

    // Below this many elements a second thread costs more than it saves.
    private const long ParallelElements = 1 << 18;

    /// <summary>
    /// <c>o[(b·m + i)·n + j] = x[b·m + i]·y[b·n + j]</c> for <c>b &lt; batch</c>, <c>i &lt; m</c>, <c>j &lt; n</c>. The arrays may be
    /// longer than that (pooled buffers); only those elements are read or written.
    /// </summary>
    public static void RowOuter<T>(T[] x, T[] y, T[] o, int batch, int m, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        long size = (long)batch * m * n;
        if (x.Length < (long)batch * m || y.Length < (long)batch * n || o.Length < size)
            throw new ArgumentException($"RowOuter: buffers of {x.Length}, {y.Length} and {o.Length} elements are too short for batch {batch}, m {m}, n {n}.");
        if (size == 0) return;
        bool stream = size * sizeof(T) >= StreamingBytes;
        int threads = size >= ParallelElements ? Math.Min(batch, Math.Max(1, Gemm.MaxDegreeOfParallelism)) : 1;
        if (threads > 1)
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads },
                t => Examples(x, y, o, m, n, stream, (int)((long)batch * t / threads), (int)((long)batch * (t + 1) / threads)));
        else Examples(x, y, o, m, n, stream, 0, batch);
    }

    private static void Examples<T>(T[] x, T[] y, T[] o, int m, int n, bool stream, int from, int to) where T : unmanaged, IFloatingPointIeee754<T>
    {
        fixed (T* px = x, py = y, po = o)
            for (int b = from; b < to; b++)
            {
                T* yb = py + (long)b * n;
                for (int i = 0; i < m; i++)
                {
                    long row = (long)b * m + i;
                    if (stream) Stream(yb, px[row], po + row * n, n);
                    else TensorPrimitives.Multiply(new ReadOnlySpan<T>(yb, n), px[row], new Span<T>(po + row * n, n));
                }
            }
        // Streaming stores are weakly ordered: make them visible before the caller (or Parallel.For's join) reads the result.
        if (stream && Sse.IsSupported) Sse.StoreFence();
    }

    // d[j] = y[j]·s with aligned non-temporal vector stores; the unaligned head and the tail one element at a time.
    private static void Stream<T>(T* y, T s, T* d, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var vs = Vector512.Create(s);
            for (; j < n && ((nuint)(d + j) & 63) != 0; j++) d[j] = y[j] * s;
            for (; j <= n - Vector512<T>.Count; j += Vector512<T>.Count)
                Vector512.StoreAlignedNonTemporal(Vector512.Load(y + j) * vs, d + j);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var vs = Vector256.Create(s);
            for (; j < n && ((nuint)(d + j) & 31) != 0; j++) d[j] = y[j] * s;
            for (; j <= n - Vector256<T>.Count; j += Vector256<T>.Count)
                Vector256.StoreAlignedNonTemporal(Vector256.Load(y + j) * vs, d + j);
        }
        for (; j < n; j++) d[j] = y[j] * s;
    }
}
