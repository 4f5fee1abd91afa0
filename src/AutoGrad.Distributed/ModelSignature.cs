using System.Text;
using AutoGrad.NN;

namespace AutoGrad.Distributed;

// The wrap-time check that every rank holds the same model: each rank all-gathers a line per parameter and buffer
// ("param 0.weight float32 [128, 784]"), and every rank compares all lists with rank 0's, so all ranks throw the same error.
internal static class ModelSignature
{
    public static List<string> Of(Module module) =>
    [
        .. module.NamedParameters().Select(p => $"parameter '{p.Key}' {p.Value.DType} {p.Value.Shape}"),
        .. module.NamedBuffers().Select(b => $"buffer '{b.Key}' {b.Value.DType} {b.Value.Shape}"),
    ];

    public static void Check(Module module, Communicator comm)
    {
        var mine = Of(module);
        var all = comm.AllGather(Encoding.UTF8.GetBytes(string.Join("\n", mine)));
        var root = Split(all[0]);
        for (int r = 1; r < all.Length; r++)
        {
            var other = Split(all[r]);
            if (Describe(root, other, r) is { } difference)
                throw new InvalidOperationException(
                    $"DistributedDataParallel: the model on rank {r} differs from rank 0's: {difference}. Every rank must build the same model.");
        }
    }

    private static List<string> Split(byte[] bytes) => bytes.Length == 0 ? [] : [.. Encoding.UTF8.GetString(bytes).Split('\n')];

    private static string? Describe(List<string> root, List<string> other, int rank)
    {
        for (int i = 0; i < Math.Min(root.Count, other.Count); i++)
            if (root[i] != other[i]) return $"entry {i} is {root[i]} on rank 0 but {other[i]} on rank {rank}";
        if (root.Count == other.Count) return null;
        var longer = root.Count > other.Count ? root : other;
        return $"rank 0 has {root.Count} parameters and buffers, rank {rank} has {other.Count} (first unmatched: {longer[Math.Min(root.Count, other.Count)]})";
    }
}
