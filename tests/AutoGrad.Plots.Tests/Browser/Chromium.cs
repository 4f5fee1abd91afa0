using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace AutoGrad.Plots.Tests.Browser;

// Headless Chromium as a test instrument: dump a page's DOM after its scripts ran, or take a screenshot.
internal static partial class Chromium
{
    public const string Path = "/usr/bin/chromium";
    public const string Install = "bash .ci/run installs Debian's chromium as root";

    public static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var profile = Directory.CreateTempSubdirectory("chromium-profile-");
        try
        {
            var psi = new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                         "--disable-sync", "--no-first-run", "--hide-scrollbars", $"--user-data-dir={profile.FullName}" }.Concat(args))
                psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(120_000)) { p.Kill(entireProcessTree: true); return (-1, "", "timed out after 120 s"); }
            return (p.ExitCode, stdout.Result, stderr.Result);
        }
        finally
        {
            try { profile.Delete(recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Loads the page (which must include <see cref="LayoutAudit.Script"/>) and returns the audit it wrote into its DOM.</summary>
    public static LayoutAudit.Result Audit(string page)
    {
        var (code, dom, err) = Run("--virtual-time-budget=10000", "--window-size=1100,900", "--dump-dom", new Uri(page).AbsoluteUri);
        Assert.True(code == 0, $"chromium exited with {code}: {err}");
        var m = AuditBlock().Match(dom);
        Assert.True(m.Success, $"the page wrote no layout audit; chromium said: {err}");
        return JsonSerializer.Deserialize<LayoutAudit.Result>(System.Net.WebUtility.HtmlDecode(m.Groups[1].Value), new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
    }

    /// <summary>Screenshots the page at the given window size and returns the PNG's bytes.</summary>
    public static byte[] Screenshot(string page, string png, int width, int height)
    {
        var (code, _, err) = Run($"--screenshot={png}", $"--window-size={width},{height}", "--virtual-time-budget=10000", new Uri(page).AbsoluteUri);
        Assert.True(code == 0 && File.Exists(png), $"screenshot failed ({code}): {err}");
        return File.ReadAllBytes(png);
    }

    [GeneratedRegex("<pre id=\"layout-audit\">(.*?)</pre>", RegexOptions.Singleline)]
    private static partial Regex AuditBlock();
}
