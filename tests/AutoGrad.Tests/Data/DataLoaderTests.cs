using AutoGrad.Data;

namespace AutoGrad.Tests.Data;

public class DataLoaderTests
{
    private static Dataset Toy(int n) =>
        new(Tensor.FromArray(Enumerable.Range(0, n * 2).Select(i => (float)i).ToArray(), n, 2), Enumerable.Range(0, n).Select(i => i % 3).ToArray());

    [Fact]
    public void Batches_cover_the_data_in_order_with_a_short_last_batch()
    {
        using var loader = new DataLoader(Toy(7), batchSize: 3);
        var batches = loader.ToList();
        Assert.Equal(3, loader.BatchCount);
        Assert.Equal([3, 3, 1], batches.Select(b => b.Count));
        Assert.Equal([6], batches[2].Indices);
        Assert.Equal([12f, 13f], batches[2].Features.ToFloatArray());
        Assert.Equal([0], batches[2].Labels);
        Assert.Equal(new Shape(1, 3), batches[2].OneHotLabels().Shape);
    }

    [Fact]
    public void Drop_last_skips_the_short_batch()
    {
        using var loader = new DataLoader(Toy(7), batchSize: 3, dropLast: true);
        Assert.Equal([3, 3], loader.Select(b => b.Count));
        Assert.Equal(2, loader.BatchCount);
    }

    [Fact]
    public void Shuffling_is_a_seeded_permutation_that_changes_every_epoch()
    {
        using var loader = new DataLoader(Toy(20), 4, shuffle: true, generator: new Generator(5));
        var epoch1 = loader.SelectMany(b => b.Indices).ToArray();
        var epoch2 = loader.SelectMany(b => b.Indices).ToArray();
        Assert.Equal(Enumerable.Range(0, 20), epoch1.Order());
        Assert.NotEqual(epoch1, epoch2);
        using var again = new DataLoader(Toy(20), 4, shuffle: true, generator: new Generator(5));
        Assert.Equal(epoch1, again.SelectMany(b => b.Indices));
        Assert.Throws<ArgumentException>(() => new DataLoader(Toy(3), 1, shuffle: true));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Prefetching_gives_the_same_batches_in_the_same_order(int prefetch)
    {
        var data = Toy(50);
        Batch Augment(Generator g, Batch b) => b with { Features = b.Features + Tensor.Randn(b.Features.Shape, g) };
        var g1 = new Generator(11); var a1 = new Generator(12);
        var g2 = new Generator(11); var a2 = new Generator(12);
        using var plain = new DataLoader(data, 8, shuffle: true, generator: g1, transform: b => Augment(a1, b));
        using var ahead = new DataLoader(data, 8, shuffle: true, generator: g2, prefetch: prefetch, transform: b => Augment(a2, b));
        for (int epoch = 0; epoch < 2; epoch++)
        {
            var p = plain.ToList();
            var q = ahead.ToList();
            Assert.Equal(p.Count, q.Count);
            for (int i = 0; i < p.Count; i++)
            {
                Assert.Equal(p[i].Indices, q[i].Indices);
                Assert.Equal(p[i].Labels, q[i].Labels);
                Assert.Equal(p[i].Features.ToFloatArray(), q[i].Features.ToFloatArray());
            }
        }
        Assert.Equal(0, ahead.RunningWorkers);
    }

    [Fact]
    public void Leaving_an_epoch_early_or_disposing_stops_the_worker()
    {
        var loader = new DataLoader(Toy(100), 2, prefetch: 2);
        using (var e = loader.GetEnumerator())
        {
            Assert.True(e.MoveNext());
            Assert.Equal([0, 1], e.Current.Indices);
        }
        Assert.Equal(0, loader.RunningWorkers);

        var open = loader.GetEnumerator();
        Assert.True(open.MoveNext());
        loader.Dispose();
        Assert.Equal(0, loader.RunningWorkers);
        Assert.Throws<ObjectDisposedException>(() => open.MoveNext());
        Assert.Throws<ObjectDisposedException>(() => loader.GetEnumerator());
    }

    [Fact]
    public void A_failing_transform_surfaces_on_the_consumer_thread()
    {
        using var loader = new DataLoader(Toy(6), 2, prefetch: 2, transform: b => b.Indices[0] == 2 ? throw new InvalidOperationException("boom") : b);
        using var e = loader.GetEnumerator();
        Assert.True(e.MoveNext());
        var ex = Assert.Throws<InvalidOperationException>(() => e.MoveNext());
        Assert.Contains("boom", ex.Message);
    }
}
