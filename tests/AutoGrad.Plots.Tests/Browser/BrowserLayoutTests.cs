using System.Text;

namespace AutoGrad.Plots.Tests.Browser;

// Renders every chart and a training report in headless Chromium and asserts, from the page's own measurements, that no text
// overflows its box and nothing is clipped at the edges (see LayoutAudit); a planted clipped legend shows the check can fail.
public class BrowserLayoutTests
{
    [FactWhenFileExists(Chromium.Path, Chromium.Install)]
    public void Every_chart_renders_with_no_clipped_or_overlapping_text()
    {
        var dir = Directory.CreateTempSubdirectory("autograd-plots-browser-");
        try
        {
            var figures = Gallery.All();
            var html = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>gallery</title></head><body style=\"margin:8px\">\n");
            for (int i = 0; i < figures.Count; i++)
            {
                var (name, figure) = figures[i];
                figure.SavePng(Path.Combine(dir.FullName, name + ".png"));
                html.Append($"<h2>{name}</h2>\n<div>").Append(figure.ToSvg($"g{i}-")).Append("</div>\n")
                    .Append($"<img src=\"{name}.png\" data-width=\"{figure.Width}\" alt=\"{name}\">\n");
            }
            html.Append("</body></html>\n");
            var page = Path.Combine(dir.FullName, "gallery.html");
            File.WriteAllText(page, LayoutAudit.Inject(html.ToString()));

            var audit = Chromium.Audit(page);
            Assert.Equal(figures.Count, audit.Svgs);
            Assert.Equal(figures.Count, audit.Images);
            Assert.True(audit.Texts > 20 * figures.Count, $"only {audit.Texts} texts measured");
            Assert.True(audit.Problems.Length == 0, "layout problems:\n" + string.Join("\n", audit.Problems));

            var png = Chromium.Screenshot(page, Path.Combine(dir.FullName, "gallery-screenshot.png"), 1100, 1400);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
            Assert.True(png.Length > 20_000, $"screenshot of {png.Length} bytes is suspiciously small");
            Keep(dir);
        }
        finally { dir.Delete(recursive: true); }
    }

    [FactWhenFileExists(Chromium.Path, Chromium.Install)]
    public void The_training_report_renders_with_no_overflow()
    {
        var dir = Directory.CreateTempSubdirectory("autograd-report-browser-");
        try
        {
            var path = Path.Combine(dir.FullName, "report.html");
            var report = ReportRun.Train(path);
            report.Figures.Add(Gallery.Confusion());
            report.Write();
            var page = Path.Combine(dir.FullName, "report-audited.html");
            File.WriteAllText(page, LayoutAudit.Inject(File.ReadAllText(path)));

            var audit = Chromium.Audit(page);
            Assert.True(audit.Svgs >= 6, $"only {audit.Svgs} charts in the report");
            Assert.True(audit.Problems.Length == 0, "layout problems:\n" + string.Join("\n", audit.Problems));
            var png = Chromium.Screenshot(page, Path.Combine(dir.FullName, "report-screenshot.png"), 1100, 2400);
            Assert.True(png.Length > 20_000, $"screenshot of {png.Length} bytes is suspiciously small");
            Keep(dir);
        }
        finally { dir.Delete(recursive: true); }
    }

    // The old writer's bug, planted: a legend entry drawn past the SVG's right edge and cut by the legend's clip rectangle.
    [FactWhenFileExists(Chromium.Path, Chromium.Install)]
    public void A_planted_clipped_legend_is_caught()
    {
        var dir = Directory.CreateTempSubdirectory("autograd-planted-");
        try
        {
            const string svg = """
                <svg xmlns="http://www.w3.org/2000/svg" width="640" height="420" aria-label="planted">
                  <rect width="640" height="420" fill="white"/>
                  <clipPath id="legend"><rect x="480" y="40" width="115" height="60"/></clipPath>
                  <g clip-path="url(#legend)"><text x="500" y="64" font-size="12" font-family="DejaVu Sans">pooled (AUC = 0.99)</text></g>
                  <text x="560" y="90" font-size="12" font-family="DejaVu Sans">fold 1 (AUC = 0.986)</text>
                  <text x="20" y="400" font-size="12" font-family="DejaVu Sans">1.5</text>
                  <text x="26" y="402" font-size="12" font-family="DejaVu Sans">2.5</text>
                </svg>
                """;
            var page = Path.Combine(dir.FullName, "planted.html");
            File.WriteAllText(page, LayoutAudit.Inject($"<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>{svg}</body></html>"));
            var audit = Chromium.Audit(page);
            Assert.True(audit.Problems.Length == 3, $"{audit.Problems.Length} problems:\n" + string.Join("\n", audit.Problems));
            Assert.Contains(audit.Problems, p => p.Contains("\"pooled (AUC = 0.99)\"") && p.Contains("cut by its clip rectangle"));
            Assert.Contains(audit.Problems, p => p.Contains("\"fold 1 (AUC = 0.986)\"") && p.Contains("overflows the SVG"));
            Assert.Contains(audit.Problems, p => p.Contains("\"1.5\" and \"2.5\" overlap"));
        }
        finally { dir.Delete(recursive: true); }
    }

    // AUTOGRAD_PLOTS_KEEP=folder keeps the pages, charts and screenshots for a look.
    private static void Keep(DirectoryInfo dir)
    {
        var keep = Environment.GetEnvironmentVariable("AUTOGRAD_PLOTS_KEEP");
        if (string.IsNullOrEmpty(keep)) return;
        var target = Directory.CreateDirectory(keep).FullName;
        foreach (var f in dir.GetFiles()) f.CopyTo(Path.Combine(target, f.Name), overwrite: true);
    }
}
