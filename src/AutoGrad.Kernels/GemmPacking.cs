using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AutoGrad.Kernels;

/// <summary>
/// Copies blocks of op(A) and op(B) into the panel layouts the micro-kernel streams through.
/// Transposition is absorbed here, so a transposed operand never needs its own transposed copy.
/// Panels are zero-padded to full MR/NR width so the micro-kernel never branches on edges;
/// the padding only ever feeds C elements that are discarded on write-back.
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>
    /// Packs op(A)[ic..ic+mc, pc..pc+kc] as consecutive MR-row panels; within a panel,
    /// element (r, p) lives at p*MR + r.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void PackA<T>(T* a, int lda, bool transA, int ic, int pc, int mc, int kc, T* dst)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int mr = GemmBlocked.MR;
        int ir0 = 0;
        if (transA && Vector256.IsHardwareAccelerated)
        {
            // Stored k×m: two adjacent panels share each source line, so they are filled together and every
            // line is read once; filling all panels per p instead thrashed L1 (panel starts are 4 KB-aliased).
            int pairs = mc / (2 * mr) * (2 * mr);
            for (int ir = 0; ir < pairs; ir += 2 * mr)
            {
                T* src = a + (long)pc * lda + ic + ir;
                T* d0 = dst + (long)ir * kc;
                T* d1 = d0 + (long)mr * kc;
                for (int p = 0; p < kc; p++, d0 += mr, d1 += mr)
                {
                    T* sp = src + (long)p * lda;
                    for (int r = 0; r < mr; r += Vector256<T>.Count)
                    {
                        Vector256.Store(Vector256.Load(sp + r), d0 + r);
                        Vector256.Store(Vector256.Load(sp + mr + r), d1 + r);
                    }
                }
            }

            ir0 = pairs;
        }

        for (int ir = ir0; ir < mc; ir += mr)
        {
            int rows = Math.Min(mr, mc - ir);
            T* panel = dst + (long)ir * kc;
            if (transA)
            {
                // Stored k×m: the MR values needed for one p are adjacent in memory.
                T* src = a + (long)pc * lda + ic + ir;
                for (int p = 0; p < kc; p++)
                {
                    T* s = src + (long)p * lda;
                    T* d = panel + p * mr;
                    int r = 0;
                    if (rows == mr && Vector256.IsHardwareAccelerated)
                    {
                        // MR values are 8 floats (one ymm) or 8 doubles (two ymm).
                        for (; r < mr; r += Vector256<T>.Count)
                        {
                            Vector256.Store(Vector256.Load(s + r), d + r);
                        }
                    }

                    for (; r < rows; r++)
                    {
                        d[r] = s[r];
                    }

                    for (; r < mr; r++)
                    {
                        d[r] = T.Zero;
                    }
                }
            }
            else if (rows == mr)
            {
                // Writing the panel p-major from eight read streams avoids strided stores, which made
                // a row-at-a-time copy several times slower; full 8×8 blocks go through registers.
                T* s0 = a + (long)(ic + ir) * lda + pc;
                int p = GemmTranspose.Strip8(s0, lda, kc, panel, mr);
                T* s1 = s0 + lda, s2 = s1 + lda, s3 = s2 + lda, s4 = s3 + lda, s5 = s4 + lda, s6 = s5 + lda, s7 = s6 + lda;
                T* d = panel + p * mr;
                for (; p < kc; p++, d += mr)
                {
                    d[0] = s0[p];
                    d[1] = s1[p];
                    d[2] = s2[p];
                    d[3] = s3[p];
                    d[4] = s4[p];
                    d[5] = s5[p];
                    d[6] = s6[p];
                    d[7] = s7[p];
                }
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    T* d = panel + p * mr;
                    int r = 0;
                    for (; r < rows; r++)
                    {
                        d[r] = a[(long)(ic + ir + r) * lda + pc + p];
                    }

                    for (; r < mr; r++)
                    {
                        d[r] = T.Zero;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Packs op(B)[pc..pc+kc, jc..jc+nc] as consecutive KC×NR panels; within a panel,
    /// element (p, j) lives at p*NR + j.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void PackB<T>(T* b, int ldb, bool transB, int pc, int jc, int kc, int nc, int nr, T* dst)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            T* panel = dst + (long)jr * kc;
            if (transB)
            {
                // Stored n×k: groups of 8 stored rows (columns of op(B)) are transposed through registers;
                // leftovers read each stored row contiguously.
                int j = 0;
                for (; j + 8 <= cols; j += 8)
                {
                    T* s = b + (long)(jc + jr + j) * ldb + pc;
                    int done = GemmTranspose.Strip8(s, ldb, kc, panel + j, nr);
                    for (int r = 0; r < 8; r++)
                    {
                        T* sr = s + (long)r * ldb;
                        for (int p = done; p < kc; p++)
                        {
                            panel[p * nr + j + r] = sr[p];
                        }
                    }
                }

                for (; j < cols; j++)
                {
                    T* s = b + (long)(jc + jr + j) * ldb + pc;
                    T* d = panel + j;
                    for (int p = 0; p < kc; p++)
                    {
                        d[p * nr] = s[p];
                    }
                }

                for (; j < nr; j++)
                {
                    for (int p = 0; p < kc; p++)
                    {
                        panel[p * nr + j] = T.Zero;
                    }
                }
            }
            else if (cols == nr && Vector512.IsHardwareAccelerated)
            {
                T* src = b + (long)pc * ldb + jc + jr;
                int w = Vector512<T>.Count;
                for (int p = 0; p < kc; p++)
                {
                    T* s = src + (long)p * ldb;
                    T* d = panel + p * nr;
                    Vector512.Store(Vector512.Load(s), d);
                    Vector512.Store(Vector512.Load(s + w), d + w);
                }
            }
            else
            {
                T* src = b + (long)pc * ldb + jc + jr;
                for (int p = 0; p < kc; p++)
                {
                    T* s = src + (long)p * ldb;
                    T* d = panel + p * nr;
                    int j = 0;
                    for (; j < cols; j++)
                    {
                        d[j] = s[j];
                    }

                    for (; j < nr; j++)
                    {
                        d[j] = T.Zero;
                    }
                }
            }
        }
    }
}
