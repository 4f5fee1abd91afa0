using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace AutoGrad.IO;

// Note [Checkpoint checksum]
// A flipped bit in a tensor's bytes still parses as a valid float, so a damaged checkpoint would load and train on silently
// wrong weights or moments. Checkpoint.Serialize therefore stores __metadata__["checksum"] = "sha256:" + the hex SHA-256 of a
// canonical form of everything else in the file: each tensor in ordinal name order (name, dtype, rank, dimensions, the
// little-endian element bytes), then each metadata entry except the checksum in ordinal key order (key, value), every string
// and array length-prefixed so no two different payloads share an encoding. The hash is over the parsed content, not the file's
// bytes, so it is independent of header padding and of the order of JSON keys. Validation recomputes it before any other check;
// a file without the entry (written before the checksum existed) is still accepted, by design, and is checked by meaning only.
internal static class CheckpointChecksum
{
    public const string Key = "checksum";
    private const string Prefix = "sha256:";

    public static string Compute(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var number = new byte[8];
        void Long(long v) { BinaryPrimitives.WriteInt64LittleEndian(number, v); hash.AppendData(number); }
        void Text(string s) { var b = Encoding.UTF8.GetBytes(s); Long(b.Length); hash.AppendData(b); }

        Long(tensors.Count);
        foreach (var name in tensors.Keys.Order(StringComparer.Ordinal))
        {
            var t = tensors[name];
            Text(name);
            Text(t.DType.Name());
            Long(t.Rank);
            foreach (var d in t.Shape) Long(d);
            // Element bytes as safetensors stores them (little-endian); .NET runs little-endian on every supported CPU.
            if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Checkpoint checksums assume a little-endian machine.");
            var bytes = t.DType == DType.Float32 ? MemoryMarshal.AsBytes(t.ToFloatArray().AsSpan()) : MemoryMarshal.AsBytes(t.ToDoubleArray().AsSpan());
            Long(bytes.Length);
            hash.AppendData(bytes);
        }
        var keys = metadata.Keys.Where(k => k != Key).Order(StringComparer.Ordinal).ToList();
        Long(keys.Count);
        foreach (var k in keys) { Text(k); Text(metadata[k]); }
        return Prefix + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Null when the content carries no checksum or a matching one; otherwise what is wrong.</summary>
    public static string? Problem(SafeTensorsContent content)
    {
        if (!content.Metadata.TryGetValue(Key, out var stored)) return null;
        if (!stored.StartsWith(Prefix, StringComparison.Ordinal))
            return $"the checksum '{stored}' is not of the form '{Prefix}<64 hex digits>'";
        var actual = Compute(content.Tensors, content.Metadata);
        return string.Equals(actual, stored, StringComparison.OrdinalIgnoreCase) ? null
            : $"checksum mismatch: the file records {stored} but its tensors and metadata hash to {actual}; the file is damaged or was edited";
    }
}
