namespace AutoGrad.Data;

/// <summary>
/// Chooses which examples of a data set a <see cref="DataLoader"/> visits in one epoch, and in what order (e.g. one rank's shard in
/// data-parallel training).
/// </summary>
public interface IIndexSampler
{
    /// <summary>How many indices <see cref="NextEpoch"/> returns for a data set of <paramref name="datasetSize"/> examples.</summary>
    int Count(int datasetSize);

    /// <summary>The indices (each in <c>[0, datasetSize)</c>) of the next epoch, in visiting order; called once per epoch on the caller's thread.</summary>
    int[] NextEpoch(int datasetSize);
}
