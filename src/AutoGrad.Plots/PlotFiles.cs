using System.Text;

namespace AutoGrad.Plots;

// Every file this package writes goes through here, and so through the core's crash-safe AtomicFile (a temporary file beside
// the target, flushed, then renamed over it: src/AutoGrad/IO/AtomicFile.cs).
internal static class PlotFiles
{
    public static void WriteText(string path, string text) => WriteBytes(path, Encoding.UTF8.GetBytes(text));

    public static void WriteBytes(string path, byte[] bytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        AutoGrad.IO.AtomicFile.WriteAllBytes(path, bytes);
    }
}
