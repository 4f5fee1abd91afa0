namespace AutoGrad.Losses;

/// <summary>How per-element (or per-sample) losses <c>ℓᵢ</c> are combined.</summary>
public enum Reduction
{
    /// <summary>The average <c>(1/n)Σℓᵢ</c> (the dataset loss).</summary>
    Mean,

    /// <summary>The sum <c>Σℓᵢ</c>.</summary>
    Sum,

    /// <summary>No reduction: the tensor of <c>ℓᵢ</c>.</summary>
    None,
}
