namespace AutoGrad.Plots.Tests;

public class GalleryTests
{
    [Fact]
    public void Every_chart_saves_as_png_and_svg()
    {
        var dir = Directory.CreateTempSubdirectory("autograd-plots-");
        try
        {
            foreach (var (name, figure) in Gallery.All())
            {
                var (svg, png) = figure.SaveBoth(dir.FullName, name);
                var bytes = File.ReadAllBytes(png);
                Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
                Assert.StartsWith("<?xml", File.ReadAllText(svg));
            }
            var keep = Environment.GetEnvironmentVariable("AUTOGRAD_PLOTS_KEEP");
            if (!string.IsNullOrEmpty(keep))
                foreach (var f in dir.GetFiles()) f.CopyTo(Path.Combine(Directory.CreateDirectory(keep).FullName, f.Name), overwrite: true);
        }
        finally { dir.Delete(recursive: true); }
    }
}
