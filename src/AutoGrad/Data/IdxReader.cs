using System.Buffers.Binary;

namespace AutoGrad.Data;

/// <summary>
/// Reads the IDX files of MNIST and Fashion-MNIST (plain or gzipped): a big-endian header
/// <c>00 00 08 r</c> (unsigned bytes, rank <c>r</c>), <c>r</c> big-endian 32-bit dimensions, then the bytes.
/// </summary>
public static class IdxReader
{
    /// <summary>The magic number of an image file: unsigned bytes, rank 3 <c>[n, rows, columns]</c>.</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>The magic number of a label file: unsigned bytes, rank 1 <c>[n]</c>.</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>Reads an image file as a float32 tensor <c>[n, rows, columns]</c> of raw pixel values 0…255.</summary>
    /// <remarks>Header first: the magic number and the dimensions are read and checked before the pixels; at most the bytes the header
    /// declares are read or decompressed, and a gzip file must end with a matching CRC-32 and length (Note [Checked gzip]).</remarks>
    /// <exception cref="InvalidDataException">Bad magic number, truncated or damaged file, or dimensions that do not match the length;
    /// the message starts with the file name.</exception>
    public static Tensor ReadImages(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var s = DataFiles.Open(path, MaxFileBytes);
        return ReadImagesCore(s, Path.GetFileName(path));
    }

    /// <summary>Reads an image stream (plain or gzipped) as a float32 tensor <c>[n, rows, columns]</c> of raw pixel values 0…255.</summary>
    /// <exception cref="InvalidDataException">Bad magic number, truncated data, or dimensions that do not match the length.</exception>
    public static Tensor ReadImages(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var decoded = DataFiles.Decode(stream, sourceName, MaxFileBytes);
        try { return ReadImagesCore(decoded, sourceName); }
        finally { if (!ReferenceEquals(decoded, stream)) decoded.Dispose(); }   // the caller's stream stays open
    }

    /// <summary>Reads a label file as class indices 0…255.</summary>
    /// <exception cref="InvalidDataException">Bad magic number, truncated or damaged file, or a count that does not match the length.</exception>
    public static int[] ReadLabels(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var s = DataFiles.Open(path, MaxFileBytes);
        return ReadLabelsCore(s, Path.GetFileName(path));
    }

    /// <summary>Reads a label stream (plain or gzipped) as class indices 0…255.</summary>
    /// <exception cref="InvalidDataException">Bad magic number, truncated data, or a count that does not match the length.</exception>
    public static int[] ReadLabels(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var decoded = DataFiles.Decode(stream, sourceName, MaxFileBytes);
        try { return ReadLabelsCore(decoded, sourceName); }
        finally { if (!ReferenceEquals(decoded, stream)) decoded.Dispose(); }
    }

    // The largest IDX file this reader accepts: a rank-3 header and as many bytes as an array can hold.
    private const long MaxFileBytes = 4 + 4 * 3 + 0x7FFFFFC7;

    private static Tensor ReadImagesCore(Stream s, string source)
    {
        var (dims, size) = ReadHeader(s, source, ImagesMagic, "image");
        var t = Tensor.Empty(dims, DType.Float32);
        var pixels = (float[])t.Storage.Data!;
        var chunk = new byte[(int)Math.Min(size, 1 << 16)];
        long done = 0;
        while (done < size)
        {
            int n = s.ReadAtLeast(chunk.AsSpan(0, (int)Math.Min(chunk.Length, size - done)), 1, throwOnEndOfStream: false);
            if (n == 0) throw Truncated(source, dims, done, size);
            for (int i = 0; i < n; i++) pixels[done + i] = chunk[i];
            done += n;
        }
        CheckEnd(s, source, dims, size);
        return t;
    }

    private static int[] ReadLabelsCore(Stream s, string source)
    {
        var (dims, size) = ReadHeader(s, source, LabelsMagic, "label");
        var bytes = new byte[size];
        int n = s.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        if (n < bytes.Length) throw Truncated(source, dims, n, size);
        CheckEnd(s, source, dims, size);
        var labels = new int[size];
        for (int i = 0; i < labels.Length; i++) labels[i] = bytes[i];
        return labels;
    }

    private static int HeaderBytes(int[] dims) => 4 + 4 * dims.Length;

    private static InvalidDataException Truncated(string source, int[] dims, long got, long size) =>
        new($"{source}: truncated at byte {HeaderBytes(dims) + got}: dimensions ({string.Join(" × ", dims)}) need {HeaderBytes(dims) + size} bytes.");

    // After the declared bytes the data must end (for gzip, reading the end verifies the trailer).
    private static void CheckEnd(Stream s, string source, int[] dims, long size)
    {
        if (s.ReadByte() >= 0)
            throw new InvalidDataException(
                $"{source}: dimensions ({string.Join(" × ", dims)}) need {HeaderBytes(dims) + size} bytes but the data goes on; the dimensions do not match the length.");
    }

    private static (int[] Dims, long Size) ReadHeader(Stream s, string source, int expectedMagic, string kind)
    {
        Span<byte> magicBytes = stackalloc byte[4];
        int got = s.ReadAtLeast(magicBytes, 4, throwOnEndOfStream: false);
        if (got < 4)
            throw new InvalidDataException($"{source}: truncated at byte {got}: an IDX file starts with a 4-byte magic number.");
        int magic = BinaryPrimitives.ReadInt32BigEndian(magicBytes);
        if (magic != expectedMagic)
            throw new InvalidDataException(
                $"{source}: bad magic number 0x{magic:X8}; an IDX {kind} file starts with 0x{expectedMagic:X8}" +
                (magic == ImagesMagic || magic == LabelsMagic ? " (this looks like the other kind of IDX file)." : "."));
        int rank = expectedMagic & 0xff;
        int offset = 4 + 4 * rank;
        Span<byte> dimBytes = stackalloc byte[4 * rank];
        got = s.ReadAtLeast(dimBytes, dimBytes.Length, throwOnEndOfStream: false);
        if (got < dimBytes.Length)
            throw new InvalidDataException($"{source}: truncated at byte {4 + got}: the header of {rank} dimensions needs {offset} bytes.");
        var dims = new int[rank];
        long size = 1;
        for (int d = 0; d < rank; d++)
        {
            uint v = BinaryPrimitives.ReadUInt32BigEndian(dimBytes[(4 * d)..]);
            if (v > int.MaxValue) throw new InvalidDataException($"{source}: dimension {d} is {v}, larger than any file this reader can hold.");
            dims[d] = (int)v;
            size = Math.Min(size * v, long.MaxValue / 2 / int.MaxValue);   // 64-bit, clamped: only "too large" matters past this
        }
        if (size > Array.MaxLength)
            throw new InvalidDataException($"{source}: dimensions ({string.Join(" × ", dims)}) make {size} values, more than an array can hold ({Array.MaxLength}).");
        try { _ = new Shape(dims); }   // Shape's own checks too (e.g. a zero-size shape whose leading dimensions overflow)
        catch (ArgumentException e) { throw new InvalidDataException($"{source}: dimensions ({string.Join(" × ", dims)}) cannot make a tensor ({e.Message})"); }
        long expected = offset + size;
        if (s is CheckedGzipStream gz)
        {
            // Note [Checked gzip]: the trailer's length and the deflate ratio bound the data before anything is decompressed or allocated.
            if (gz.DeclaredLength != (uint)expected)
                throw new InvalidDataException(
                    $"{source}: dimensions ({string.Join(" × ", dims)}) need {expected} bytes but the gzip trailer says the data has {gz.DeclaredLength}; the file is truncated or damaged, or the dimensions do not match the length.");
            if (!gz.CouldHold(expected))
                throw new InvalidDataException($"{source}: dimensions ({string.Join(" × ", dims)}) need {expected} bytes, more than {gz.CompressedLength} compressed bytes can hold.");
            gz.Limit = expected + 1;   // one byte more, so that extra data is reported as a length mismatch
        }
        else if (s.CanSeek)
        {
            long total = offset + (s.Length - s.Position);
            if (total < expected)
                throw new InvalidDataException($"{source}: truncated at byte {total}: dimensions ({string.Join(" × ", dims)}) need {expected} bytes.");
            if (total > expected)
                throw new InvalidDataException(
                    $"{source}: dimensions ({string.Join(" × ", dims)}) need {expected} bytes but the file has {total}; the dimensions do not match the length.");
        }
        return (dims, size);
    }
}
