namespace AutoGrad.Data;

/// <summary>Stateless preprocessing steps: flattening and class balancing.</summary>
public static class Preprocessing
{
    /// <summary>Flattens every example: <c>[n, d₁, …, d_r] → [n, d₁·…·d_r]</c>.</summary>
    public static Tensor Flatten(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank < 1) throw new ArgumentException("Preprocessing.Flatten: needs an example axis, got a scalar.");
        return x.Rank == 2 ? x : x.Reshape(x.Shape[0], x.Shape[0] == 0 ? 0 : x.Size / x.Shape[0]);
    }

    /// <summary>The data set with every example flattened to a vector.</summary>
    public static Dataset Flatten(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return data.WithFeatures(Flatten(data.Features));
    }

    /// <summary>
    /// Balances classes by oversampling: every class is brought up to the largest class count <c>max_c n_c</c> by
    /// drawing extra copies of its examples uniformly with replacement; the result is shuffled.
    /// </summary>
    /// <remarks>Classes with no examples stay empty. Apply to the training split only, never before splitting.</remarks>
    public static Dataset OversampleClasses(Dataset data, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(generator);
        var byClass = Splits.IndicesByClass(data);
        int target = byClass.Max(c => c.Count);
        var picked = new List<int>();
        foreach (var members in byClass)
        {
            if (members.Count == 0) continue;
            picked.AddRange(members);
            for (int i = members.Count; i < target; i++) picked.Add(members[generator.NextInt(members.Count)]);
        }
        var order = picked.ToArray();
        generator.Shuffle<int>(order);
        return data.Subset(order);
    }
}
