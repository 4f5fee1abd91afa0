using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AutoGrad.Kernels;

/// <summary>
/// GEMM against a right operand packed once and reused: <c>C[m×n] = (accumulate ? C : 0) + op(A)·op(B)</c> where op(B) was laid
/// out by <see cref="Pack{T}"/> into the KC×NR panels <see cref="GemmBlocked"/> packs on every call. An unrolled recurrent layer
/// multiplies the same hidden weight 64 times per sequence by 32-row states; packing it once per sequence saves 63 of those copies.
/// </summary>
/// <remarks>
/// Bit-identical to <see cref="Gemm"/> on the shapes where <see cref="Pays"/> holds (the packed path there): the panels are the
/// ones <see cref="GemmPacking.PackB"/> writes, K is blocked from 0 in steps of <see cref="GemmBlocked.KC"/> and every tile goes
/// through the same micro-kernel in the same K order; work is split only over column panels, so the thread count does not
/// change any element's rounding (GemmPrepackedTests checks all of this).
/// </remarks>
internal static unsafe class GemmPrepacked
{
    private const int AlignBytes = 64;

    // Gemm takes its packed (blocked) path for these shapes; elsewhere (narrow outputs, tiny products, no 256-bit SIMD) it
    // uses kernels with other rounding, so a prepacked product would not match it and callers use Gemm instead.
    private const long DirectThreshold = 32 * 1024;   // Gemm.DirectThreshold

    /// <summary>Whether a product of this shape takes the packed path (and so gains from a packed op(B)).</summary>
    internal static bool Pays(int m, int k, int n) =>
        m > 0 && k > 0 && n > 0 && Vector256.IsHardwareAccelerated && !(GemmSmallN.Supports(n) && (long)m * n * k >= 2048)
        && (long)m * n * k >= DirectThreshold;

    /// <summary>Elements of the packed form of a k×n op(B) (padded to whole panels, plus alignment slack).</summary>
    internal static int PackedLength<T>(int k, int n) where T : unmanaged
        => checked(k * RoundUp(n, GemmBlocked.NR<T>()) + AlignBytes / Unsafe.SizeOf<T>());

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
        int nr = GemmBlocked.NR<T>(), npad = RoundUp(n, nr);
        fixed (T* pb = b)
        fixed (T* raw = packed)
        {
            T* dst = Align(raw);
            for (int pc = 0; pc < k; pc += GemmBlocked.KC)
                GemmPacking.PackB(pb, transB ? k : n, transB, pc, 0, Math.Min(GemmBlocked.KC, k - pc), n, nr, dst + (long)pc * npad);
        }
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
            T* pb = Align(raw);
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

            Columns(pa, lda, transA, pb, pc, m, k, n, 0, n, accumulate);
        }
    }

    // Columns [j0, j0 + count) of C (j0 a multiple of NR): for each K block, each MC block of op(A) packed, then the tiles.
    private static void Columns<T>(T* a, int lda, bool transA, T* packedB, T* c, int m, int k, int n, int j0, int count, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int nr = GemmBlocked.NR<T>(), npad = RoundUp(n, nr);
        int mcCap = Math.Min(GemmBlocked.MC, RoundUp(m, GemmBlocked.MR));
        int kcCap = Math.Min(GemmBlocked.KC, k);
        T[] rented = ArrayPool<T>.Shared.Rent(mcCap * kcCap + AlignBytes / Unsafe.SizeOf<T>());
        bool wide = Vector512.IsHardwareAccelerated;
        try
        {
            fixed (T* raw = rented)
            {
                T* packA = Align(raw);
                for (int pc = 0; pc < k; pc += GemmBlocked.KC)
                {
                    int kc = Math.Min(GemmBlocked.KC, k - pc);
                    bool overwrite = !accumulate && pc == 0;
                    T* blockB = packedB + (long)pc * npad;
                    for (int ic = 0; ic < m; ic += GemmBlocked.MC)
                    {
                        int mc = Math.Min(GemmBlocked.MC, m - ic);
                        GemmPacking.PackA(a, lda, transA, ic, pc, mc, kc, packA);
                        for (int jr = j0; jr < j0 + count; jr += nr)
                        {
                            int nValid = Math.Min(nr, j0 + count - jr);
                            T* panelB = blockB + (long)jr * kc;
                            for (int ir = 0; ir < mc; ir += GemmBlocked.MR)
                            {
                                int mValid = Math.Min(GemmBlocked.MR, mc - ir);
                                T* tile = c + (long)(ic + ir) * n + jr;
                                if (wide) GemmMicroKernel.Kernel512(kc, packA + (long)ir * kc, panelB, tile, n, mValid, nValid, overwrite);
                                else GemmMicroKernel.Kernel256(kc, packA + (long)ir * kc, panelB, tile, n, mValid, nValid, overwrite);
                            }
                        }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(rented);
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
            Columns((T*)_a, _lda, _transA, (T*)_b, (T*)_c, _m, _k, _n, start, Math.Min(_step, _n - start), _accumulate);
        }
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    private static T* Align<T>(T* p) where T : unmanaged => (T*)(((nint)p + (AlignBytes - 1)) & ~(nint)(AlignBytes - 1));
}
