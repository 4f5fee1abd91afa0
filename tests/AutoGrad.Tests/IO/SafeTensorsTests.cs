using System.Buffers.Binary;
using System.Text;
using AutoGrad.IO;

namespace AutoGrad.Tests.IO;

public class SafeTensorsTests
{
    // Bytes laid out by hand as another tool would write them: metadata first, tensors in arbitrary key order,
    // header padded with spaces, little-endian data with offsets relative to the data section.
    internal static byte[] HandBuilt(string? headerOverride = null, int padTo = 8, byte[]? dataOverride = null)
    {
        var header = headerOverride ??
            """{"__metadata__":{"format":"pt","step":"7"},"b":{"dtype":"F64","shape":[2],"data_offsets":[8,24]},"a":{"dtype":"F32","shape":[1,2],"data_offsets":[0,8]}}""";
        var json = Encoding.UTF8.GetBytes(header);
        int n = (json.Length + padTo - 1) / padTo * padTo;
        var data = dataOverride ?? new byte[24];
        if (dataOverride is null)
        {
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(0), 1.5f);
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4), -2f);
            BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(8), 3.25);
            BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(16), 1e-300);
        }
        var bytes = new byte[8 + n + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)n);
        json.CopyTo(bytes, 8);
        bytes.AsSpan(8 + json.Length, n - json.Length).Fill((byte)' ');
        data.CopyTo(bytes, 8 + n);
        return bytes;
    }

    [Fact]
    public void Reads_a_file_another_tool_wrote()
    {
        var c = SafeTensors.Deserialize(HandBuilt(padTo: 64), "other.safetensors");
        Assert.Equal(new Shape(1, 2), c.Tensors["a"].Shape);
        Assert.Equal(DType.Float32, c.Tensors["a"].DType);
        Assert.Equal([1.5f, -2f], c.Tensors["a"].ToFloatArray());
        Assert.Equal(DType.Float64, c.Tensors["b"].DType);
        Assert.Equal([3.25, 1e-300], c.Tensors["b"].ToDoubleArray());
        Assert.Equal("pt", c.Metadata["format"]);
        Assert.Equal("7", c.Metadata["step"]);
        Assert.Equal(2, c.Tensors.Count);
    }

    [Fact]
    public void Round_trips_f32_f64_scalars_and_empty_tensors_through_a_file()
    {
        var tensors = new Dictionary<string, Tensor>
        {
            ["layer.0.weight"] = Tensor.Randn(new Shape(3, 4), new Generator(1)),
            ["layer.0.bias"] = Tensor.Randn(new Shape(4), new Generator(2), DType.Float64),
            ["step"] = Tensor.Scalar(42, DType.Float64),
            ["empty"] = Tensor.Zeros(new Shape(0, 5)),
        };
        var path = Path.Combine(Path.GetTempPath(), $"autograd-{Guid.NewGuid():N}.safetensors");
        try
        {
            SafeTensors.Save(path, tensors, new Dictionary<string, string> { ["epoch"] = "3" });
            var bytes = File.ReadAllBytes(path);
            Assert.Equal(0UL, BinaryPrimitives.ReadUInt64LittleEndian(bytes) % 8);
            var back = SafeTensors.LoadWithMetadata(path);
            Assert.Equal("3", back.Metadata["epoch"]);
            foreach (var (name, t) in tensors)
            {
                Assert.Equal(t.Shape, back.Tensors[name].Shape);
                Assert.Equal(t.DType, back.Tensors[name].DType);
                Assert.Equal(t.ToDoubleArray(), back.Tensors[name].ToDoubleArray());
            }
            Assert.Equal(Shape.Scalar, SafeTensors.Load(path)["step"].Shape);
        }
        finally { File.Delete(path); }
    }

    public static TheoryData<string, byte[]> BadFiles()
    {
        var ok = HandBuilt();
        byte[] WithLength(ulong n) { var b = (byte[])ok.Clone(); BinaryPrimitives.WriteUInt64LittleEndian(b, n); return b; }
        return new TheoryData<string, byte[]>
        {
            { "truncated: 5 bytes", ok[..5] },
            { "is larger than the", WithLength(100_000) },
            { "exceeds the 100000000-byte limit", WithLength(200_000_000) },
            { "invalid JSON header", HandBuilt("""{"a":{"dtype":"F32",""") },
            { "unknown dtype 'F33'", HandBuilt("""{"a":{"dtype":"F33","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F64","shape":[2],"data_offsets":[8,24]}}""") },
            { "has dtype 'U16', which AutoGrad does not load", HandBuilt("""{"a":{"dtype":"U16","shape":[1],"data_offsets":[0,8]},"b":{"dtype":"F64","shape":[2],"data_offsets":[8,24]}}""") },
            { "run past the 24-byte data section", HandBuilt("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F64","shape":[3],"data_offsets":[8,32]}}""") },
            { "overlap another tensor", HandBuilt("""{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"b":{"dtype":"F64","shape":[2],"data_offsets":[8,24]}}""") },
            { "needs 12 bytes but data_offsets [0, 8] span 8", HandBuilt("""{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]},"b":{"dtype":"F64","shape":[2],"data_offsets":[8,24]}}""") },
            { "leaving a hole", HandBuilt("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"b":{"dtype":"F64","shape":[2],"data_offsets":[8,24]}}""") },
            { "Duplicate property 'a'", HandBuilt("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"F64","shape":[2],"data_offsets":[8,24]}}""") },
            { "must be an object", HandBuilt("[1,2,3]") },
        };
    }

    [Theory, MemberData(nameof(BadFiles))]
    public void Bad_files_are_rejected_naming_file_and_fault(string fault, byte[] bytes)
    {
        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Deserialize(bytes, "bad.safetensors"));
        Assert.StartsWith("bad.safetensors: ", e.Message);
        Assert.Contains(fault, e.Message);
    }
}
