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
    /// <exception cref="InvalidDataException">Bad magic number, truncated file, or dimensions that do not match the length.</exception>
    public static Tensor ReadImages(string path) => ReadImages(DataFiles.ReadAllBytes(path), Path.GetFileName(path));

    /// <summary>Reads an image stream as a float32 tensor <c>[n, rows, columns]</c> of raw pixel values 0…255.</summary>
    /// <exception cref="InvalidDataException">Bad magic number, truncated data, or dimensions that do not match the length.</exception>
    public static Tensor ReadImages(Stream stream, string sourceName) => ReadImages(DataFiles.ReadAll(stream, sourceName), sourceName);

    /// <summary>Reads a label file as class indices 0…255.</summary>
    /// <exception cref="InvalidDataException">Bad magic number, truncated file, or a count that does not match the length.</exception>
    public static int[] ReadLabels(string path) => ReadLabels(DataFiles.ReadAllBytes(path), Path.GetFileName(path));

    /// <summary>Reads a label stream as class indices 0…255.</summary>
    /// <exception cref="InvalidDataException">Bad magic number, truncated data, or a count that does not match the length.</exception>
    public static int[] ReadLabels(Stream stream, string sourceName) => ReadLabels(DataFiles.ReadAll(stream, sourceName), sourceName);

    internal static Tensor ReadImages(byte[] bytes, string source)
    {
        var (dims, offset) = ParseHeader(bytes, source, ImagesMagic, "image");
        var pixels = new float[bytes.Length - offset];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = bytes[offset + i];
        return Tensor.FromArray(pixels, dims);
    }

    internal static int[] ReadLabels(byte[] bytes, string source)
    {
        var (_, offset) = ParseHeader(bytes, source, LabelsMagic, "label");
        var labels = new int[bytes.Length - offset];
        for (int i = 0; i < labels.Length; i++) labels[i] = bytes[offset + i];
        return labels;
    }

    private static (int[] Dims, int Offset) ParseHeader(byte[] bytes, string source, int expectedMagic, string kind)
    {
        if (bytes.Length < 4)
            throw new InvalidDataException($"{source}: truncated at byte {bytes.Length}: an IDX file starts with a 4-byte magic number.");
        int magic = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (magic != expectedMagic)
            throw new InvalidDataException(
                $"{source}: bad magic number 0x{magic:X8}; an IDX {kind} file starts with 0x{expectedMagic:X8}" +
                (magic == ImagesMagic || magic == LabelsMagic ? " (this looks like the other kind of IDX file)." : "."));
        int rank = expectedMagic & 0xff;
        int offset = 4 + 4 * rank;
        if (bytes.Length < offset)
            throw new InvalidDataException($"{source}: truncated at byte {bytes.Length}: the header of {rank} dimensions needs {offset} bytes.");
        var dims = new int[rank];
        long size = 1;
        for (int d = 0; d < rank; d++)
        {
            uint v = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(4 + 4 * d));
            if (v > int.MaxValue) throw new InvalidDataException($"{source}: dimension {d} is {v}, larger than any file this reader can hold.");
            dims[d] = (int)v;
            size = Math.Min(size * v, long.MaxValue / 2 / int.MaxValue);   // clamp: only "too large" matters past this
        }
        long expected = offset + size;
        if (bytes.Length < expected)
            throw new InvalidDataException(
                $"{source}: truncated at byte {bytes.Length}: dimensions ({string.Join(" × ", dims)}) need {expected} bytes.");
        if (bytes.Length > expected)
            throw new InvalidDataException(
                $"{source}: dimensions ({string.Join(" × ", dims)}) need {expected} bytes but the file has {bytes.Length}; the dimensions do not match the length.");
        return (dims, offset);
    }
}
