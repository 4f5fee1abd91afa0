using System.Numerics;

namespace AutoGrad.Kernels;

/// <summary>
/// GEMM against a right operand packed once and reused: <c>C[m×n] = (accumulate ? C : 0) + op(A)·op(B)</c> where op(B) was laid
/// out by <see cref="Pack{T}"/> into the KC×NR panels <see cref="GemmBlocked"/> packs on every call. An unrolled recurrent layer
/// multiplies the same hidden weight 64 times per sequence by 32-row states; packing it once per sequence saves 63 of those copies.
/// </summary>
/// <remarks>
/// Bit-identical to <see cref="Gemm"/> on the shapes where <see cref="Pays"/> holds (the packed path there): the packing is
/// <see cref="GemmBlocked.PackBPanels"/> and the product <see cref="GemmBlocked.MultiplyPackedB"/>, the same panels, K blocks and
/// micro-tiles as <see cref="GemmBlocked.Multiply"/>; work is split only over column panels, so the thread count does not
/// change any element's rounding (GemmPrepackedTests checks all of this).
/// </remarks>
internal static unsafe class GemmPrepacked
{
    /// <summary>Whether a product of this shape takes the packed path (and so gains from a packed op(B)).</summary>
    internal static bool Pays(int m, int k, int n) => m > 0 && k > 0 && n > 0 && Gemm.TakesPackedPath(m, k, n);

    /// <summary>Elements of the packed form of a k×n op(B) (padded to whole panels, plus alignment slack).</summary>
    internal static int PackedLength<T>(int k, int n) where T : unmanaged
        => checked((int)GemmBlocked.PackedBLength<T>(k, n) + GemmBlocked.AlignSlack<T>());

    /// <summary>
    /// A buffer for the packed form of a k×n op(B): pinned, because the panels start at the first 64-byte boundary of the
    /// array, which must not move between <see cref="Pack{T}"/> and <see cref="Multiply{T}"/>.
    /// </summary>
    internal static T[] Allocate<T>(int k, int n) where T : unmanaged
        => GC.AllocateUninitializedArray<T>(PackedLength<T>(k, n), pinned: true);

    /// <summary>Packs op(B) (stored k×n, or n×k when <paramref name="transB"/>) into <paramref name="packed"/>, made by <see cref="Allocate{T}"/>.</summary>
    internal static void Pack<T>(ReadOnlySpan<T> b, int k, int n, bool transB, T[] packed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (k <= 0 || n <= 0) throw new ArgumentException($"GemmPrepacked.Pack: dimensions must be positive (k={k}, n={n}).");
        if (b.Length < (long)k * n) throw new ArgumentException($"GemmPrepacked.Pack: B has {b.Length} elements but k*n = {k}*{n} are required.", nameof(b));
        if (packed.Length < PackedLength<T>(k, n)) throw new ArgumentException($"GemmPrepacked.Pack: the packed buffer has {packed.Length} elements, {PackedLength<T>(k, n)} needed.", nameof(packed));
        fixed (T* pb = b)
        fixed (T* raw = packed)
            GemmBlocked.PackBPanels(pb, transB ? k : n, transB, k, n, 0, n, GemmBlocked.Align(raw));
    }

    /// <summary>C = (accumulate ? C : 0) + op(A)·op(B) for op(B) packed by <see cref="Pack{T}"/> with the same k and n.</summary>
    internal static void Multiply<T>(ReadOnlySpan<T> a, T[] packed, Span<T> c, int m, int k, int n, bool transA, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m <= 0 || k <= 0 || n <= 0) throw new ArgumentException($"GemmPrepacked.Multiply: dimensions must be positive (m={m}, k={k}, n={n}).");
        if (a.Length < (long)m * k) throw new ArgumentException($"GemmPrepacked.Multiply: A has {a.Length} elements but m*k = {m}*{k} are required.", nameof(a));
        if (c.Length < (long)m * n) throw new ArgumentException($"GemmPrepacked.Multiply: C has {c.Length} elements but m*n = {m}*{n} are required.", nameof(c));
        if (packed.Length < PackedLength<T>(k, n)) throw new ArgumentException($"GemmPrepacked.Multiply: the packed B has {packed.Length} elements, {PackedLength<T>(k, n)} needed for k={k}, n={n}.", nameof(packed));
        int nr = GemmBlocked.NR<T>();
        int lda = transA ? m : k;
        int workers = Math.Max(1, Gemm.MaxDegreeOfParallelism);
        bool parallel = workers > 1 && 2L * m * n * k >= Gemm.ParallelFlopThreshold;
        fixed (T* pa = a)
        fixed (T* raw = packed)
        fixed (T* pc = c)
        {
            T* pb = GemmBlocked.Align(raw);
            int panels = (n + nr - 1) / nr;
            int chunks = parallel ? Math.Min(workers, panels) : 1;
            int step = (panels + chunks - 1) / chunks * nr;
            chunks = (n + step - 1) / step;
            if (chunks > 1 && GemmWorkers.TryEnter())
            {
                try
                {
                    Job<T>.Instance.Set(pa, lda, transA, pb, pc, m, k, n, accumulate, step);
                    GemmWorkers.Execute(Job<T>.Instance, chunks);
                }
                finally
                {
                    GemmWorkers.Exit();
                }

                return;
            }

            GemmBlocked.MultiplyPackedB(pa, lda, transA, pb, pc, n, m, k, n, accumulate);
        }
    }

    // The parallel form: fixed runs of column panels, one per chunk (reused instance, as GemmJobs' jobs).
    private sealed class Job<T> : GemmJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        internal static readonly Job<T> Instance = new();

        private nint _a, _b, _c;
        private int _lda, _m, _k, _n, _step;
        private bool _transA, _accumulate;

        internal void Set(T* a, int lda, bool transA, T* packedB, T* c, int m, int k, int n, bool accumulate, int step)
        {
            (_a, _b, _c) = ((nint)a, (nint)packedB, (nint)c);
            (_lda, _m, _k, _n, _step) = (lda, m, k, n, step);
            (_transA, _accumulate) = (transA, accumulate);
        }

        internal override void RunChunk(int chunk)
        {
            int start = chunk * _step;
            GemmBlocked.MultiplyPackedB((T*)_a, _lda, _transA, (T*)_b, (T*)_c, _n, _m, _k, _n, _accumulate, start, Math.Min(_step, _n - start));
        }
    }
}
