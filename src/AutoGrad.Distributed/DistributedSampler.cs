using AutoGrad.Data;

namespace AutoGrad.Distributed;

/// <summary>
/// Rank r's shard of each epoch: the epoch's order of all n examples is drawn exactly as a single-process shuffling
/// <see cref="DataLoader"/> draws it (one <c>generator.Shuffle</c> of <c>0…n−1</c> per epoch, from a generator seeded the same on
/// every rank), padded by repeating its start to a multiple of N, and rank r takes positions <c>r, r+N, r+2N, …</c>.
/// </summary>
/// <remarks>
/// The shards are disjoint (apart from the padding) and cover the epoch, and batch k of every rank's loader with batch size b is
/// together exactly batch k of a single-process loader with batch size N·b and the same seed: positions <c>kNb … (k+1)Nb − 1</c>.
/// Use it as <c>new DataLoader(data, b) { Sampler = new DistributedSampler(comm, new Generator(seed)) }</c> and list the generator
/// in <c>Trainer.Generators</c> so a checkpoint resumes the same orders.
/// </remarks>
public sealed class DistributedSampler : IIndexSampler
{
    private readonly Generator? _generator;

    /// <summary>Rank <paramref name="rank"/>'s shard among <paramref name="ranks"/>; shuffled each epoch from <paramref name="generator"/>, in order when it is null.</summary>
    public DistributedSampler(int rank, int ranks, Generator? generator)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ranks, 1);
        if ((uint)rank >= (uint)ranks) throw new ArgumentOutOfRangeException(nameof(rank), $"DistributedSampler: rank {rank} is not in [0, {ranks}).");
        (Rank, Ranks, _generator) = (rank, ranks, generator);
    }

    /// <summary>This rank's shard of <paramref name="communicator"/>'s job.</summary>
    public DistributedSampler(Communicator communicator, Generator? generator) : this(communicator.Rank, communicator.Size, generator) { }

    /// <summary>The rank whose shard this is.</summary>
    public int Rank { get; }

    /// <summary>The number of shards N.</summary>
    public int Ranks { get; }

    /// <summary><c>⌈n/N⌉</c>: every rank gets the same number of examples.</summary>
    public int Count(int datasetSize) => (datasetSize + Ranks - 1) / Ranks;

    /// <summary>This rank's indices for the next epoch.</summary>
    public int[] NextEpoch(int datasetSize)
    {
        if (datasetSize < 1) throw new ArgumentException("DistributedSampler: the data set is empty.");
        var order = Enumerable.Range(0, datasetSize).ToArray();
        _generator?.Shuffle<int>(order);
        var shard = new int[Count(datasetSize)];
        for (int i = 0; i < shard.Length; i++) shard[i] = order[(Rank + i * Ranks) % datasetSize];
        return shard;
    }
}
