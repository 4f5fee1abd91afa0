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
/// Convolution forward and backward on the batch, one sample at a time, the samples shared out over the GEMM workers
/// (<see cref="GemmWorkers"/>) so that both cores run im2col, the product and col2im alike (the products inside run serially).
/// A sample's column matrix is (C·KH·KW, OH·OW): <c>cols[(c,u,v), (i,j)] = x[c, i·s + u, j·s + v]</c>, so that
/// <c>yₙ = W·colsₙ</c> (W as (out, C·KH·KW)) lands in NCHW order with no transposed copy, and for stride 1 every row of
/// the column matrix is copied from (and col2im added back to) runs of OW contiguous input elements.
/// </summary>
/// <remarks>
/// Work is cut into fixed chunks of samples, each written by exactly one thread; the weight gradient sums fixed chunks
/// into their own partial sums, added in chunk order afterwards, so results do not depend on which thread ran what.
/// </remarks>
internal static unsafe class ConvKernels
{
    // Chunks of the weight gradient: each owns an (out, C·KH·KW) partial sum. Fixed, so the sum's order is too.
    private const int WeightChunks = 4;

    /// <summary><c>y = W·colsₙ (+ b)</c> for every sample n; <paramref name="cols"/> receives every sample's column matrix.</summary>
    internal static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> bias, Span<T> y, Span<T> cols, ConvGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(x.Length == g.N * g.InSize && w.Length == g.OutC * g.Ckk && y.Length == g.N * g.OutC * g.Ohw
            && cols.Length == g.N * g.Ckk * g.Ohw && (bias.Length == 0 || bias.Length == g.OutC), "Forward");
        fixed (T* px = x, pw = w, pb = bias, py = y, pc = cols)
            Run(new Job<T>(Kind.Forward, g, g.N) { X = px, W = pw, B = bias.Length == 0 ? null : pb, Y = py, Cols = pc });
    }

    /// <summary><c>dx = col2im(Wᵀ·gₙ)</c> for every sample: <paramref name="dx"/> (N, C, H, W) is overwritten.</summary>
    internal static void BackwardData<T>(ReadOnlySpan<T> grad, ReadOnlySpan<T> w, Span<T> dx, ConvGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(grad.Length == g.N * g.OutC * g.Ohw && w.Length == g.OutC * g.Ckk && dx.Length == g.N * g.InSize, "BackwardData");
        dx.Clear();
        fixed (T* pg = grad, pw = w, pdx = dx)
            Run(new Job<T>(Kind.BackwardData, g, g.N) { G = pg, W = pw, Dx = pdx });
    }

    /// <summary><c>dW = Σₙ gₙ·colsₙᵀ</c> from the column matrices saved by <see cref="Forward{T}"/>; <paramref name="dw"/> is overwritten.</summary>
    internal static void BackwardWeight<T>(ReadOnlySpan<T> grad, ReadOnlySpan<T> cols, Span<T> dw, ConvGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(grad.Length == g.N * g.OutC * g.Ohw && cols.Length == g.N * g.Ckk * g.Ohw && dw.Length == g.OutC * g.Ckk, "BackwardWeight");
        int chunks = Math.Min(WeightChunks, g.N), size = dw.Length;
        if (chunks == 0) { dw.Clear(); return; }
        var partials = ArrayPool<T>.Shared.Rent(Math.Max(1, (chunks - 1) * size));   // chunk 0 sums into dw itself
        try
        {
            fixed (T* pg = grad, pc = cols, pdw = dw, pp = partials)
                Run(new Job<T>(Kind.BackwardWeight, g, chunks) { G = pg, Cols = pc, Dw = pdw, Partials = pp });
            for (int c = 1; c < chunks; c++) TensorPrimitives.Add(dw, partials.AsSpan((c - 1) * size, size), dw);
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

    /// <summary>One sample's column matrix (C·KH·KW, OH·OW) from its (C, H, W) input.</summary>
    internal static void Im2Col<T>(T* x, T* cols, in ConvGeometry g) where T : unmanaged
    {
        int s = g.Stride, ow = g.OW;
        T* row = cols;
        for (int c = 0; c < g.C; c++)
            for (int u = 0; u < g.KH; u++)
                for (int v = 0; v < g.KW; v++)
                {
                    T* src = x + (c * g.H + u) * g.W + v;
                    for (int i = 0; i < g.OH; i++, row += ow)
                    {
                        T* line = src + i * s * g.W;
                        if (s == 1) new ReadOnlySpan<T>(line, ow).CopyTo(new Span<T>(row, ow));
                        else for (int j = 0; j < ow; j++) row[j] = line[j * s];
                    }
                }
    }

    /// <summary>The adjoint of <see cref="Im2Col{T}"/>: adds one sample's column matrix back into its (C, H, W) gradient.</summary>
    internal static void Col2ImAdd<T>(T* cols, T* dx, in ConvGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int s = g.Stride, ow = g.OW;
        T* row = cols;
        for (int c = 0; c < g.C; c++)
            for (int u = 0; u < g.KH; u++)
                for (int v = 0; v < g.KW; v++)
                {
                    T* dst = dx + (c * g.H + u) * g.W + v;
                    for (int i = 0; i < g.OH; i++, row += ow)
                    {
                        T* line = dst + i * s * g.W;
                        if (s == 1)
                        {
                            var d = new Span<T>(line, ow);
                            TensorPrimitives.Add(d, new ReadOnlySpan<T>(row, ow), d);
                        }
                        else for (int j = 0; j < ow; j++) line[j * s] += row[j];
                    }
                }
    }

    private enum Kind { Forward, BackwardData, BackwardWeight }

    // One call's work. A new object per call (a few dozen bytes), so concurrent callers never share one.
    private sealed class Job<T>(Kind kind, ConvGeometry g, int chunks) : GemmJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        [ThreadStatic] private static T[]? t_scratch;

        internal readonly Kind Kind = kind;
        internal readonly ConvGeometry Geometry = g;
        internal readonly int Chunks = chunks;
        internal T* X, W, B, Y, Cols, G, Dx, Dw, Partials;

        internal override void RunChunk(int chunk)
        {
            var geo = Geometry;
            int ckk = geo.Ckk, ohw = geo.Ohw, outC = geo.OutC;
            int per = (geo.N + Chunks - 1) / Chunks, first = chunk * per, last = Math.Min(geo.N, first + per);
            switch (Kind)
            {
                case Kind.Forward:
                    for (int n = first; n < last; n++)
                    {
                        T* cols = Cols + (long)n * ckk * ohw, y = Y + (long)n * outC * ohw;
                        Im2Col(X + (long)n * geo.InSize, cols, geo);
                        Multiply(W, cols, y, outC, ckk, ohw, false, false, false);
                        if (B is not null)
                            for (int o = 0; o < outC; o++)
                            {
                                var row = new Span<T>(y + (long)o * ohw, ohw);
                                TensorPrimitives.Add(row, B[o], row);
                            }
                    }
                    break;
                case Kind.BackwardData:
                {
                    int size = ckk * ohw;
                    var scratch = t_scratch is { } s && s.Length >= size ? s : t_scratch = new T[size];
                    fixed (T* dcols = scratch)
                        for (int n = first; n < last; n++)
                        {
                            Multiply(W, G + (long)n * outC * ohw, dcols, ckk, outC, ohw, true, false, false);
                            Col2ImAdd(dcols, Dx + (long)n * geo.InSize, geo);
                        }
                    break;
                }
                default:
                {
                    T* sum = chunk == 0 ? Dw : Partials + (long)(chunk - 1) * outC * ckk;
                    for (int n = first; n < last; n++)
                        Multiply(G + (long)n * outC * ohw, Cols + (long)n * ckk * ohw, sum, outC, ohw, ckk, false, true, n != first);
                    if (first >= last) new Span<T>(sum, outC * ckk).Clear();
                    break;
                }
            }
        }
    }

    private static void Run<T>(Job<T> job) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (job.Chunks > 1 && Gemm.MaxDegreeOfParallelism > 1 && GemmWorkers.TryEnter())
        {
            try { GemmWorkers.Execute(job, job.Chunks); }
            finally { GemmWorkers.Exit(); }
        }
        else
        {
            for (int c = 0; c < job.Chunks; c++) job.RunChunk(c);
        }
    }

    // The GEMM on raw pointers; inside a chunk the workers are taken, so Gemm runs it on this thread.
    private static void Multiply<T>(T* a, T* b, T* c, int m, int k, int n, bool transA, bool transB, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
            Gemm.Multiply(new ReadOnlySpan<float>(a, m * k), new ReadOnlySpan<float>(b, k * n), new Span<float>(c, m * n), m, k, n, transA, transB, accumulate);
        else if (typeof(T) == typeof(double))
            Gemm.Multiply(new ReadOnlySpan<double>(a, m * k), new ReadOnlySpan<double>(b, k * n), new Span<double>(c, m * n), m, k, n, transA, transB, accumulate);
        else throw new NotSupportedException($"ConvKernels: element type {typeof(T).Name} is not float or double.");
    }

    private static void Check(bool ok, string what)
    {
        if (!ok) throw new ArgumentException($"ConvKernels.{what}: buffer lengths do not match the convolution's geometry.");
    }
}
