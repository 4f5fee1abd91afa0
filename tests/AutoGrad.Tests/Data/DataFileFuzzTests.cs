using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using AutoGrad.Data;
using AutoGrad.Tests.IO;
using FsCheck;
using FsCheck.Fluent;
using Xunit.Abstractions;

namespace AutoGrad.Tests.Data;

// Structured corruption of IDX and CSV files, plain and gzipped: crafted IDX headers (magic numbers, absurd dimensions,
// lengths that disagree), hostile CSV tokens and labels, and gzip damage (truncation, bit flips, forged trailers, extra
// members, trailing bytes). The oracle is Fuzz.Outcomes.Check.
public sealed class DataFileFuzzTests(ITestOutputHelper output)
{
    private enum GzipDamage { None, Truncate, FlipBit, ForgeLength, SecondMember, TrailingBytes }

    private static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest)) gz.Write(data);
        return ms.ToArray();
    }

    private static readonly Gen<(bool Gzip, GzipDamage Damage, int Where)> Packing =
        from gzip in Gen.Elements(false, true)
        from damage in Gen.Frequency((4, Gen.Constant(GzipDamage.None)), (1, Gen.Elements(Enum.GetValues<GzipDamage>())))
        from at in Gen.Choose(0, 1 << 20)
        select (gzip, damage, at);

    private static byte[] Pack(byte[] plain, (bool Gzip, GzipDamage Damage, int Where) p, uint forgedLength)
    {
        if (!p.Gzip || plain.Length == 0) return plain;   // .NET writes no gzip member at all for empty data
        var gz = Gzip(plain);
        switch (p.Damage)
        {
            case GzipDamage.Truncate: return gz[..(p.Where % gz.Length)];
            case GzipDamage.FlipBit: gz[p.Where % gz.Length] ^= (byte)(1 << (p.Where % 8)); return gz;
            case GzipDamage.ForgeLength: BinaryPrimitives.WriteUInt32LittleEndian(gz.AsSpan(^4), forgedLength); return gz;
            case GzipDamage.SecondMember: return [.. gz, .. Gzip(plain[..(p.Where % (plain.Length + 1))])];
            case GzipDamage.TrailingBytes: return [.. gz, .. new byte[1 + p.Where % 9]];
            default: return gz;
        }
    }

    private static readonly uint[] OddDims = [0, 1, 2, 3, 28, 60000, 16_777_216, int.MaxValue, 0x80000000, uint.MaxValue];

    private static Gen<byte[]> IdxFilesGen =>
        from magic in Gen.Frequency((6, Gen.Elements(0x803, 0x801)), (1, Gen.Elements(0x802, 0x804, 0x0C03, 0x08030000, 0)))
        from small in Gen.ArrayOf(Gen.Choose(0, 5), 3)
        from odd in Gen.ArrayOf(Gen.Frequency((5, Gen.Constant(-1)), (1, Gen.Choose(0, OddDims.Length - 1))), 3)
        from delta in Gen.Frequency((6, Gen.Constant(0)), (2, Gen.Choose(-3, 3)), (1, Gen.Choose(-100, 5000)))
        from packing in Packing
        select Idx(magic, small, odd, delta, packing);

    private static byte[] Idx(int magic, int[] small, int[] odd, int delta, (bool, GzipDamage, int) packing)
    {
        int rank = (magic & 0xff) is 1 or 3 ? magic & 0xff : 3;
        var dims = Enumerable.Range(0, rank).Select(d => odd[d] >= 0 ? OddDims[odd[d]] : (uint)small[d]).ToArray();
        long declared = dims.Aggregate(1L, (p, d) => Math.Min(p * d, 1 << 24));
        long length = Math.Clamp(Math.Min(declared, 4096) + delta, 0, 8192);
        var b = new byte[4 + 4 * rank + length];
        BinaryPrimitives.WriteInt32BigEndian(b, magic);
        for (int d = 0; d < rank; d++) BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(4 + 4 * d), dims[d]);
        for (int i = 4 + 4 * rank; i < b.Length; i++) b[i] = (byte)(i * 31);
        return Pack(b, packing, (uint)(4 + 4 * rank + declared));
    }

    [Fact]
    public void Crafted_idx_files_plain_or_gzipped_load_or_raise_InvalidDataException()
    {
        var images = Fuzz.Run(output, "IDX crafted headers, images (plain and gzip)", IdxFilesGen, 800, "fuzz.idx", b => IdxReader.ReadImages(new MemoryStream(b), "fuzz.idx"));
        var labels = Fuzz.Run(output, "IDX crafted headers, labels (plain and gzip)", IdxFilesGen, 800, "fuzz.idx", b => IdxReader.ReadLabels(new MemoryStream(b), "fuzz.idx"));
        foreach (var t in new[] { images, labels }) Assert.True(t.Loaded > t.Total / 20 && t.Rejected > t.Total / 4, t.ToString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_truncation_of_an_idx_file_is_rejected(bool gzip)
    {
        var file = IdxFiles.Images(3, 5, 4);
        if (gzip) file = Gzip(file);
        var t = Fuzz.EveryTruncation(output, $"IDX every truncation ({(gzip ? "gzip" : "plain")})", file, "fuzz.idx", b => IdxReader.ReadImages(new MemoryStream(b), "fuzz.idx"));
        Assert.Equal(file.Length, t.Rejected);
    }

    private static readonly string[] Tokens =
        ["0", "1", "2", "-2.5", "1e3", "3.25", "NaN", "Infinity", "-0", "1e400", "", " ", "abc", "0x10", "\uff11", "1,5", "\"1\"", "90210", "2147483648", "65535", "1e-320"];

    private static Gen<byte[]> CsvFilesGen =>
        from rows in Gen.Choose(0, 6)
        from columns in Gen.Choose(1, 4)
        from ragged in Gen.Frequency((8, Gen.Constant(-1)), (1, Gen.Choose(0, 5)))
        from cells in Gen.ArrayOf(Gen.Frequency((12, Gen.Elements("0", "1", "2", "0.5", "-1.25e-3")), (1, Gen.Elements(Tokens))), rows * columns)
        from end in Gen.Elements("\n", "\r\n", "\r")
        from header in Gen.Elements(false, true)
        from bom in Gen.Frequency((8, Gen.Constant(false)), (1, Gen.Constant(true)))
        from junk in Gen.Frequency((10, Gen.Constant(-1)), (1, Gen.Choose(0, 400)))
        from packing in Packing
        select Csv(rows, columns, ragged, cells, end, header, bom, junk, packing);

    private static byte[] Csv(int rows, int columns, int ragged, string[] cells, string end, bool header, bool bom, int junk, (bool, GzipDamage, int) packing)
    {
        var sb = new StringBuilder();
        if (header) sb.Append(string.Join(',', Enumerable.Range(0, columns).Select(c => $"h{c}"))).Append(end);
        for (int r = 0; r < rows; r++)
        {
            var row = cells.Skip(r * columns).Take(r == ragged ? columns - 1 : columns);
            sb.Append(string.Join(',', row)).Append(end);
        }
        var bytes = Encoding.UTF8.GetBytes(sb.ToString());
        if (bom) bytes = [0xEF, 0xBB, 0xBF, .. bytes];
        if (junk >= 0 && bytes.Length > 0) bytes[junk % bytes.Length] = (byte)(0x80 | junk);   // invalid UTF-8 or a control byte
        return Pack(bytes, packing, (uint)bytes.Length);
    }

    private static void ReadCsv(byte[] bytes, bool header)
    {
        var table = CsvReader.ReadTable(new MemoryStream(bytes), "fuzz.csv", header);
        if (table.Rows > 0) CsvReader.ToDataset(table, "fuzz.csv", -1, null);
    }

    [Fact]
    public void Crafted_csv_files_plain_or_gzipped_load_or_raise_the_documented_exceptions()
    {
        var t = Fuzz.Run(output, "CSV crafted (plain and gzip)", CsvFilesGen, 1500, "fuzz.csv", b => { ReadCsv(b, false); ReadCsv(b, true); });
        Assert.True(t.Loaded > t.Total / 20 && t.Rejected > t.Total / 4, t.ToString());
    }

    [Fact]
    public void Every_truncation_of_a_csv_gz_is_rejected()
    {
        var file = Gzip(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 40).Select(r => $"{r},{r * 0.25},{r % 4}\n"))));
        var t = Fuzz.EveryTruncation(output, "CSV gzip every truncation", file[1..], "fuzz.csv", b => ReadCsv([file[0], .. b], false));
        Assert.Equal(file.Length - 1, t.Rejected);
    }
}
