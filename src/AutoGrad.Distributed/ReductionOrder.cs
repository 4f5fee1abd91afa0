namespace AutoGrad.Distributed;

/// <summary>How <see cref="DistributedDataParallel"/> sums the ranks' gradients.</summary>
public enum ReductionOrder
{
    /// <summary>
    /// <c>MPI_Iallreduce</c>: Open MPI picks the algorithm (ring, tree…) by size, so the sum is the same on every rank but its
    /// rounding may differ from a single process's. Sends about <c>2(N−1)/N</c> times the gradient bytes per rank.
    /// </summary>
    Mpi,

    /// <summary>
    /// <c>MPI_Iallgather</c> of every rank's gradient, then a sum in rank order <c>((g₀ + g₁) + g₂)…</c> on every rank: bit-identical to
    /// one process accumulating the same N batches in that order. Receives <c>(N−1)</c> times the gradient bytes per rank.
    /// </summary>
    Fixed,
}
