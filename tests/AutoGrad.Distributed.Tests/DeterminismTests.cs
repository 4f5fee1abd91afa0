namespace AutoGrad.Distributed.Tests;

// N ranks with batch b per rank against one process with batch N·b (issue 17, item 3). The worker trains a 12-16-16-3 MLP with
// SGD + momentum on seeded data; every rank writes its final weights, and the tests compare the bytes.
public sealed class DeterminismTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("ddp-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Out => _dir.FullName;

    private float[][] RankWeights(int ranks) => [.. Enumerable.Range(0, ranks).Select(r => MpiRun.ReadFloats(Path.Combine(Out, $"rank{r}.bin")))];

    [TheoryWithMpi]
    [InlineData(2)]
    [InlineData(3)]
    public void Fixed_order_gives_the_bits_of_one_process_running_the_ranks_batches_in_rank_order(int ranks)
    {
        var (code, output) = MpiRun.Ranks(ranks, "train", "fixed", "12", "8", "1", Out);
        Assert.True(code == 0, output);
        Assert.Equal(0, MpiRun.Single("reference", ranks.ToString(), "12", "8", "1", Out).Code);
        var reference = MpiRun.ReadFloats(Path.Combine(Out, "reference.bin"));
        Assert.Equal(531, reference.Length);
        foreach (var w in RankWeights(ranks)) Assert.Equal(reference, w);
        // The weights moved: training happened (the initial weights are not the result).
        Assert.Equal(0, MpiRun.Single("full", ranks.ToString(), "0", "8", Out).Code);
        var initial = MpiRun.ReadFloats(Path.Combine(Out, "full.bin"));
        Assert.True(reference.Zip(initial).Max(p => Math.Abs(p.First - p.Second)) > 1e-3);
    }

    [FactWithMpi]
    public void Mpi_all_reduce_on_3_ranks_matches_one_process_with_batch_3b_to_float_rounding()
    {
        var (code, output) = MpiRun.Ranks(3, "train", "mpi", "12", "8", "1", Out);
        Assert.True(code == 0, output);
        Assert.Equal(0, MpiRun.Single("full", "3", "12", "8", Out).Code);
        var full = MpiRun.ReadFloats(Path.Combine(Out, "full.bin"));
        var ranks = RankWeights(3);
        Assert.Equal(ranks[0], ranks[1]);   // MPI's reduction gives every rank the same sum
        Assert.Equal(ranks[0], ranks[2]);
        double maxDiff = full.Zip(ranks[0]).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(maxDiff < 2e-5, $"max |Δw| = {maxDiff}");
    }

    [FactWithMpi]
    public void No_sync_accumulation_averages_the_accumulated_gradients()
    {
        // Two micro-batches per step, the first under NoSync: the ranks' accumulated gradients are averaged.
        var (code, output) = MpiRun.Ranks(2, "train", "fixed", "6", "8", "2", Out);
        Assert.True(code == 0, output);
        Assert.Equal(0, MpiRun.Single("reference", "2", "6", "8", "2", Out).Code);
        var reference = MpiRun.ReadFloats(Path.Combine(Out, "reference.bin"));
        foreach (var w in RankWeights(2)) Assert.Equal(reference, w);
        // Each synchronised step reduced 2124 gradient bytes (531 floats) once, not once per micro-batch.
        Assert.Contains("rank 0: 2 buckets, 2124 gradient bytes per step, 12744 bytes reduced", output);
    }

    [FactWithMpi]
    public void SyncBatchNorm_on_2_ranks_matches_BatchNorm_on_the_whole_batch_in_one_process()
    {
        // Per-rank batches of 4: local statistics would differ visibly from the batch of 8's.
        var (code, output) = MpiRun.Ranks(2, "train-bn", "10", "4", Out);
        Assert.True(code == 0, output);
        Assert.Equal(0, MpiRun.Single("full-bn", "2", "10", "4", Out).Code);
        var full = MpiRun.ReadFloats(Path.Combine(Out, "full.bin"));
        var ranks = RankWeights(2);
        Assert.Equal(16 * 12 + 16 + 16 + 16 + 3 * 16 + 3 + 16 + 16 + 1, full.Length);   // weights, then running mean, variance and num_batches_tracked
        Assert.Equal(ranks[0], ranks[1]);
        double maxDiff = full.Zip(ranks[0]).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(maxDiff < 2e-5, $"max |Δ| = {maxDiff}");
        // The control: an ordinary BatchNorm1d stays local to each rank's 4 examples and ends elsewhere.
        (code, output) = MpiRun.Ranks(2, "train-localbn", "10", "4", Out);
        Assert.True(code == 0, output);
        double localDiff = full.Zip(RankWeights(2)[0]).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(localDiff > 1e-3, $"local statistics: max |Δ| = {localDiff}");
    }
}
