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
