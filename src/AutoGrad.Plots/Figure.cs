using System.Text.RegularExpressions;
using ScottPlot;

namespace AutoGrad.Plots;

/// <summary>A finished chart of a given pixel size, savable as PNG or SVG.</summary>
/// <remarks>
/// Made by the <see cref="Charts"/> methods. <see cref="Plot"/> is the underlying ScottPlot 5 plot, for adjustments the
/// methods do not offer; changes to it show in the next <see cref="ToSvg"/> or <see cref="ToPng"/>.
/// </remarks>
public sealed partial class Figure
{
    internal Figure(Plot plot, string title, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 64);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 64);
        (Plot, Title, Width, Height) = (plot, title, width, height);
    }

    /// <summary>The ScottPlot plot behind this figure.</summary>
    public Plot Plot { get; }

    /// <summary>The chart's title (also its accessible name in SVG and HTML).</summary>
    public string Title { get; }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The chart as a standalone SVG document (text as text, in DejaVu Sans, with glyph positions fixed).</summary>
    /// <remarks>
    /// Clip-path ids are prefixed with <paramref name="idPrefix"/> so that several charts can be inlined in one HTML page
    /// without their ids colliding. The ids come from Skia's SVG device, which names each clip <c>cl_</c> and the clip's
    /// generation number in hexadecimal (<c>SkStringPrintf("cl_%x", ...)</c> in Skia's <c>src/svg/SkSVGDevice.cpp</c>), so an id
    /// may end in letters (<c>cl_a</c>) as well as digits.
    /// </remarks>
    public string ToSvg(string idPrefix = "")
    {
        ArgumentNullException.ThrowIfNull(idPrefix);
        string svg;
        lock (Plot.Sync) svg = Plot.GetSvgXml(Width, Height);
        svg = svg.Replace(" width=\"" + Width + "\" height=\"" + Height + "\">",
            $" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"{Escape(Title)}\">", StringComparison.Ordinal);
        if (idPrefix.Length == 0) return svg;
        if (!IdPrefix().IsMatch(idPrefix)) throw new ArgumentException($"Figure.ToSvg: id prefix '{idPrefix}' must be letters, digits, '-' or '_', starting with a letter.");
        return ClipId().Replace(svg, m => m.Groups[1].Value + idPrefix + m.Groups[2].Value);
    }

    /// <summary>The chart as PNG bytes.</summary>
    public byte[] ToPng()
    {
        lock (Plot.Sync) return Plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    /// <summary>Writes the chart as SVG to <paramref name="path"/> (folders created as needed); returns the path.</summary>
    public string SaveSvg(string path)
    {
        PlotFiles.WriteText(path, ToSvg());
        return path;
    }

    /// <summary>Writes the chart as PNG to <paramref name="path"/> (folders created as needed); returns the path.</summary>
    public string SavePng(string path)
    {
        PlotFiles.WriteBytes(path, ToPng());
        return path;
    }

    /// <summary>Writes the chart by the extension of <paramref name="path"/>: <c>.svg</c> or <c>.png</c>; returns the path.</summary>
    /// <exception cref="ArgumentException">Any other extension.</exception>
    public string Save(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".svg" => SaveSvg(path),
        ".png" => SavePng(path),
        var e => throw new ArgumentException($"Figure.Save: '{path}' has extension '{e}'; use .svg or .png."),
    };

    /// <summary>Writes <c>{name}.svg</c> and <c>{name}.png</c> into <paramref name="folder"/>; returns both paths.</summary>
    public (string Svg, string Png) SaveBoth(string folder, string name) =>
        (SaveSvg(Path.Combine(folder, name + ".svg")), SavePng(Path.Combine(folder, name + ".png")));

    internal static string Escape(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;");

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]*$")]
    private static partial Regex IdPrefix();

    [GeneratedRegex("(id=\"|url\\(#)(cl_[0-9a-f]+)")]
    private static partial Regex ClipId();
}
