using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using AutoGrad.Data;

namespace AutoGrad.Tests.Data;

// Note [Checked gzip] in src/AutoGrad/Data/CheckedGzipStream.cs: gzip input is bounded and its trailer verified.
public sealed class GzipTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("autograd-gzip");

    public void Dispose() => _dir.Delete(true);

    private string Write(string name, byte[] bytes)
    {
        var p = Path.Combine(_dir.FullName, name);
        File.WriteAllBytes(p, bytes);
        return p;
    }

    private static byte[] Csv(int rows) =>
        Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, rows).Select(r => $"{r},{r * 0.5},{r % 3}\n")));

    private static byte[] Gzip(byte[] data, CompressionLevel level = CompressionLevel.Optimal)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, level)) gz.Write(data);
        return ms.ToArray();
    }

    [Fact]
    public void Crc32_matches_the_standard_check_value()
    {
        Assert.Equal(0xCBF43926u, Crc32.Update(0, "123456789"u8));   // RFC 3720 B.4 / the CRC catalogue's check value
        var data = Csv(500);
        Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(Gzip(data).AsSpan(^8)), Crc32.Update(Crc32.Update(0, data[..123]), data[123..]));
    }

    [Fact]
    public void A_csv_gz_cut_at_any_point_is_rejected_instead_of_loading_fewer_rows()
    {
        // Before: 416 of 4,417 cut points of a .csv.gz loaded silently with fewer rows (GZipStream reports no truncation).
        var full = Gzip(Csv(300));
        Assert.Equal(300, CsvReader.ReadTable(new MemoryStream(full), "t.csv.gz").Rows);
        int invalidData = 0;
        for (int cut = 1; cut < full.Length; cut++)   // cut 0 is an empty, valid CSV
        {
            var e = Assert.ThrowsAny<Exception>(() => CsvReader.ReadTable(new MemoryStream(full[..cut]), "t.csv.gz"));
            Assert.True(e is InvalidDataException or CsvFormatException, $"cut {cut}: {e.GetType().Name}: {e.Message}");
            Assert.StartsWith("t.csv.gz", e.Message);
            if (e is InvalidDataException) invalidData++;
        }
        Assert.True(invalidData > full.Length / 2, $"only {invalidData} of {full.Length} cuts were reported as gzip damage");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(7)]
    public void A_flipped_gzip_flag_is_an_error_not_an_empty_table(int bit)
    {
        // Before: FEXTRA (bit 2) made zlib skip the data and the table came back empty. (Bit 0, FTEXT, is only a hint and
        // changes nothing: that file still decompresses to the same, verified bytes.)
        var bad = Gzip(Csv(50));
        bad[3] ^= (byte)(1 << bit);
        var e = Assert.Throws<InvalidDataException>(() => CsvReader.ReadTable(Write("flag.csv.gz", bad)));
        Assert.StartsWith("flag.csv.gz: ", e.Message);
    }

    [Fact]
    public void Multi_member_gzip_and_trailing_garbage_are_rejected_with_a_clear_message()
    {
        var one = Gzip(Csv(20));
        var e = Assert.Throws<InvalidDataException>(() => CsvReader.ReadTable(Write("two.csv.gz", [.. one, .. one])));
        Assert.StartsWith("two.csv.gz: the gzip data is truncated or damaged: it decompressed to ", e.Message);
        Assert.Contains("multi-member gzip files are not supported", e.Message);
        Assert.StartsWith("junk.csv.gz: the gzip data is truncated or damaged",
            Assert.Throws<InvalidDataException>(() => CsvReader.ReadTable(Write("junk.csv.gz", [.. one, 1, 2, 3]))).Message);
    }

    [Fact]
    public void A_csv_gz_declaring_more_than_the_cap_fails_before_decompressing()
    {
        // The 11 MB → 2.5 GB bomb of issue 12: its trailer's ISIZE already says 2.5e9, above CsvReader.MaxGzipBytes.
        var bomb = Gzip(Csv(10));
        BinaryPrimitives.WriteUInt32LittleEndian(bomb.AsSpan(^4), 2_500_000_000);
        var e = Assert.Throws<InvalidDataException>(() => CsvReader.ReadTable(Write("bomb.csv.gz", bomb)));
        Assert.Equal("bomb.csv.gz: the gzip trailer declares 2500000000 decompressed bytes, more than the 1073741824-byte limit for this file (or the file is damaged).", e.Message);
    }

    [Fact]
    public void Decompression_stops_at_the_limit_when_the_trailer_lies()
    {
        var zeros = Gzip(new byte[1 << 20], CompressionLevel.Fastest);
        BinaryPrimitives.WriteUInt32LittleEndian(zeros.AsSpan(^4), 10);   // claims 10 bytes
        using var s = new CheckedGzipStream(new MemoryStream(zeros), "z.gz", maxBytes: 100_000, leaveOpen: false);
        var e = Assert.Throws<InvalidDataException>(() => s.CopyTo(Stream.Null));
        Assert.Equal("z.gz: decompresses to more than 100000 bytes, the limit for this file (a gzip bomb?).", e.Message);
        Assert.True(s.Position <= 100_000 + 81920, $"read {s.Position} bytes");
    }

    [Fact]
    public void An_idx_gzip_bomb_is_rejected_from_its_header_without_decompressing_it()
    {
        // Before: 10–14 s and 4–8 GB, everything decompressed before the magic number was even looked at.
        var images = IdxFiles.Images(2, 3, 3);
        var bomb = Gzip([.. images, .. new byte[16 << 20]], CompressionLevel.Fastest);
        var path = Write("bomb-idx3-ubyte.gz", bomb);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 4_000_000, "the reader allocated as if it decompressed everything");
        Assert.Equal("bomb-idx3-ubyte.gz: dimensions (2 × 3 × 3) need 34 bytes but the gzip trailer says the data has 16777250; the file is truncated or damaged, or the dimensions do not match the length.", e.Message);

        // A trailer forged to match the header: decompression stops one byte past what the header declares.
        BinaryPrimitives.WriteUInt32LittleEndian(bomb.AsSpan(^4), 34);
        before = GC.GetAllocatedBytesForCurrentThread();
        e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(Write("forged.gz", bomb)));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 4_000_000);
        Assert.Equal("forged.gz: dimensions (2 × 3 × 3) need 34 bytes but the data goes on; the dimensions do not match the length.", e.Message);
    }

    [Fact]
    public void The_idx_magic_number_is_checked_before_anything_else_is_decompressed()
    {
        var path = Write("wrong.gz", Gzip([.. IdxFiles.Labels(1, 2), .. new byte[16 << 20]], CompressionLevel.Fastest));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 4_000_000);
        Assert.StartsWith("wrong.gz: bad magic number 0x00000801", e.Message);
    }

    [Fact]
    public void Idx_dimensions_too_large_for_the_compressed_size_fail_before_allocating()
    {
        var img = IdxFiles.Images(1, 2, 2);
        BinaryPrimitives.WriteInt32BigEndian(img.AsSpan(4), 60_000_000);   // 60M × 2 × 2 = 240 MB declared
        var gz = Gzip(img);
        BinaryPrimitives.WriteUInt32LittleEndian(gz.AsSpan(^4), 16 + 240_000_000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(Write("tiny.gz", gz)));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 4_000_000);
        Assert.Equal($"tiny.gz: dimensions (60000000 × 2 × 2) need 240000016 bytes, more than {gz.Length} compressed bytes can hold.", e.Message);
        var plain = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(Write("tiny", img)));
        Assert.Equal("tiny: truncated at byte 20: dimensions (60000000 × 2 × 2) need 240000016 bytes.", plain.Message);
    }
}
