using System.Buffers.Binary;
using System.IO.Compression;

namespace AutoGrad.Data;

// Note [Checked gzip]: .NET's GZipStream lets zlib check a member's CRC-32 and length only when it reaches the member's
// trailer, and when the input ends first it simply reports end of data: a file cut anywhere, or a flipped header flag that
// makes zlib skip the data as a file name, decompresses "successfully" to fewer bytes (tested in
// tests/AutoGrad.Tests/Data/GzipTests.cs). So this wrapper reads the trailer (the last 8 bytes: CRC-32 and ISIZE, RFC 1952)
// before decompressing, counts and checksums every decompressed byte, and at end of data requires both to match. That also
// rejects trailing garbage and concatenated multi-member files (whose last trailer covers only the last member), which AutoGrad
// does not read. Decompression stops with an error as soon as more than maxBytes come out, so a gzip bomb costs at most
// maxBytes of work; ISIZE, which is the true size modulo 2^32, lets a declared size above the cap fail before any work.
internal sealed class CheckedGzipStream : Stream
{
    private readonly GZipStream _inner;
    private readonly string _source;
    private readonly uint _expectedCrc;
    private long _count;
    private uint _crc;
    private bool _verified;

    public CheckedGzipStream(Stream compressed, string source, long maxBytes, bool leaveOpen)
    {
        _source = source;
        Limit = maxBytes;
        long start = compressed.Position, length = compressed.Length - start;
        if (length < 18) throw new InvalidDataException($"{source}: truncated gzip file: {length} bytes, but a gzip header and trailer alone take 18.");
        Span<byte> trailer = stackalloc byte[8];
        compressed.Position = start + length - 8;
        compressed.ReadExactly(trailer);
        compressed.Position = start;
        _expectedCrc = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        DeclaredLength = BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]);
        CompressedLength = length;
        if (DeclaredLength > maxBytes)
            throw new InvalidDataException($"{source}: the gzip trailer declares {DeclaredLength} decompressed bytes, more than the {maxBytes}-byte limit for this file (or the file is damaged).");
        _inner = new GZipStream(compressed, CompressionMode.Decompress, leaveOpen);
    }

    /// <summary>ISIZE from the trailer: the decompressed length modulo 2^32, if the file is intact.</summary>
    public uint DeclaredLength { get; }

    /// <summary>The compressed length in bytes.</summary>
    public long CompressedLength { get; }

    /// <summary>The most bytes that may come out; a reader that learns the true size from a header lowers it.</summary>
    public long Limit { get; set; }

    /// <summary>Deflate cannot expand one input byte into more than 1032 output bytes (zlib's technical notes), so a larger
    /// declared size is impossible for an intact file; the margin covers headers.</summary>
    public bool CouldHold(long bytes) => bytes <= CompressedLength * 1032 + 1024;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.Length == 0) return 0;
        int n;
        try { n = _inner.Read(buffer); }
        catch (InvalidDataException e) { throw new InvalidDataException($"{_source}: corrupt gzip data ({e.Message}).", e); }
        if (n == 0)
        {
            Verify();
            return 0;
        }
        _count += n;
        if (_count > Limit)
            throw new InvalidDataException($"{_source}: decompresses to more than {Limit} bytes, the limit for this file (a gzip bomb?).");
        _crc = Crc32.Update(_crc, buffer[..n]);
        return n;
    }

    private void Verify()
    {
        if (_verified) return;
        if (_crc != _expectedCrc || (uint)_count != DeclaredLength)
            throw new InvalidDataException(
                $"{_source}: the gzip data is truncated or damaged: it decompressed to {_count} bytes with CRC-32 {_crc:x8}, but the trailer says " +
                $"{DeclaredLength} bytes with CRC-32 {_expectedCrc:x8} (concatenated multi-member gzip files are not supported; recompress with gzip).");
        _verified = true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _inner.Dispose();
        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _count; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
