using System.IO.Compression;

namespace AutoGrad.Data;

// Gzip is detected by its magic bytes (1f 8b), not the file name, so renamed or decompressed files both work.
internal static class DataFiles
{
    public static Stream OpenMaybeGzip(string path)
    {
        var file = File.OpenRead(path);
        return IsGzip(file) ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    public static Stream MaybeGunzip(Stream stream)
    {
        if (!stream.CanSeek)
        {
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            stream = copy;
        }
        return IsGzip(stream) ? new GZipStream(stream, CompressionMode.Decompress) : stream;
    }

    /// <summary>All bytes, decompressed when gzip; corrupt gzip data becomes an InvalidDataException naming the file.</summary>
    public static byte[] ReadAllBytes(string path)
    {
        using var stream = OpenMaybeGzip(path);
        return ReadAll(stream, Path.GetFileName(path));
    }

    public static byte[] ReadAll(Stream stream, string sourceName)
    {
        try
        {
            using var decoded = MaybeGunzip(stream);
            using var buffer = new MemoryStream();
            decoded.CopyTo(buffer);
            return buffer.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{sourceName}: corrupt gzip data ({e.Message}).", e);
        }
    }

    private static bool IsGzip(Stream s)
    {
        long start = s.Position;
        int b0 = s.ReadByte(), b1 = s.ReadByte();
        s.Position = start;
        return b0 == 0x1f && b1 == 0x8b;
    }
}
