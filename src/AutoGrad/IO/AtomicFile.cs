using System.Text;

namespace AutoGrad.IO;

/// <summary>
/// Crash-safe file writes: the bytes go to a uniquely named temporary file in the target's folder, are flushed to disk,
/// and the temporary file is then renamed over the target in one step.
/// </summary>
/// <remarks>
/// Note [Atomic saves]: a reader of <c>path</c> sees either the previous complete file or the new complete file, never a
/// partial one, also when several threads or processes save to the same path at once (the last rename wins). The temporary
/// name is <c>.{name}.{random}.tmp</c> and is opened with <see cref="FileMode.CreateNew"/>, so no existing file (such as a
/// user's <c>model.ckpt.tmp</c>) is ever overwritten; on any failure it is deleted and the target is left as it was. The data
/// is flushed with <c>FileStream.Flush(true)</c> (fsync) before the rename, so a power loss after the rename cannot leave an
/// empty target; the rename itself is <c>rename(2)</c> on Unix and <c>MoveFileEx(REPLACE_EXISTING)</c> on Windows.
/// </remarks>
public static class AtomicFile
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Replaces <paramref name="path"/> with <paramref name="bytes"/> atomically (see Note [Atomic saves]).</summary>
    public static void WriteAllBytes(string path, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        Write(path, s => s.Write(bytes));
    }

    /// <summary>Replaces <paramref name="path"/> with <paramref name="text"/> in UTF-8 (no byte-order mark) atomically.</summary>
    public static void WriteAllText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        WriteAllBytes(path, Utf8NoBom.GetBytes(text));
    }

    /// <summary>Replaces <paramref name="path"/> with whatever <paramref name="write"/> writes to the stream it is given, atomically.</summary>
    /// <exception cref="IOException">The folder does not exist or cannot be written; the target is unchanged.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full) ?? throw new ArgumentException($"AtomicFile: '{path}' has no folder.", nameof(path));
        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }   // best effort; the first error matters
            throw;
        }
    }
}
