using System.Buffers.Binary;
using System.Text;
using AutoGrad.IO;

namespace AutoGrad.Tests.IO;

// The limits of the safetensors reader (see the remarks of SafeTensors.Deserialize), one test per defect of issue 12.
public sealed class SafeTensorsLimitsTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("autograd-st-limits");

    public void Dispose() => _dir.Delete(true);

    // A file with one F32 tensor "t" of the given shape and zero-filled data, the header written as given.
    internal static byte[] File1(string shapeJson, long elements, string extra = "")
    {
        var header = "{" + extra + "\"t\":{\"dtype\":\"F32\",\"shape\":" + shapeJson + ",\"data_offsets\":[0," + 4 * elements + "]}}";
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + 4 * elements];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        return bytes;
    }

    private static string Ones(int rank) => "[" + string.Join(",", Enumerable.Repeat("1", rank)) + "]";

    [Fact]
    public void Rank_above_64_is_rejected_instead_of_a_stack_overflow_in_the_first_broadcast()
    {
        // Before: a 2.2 MB file with a rank-1,100,000 tensor loaded, and the first broadcast op overflowed the stack.
        var path = Path.Combine(_dir.FullName, "deep.safetensors");
        File.WriteAllBytes(path, File1(Ones(1_100_000), 1));
        Assert.True(new FileInfo(path).Length > 2_000_000);
        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path));
        Assert.Equal("deep.safetensors: tensor 't' has rank 1100000, more than the 64 dimensions AutoGrad allows.", e.Message);
        Assert.Contains("rank 65", Assert.Throws<InvalidDataException>(() => SafeTensors.Deserialize(File1(Ones(65), 1), "x")).Message);

        var ok = SafeTensors.Deserialize(File1(Ones(Shape.MaxRank), 1), "x").Tensors["t"];
        Assert.Equal(64, ok.Rank);
        Assert.Equal(64, (ok + Tensor.Ones(new Shape(1))).Rank);   // broadcasting at the limit works
    }

    [Fact]
    public void Shapes_made_from_user_input_share_the_rank_limit()
    {
        Assert.Equal(64, Shape.MaxRank);
        Assert.Equal(64, new Shape(Enumerable.Repeat(1, 64).ToArray()).Rank);
        var e = Assert.Throws<ArgumentException>(() => new Shape(Enumerable.Repeat(1, 65).ToArray()));
        Assert.StartsWith("Shape: rank 65 exceeds the limit of 64 dimensions.", e.Message);
        Assert.Throws<ArgumentException>(() => Tensor.Zeros(new Shape(1)).Reshape(Enumerable.Repeat(1, 100).ToArray()));
    }

    [Fact]
    public void Element_counts_are_checked_in_64_bits_before_any_allocation()
    {
        // 65536 × 65536 overflows int; the header is rejected before the reader allocates anything for the data.
        var bytes = File1("[65536,65536]", 0);
        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Deserialize(bytes, "big"));
        Assert.Equal("big: tensor 't' has shape [65536, 65536] with more than 2147483647 elements.", e.Message);
    }

    [Fact]
    public void A_zero_size_shape_whose_leading_dimensions_overflow_is_InvalidDataException_not_ArgumentException()
    {
        // Found by the fuzz suite (AUTOGRAD_FUZZ_ITERATIONS=5000): [2147483647, 2, 0] has 0 elements, but Shape's constructor
        // refused it with ArgumentException. The reader now asks Shape while checking the header: whichever way Shape decides
        // (a zero-size shape may be valid whatever its other dimensions), the result is a load or an InvalidDataException.
        try
        {
            var t = SafeTensors.Deserialize(File1("[2147483647,2,0]", 0), "z.safetensors").Tensors["t"];
            Assert.Equal([2147483647, 2, 0], t.Shape.ToArray());
            Assert.Equal(0, t.Size);
        }
        catch (InvalidDataException e)
        {
            Assert.StartsWith("z.safetensors: tensor 't' has shape [2147483647, 2, 0], which AutoGrad cannot hold (", e.Message);
        }
        Assert.Equal(new Shape(0, 2147483647), SafeTensors.Deserialize(File1("[0,2147483647]", 0), "z").Tensors["t"].Shape);
    }

    [Fact]
    public void Load_checks_the_header_against_the_file_length_before_reading_the_data()
    {
        // A header promising 400 MB in a file with 16 MB of data: rejected from the header alone, allocating about nothing
        // (the whole file used to be read into memory first).
        var header = """{"t":{"dtype":"F32","shape":[100000000],"data_offsets":[0,400000000]}}""";
        var path = Path.Combine(_dir.FullName, "short.safetensors");
        File.WriteAllBytes(path, SafeTensorsTests.HandBuilt(header, dataOverride: new byte[16 << 20]));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal("short.safetensors: tensor 't' data_offsets [0, 400000000] run past the 16777216-byte data section (truncated file?).", e.Message);
        Assert.True(allocated < 1_000_000, $"allocated {allocated} bytes");
    }

    [Theory]
    [InlineData("""{"a\ud800":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", "a key in the JSON header is not valid Unicode")]
    [InlineData("""{"__metadata__":{"k":"\udc00x"},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", "a string in the JSON header is not valid Unicode")]
    [InlineData("""{"__metadata__":{"k\ud800":"v"},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", "a key in the JSON header is not valid Unicode")]
    [InlineData("""{"a":{"dtype":"F3\ud800","shape":[1],"data_offsets":[0,4]}}""", "a string in the JSON header is not valid Unicode")]
    public void A_lone_surrogate_escape_in_the_header_is_InvalidDataException_naming_the_file(string header, string fault)
    {
        // Before: InvalidOperationException escaped from JsonElement.GetString.
        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Deserialize(SafeTensorsTests.HandBuilt(header, dataOverride: new byte[4]), "s.safetensors"));
        Assert.StartsWith("s.safetensors: " + fault, e.Message);
    }

    [Theory]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"shape":[2],"data_offsets":[0,4]}}""", "shape")]
    [InlineData("""{"a":{"dtype":"F32","dtype":"F64","shape":[1],"data_offsets":[0,4]}}""", "dtype")]
    [InlineData("""{"__metadata__":{"epoch":"1","epoch":"9"},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", "epoch")]
    [InlineData("""{"__metadata__":{},"__metadata__":{"x":"y"},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", "__metadata__")]
    public void Duplicate_keys_inside_an_entry_or_the_metadata_are_rejected_not_last_wins(string header, string key)
    {
        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Deserialize(SafeTensorsTests.HandBuilt(header, dataOverride: new byte[4]), "d.safetensors"));
        Assert.StartsWith("d.safetensors: invalid JSON header: ", e.Message);
        Assert.Contains($"'{key}'", e.Message);
    }

    [Fact]
    public void Deeply_nested_or_oversized_headers_are_rejected()
    {
        var deep = "{\"__metadata__\":" + new string('[', 100) + new string(']', 100) + "}";
        Assert.StartsWith("n: invalid JSON header", Assert.Throws<InvalidDataException>(() => SafeTensors.Deserialize(SafeTensorsTests.HandBuilt(deep, dataOverride: []), "n")).Message);
        var huge = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(huge, ulong.MaxValue);
        Assert.Equal("h: header length 18446744073709551615 exceeds the 100000000-byte limit.",
            Assert.Throws<InvalidDataException>(() => SafeTensors.Deserialize(huge, "h")).Message);
    }

    [Fact]
    public void Load_from_a_file_and_Deserialize_read_the_same_tensors()
    {
        var path = Path.Combine(_dir.FullName, "same.safetensors");
        File.WriteAllBytes(path, SafeTensorsTests.HandBuilt());
        var a = SafeTensors.LoadWithMetadata(path);
        var b = SafeTensors.Deserialize(SafeTensorsTests.HandBuilt(), "same");
        Assert.Equal(b.Tensors.Keys.Order(), a.Tensors.Keys.Order());
        foreach (var (k, t) in b.Tensors) Assert.Equal(t.ToDoubleArray(), a.Tensors[k].ToDoubleArray());
        Assert.Equal([1.5f, -2f], a.Tensors["a"].ToFloatArray());
        Assert.Equal("7", a.Metadata["step"]);
    }
}
