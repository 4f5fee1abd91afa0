using AutoGrad.Kernels;

namespace AutoGrad.Tests.Kernels;

// Mutates Gemm.MaxDegreeOfParallelism and claims the worker pool, so it shares the GemmTests collection.
[Collection("Gemm")]
public class GemmWorkersTests
{
    private sealed class RecordingJob(int throwingChunk) : GemmJob
    {
        internal readonly int[] Runs = new int[8];

        internal override void RunChunk(int chunk)
        {
            Interlocked.Increment(ref Runs[chunk]);
            if (chunk == throwingChunk)
            {
                throw new InvalidOperationException($"chunk {chunk} failed");
            }
        }
    }

    [Fact]
    public void Every_chunk_runs_once_and_a_chunk_exception_reaches_the_caller()
    {
        if (GemmWorkers.WorkerCount == 0)
        {
            return;   // single-core machine: there is no pool, Gemm always runs serially
        }

        // Tests in other collections may be multiplying at this moment; wait for the pool to be free.
        Assert.True(SpinWait.SpinUntil(GemmWorkers.TryEnter, TimeSpan.FromSeconds(30)));
        var job = new RecordingJob(throwingChunk: 5);
        try
        {
            var ex = Assert.Throws<InvalidOperationException>(() => GemmWorkers.Execute(job, 8));
            Assert.Equal("chunk 5 failed", ex.Message);
        }
        finally
        {
            GemmWorkers.Exit();
        }

        Assert.All(job.Runs, runs => Assert.Equal(1, runs));

        // The pool is usable again after the failure.
        Assert.True(SpinWait.SpinUntil(GemmWorkers.TryEnter, TimeSpan.FromSeconds(30)));
        var clean = new RecordingJob(throwingChunk: -1);
        try
        {
            GemmWorkers.Execute(clean, 8);
        }
        finally
        {
            GemmWorkers.Exit();
        }

        Assert.All(clean.Runs, runs => Assert.Equal(1, runs));
    }

    [Fact]
    public void Concurrent_callers_get_the_same_bits_as_a_serial_run()
    {
        // 2·300·300·300 = 54 MFLOP (packed path) and 2·2000·200·12 = 9.6 MFLOP (narrow path): both parallel-size.
        var rng = new Random(9);
        float[] a = GemmReference.RandomFloats(rng, 300 * 300), b = GemmReference.RandomFloats(rng, 300 * 300);
        double[] an = GemmReference.RandomDoubles(rng, 2000 * 200), bn = GemmReference.RandomDoubles(rng, 200 * 12);
        int saved = Gemm.MaxDegreeOfParallelism;
        float[] expected = new float[300 * 300];
        double[] expectedNarrow = new double[2000 * 12];
        try
        {
            Gemm.MaxDegreeOfParallelism = 1;
            Gemm.Multiply(a, b, expected, 300, 300, 300);
            Gemm.Multiply(an, bn, expectedNarrow, 2000, 200, 12, transA: false, transB: false);
            Gemm.MaxDegreeOfParallelism = 2;
            var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
            var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
            {
                for (int iter = 0; iter < 10; iter++)
                {
                    if (t % 2 == 0)
                    {
                        var c = new float[300 * 300];
                        Gemm.Multiply(a, b, c, 300, 300, 300);
                        if (!c.AsSpan().SequenceEqual(expected))
                        {
                            failures.Add($"thread {t} iteration {iter}: packed product differs");
                        }
                    }
                    else
                    {
                        var c = new double[2000 * 12];
                        Gemm.Multiply(an, bn, c, 2000, 200, 12);
                        if (!c.AsSpan().SequenceEqual(expectedNarrow))
                        {
                            failures.Add($"thread {t} iteration {iter}: narrow product differs");
                        }
                    }
                }
            })).ToList();
            threads.ForEach(th => th.Start());
            threads.ForEach(th => th.Join());
            Assert.Empty(failures);
        }
        finally
        {
            Gemm.MaxDegreeOfParallelism = saved;
        }

        Assert.Contains(expected, v => v != 0f);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Packed_product_is_bit_identical_for_one_two_and_four_threads(bool transA, bool transB)
    {
        // 2·200·333·150 ≈ 20 MFLOP; m > n splits rows, and four chunks on a two-core machine exercise chunk stealing.
        const int m = 200, k = 333, n = 150;
        var rng = new Random(17);
        double[] a = GemmReference.RandomDoubles(rng, m * k);
        double[] b = GemmReference.RandomDoubles(rng, k * n);
        double[] c0 = GemmReference.RandomDoubles(rng, m * n);
        double[][] results = GemmReference.RunWithThreadCounts([1, 2, 4],
            () => (double[])c0.Clone(), c => Gemm.Multiply(a, b, c, m, k, n, transA, transB, accumulate: true));
        GemmReference.AssertBitIdentical(results[0], results[1]);
        GemmReference.AssertBitIdentical(results[0], results[2]);
        GemmReference.AssertClose(GemmReference.Naive(a, b, c0, m, k, n, transA, transB, true), results[2],
            1e-14 * (k + 1), "packed parallel");
    }
}
