using System.Buffers.Binary;
using System.Runtime.InteropServices;
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
/// <remarks>
/// Loading takes the dtypes PyTorch state dicts use: <c>F64</c> and <c>F32</c> as themselves; <c>F16</c> and <c>BF16</c> widened
/// exactly to float32 (NaN payloads and infinities kept); <c>I64</c> and <c>I32</c> as int64 and int32; <c>I16</c>, <c>I8</c> and
/// <c>U8</c> widened to int32; <c>BOOL</c> (one byte, 0 or 1) as bool. <c>U16</c>, <c>U32</c>, <c>U64</c> and the 8-bit floats are
/// refused. Saving writes each tensor's own dtype (<c>F32</c>, <c>F64</c>, <c>I32</c>, <c>I64</c>, <c>BOOL</c>), so a file loaded
/// from <c>F16</c> is saved back as <c>F32</c>. Anything malformed raises <see cref="InvalidDataException"/> naming the file and the fault.
/// </remarks>
public static class SafeTensors
{
    /// <summary>The largest JSON header accepted (100 MB), as in the reference implementation.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private const string MetadataKey = "__metadata__";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Writes <paramref name="tensors"/> (and optional string metadata) to a safetensors file, atomically: a crash or a
    /// concurrent save never leaves a partial file (Note [Atomic saves] in <c>IO/AtomicFile.cs</c>).</summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        AtomicFile.WriteAllBytes(path, Serialize(tensors, metadata));
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
                w.WriteString("dtype", FileName(t.DType));
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
            switch (t.DType)   // little-endian whatever the machine
            {
                case DType.Float32: foreach (var v in t.ToFloatArray()) { BinaryPrimitives.WriteSingleLittleEndian(data[pos..], v); pos += 4; } break;
                case DType.Float64: foreach (var v in t.ToDoubleArray()) { BinaryPrimitives.WriteDoubleLittleEndian(data[pos..], v); pos += 8; } break;
                case DType.Int32: foreach (var v in t.ToInt32Array()) { BinaryPrimitives.WriteInt32LittleEndian(data[pos..], v); pos += 4; } break;
                case DType.Int64: foreach (var v in t.ToInt64Array()) { BinaryPrimitives.WriteInt64LittleEndian(data[pos..], v); pos += 8; } break;
                default: foreach (var v in t.ToBoolArray()) data[pos++] = v ? (byte)1 : (byte)0; break;
            }
        }
        return result;
    }

    /// <summary>Reads the tensors of a safetensors file by name.</summary>
    /// <exception cref="InvalidDataException">The file is truncated or its header is invalid; the message names the file and the fault.</exception>
    public static Dictionary<string, Tensor> Load(string path) => new(LoadWithMetadata(path).Tensors);

    /// <summary>Reads the tensors and the <c>__metadata__</c> of a safetensors file.</summary>
    /// <remarks>Header first: the length field and the JSON header are read and fully checked against the file's length (see
    /// <see cref="Deserialize"/> for the limits) before any tensor memory is allocated; the tensors are then read straight into their buffers.</remarks>
    /// <exception cref="InvalidDataException">The file is truncated or its header is invalid; the message names the file and the fault.</exception>
    public static SafeTensorsContent LoadWithMetadata(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var source = Path.GetFileName(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        long length = file.Length;
        if (length < 8) throw Bad(source, $"truncated: {length} bytes, but the header length alone takes 8.");
        Span<byte> field = stackalloc byte[8];
        file.ReadExactly(field);
        var header = new byte[HeaderLength(field, length, source)];
        file.ReadExactly(header);
        var layout = ParseHeader(header, length - 8 - header.Length, source);
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var e in layout.Entries)   // sorted by offset, tiling the data section, so one sequential pass reads them all
            {
                if (Direct(e))   // the file's bytes are the tensor's: read straight into its buffer
                {
                    var t = Tensor.Empty(e.Shape, e.DType);
                    file.ReadExactly(RawBytes(t));
                    if (!BitConverter.IsLittleEndian) SwapToNative(t);
                    tensors[e.Name] = t;
                }
                else
                {
                    var raw = new byte[e.End - e.Begin];   // within the file's length, checked with the header
                    file.ReadExactly(raw);
                    tensors[e.Name] = Widen(e, raw, source);
                }
            }
        }
        catch (EndOfStreamException) { throw Bad(source, $"truncated: the file ended before the {length - 8 - header.Length}-byte data section did (did it change while being read?)."); }
        return new SafeTensorsContent(tensors, layout.Metadata);
    }

    /// <summary>Loads a safetensors file into <paramref name="model"/>'s parameters and buffers by name (<see cref="NN.Module.LoadStateDict"/>), all or nothing.</summary>
    /// <remarks>
    /// Values convert to each tensor's dtype (an F16, BF16 or integer weight into a float parameter, PyTorch's I64
    /// <c>num_batches_tracked</c> into BatchNorm's int64 buffer). A conversion that would lose information (a fraction into an
    /// integer buffer, an integer beyond 2^53 into float64), a missing or unexpected name or a shape mismatch is an error naming
    /// the tensors and the file, all listed at once, and the model is left unchanged.
    /// </remarks>
    /// <exception cref="InvalidDataException">The file is invalid or does not fit the model.</exception>
    public static void LoadInto(NN.Module model, string path, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        var tensors = Load(path);
        try { model.LoadStateDict(tensors, strict); }
        catch (ArgumentException e) { throw Bad(Path.GetFileName(path), e.Message); }
    }

    /// <summary>Parses safetensors bytes; <paramref name="sourceName"/> names them in error messages.</summary>
    /// <remarks>Limits: the JSON header is at most <see cref="MaxHeaderBytes"/> bytes of strict UTF-8 without duplicate keys at any level
    /// (<c>__metadata__</c> and tensor entries included) and at most 64 levels deep; a tensor has rank at most <see cref="Shape.MaxRank"/>,
    /// at most <c>int.MaxValue</c> elements (counted in 64 bits) and a dtype listed in the class remarks; its data_offsets span exactly its byte size, and the
    /// tensors tile the data section exactly (no overlap, hole or overrun).</remarks>
    /// <exception cref="InvalidDataException">The bytes are truncated or the header is invalid.</exception>
    public static SafeTensorsContent Deserialize(ReadOnlySpan<byte> bytes, string sourceName = "safetensors data")
    {
        if (bytes.Length < 8) throw Bad(sourceName, $"truncated: {bytes.Length} bytes, but the header length alone takes 8.");
        int n = HeaderLength(bytes[..8], bytes.Length, sourceName);
        var layout = ParseHeader(bytes.Slice(8, n).ToArray(), bytes.Length - 8 - n, sourceName);
        var data = bytes[(8 + n)..];
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        long pos = 0;
        foreach (var e in layout.Entries)
        {
            int count = checked((int)(e.End - e.Begin));
            var raw = data.Slice((int)pos, count);
            if (Direct(e))
            {
                var t = Tensor.Empty(e.Shape, e.DType);
                raw.CopyTo(RawBytes(t));
                if (!BitConverter.IsLittleEndian) SwapToNative(t);
                tensors[e.Name] = t;
            }
            else tensors[e.Name] = Widen(e, raw, sourceName);
            pos += count;
        }
        return new SafeTensorsContent(tensors, layout.Metadata);
    }

    private static InvalidDataException Bad(string source, string problem) => new($"{source}: {problem}");

    // FileDType is the header's spelling ("BF16"); DType is the tensor it loads into.
    private sealed record Entry(string Name, string FileDType, DType DType, Shape Shape, long Begin, long End);

    private static string FileName(DType dtype) => dtype switch
    {
        DType.Float32 => "F32",
        DType.Float64 => "F64",
        DType.Int32 => "I32",
        DType.Int64 => "I64",
        _ => "BOOL",
    };

    // The file's element size and the tensor type it loads into (see the class remarks), or null for a dtype not loaded.
    private static (int Size, DType Into)? FileType(string name) => name switch
    {
        "F64" => (8, DType.Float64),
        "F32" => (4, DType.Float32),
        "F16" or "BF16" => (2, DType.Float32),
        "I64" => (8, DType.Int64),
        "I32" => (4, DType.Int32),
        "I16" => (2, DType.Int32),
        "I8" or "U8" => (1, DType.Int32),
        "BOOL" => (1, DType.Bool),
        _ => null,
    };

    // Same bytes in the file and in memory (BOOL is not: a byte other than 0 or 1 must be refused, not become a bool).
    private static bool Direct(Entry e) => e.DType != DType.Bool && FileName(e.DType) == e.FileDType;

    private static Span<byte> RawBytes(Tensor t) => t.DType switch
    {
        DType.Float32 => MemoryMarshal.AsBytes(t.F32),
        DType.Float64 => MemoryMarshal.AsBytes(t.F64),
        DType.Int32 => MemoryMarshal.AsBytes(t.I32),
        _ => MemoryMarshal.AsBytes(t.I64),
    };

    // A narrower file type widened exactly into its tensor (little-endian reads, so the machine's byte order does not matter).
    private static Tensor Widen(Entry e, ReadOnlySpan<byte> raw, string source)
    {
        var t = Tensor.Empty(e.Shape, e.DType);
        switch (e.FileDType)
        {
            case "F16":
            {
                var y = t.F32;
                for (int i = 0; i < y.Length; i++) y[i] = (float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(raw[(2 * i)..]));
                break;
            }
            case "BF16":   // the upper half of a float32: exact, NaN payloads included
            {
                var y = t.F32;
                for (int i = 0; i < y.Length; i++) y[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(raw[(2 * i)..]) << 16);
                break;
            }
            case "I16":
            {
                var y = t.I32;
                for (int i = 0; i < y.Length; i++) y[i] = BinaryPrimitives.ReadInt16LittleEndian(raw[(2 * i)..]);
                break;
            }
            case "I8":
            {
                var y = t.I32;
                for (int i = 0; i < y.Length; i++) y[i] = (sbyte)raw[i];
                break;
            }
            case "U8":
            {
                var y = t.I32;
                for (int i = 0; i < y.Length; i++) y[i] = raw[i];
                break;
            }
            default:   // BOOL
            {
                var y = t.B8;
                for (int i = 0; i < y.Length; i++)
                    y[i] = raw[i] switch { 0 => false, 1 => true, var b => throw Bad(source, $"tensor '{e.Name}' of dtype BOOL holds the byte {b} at element {i}; a bool is 0 or 1.") };
                break;
            }
        }
        return t;
    }

    private sealed record Layout(List<Entry> Entries, Dictionary<string, string> Metadata);

    // The header length from the 8-byte field, checked against the limit and the total length before the header is read.
    private static int HeaderLength(ReadOnlySpan<byte> field, long length, string source)
    {
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(field);
        if (n > MaxHeaderBytes) throw Bad(source, $"header length {n} exceeds the {MaxHeaderBytes}-byte limit.");
        if (n > (ulong)(length - 8)) throw Bad(source, $"header length {n} is larger than the {length - 8} bytes after the length field (truncated file?).");
        return (int)n;
    }

    // Checks the whole header against the data section's length; nothing beyond the (bounded) header is allocated until every
    // entry is known to fit. The entries come back sorted by offset.
    private static Layout ParseHeader(byte[] header, long dataLength, string source)
    {
        // Strict UTF-8 first: JsonDocument accepts bad sequences inside strings and only fails later, on GetString.
        try { StrictUtf8.GetCharCount(header); }
        catch (DecoderFallbackException e) { throw Bad(source, $"the JSON header is not valid UTF-8 ({e.Message})"); }
        JsonDocument doc;
        // Duplicate keys are rejected at every level (a later entry would silently win), as is nesting deeper than 64.
        try { doc = JsonDocument.Parse(header, new JsonDocumentOptions { AllowDuplicateProperties = false, MaxDepth = 64 }); }
        catch (JsonException e) { throw Bad(source, $"invalid JSON header: {e.Message}"); }
        catch (ArgumentException e) { throw Bad(source, $"invalid JSON header: {e.Message}"); }   // e.g. invalid UTF-8 sequences
        catch (InvalidOperationException e) { throw Bad(source, $"a key in the JSON header is not valid Unicode ({e.Message})"); }   // the duplicate check decodes keys
        using var _ = doc;
        if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Bad(source, $"the JSON header must be an object, got {doc.RootElement.ValueKind}.");

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var entries = new List<Entry>();
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            var name = Name(p, source);
            if (name == MetadataKey)
            {
                if (p.Value.ValueKind != JsonValueKind.Object) throw Bad(source, $"{MetadataKey} must be an object of strings.");
                foreach (var m in p.Value.EnumerateObject())
                    metadata[Name(m, source)] = m.Value.ValueKind == JsonValueKind.String ? Text(m.Value, source) : throw Bad(source, $"{MetadataKey} entry '{m.Name}' is not a string.");
                continue;
            }
            entries.Add(ParseEntry(name, p.Value, source));
        }

        // Sorted by offset, the tensors must tile the data section exactly: no overlaps, no holes, no overrun.
        entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long expected = 0;
        foreach (var e in entries)
        {
            if (e.End > dataLength) throw Bad(source, $"tensor '{e.Name}' data_offsets [{e.Begin}, {e.End}] run past the {dataLength}-byte data section (truncated file?).");
            if (e.Begin < expected) throw Bad(source, $"tensor '{e.Name}' data_offsets [{e.Begin}, {e.End}] overlap another tensor ending at {expected}.");
            if (e.Begin > expected) throw Bad(source, $"tensor '{e.Name}' starts at {e.Begin}, leaving a hole after byte {expected} of the data section.");
            expected = e.End;
        }
        if (expected != dataLength) throw Bad(source, $"the data section has {dataLength} bytes but the tensors cover {expected}.");
        return new Layout(entries, metadata);
    }

    // JsonDocument keeps escapes such as "\ud800" (a lone surrogate) and only fails when the string is decoded.
    private static string Name(JsonProperty p, string source)
    {
        try { return p.Name; }
        catch (InvalidOperationException e) { throw Bad(source, $"a key in the JSON header is not valid Unicode ({e.Message})"); }
    }

    private static string Text(JsonElement e, string source)
    {
        try { return e.GetString()!; }
        catch (InvalidOperationException x) { throw Bad(source, $"a string in the JSON header is not valid Unicode ({x.Message})"); }
    }

    private static Entry ParseEntry(string name, JsonElement value, string source)
    {
        if (value.ValueKind != JsonValueKind.Object) throw Bad(source, $"tensor '{name}' must be described by an object, got {value.ValueKind}.");
        if (!value.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String) throw Bad(source, $"tensor '{name}' has no string 'dtype'.");
        var dtypeName = Text(dt, source);
        var (elementSize, dtype) = FileType(dtypeName) ?? (dtypeName is "F8_E4M3" or "F8_E5M2" or "U16" or "U32" or "U64"
            ? throw Bad(source, $"tensor '{name}' has dtype '{dtypeName}', which AutoGrad does not load (F64, F32, F16, BF16, I64, I32, I16, I8, U8 and BOOL).")
            : throw Bad(source, $"tensor '{name}' has unknown dtype '{Clip(dtypeName)}'."));
        if (!value.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array) throw Bad(source, $"tensor '{name}' has no 'shape' array.");
        int rank = sh.GetArrayLength();
        if (rank > Shape.MaxRank) throw Bad(source, $"tensor '{name}' has rank {rank}, more than the {Shape.MaxRank} dimensions AutoGrad allows.");
        var shape = new int[rank];
        long size = 1;
        int i = 0;
        foreach (var d in sh.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out int v) || v < 0)
                throw Bad(source, $"tensor '{name}' has shape entry {Clip(d.GetRawText())}, not a non-negative 32-bit integer.");
            shape[i++] = v;
            size = Math.Min(size * v, int.MaxValue + 1L);   // 64-bit and clamped: past int.MaxValue the tensor is too large anyway
        }
        if (size > int.MaxValue) throw Bad(source, $"tensor '{name}' has shape [{string.Join(", ", shape)}] with more than {int.MaxValue} elements.");
        Shape checkedShape;
        try { checkedShape = new Shape(shape); }   // Shape's own checks too (e.g. a zero-size shape whose leading dimensions overflow)
        catch (ArgumentException e) { throw Bad(source, $"tensor '{name}' has shape [{string.Join(", ", shape)}], which AutoGrad cannot hold ({e.Message})"); }
        if (!value.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            throw Bad(source, $"tensor '{name}' has no 'data_offsets' pair [begin, end].");
        long begin = Offset(off[0]), end = Offset(off[1]);
        if (begin < 0 || end < begin) throw Bad(source, $"tensor '{name}' has data_offsets [{Clip(off[0].GetRawText())}, {Clip(off[1].GetRawText())}], not 0 ≤ begin ≤ end.");
        long need = size * elementSize;
        if (end - begin != need)
            throw Bad(source, $"tensor '{name}' of dtype {dtypeName} and shape [{string.Join(", ", shape)}] needs {need} bytes but data_offsets [{begin}, {end}] span {end - begin}.");
        return new Entry(name, dtypeName, dtype, checkedShape, begin, end);
    }

    private static long Offset(JsonElement e) => e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out long v) ? v : -1;

    private static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "…";

    private static void SwapToNative(Tensor t)
    {
        if (t.DType is DType.Float32 or DType.Int32) { var v = MemoryMarshal.Cast<byte, int>(RawBytes(t)); BinaryPrimitives.ReverseEndianness(v, v); }
        else { var v = MemoryMarshal.Cast<byte, long>(RawBytes(t)); BinaryPrimitives.ReverseEndianness(v, v); }
    }
}
