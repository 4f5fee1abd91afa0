using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace AutoGrad.IO;

/// <summary>The contents of a safetensors file: named tensors and the free-form string metadata.</summary>
/// <param name="Tensors">The tensors by name.</param>
/// <param name="Metadata">The <c>__metadata__</c> entries (empty when the file has none).</param>
public sealed record SafeTensorsContent(IReadOnlyDictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, string> Metadata);

/// <summary>
/// Reads and writes the safetensors format: an 8-byte little-endian header length <c>N</c>, <c>N</c> bytes of
/// UTF-8 JSON <c>{"name": {"dtype", "shape", "data_offsets": [b, e]}, "__metadata__": {…}}</c>, then the
/// little-endian tensor bytes, offsets counted from the start of that data section.
/// </summary>
/// <remarks>F32 and F64 tensors are supported. Files written by other tools (PyTorch, NumPy, Rust) are read as long as
/// their tensors are F32 or F64; anything malformed raises <see cref="InvalidDataException"/> naming the file and the fault.</remarks>
public static class SafeTensors
{
    /// <summary>The largest JSON header accepted (100 MB), as in the reference implementation.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private const string MetadataKey = "__metadata__";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Writes <paramref name="tensors"/> (and optional string metadata) to a safetensors file.</summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        File.WriteAllBytes(path, Serialize(tensors, metadata));
    }

    /// <summary>The safetensors bytes of <paramref name="tensors"/>: header length, space-padded JSON header (a multiple of 8 bytes), data.</summary>
    public static byte[] Serialize(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var names = tensors.Keys.Order(StringComparer.Ordinal).ToArray();
        using var json = new MemoryStream();
        long offset = 0;
        using (var w = new Utf8JsonWriter(json))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject(MetadataKey);
                foreach (var (k, v) in metadata) w.WriteString(k, v);
                w.WriteEndObject();
            }
            foreach (var name in names)
            {
                if (name == MetadataKey) throw new ArgumentException($"SafeTensors.Save: '{MetadataKey}' is reserved and cannot name a tensor.");
                var t = tensors[name] ?? throw new ArgumentException($"SafeTensors.Save: tensor '{name}' is null.");
                long bytes = (long)t.Size * t.DType.ElementSize();
                w.WriteStartObject(name);
                w.WriteString("dtype", t.DType == DType.Float32 ? "F32" : "F64");
                w.WriteStartArray("shape");
                foreach (var d in t.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + bytes);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += bytes;
            }
            w.WriteEndObject();
        }
        int headerLength = (int)((json.Length + 7) / 8 * 8);
        var result = new byte[8 + headerLength + offset];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)headerLength);
        json.ToArray().CopyTo(result, 8);
        result.AsSpan(8 + (int)json.Length, headerLength - (int)json.Length).Fill((byte)' ');
        var data = result.AsSpan(8 + headerLength);
        int pos = 0;
        foreach (var name in names)
        {
            var t = tensors[name];
            if (t.DType == DType.Float32)
                foreach (var v in t.ToFloatArray()) { BinaryPrimitives.WriteSingleLittleEndian(data[pos..], v); pos += 4; }
            else
                foreach (var v in t.ToDoubleArray()) { BinaryPrimitives.WriteDoubleLittleEndian(data[pos..], v); pos += 8; }
        }
        return result;
    }

    /// <summary>Reads the tensors of a safetensors file by name.</summary>
    /// <exception cref="InvalidDataException">The file is truncated or its header is invalid; the message names the file and the fault.</exception>
    public static Dictionary<string, Tensor> Load(string path) => new(LoadWithMetadata(path).Tensors);

    /// <summary>Reads the tensors and the <c>__metadata__</c> of a safetensors file.</summary>
    /// <exception cref="InvalidDataException">The file is truncated or its header is invalid; the message names the file and the fault.</exception>
    public static SafeTensorsContent LoadWithMetadata(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Deserialize(File.ReadAllBytes(path), Path.GetFileName(path));
    }

    /// <summary>Parses safetensors bytes; <paramref name="sourceName"/> names them in error messages.</summary>
    /// <exception cref="InvalidDataException">The bytes are truncated or the header is invalid.</exception>
    public static SafeTensorsContent Deserialize(ReadOnlySpan<byte> bytes, string sourceName = "safetensors data")
    {
        InvalidDataException Bad(string problem) => new($"{sourceName}: {problem}");

        if (bytes.Length < 8) throw Bad($"truncated: {bytes.Length} bytes, but the header length alone takes 8.");
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (n > MaxHeaderBytes) throw Bad($"header length {n} exceeds the {MaxHeaderBytes}-byte limit.");
        if (n > (ulong)(bytes.Length - 8)) throw Bad($"header length {n} is larger than the {bytes.Length - 8} bytes after the length field (truncated file?).");
        var header = bytes.Slice(8, (int)n);
        var data = bytes[(8 + (int)n)..];

        // Strict UTF-8 first: JsonDocument accepts bad sequences inside strings and only fails later, on GetString.
        try { StrictUtf8.GetCharCount(header); }
        catch (DecoderFallbackException e) { throw Bad($"the JSON header is not valid UTF-8 ({e.Message})"); }
        JsonDocument doc;
        try { doc = JsonDocument.Parse(header.ToArray()); }
        catch (JsonException e) { throw Bad($"invalid JSON header: {e.Message}"); }
        catch (ArgumentException e) { throw Bad($"invalid JSON header: {e.Message}"); }   // e.g. invalid UTF-8 sequences
        using var _ = doc;
        if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Bad($"the JSON header must be an object, got {doc.RootElement.ValueKind}.");

        var metadata = new Dictionary<string, string>();
        var entries = new List<(string Name, DType DType, int[] Shape, long Begin, long End)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            if (!seen.Add(p.Name)) throw Bad($"the header names '{p.Name}' twice.");
            if (p.Name == MetadataKey)
            {
                if (p.Value.ValueKind != JsonValueKind.Object) throw Bad($"{MetadataKey} must be an object of strings.");
                foreach (var m in p.Value.EnumerateObject())
                    metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : throw Bad($"{MetadataKey} entry '{m.Name}' is not a string.");
                continue;
            }
            entries.Add(ParseEntry(p.Name, p.Value, Bad));
        }

        // Sorted by offset, the tensors must tile the data section exactly: no overlaps, no holes, no overrun.
        long expected = 0;
        foreach (var e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (e.End > data.Length) throw Bad($"tensor '{e.Name}' data_offsets [{e.Begin}, {e.End}] run past the {data.Length}-byte data section (truncated file?).");
            if (e.Begin < expected) throw Bad($"tensor '{e.Name}' data_offsets [{e.Begin}, {e.End}] overlap another tensor ending at {expected}.");
            if (e.Begin > expected) throw Bad($"tensor '{e.Name}' starts at {e.Begin}, leaving a hole after byte {expected} of the data section.");
            expected = e.End;
        }
        if (expected != data.Length) throw Bad($"the data section has {data.Length} bytes but the tensors cover {expected}.");

        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var e in entries)
        {
            var span = data[(int)e.Begin..(int)e.End];
            if (e.DType == DType.Float32)
            {
                var v = new float[span.Length / 4];
                for (int i = 0; i < v.Length; i++) v[i] = BinaryPrimitives.ReadSingleLittleEndian(span[(4 * i)..]);
                tensors[e.Name] = e.Shape.Length == 0 ? Tensor.Scalar(v[0], DType.Float32) : Tensor.FromArray(v, e.Shape);
            }
            else
            {
                var v = new double[span.Length / 8];
                for (int i = 0; i < v.Length; i++) v[i] = BinaryPrimitives.ReadDoubleLittleEndian(span[(8 * i)..]);
                tensors[e.Name] = e.Shape.Length == 0 ? Tensor.Scalar(v[0], DType.Float64) : Tensor.FromArray(v, e.Shape);
            }
        }
        return new SafeTensorsContent(tensors, metadata);
    }

    private static (string, DType, int[], long, long) ParseEntry(string name, JsonElement value, Func<string, InvalidDataException> bad)
    {
        if (value.ValueKind != JsonValueKind.Object) throw bad($"tensor '{name}' must be described by an object, got {value.ValueKind}.");
        if (!value.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String) throw bad($"tensor '{name}' has no string 'dtype'.");
        var dtype = dt.GetString() switch
        {
            "F32" => DType.Float32,
            "F64" => DType.Float64,
            "F16" or "BF16" or "F8_E4M3" or "F8_E5M2" or "I8" or "I16" or "I32" or "I64" or "U8" or "U16" or "U32" or "U64" or "BOOL"
                => throw bad($"tensor '{name}' has dtype '{dt.GetString()}', which AutoGrad does not load (only F32 and F64)."),
            var other => throw bad($"tensor '{name}' has unknown dtype '{other}'."),
        };
        if (!value.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array) throw bad($"tensor '{name}' has no 'shape' array.");
        var shape = new List<int>();
        long size = 1;
        foreach (var d in sh.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out int v) || v < 0)
                throw bad($"tensor '{name}' has shape entry {d.GetRawText()}, not a non-negative 32-bit integer.");
            shape.Add(v);
            size = Math.Min(size * v, int.MaxValue + 1L);   // clamp: past int.MaxValue the tensor is too large anyway
        }
        if (size > int.MaxValue) throw bad($"tensor '{name}' has shape [{string.Join(", ", shape)}] with more than {int.MaxValue} elements.");
        if (!value.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            throw bad($"tensor '{name}' has no 'data_offsets' pair [begin, end].");
        long begin = Offset(off[0]), end = Offset(off[1]);
        if (begin < 0 || end < begin) throw bad($"tensor '{name}' has data_offsets [{off[0].GetRawText()}, {off[1].GetRawText()}], not 0 ≤ begin ≤ end.");
        long need = size * dtype.ElementSize();
        if (end - begin != need)
            throw bad($"tensor '{name}' of dtype {dt.GetString()} and shape [{string.Join(", ", shape)}] needs {need} bytes but data_offsets [{begin}, {end}] span {end - begin}.");
        return (name, dtype, shape.ToArray(), begin, end);
    }

    private static long Offset(JsonElement e) => e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out long v) ? v : -1;
}
