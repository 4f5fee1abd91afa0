using System.Numerics;

namespace AutoGrad.Kernels;

/// <summary>
/// The two parallel GEMM jobs. One instance per element type is reused (only the holder of
/// <see cref="GemmWorkers"/> fills it), so a parallel call allocates nothing. Pointers are stored as nint;
/// the caller keeps the operands pinned until <see cref="GemmWorkers.Execute"/> returns.
/// </summary>
internal static unsafe class GemmJobs
{
    /// <summary>Packed-path product split into fixed runs of C rows (multiples of MR) or columns (multiples of NR).</summary>
    internal sealed class Blocked<T> : GemmJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        internal static readonly Blocked<T> Instance = new();

        private nint _a, _b, _c;
        private int _lda, _ldb, _m, _k, _n, _step, _extent;
        private bool _transA, _transB, _accumulate, _splitRows;

        internal void Set(T* a, int lda, bool transA, T* b, int ldb, bool transB, T* c, int m, int k, int n,
            bool accumulate, bool splitRows, int step)
        {
            (_a, _b, _c) = ((nint)a, (nint)b, (nint)c);
            (_lda, _ldb, _m, _k, _n) = (lda, ldb, m, k, n);
            (_transA, _transB, _accumulate, _splitRows) = (transA, transB, accumulate, splitRows);
            _step = step;
            _extent = splitRows ? m : n;
        }

        internal override void RunChunk(int chunk)
        {
            int start = chunk * _step;
            int count = Math.Min(_step, _extent - start);
            T* a = (T*)_a, b = (T*)_b, c = (T*)_c;
            if (_splitRows)
            {
                T* subA = _transA ? a + start : a + (long)start * _lda;
                GemmBlocked.Multiply(subA, _lda, _transA, b, _ldb, _transB, c + (long)start * _n, _n,
                    count, _k, _n, _accumulate);
            }
            else
            {
                T* subB = _transB ? b + (long)start * _ldb : b + start;
                GemmBlocked.Multiply(a, _lda, _transA, subB, _ldb, _transB, c + start, _n,
                    _m, _k, count, _accumulate);
            }
        }
    }

    /// <summary>Narrow-output product (op(B) already packed) split into fixed runs of C rows.</summary>
    // Packs a chunk of op(B)'s NR-column panels for every K block (Note [One packed B for every row chunk] in Gemm.cs).
    internal sealed class PackB<T> : GemmJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        internal static readonly PackB<T> Instance = new();

        private nint _b, _packed;
        private int _ldb, _k, _n, _step;
        private bool _transB;

        internal void Set(T* b, int ldb, bool transB, int k, int n, T* packed, int step)
        {
            (_b, _packed) = ((nint)b, (nint)packed);
            (_ldb, _k, _n, _step, _transB) = (ldb, k, n, step, transB);
        }

        internal override void RunChunk(int chunk)
        {
            int start = chunk * _step;
            GemmBlocked.PackBPanels((T*)_b, _ldb, _transB, _k, _n, start, Math.Min(_step, _n - start), (T*)_packed);
        }
    }

    // Row chunks of C against one op(B) packed whole beforehand (Note [One packed B for every row chunk] in Gemm.cs).
    internal sealed class RowsOnPackedB<T> : GemmJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        internal static readonly RowsOnPackedB<T> Instance = new();

        private nint _a, _packed, _c;
        private int _lda, _m, _k, _n, _step;
        private bool _transA, _accumulate;

        internal void Set(T* a, int lda, bool transA, T* packed, T* c, int m, int k, int n, bool accumulate, int step)
        {
            (_a, _packed, _c) = ((nint)a, (nint)packed, (nint)c);
            (_lda, _m, _k, _n, _step) = (lda, m, k, n, step);
            (_transA, _accumulate) = (transA, accumulate);
        }

        internal override void RunChunk(int chunk)
        {
            int start = chunk * _step;
            int count = Math.Min(_step, _m - start);
            T* a = (T*)_a;
            T* subA = _transA ? a + start : a + (long)start * _lda;
            GemmBlocked.MultiplyPackedB(subA, _lda, _transA, (T*)_packed, (T*)_c + (long)start * _n, _n, count, _k, _n, _accumulate);
        }
    }

    internal sealed class SmallN<T> : GemmJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        internal static readonly SmallN<T> Instance = new();

        private nint _a, _packedB, _c;
        private int _lda, _m, _k, _n, _step;
        private bool _transA, _accumulate;

        internal void Set(T* a, int lda, bool transA, T* packedB, T* c, int m, int k, int n, bool accumulate, int step)
        {
            (_a, _packedB, _c) = ((nint)a, (nint)packedB, (nint)c);
            (_lda, _m, _k, _n, _step) = (lda, m, k, n, step);
            (_transA, _accumulate) = (transA, accumulate);
        }

        internal override void RunChunk(int chunk)
        {
            int start = chunk * _step;
            int count = Math.Min(_step, _m - start);
            GemmSmallN.MultiplyRows((T*)_a, _lda, _transA, (T*)_packedB, (T*)_c, _n, start, count, _k, _n, _accumulate);
        }
    }
}
