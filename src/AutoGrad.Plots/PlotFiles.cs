using System.Text;

namespace AutoGrad.Plots;

// Every file this package writes goes through here, so crash-safe writes (write a temporary file beside the target, then
// rename it over) can be switched on in one place once the core offers them.
internal static class PlotFiles
{
    public static void WriteText(string path, string text) => WriteBytes(path, Encoding.UTF8.GetBytes(text));

    public static void WriteBytes(string path, byte[] bytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        File.WriteAllBytes(path, bytes);
    }
}
