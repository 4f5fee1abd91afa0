using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using AutoGrad.IO;
using FsCheck;
using FsCheck.Fluent;
using Xunit.Abstractions;

namespace AutoGrad.Tests.IO;

// Structured corruption of safetensors files: crafted headers (absurd ranks, sizes and offsets, wrong types, duplicate keys,
// lone surrogates), hostile JSON (deep nesting, huge numbers, invalid UTF-8), truncations and bit flips, through both the
// in-memory parser and the header-first file reader. The oracle is Fuzz.Outcomes.Check.
public sealed class SafeTensorsFuzzTests(ITestOutputHelper output) : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("autograd-st-fuzz");

    public void Dispose() => _dir.Delete(true);

    private sealed record Entry(string Name, string DType, string[] Dims, string? Offsets, string Extra);

    private static readonly string[] Names = ["w", "b", "__metadata__", "\\ud800", "x\\udc00y", "\\u00e9", "", "a.b", "\\u0000", "w"];
    private static readonly string[] DTypes = ["\"F32\"", "\"F64\"", "\"F32\"", "\"F64\"", "\"I64\"", "\"BF16\"", "\"F16\"", "\"I32\"", "\"I16\"", "\"I8\"", "\"U8\"", "\"BOOL\"", "\"U16\"", "\"F33\"", "32", "null", "[\"F32\"]", "\"\\ud800\""];
    private static readonly string[] OddDims = ["0", "65536", "2147483647", "2147483648", "4294967297", "-1", "1.5", "1e400", "\"2\"", "null", "[]"];
    private static readonly string[] OddOffsets = ["[0,4]", "[-1,3]", "[4,0]", "[0,4611686018427387904]", "[0,1e30]", "[\"0\",\"4\"]", "[0]", "[0,4,8]", "{}", "[9007199254740993,9007199254740997]"];
    private static readonly string[] Extras = ["", "", "", ",\"dtype\":\"F64\"", ",\"shape\":[1]", ",\"extra\":{\"k\":[1,2,{\"z\":null}]}", ",\"data_offsets\":[0,0]"];
    private static readonly string[] Metadata = ["", "", "\"__metadata__\":{\"format\":\"pt\"},", "\"__metadata__\":{\"a\":\"1\",\"a\":\"2\"},", "\"__metadata__\":{\"n\":1},",
        "\"__metadata__\":[],", "\"__metadata__\":{\"s\":\"\\udfff\"},", "\"__metadata__\":{\"deep\":" + new string('[', 80) + new string(']', 80) + "},"];

    private static Gen<string[]> Dims =>
        Gen.Frequency(
            (12, from rank in Gen.Choose(0, 4) from d in Gen.ArrayOf(Gen.Frequency((9, Gen.Elements("1", "2", "3")), (2, Gen.Elements(OddDims))), rank) select d),
            (1, Gen.Elements(63, 64, 65, 1000, 100_000).Select(r => Enumerable.Repeat("1", r).ToArray())));

    private static Gen<Entry> Entries =>
        from name in Gen.Frequency((8, Gen.Constant("w")), (1, Gen.Elements(Names)))
        from dtype in Gen.Frequency((8, Gen.Elements("\"F32\"", "\"F64\"")), (1, Gen.Elements(DTypes)))
        from dims in Dims
        from offsets in Gen.Frequency((5, Gen.Constant<string?>(null)), (1, Gen.Elements(OddOffsets).Select(o => (string?)o)))
        from extra in Gen.Elements(Extras)
        select new Entry(name, dtype, dims, offsets, extra);

    // The header text and the data size its consistent entries need (offsets laid end to end, as a writer would).
    private static (string Json, long DataBytes) Header(Entry[] entries, string metadata)
    {
        var sb = new StringBuilder("{").Append(metadata);
        long offset = 0;
        for (int i = 0; i < entries.Length; i++)
        {
            var e = entries[i];
            long count = 1;
            foreach (var d in e.Dims) count = long.TryParse(d, CultureInfo.InvariantCulture, out long v) && v >= 0 ? Math.Min(count * v, 1 << 20) : 1;
            long bytes = Math.Min(count, 256) * (e.DType == "\"F64\"" ? 8 : 4);
            var offsets = e.Offsets ?? $"[{offset},{offset + bytes}]";
            if (e.Offsets is null) offset += bytes;
            if (i > 0) sb.Append(',');
            sb.Append($"\"{e.Name}{(e.Name == "w" ? i.ToString(CultureInfo.InvariantCulture) : "")}\":{{\"dtype\":{e.DType},\"shape\":[{string.Join(',', e.Dims)}],\"data_offsets\":{offsets}{e.Extra}}}");
        }
        return (sb.Append('}').ToString(), offset);
    }

    private static readonly Gen<string> HostileJson = Gen.Elements(
        new string('[', 5000) + new string(']', 5000),
        new string('{', 3000),
        "{\"a\":" + new string('9', 5000) + "}",
        "{\"a\":1e999999999}",
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{}}",
        "{\"a\":\"\\ud800\\ud800\"}",
        "\"just a string\"",
        "null",
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}",
        "");

    private static byte[] Assemble(byte[] json, long dataBytes, int lengthDelta, bool hugeLength, int invalidUtf8At)
    {
        if (invalidUtf8At >= 0 && json.Length > 0) { json = (byte[])json.Clone(); json[invalidUtf8At % json.Length] = 0xC3 ^ 0x40; }
        var data = new byte[Math.Max(0, dataBytes)];
        var bytes = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, hugeLength ? ulong.MaxValue - (ulong)Math.Abs(lengthDelta) : (ulong)Math.Max(0, json.Length + lengthDelta));
        json.CopyTo(bytes, 8);
        for (int i = 0; i < data.Length; i++) data[i] = (byte)(i * 37);
        data.CopyTo(bytes, 8 + json.Length);
        return bytes;
    }

    private static Gen<byte[]> Crafted =>
        from count in Gen.Choose(0, 3)
        from entries in Gen.ArrayOf(Entries, count)
        from metadata in Gen.Frequency((4, Gen.Elements("", "\"__metadata__\":{\"format\":\"pt\"},")), (1, Gen.Elements(Metadata)))
        from hostile in Gen.Frequency((6, Gen.Constant<string?>(null)), (1, HostileJson.Select(h => (string?)h)))
        from dataDelta in Gen.Frequency((8, Gen.Constant(0)), (2, Gen.Choose(-16, 16)))
        from lengthDelta in Gen.Frequency((8, Gen.Constant(0)), (2, Gen.Choose(-8, 8)))
        from hugeLength in Gen.Frequency((20, Gen.Constant(false)), (1, Gen.Constant(true)))
        from invalidUtf8 in Gen.Frequency((12, Gen.Constant(-1)), (1, Gen.Choose(0, 1000)))
        let header = Header(entries, metadata)
        select Assemble(Encoding.UTF8.GetBytes(hostile ?? header.Json), header.DataBytes + dataDelta, lengthDelta, hugeLength, invalidUtf8);

    private void ReadBoth(byte[] bytes)
    {
        SafeTensors.Deserialize(bytes, "fuzz.safetensors");
    }

    [Fact]
    public void Crafted_headers_load_or_raise_InvalidDataException_naming_the_file()
    {
        var t = Fuzz.Run(output, "safetensors crafted headers", Crafted, 1500, "fuzz.safetensors", ReadBoth);
        Assert.True(t.Loaded > t.Total / 20, $"only {t.Loaded} of {t.Total} crafted files loaded: the generator no longer makes valid files");
        Assert.True(t.Rejected > t.Total / 4, $"only {t.Rejected} of {t.Total} crafted files were rejected");
    }

    [Fact]
    public void Crafted_headers_through_the_header_first_file_reader()
    {
        var path = Path.Combine(_dir.FullName, "fuzz.safetensors");
        var t = Fuzz.Run(output, "safetensors crafted headers, from a file", Crafted, 300, "fuzz.safetensors", bytes =>
        {
            File.WriteAllBytes(path, bytes);
            var fromFile = SafeTensors.LoadWithMetadata(path);
            var inMemory = SafeTensors.Deserialize(bytes, "fuzz.safetensors");   // the two paths must agree
            Assert.Equal(inMemory.Tensors.Keys.Order(), fromFile.Tensors.Keys.Order());
            foreach (var (k, v) in inMemory.Tensors) Assert.Equal(v.ToDoubleArray(), fromFile.Tensors[k].ToDoubleArray());
        });
        Assert.True(t.Loaded > 0 && t.Rejected > 0, t.ToString());
    }

    private static readonly byte[] Valid = SafeTensors.Serialize(new Dictionary<string, Tensor>
    {
        ["layer.weight"] = Tensor.Randn(new Shape(3, 4), new Generator(1)),
        ["layer.bias"] = Tensor.Randn(new Shape(4), new Generator(2), DType.Float64),
        ["scalar"] = Tensor.Scalar(2.5),
    }, new Dictionary<string, string> { ["epoch"] = "3" });

    [Fact]
    public void Every_truncation_of_a_valid_file_is_rejected()
    {
        var t = Fuzz.EveryTruncation(output, "safetensors every truncation", Valid, "fuzz.safetensors", ReadBoth);
        Assert.Equal(Valid.Length, t.Rejected);
    }

    [Fact]
    public void Bit_flips_in_the_header_load_or_raise_InvalidDataException()
    {
        int header = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(Valid);
        var t = Fuzz.Run(output, "safetensors header bit flips", Fuzz.BitFlips(Valid, header), 1000, "fuzz.safetensors", ReadBoth);
        Assert.True(t.Rejected > t.Total / 2, t.ToString());
    }
}
