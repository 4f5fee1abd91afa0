using AutoGrad.Data;

namespace AutoGrad.Distributed.Tests;

// The sampler needs no MPI: rank and size are plain numbers.
public sealed class DistributedSamplerTests
{
    [Theory]
    [InlineData(2, 10)]
    [InlineData(3, 10)]
    [InlineData(3, 12)]
    public void Shards_are_disjoint_and_cover_the_epoch_padded_to_a_multiple_of_the_ranks(int ranks, int n)
    {
        var shards = Enumerable.Range(0, ranks).Select(r => new DistributedSampler(r, ranks, new Generator(9)).NextEpoch(n)).ToArray();
        int each = (n + ranks - 1) / ranks;
        Assert.All(shards, s => Assert.Equal(each, s.Length));
        var all = shards.SelectMany(s => s).ToList();
        Assert.Equal(Enumerable.Range(0, n), all.Distinct().Order());           // every example is visited
        Assert.Equal(each * ranks - n, all.Count - all.Distinct().Count());      // only the padding repeats
    }

    [Fact]
    public void Batch_k_of_the_ranks_together_is_batch_k_of_one_loader_with_batch_N_b_and_the_same_seed()
    {
        var data = new Dataset(Tensor.Arange(24).Reshape(24, 1), Enumerable.Range(0, 24).Select(i => i % 2).ToArray());
        const int ranks = 3, b = 2;
        var single = new DataLoader(data, ranks * b, shuffle: true, generator: new Generator(5));
        var loaders = Enumerable.Range(0, ranks).Select(r => new DataLoader(data, b) { Sampler = new DistributedSampler(r, ranks, new Generator(5)) }).ToArray();
        for (int epoch = 0; epoch < 2; epoch++)   // the second epoch draws a new order on every rank, as the single loader does
        {
            var whole = single.Select(x => x.Indices.Order().ToArray()).ToList();
            var parts = loaders.Select(l => l.Select(x => x.Indices).ToList()).ToArray();
            Assert.Equal(4, whole.Count);
            Assert.All(parts, p => Assert.Equal(4, p.Count));
            for (int k = 0; k < whole.Count; k++)
                Assert.Equal(whole[k], parts.SelectMany(p => p[k]).Order().ToArray());
        }
    }

    [Fact]
    public void A_rank_outside_the_job_and_a_shuffling_loader_with_a_sampler_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DistributedSampler(3, 3, null));
        var data = new Dataset(Tensor.Arange(4).Reshape(4, 1), [0, 1, 0, 1]);
        var e = Assert.Throws<ArgumentException>(() => new DataLoader(data, 2, shuffle: true, generator: new Generator(1)) { Sampler = new DistributedSampler(0, 2, null) });
        Assert.Contains("do not also shuffle", e.Message);
    }
}
