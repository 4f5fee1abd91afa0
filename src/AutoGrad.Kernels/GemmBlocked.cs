using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AutoGrad.Kernels;

/// <summary>
/// Single-threaded BLIS-style GEMM on a strided sub-problem: B is packed into KC×NR panels
/// (kept in L3/L2), A into MR-row panels (kept in L2), and a register-blocked micro-kernel
/// multiplies one MR×NR tile of C at a time.
/// </summary>
/// <remarks>
/// The K loop is blocked from 0 in steps of <see cref="KC"/> regardless of the sub-problem, which
/// is what lets callers split C across threads without changing any element's rounding.
/// </remarks>
internal static unsafe class GemmBlocked
{
    internal const int MR = 8;
    internal const int KC = 256;
    internal const int MC = 128;

    // Packed buffers are aligned to a cache line so every Vector512 load of a panel is a single line.
    private const int AlignBytes = 64;

    /// <summary>Micro-tile width: two Vector512 registers per row (32 floats or 16 doubles).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int NR<T>() where T : unmanaged => 2 * Vector512<T>.Count;

    // 2 MB of packed B: large enough that N up to 2048 floats is packed once per K block.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int NC<T>() where T : unmanaged => (2 << 20) / (KC * Unsafe.SizeOf<T>()) / NR<T>() * NR<T>();

    // Note [Kernels optimized at the first call]
    // A kernel with loops starts in tier-0 code, whose Vector512 operations are calls, and is replaced only once tiered
    // compilation has counted its calls and recompiled it in the background; on a busy 2-core host that took most of the
    // first training epoch (issue 14, cold start). The hot loop kernels (GEMM packing and macro-kernel, the narrow GEMM
    // (the transposes inline into the packing), Adam and SGD, cross-entropy, ReLU's mask, row gathers, axis sums) are therefore marked
    // AggressiveOptimization: compiled fully optimized at their first call. They make no virtual or interface calls, so
    // dynamic PGO, which such methods forgo, has little to specialise in them. Same IL, same roundings.
    /// <summary>
    /// C = (accumulate ? C : 0) + op(A)·op(B) where op(A)[i,p] = transA ? a[p*lda+i] : a[i*lda+p]
    /// and op(B)[p,j] = transB ? b[j*ldb+p] : b[p*ldb+j]; C has row stride <paramref name="ldc"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Multiply<T>(T* a, int lda, bool transA, T* b, int ldb, bool transB, T* c, int ldc,
        int m, int k, int n, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int nr = NR<T>();
        int ncMax = NC<T>();
        int pad = AlignBytes / Unsafe.SizeOf<T>();
        int mcCap = Math.Min(MC, RoundUp(m, MR));
        int ncCap = Math.Min(ncMax, RoundUp(n, nr));
        int kcCap = Math.Min(KC, k);
        T[] packARented = ArrayPool<T>.Shared.Rent(mcCap * kcCap + pad);
        T[] packBRented = ArrayPool<T>.Shared.Rent(ncCap * kcCap + pad);
        try
        {
            fixed (T* rawA = packARented)
            fixed (T* rawB = packBRented)
            {
                T* packA = Align(rawA);
                T* packB = Align(rawB);
                for (int jc = 0; jc < n; jc += ncMax)
                {
                    int nc = Math.Min(ncMax, n - jc);
                    for (int pc = 0; pc < k; pc += KC)
                    {
                        int kc = Math.Min(KC, k - pc);
                        bool overwrite = !accumulate && pc == 0;
                        GemmPacking.PackB(b, ldb, transB, pc, jc, kc, nc, nr, packB);
                        for (int ic = 0; ic < m; ic += MC)
                        {
                            int mc = Math.Min(MC, m - ic);
                            GemmPacking.PackA(a, lda, transA, ic, pc, mc, kc, packA);
                            MacroKernel(packA, packB, c + (long)ic * ldc + jc, ldc, mc, kc, nc, nr, overwrite);
                        }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(packBRented);
            ArrayPool<T>.Shared.Return(packARented);
        }
    }

    /// <summary>Length of op(B) (k×n) packed whole by <see cref="PackBPanels"/>: every K block's KC×NR panels, one block after another.</summary>
    internal static long PackedBLength<T>(int k, int n) where T : unmanaged => (long)RoundUp(n, NR<T>()) * k;

    /// <summary>
    /// Packs columns [j0, j0 + count) of op(B) (k×n, n ≤ NC, j0 a multiple of NR) into <paramref name="packed"/> laid out as
    /// <see cref="MultiplyPackedB"/> reads it: K block pc at <c>packed + pc·RoundUp(n, NR)</c>, panel jr at <c>+ jr·kc</c>,
    /// exactly what <see cref="Multiply"/> packs for that block (Note [One packed B for every row chunk] in Gemm.cs).
    /// </summary>
    internal static void PackBPanels<T>(T* b, int ldb, bool transB, int k, int n, int j0, int count, T* packed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int nr = NR<T>();
        long ncRound = RoundUp(n, nr);
        for (int pc = 0; pc < k; pc += KC)
        {
            int kc = Math.Min(KC, k - pc);
            GemmPacking.PackB(b, ldb, transB, pc, j0, kc, count, nr, packed + pc * ncRound + (long)j0 * kc);
        }
    }

    /// <summary>
    /// <see cref="Multiply"/> for n ≤ NC with op(B) already packed by <see cref="PackBPanels"/>: the same K blocks, A panels
    /// and micro-tiles in the same order, so every element of C rounds exactly as there.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void MultiplyPackedB<T>(T* a, int lda, bool transA, T* packedB, T* c, int ldc, int m, int k, int n, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int nr = NR<T>();
        long ncRound = RoundUp(n, nr);
        int pad = AlignBytes / Unsafe.SizeOf<T>();
        int mcCap = Math.Min(MC, RoundUp(m, MR));
        int kcCap = Math.Min(KC, k);
        T[] packARented = ArrayPool<T>.Shared.Rent(mcCap * kcCap + pad);
        try
        {
            fixed (T* rawA = packARented)
            {
                T* packA = Align(rawA);
                for (int pc = 0; pc < k; pc += KC)
                {
                    int kc = Math.Min(KC, k - pc);
                    bool overwrite = !accumulate && pc == 0;
                    T* packB = packedB + pc * ncRound;
                    for (int ic = 0; ic < m; ic += MC)
                    {
                        int mc = Math.Min(MC, m - ic);
                        GemmPacking.PackA(a, lda, transA, ic, pc, mc, kc, packA);
                        MacroKernel(packA, packB, c + (long)ic * ldc, ldc, mc, kc, n, nr, overwrite);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(packARented);
        }
    }

    // jr outer, ir inner: one KC×NR panel of B stays in L1 while the MR-row panels of A stream from L2.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MacroKernel<T>(T* packA, T* packB, T* c, int ldc, int mc, int kc, int nc, int nr, bool overwrite)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool wide = Vector512.IsHardwareAccelerated;
        for (int jr = 0; jr < nc; jr += nr)
        {
            int nValid = Math.Min(nr, nc - jr);
            T* panelB = packB + (long)jr * kc;
            for (int ir = 0; ir < mc; ir += MR)
            {
                int mValid = Math.Min(MR, mc - ir);
                T* panelA = packA + (long)ir * kc;
                T* tile = c + (long)ir * ldc + jr;
                if (wide)
                {
                    GemmMicroKernel.Kernel512(kc, panelA, panelB, tile, ldc, mValid, nValid, overwrite);
                }
                else
                {
                    GemmMicroKernel.Kernel256(kc, panelA, panelB, tile, ldc, mValid, nValid, overwrite);
                }
            }
        }
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    private static T* Align<T>(T* p) where T : unmanaged => (T*)(((nint)p + (AlignBytes - 1)) & ~(nint)(AlignBytes - 1));
}
