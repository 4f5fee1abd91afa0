namespace AutoGrad.Data;

// Gzip is detected by its magic bytes (1f 8b), not the file name, so renamed or decompressed files both work.
// Gzip data is always read through CheckedGzipStream (Note [Checked gzip]): bounded, trailer verified.
internal static class DataFiles
{
    /// <summary>Opens <paramref name="path"/>, decompressing gzip; at most <paramref name="maxGzipBytes"/> may come out of gzip data.</summary>
    public static Stream Open(string path, long maxGzipBytes)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try { return IsGzip(file) ? new CheckedGzipStream(file, Path.GetFileName(path), maxGzipBytes, leaveOpen: false) : file; }
        catch { file.Dispose(); throw; }
    }

    /// <summary>
    /// <paramref name="stream"/> decoded: itself, or a checked gzip decoder over it (which leaves it open). A stream that cannot seek is
    /// first copied into memory, since the gzip trailer must be read before decompressing.
    /// </summary>
    public static Stream Decode(Stream stream, string sourceName, long maxGzipBytes)
    {
        if (!stream.CanSeek)
        {
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            stream = copy;
        }
        return IsGzip(stream) ? new CheckedGzipStream(stream, sourceName, maxGzipBytes, leaveOpen: true) : stream;
    }

    private static bool IsGzip(Stream s)
    {
        long start = s.Position;
        int b0 = s.ReadByte(), b1 = s.ReadByte();
        s.Position = start;
        return b0 == 0x1f && b1 == 0x8b;
    }
}
