using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace AutoGrad.Kernels;

/// <summary>
/// Geometry of a 2-D convolution on an (already padded) NCHW input: batch, input channels and size, output channels,
/// kernel, stride and output size (<c>⌊(h − kh)/s⌋ + 1</c>).
/// </summary>
internal readonly record struct ConvGeometry(int N, int C, int H, int W, int OutC, int KH, int KW, int Stride, int OH, int OW)
{
    /// <summary>Rows of a sample's column matrix: <c>C·KH·KW</c>, in (c, u, v) order.</summary>
    internal int Ckk => C * KH * KW;

    /// <summary>Columns of a sample's column matrix: <c>OH·OW</c>, in (i, j) order.</summary>
    internal int Ohw => OH * OW;

    internal int InSize => C * H * W;
}

/// <summary>
/// Convolution forward and backward on the batch, in fixed chunks of a few samples shared out over the GEMM workers
/// (<see cref="GemmWorkers"/>), so that both cores run im2col, the products and col2im alike (the products inside a chunk
/// run serially). A chunk of nb samples has one column matrix (C·KH·KW, nb·OH·OW):
/// <c>cols[(c,u,v), (n,i,j)] = x[n, c, i·s + u, j·s + v]</c>, so each chunk is one product per direction —
/// <c>W·cols</c> forward, <c>Wᵀ·g</c> for the input gradient, <c>g·colsᵀ</c> for the weight gradient — with the shared
/// operand packed once per chunk rather than once per sample, and the weight gradient's inner dimension nb·OH·OW rather
/// than OH·OW. For stride 1 every row segment of the column matrix is copied from (and col2im added back to) OW contiguous
/// input elements.
/// </summary>
/// <remarks>
/// Chunks are fixed by the geometry alone and each is written by exactly one thread; the weight gradient sums each chunk into
/// its own partial, added in chunk order afterwards, so results do not depend on which thread ran what.
/// </remarks>
internal static unsafe class ConvKernels
{
    // A chunk's column matrix stays under this many elements (1 MB of floats) so that it is still in cache for its product.
    private const int ChunkElements = 1 << 18;
    private const int MaxChunkSamples = 8;

    /// <summary>Samples per chunk for this geometry (the saved column matrices are laid out by it).</summary>
    internal static int ChunkSamples(in ConvGeometry g) => Math.Clamp(ChunkElements / Math.Max(1, g.Ckk * g.Ohw), 1, MaxChunkSamples);

    /// <summary><c>y = W·cols (+ b)</c> for every chunk; <paramref name="cols"/> receives every chunk's column matrix.</summary>
    internal static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> bias, Span<T> y, Span<T> cols, ConvGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(x.Length == g.N * g.InSize && w.Length == g.OutC * g.Ckk && y.Length == g.N * g.OutC * g.Ohw
            && cols.Length == g.N * g.Ckk * g.Ohw && (bias.Length == 0 || bias.Length == g.OutC), "Forward");
        fixed (T* px = x, pw = w, pb = bias, py = y, pc = cols)
            Run(new Job<T>(Kind.Forward, g) { X = px, W = pw, B = bias.Length == 0 ? null : pb, Y = py, Cols = pc });
    }

    /// <summary>
    /// The input gradient <c>dx = col2im(Wᵀ·g)</c> (overwritten; skipped when <paramref name="dx"/> is empty) and the weight
    /// gradient <c>dW = Σ_chunks g·colsᵀ</c> (overwritten; skipped when <paramref name="dw"/> is empty), from the column
    /// matrices saved by <see cref="Forward{T}"/>.
    /// </summary>
    internal static void Backward<T>(ReadOnlySpan<T> grad, ReadOnlySpan<T> w, ReadOnlySpan<T> cols, Span<T> dx, Span<T> dw, ConvGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(grad.Length == g.N * g.OutC * g.Ohw && w.Length == g.OutC * g.Ckk && cols.Length == g.N * g.Ckk * g.Ohw
            && (dx.Length == 0 || dx.Length == g.N * g.InSize) && (dw.Length == 0 || dw.Length == g.OutC * g.Ckk), "Backward");
        if (dx.Length == 0 && dw.Length == 0) return;
        dx.Clear();
        int chunks = (g.N + ChunkSamples(g) - 1) / ChunkSamples(g), size = dw.Length;
        if (chunks == 0) { dw.Clear(); return; }
        var partials = ArrayPool<T>.Shared.Rent(Math.Max(1, (chunks - 1) * size));   // chunk 0 sums into dw itself
        try
        {
            fixed (T* pg = grad, pw = w, pc = cols, pdx = dx, pdw = dw, pp = partials)
                Run(new Job<T>(Kind.Backward, g) { G = pg, W = pw, Cols = pc, Dx = dx.Length == 0 ? null : pdx, Dw = size == 0 ? null : pdw, Partials = pp });
            for (int c = 1; c < chunks && size > 0; c++) TensorPrimitives.Add(dw, partials.AsSpan((c - 1) * size, size), dw);
        }
        finally { ArrayPool<T>.Shared.Return(partials); }
    }

    /// <summary><c>db[o] = Σ_{n, i, j} g[n, o, i, j]</c>.</summary>
    internal static void BackwardBias<T>(ReadOnlySpan<T> grad, Span<T> db, ConvGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(grad.Length == g.N * g.OutC * g.Ohw && db.Length == g.OutC, "BackwardBias");
        db.Clear();
        int ohw = g.Ohw;
        for (int n = 0; n < g.N; n++)
            for (int o = 0; o < g.OutC; o++)
                db[o] += TensorPrimitives.Sum(grad.Slice((n * g.OutC + o) * ohw, ohw));
    }

    /// <summary>One sample's columns of a chunk's column matrix (rows C·KH·KW, <paramref name="ld"/> apart) from its (C, H, W) input.</summary>
    internal static void Im2Col<T>(T* x, T* cols, int ld, in ConvGeometry g) where T : unmanaged =>
        Windows<T, CopyOut<T>>(x, cols, ld, g);

    /// <summary>The adjoint of <see cref="Im2Col{T}"/>: adds one sample's columns back into its (C, H, W) gradient.</summary>
    internal static void Col2ImAdd<T>(T* cols, int ld, T* dx, in ConvGeometry g) where T : unmanaged, IFloatingPointIeee754<T> =>
        Windows<T, AddBack<T>>(dx, cols, ld, g);

    // The one walk Im2Col and its adjoint share: for each row (c, u, v) of the column matrix and each output row i, the
    // image line the window reads starts at image[c, u + i·stride, v] and steps by the stride; the line action (copy out or
    // add back) is a struct type argument the JIT specializes, as Strided.MaskedRows does with its row actions.
    private static void Windows<T, TLine>(T* image, T* cols, int ld, in ConvGeometry g)
        where T : unmanaged where TLine : struct, IWindowLine<T>
    {
        int s = g.Stride, ow = g.OW;
        T* row = cols;
        for (int c = 0; c < g.C; c++)
            for (int u = 0; u < g.KH; u++)
                for (int v = 0; v < g.KW; v++, row += ld)
                {
                    T* start = image + (c * g.H + u) * g.W + v;
                    for (int i = 0; i < g.OH; i++) default(TLine).Apply(start + i * s * g.W, row + i * ow, ow, s);
                }
    }

    private interface IWindowLine<T> where T : unmanaged
    {
        void Apply(T* image, T* col, int ow, int stride);
    }

    private readonly struct CopyOut<T> : IWindowLine<T> where T : unmanaged
    {
        public void Apply(T* image, T* col, int ow, int stride)
        {
            if (stride == 1) new ReadOnlySpan<T>(image, ow).CopyTo(new Span<T>(col, ow));
            else for (int j = 0; j < ow; j++) col[j] = image[j * stride];
        }
    }

    private readonly struct AddBack<T> : IWindowLine<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Apply(T* image, T* col, int ow, int stride)
        {
            if (stride == 1)
            {
                var d = new Span<T>(image, ow);
                TensorPrimitives.Add(d, new ReadOnlySpan<T>(col, ow), d);
            }
            else for (int j = 0; j < ow; j++) image[j * stride] += col[j];
        }
    }

    private enum Kind { Forward, Backward }

    // One call's work. A new object per call (a few dozen bytes), so concurrent callers never share one.
    private sealed class Job<T>(Kind kind, ConvGeometry g) : GemmJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        [ThreadStatic] private static T[]? t_out;      // a chunk's (out, nb·OH·OW) product or gradient
        [ThreadStatic] private static T[]? t_dcols;    // a chunk's (C·KH·KW, nb·OH·OW) input-gradient columns

        internal readonly Kind Kind = kind;
        internal readonly ConvGeometry Geometry = g;
        internal readonly int Per = ChunkSamples(g);
        internal int Chunks => (Geometry.N + Per - 1) / Per;
        internal T* X, W, B, Y, Cols, G, Dx, Dw, Partials;

        private static T[] Scratch(ref T[]? cache, int size) => cache is { } s && s.Length >= size ? s : cache = new T[size];

        internal override void RunChunk(int chunk)
        {
            var geo = Geometry;
            int ckk = geo.Ckk, ohw = geo.Ohw, outC = geo.OutC;
            int first = chunk * Per, nb = Math.Min(geo.N, first + Per) - first, ld = nb * ohw;
            T* cols = Cols + (long)first * ckk * ohw;
            fixed (T* outBuf = Scratch(ref t_out, outC * ld))
            {
                if (Kind == Kind.Forward)
                {
                    for (int j = 0; j < nb; j++) Im2Col(X + (long)(first + j) * geo.InSize, cols + j * ohw, ld, geo);
                    Multiply(W, cols, outBuf, outC, ckk, ld, false, false, false);
                    for (int j = 0; j < nb; j++)
                        for (int o = 0; o < outC; o++)
                        {
                            var dst = new Span<T>(Y + ((long)(first + j) * outC + o) * ohw, ohw);
                            var src = new ReadOnlySpan<T>(outBuf + (long)o * ld + j * ohw, ohw);
                            if (B is null) src.CopyTo(dst);
                            else TensorPrimitives.Add(src, B[o], dst);
                        }
                    return;
                }
                // g of the chunk as one (out, nb·OH·OW) matrix, the layout of its column matrix.
                for (int j = 0; j < nb; j++)
                    for (int o = 0; o < outC; o++)
                        new ReadOnlySpan<T>(G + ((long)(first + j) * outC + o) * ohw, ohw).CopyTo(new Span<T>(outBuf + (long)o * ld + j * ohw, ohw));
                if (Dw is not null)
                    Multiply(outBuf, cols, chunk == 0 ? Dw : Partials + (long)(chunk - 1) * outC * ckk, outC, ld, ckk, false, true, false);
                if (Dx is not null)
                    fixed (T* dcols = Scratch(ref t_dcols, ckk * ld))
                    {
                        Multiply(W, outBuf, dcols, ckk, outC, ld, true, false, false);
                        for (int j = 0; j < nb; j++) Col2ImAdd(dcols + j * ohw, ld, Dx + (long)(first + j) * geo.InSize, geo);
                    }
            }
        }
    }

    private static void Run<T>(Job<T> job) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int chunks = job.Chunks;
        if (chunks > 1 && Gemm.MaxDegreeOfParallelism > 1 && GemmWorkers.TryEnter())
        {
            try { GemmWorkers.Execute(job, chunks); }
            finally { GemmWorkers.Exit(); }
        }
        else
        {
            for (int c = 0; c < chunks; c++) job.RunChunk(c);
        }
    }

    // The GEMM on raw pointers; inside a chunk the workers are taken, so Gemm runs it on this thread.
    private static void Multiply<T>(T* a, T* b, T* c, int m, int k, int n, bool transA, bool transB, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Gemm.Multiply<T>(new ReadOnlySpan<T>(a, m * k), new ReadOnlySpan<T>(b, k * n), new Span<T>(c, m * n), m, k, n, transA, transB, accumulate);

    private static void Check(bool ok, string what)
    {
        if (!ok) throw new ArgumentException($"ConvKernels.{what}: buffer lengths do not match the convolution's geometry.");
    }
}
