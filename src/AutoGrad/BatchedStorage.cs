using AutoGrad.Memory;

namespace AutoGrad.Differentiation;

// A batched tensor's data, beside Tensor so that the recorder can refuse one (Recorder.Record); the rules that compute with
// batched tensors are in Ops/Batching.cs and Ops/Batching.Rules.cs (Note [Batched tensors] in Ops/Batching.cs).
internal sealed class BatchedStorage : Storage
{
    public BatchedStorage(Tensor real, int[] levels)
        : base(real.DType switch
        {
            DType.Float32 => Array.Empty<float>(), DType.Float64 => Array.Empty<double>(), DType.Int32 => Array.Empty<int>(),
            DType.Int64 => Array.Empty<long>(), _ => Array.Empty<bool>(),
        })
    {
        Real = real;
        Levels = levels;
    }

    /// <summary>The real tensor: batch axes (one per level, ascending) then the logical axes.</summary>
    public readonly Tensor Real;

    /// <summary>The vmap levels this tensor varies along, ascending; never empty.</summary>
    public readonly int[] Levels;
}

/// <summary>An op met a batched tensor it has no batching rule for in this form; Vmap falls back to a loop.</summary>
internal sealed class BatchingUnsupportedException(string op, string why) : Exception($"Vmap: {op} has no batching rule for {why}.")
{
    public string Op { get; } = op;
}
