using System.Text.RegularExpressions;
using AutoGrad.Plots.Tests.Browser;
using Xunit.Abstractions;

namespace AutoGrad.Docs.Tests;

/// <summary>
/// The API reference site (docs/site/docfx.json): it builds with docfx without a warning, covers every public package and
/// the repository's pages, every internal link of every page resolves, and the Tensor page renders in headless Chromium.
/// </summary>
public sealed partial class DocsSiteTests(DocsSite site, ITestOutputHelper output) : IClassFixture<DocsSite>
{
    [Fact]
    public void Site_has_a_page_for_every_package_and_article()
    {
        output.WriteLine($"docfx (tool restore, metadata and build) took {site.BuildTime.TotalSeconds:F0} s");
        Assert.Contains("0 warning(s)", site.Log);
        string[] pages =
        [
            "index.html",
            "api/AutoGrad.Tensor.html", "api/AutoGrad.NN.Linear.html", "api/AutoGrad.Checking.GradCheck.html",   // AutoGrad
            "api/AutoGrad.Onnx.Onnx.html",                                                                          // AutoGrad.Onnx
            "api/AutoGrad.Plots.Figure.html",                                                                       // AutoGrad.Plots
            "api/AutoGrad.Distributed.DistributedDataParallel.html",                                                // AutoGrad.Distributed
            "api/AutoGrad.Training.Console.SpectreProgress.html",                                                   // AutoGrad.Training.Console
            "articles/README.html", "articles/CONTRIBUTING.html", "articles/docs/porting-from-pytorch.html",
            "articles/benchmarks/compare/results.html", "articles/docs/images/fashion-mnist-confusion.png",
        ];
        foreach (var page in pages)
            Assert.True(File.Exists(Path.Combine(site.Output, page)), $"the site has no {page}");
        // AutoGrad.Kernels is internal to AutoGrad: no page, and none of the other assemblies' internals either.
        Assert.Empty(Directory.GetFiles(Path.Combine(site.Output, "api"), "AutoGrad.Kernels*"));
        Assert.False(File.Exists(Path.Combine(site.Output, "api", "AutoGrad.Onnx.GraphBuilder.html")));

        var tensor = File.ReadAllText(Path.Combine(site.Output, "api", "AutoGrad.Tensor.html"));
        Assert.Matches("<h1 id=\"AutoGrad_Tensor\" data-uid=\"AutoGrad.Tensor\" class=\"text-break\">\\s*Class Tensor\\s*</h1>", tensor);
        var readme = File.ReadAllText(Path.Combine(site.Output, "articles", "README.html"));
        Assert.Contains("Coming from PyTorch", readme);
        Assert.Contains("href=\"docs/porting-from-pytorch.html\"", readme);   // a repository-relative .md link, rewritten to the page
    }

    [Fact]
    public void Every_internal_link_of_every_page_resolves()
    {
        var result = LinkChecker.Check(site.Output);
        output.WriteLine($"{result.Pages} pages and toc.json files, {result.Links} internal links, {result.Anchors} of them with a fragment");
        Assert.True(result.Pages >= 200, $"only {result.Pages} pages were checked");
        Assert.True(result.Anchors >= 500, $"only {result.Anchors} links with a fragment were checked");
        Assert.True(result.Problems.Count == 0, string.Join('\n', result.Problems.Take(50)));
    }

    [Fact]
    public void Link_checker_reports_links_planted_in_a_copy_of_the_site()
    {
        var copy = Directory.CreateTempSubdirectory("autograd-docs-planted-");
        try
        {
            CopyDirectory(site.Output, copy.FullName);
            var page = Path.Combine(copy.FullName, "articles", "README.html");
            var html = File.ReadAllText(page);
            int body = html.IndexOf("</body>", StringComparison.Ordinal);
            Assert.True(body > 0);
            File.WriteAllText(page, html.Insert(body, """
                <a href="../api/AutoGrad.NoSuchType.html">missing page</a>
                <a href="../api/AutoGrad.Tensor.html#AutoGrad_Tensor_NoSuchMember">missing member</a>
                <img src="docs/images/no-such-image.png">
                <a href="https://example.org/not-followed.html">external</a>
                """));
            var toc = Path.Combine(copy.FullName, "toc.json");
            File.WriteAllText(toc, File.ReadAllText(toc).Replace("\"articles/CONTRIBUTING.html\"", "\"articles/CONTRIBUTING-moved.html\""));

            var result = LinkChecker.Check(copy.FullName);
            Assert.Equal(
                [
                    "articles/README.html: ../api/AutoGrad.NoSuchType.html (no file api/AutoGrad.NoSuchType.html)",
                    "articles/README.html: ../api/AutoGrad.Tensor.html#AutoGrad_Tensor_NoSuchMember (api/AutoGrad.Tensor.html has no element with id 'AutoGrad_Tensor_NoSuchMember')",
                    "articles/README.html: docs/images/no-such-image.png (no file articles/docs/images/no-such-image.png)",
                    "toc.json: articles/CONTRIBUTING-moved.html (no file articles/CONTRIBUTING-moved.html)",
                    "toc.json: articles/CONTRIBUTING-moved.html (no file articles/CONTRIBUTING-moved.html)",   // its href and topicHref
                ],
                result.Problems.Select(p => p.ToString()));
        }
        finally
        {
            copy.Delete(recursive: true);
        }
    }

    [Fact]
    public void Docfx_fails_on_a_broken_link_planted_in_a_page_and_the_checker_finds_it_in_the_output()
    {
        // A one-page site (docfx build only, no API metadata: seconds) with a link to a page that does not exist.
        var copy = Directory.CreateTempSubdirectory("autograd-docs-tiny-");
        try
        {
            File.WriteAllText(Path.Combine(copy.FullName, "docfx.json"), """
                { "build": { "content": [ { "files": ["index.md"] } ], "output": "_site", "template": ["default", "modern"] } }
                """);
            File.WriteAllText(Path.Combine(copy.FullName, "index.md"), "# Planted\n\nSee [the missing page](no-such-page.md).\n");
            string config = Path.Combine(copy.FullName, "docfx.json");

            var (code, log) = DocsSite.TryDotnet(site.Root, "docfx", "build", config, "-o", Path.Combine(copy.FullName, "strict"), "--warningsAsErrors");
            Assert.NotEqual(0, code);
            Assert.Contains("index.md(3,1): warning InvalidFileLink: Invalid file link:(~/no-such-page.md)", log);

            // Without --warningsAsErrors docfx writes the page with the link as it was; the link checker catches it there.
            var lenient = Path.Combine(copy.FullName, "lenient");
            DocsSite.Dotnet(site.Root, "docfx", "build", config, "-o", lenient);
            var result = LinkChecker.Check(lenient);
            Assert.Equal(["index.html: no-such-page.md (no file no-such-page.md)"], result.Problems.Select(p => p.ToString()));
        }
        finally
        {
            copy.Delete(recursive: true);
        }
    }

    [FactWhenFileExists(Chromium.Path, Chromium.Install)]
    public void Tensor_page_renders_in_headless_chromium_with_its_navigation()
    {
        using var server = new StaticServer(site.Output);
        string url = new Uri(server.BaseUri, "api/AutoGrad.Tensor.html").AbsoluteUri;
        var (code, dom, err) = Chromium.Run("--virtual-time-budget=10000", "--window-size=1300,1000", "--dump-dom", url);
        Assert.True(code == 0, $"chromium exited with {code}: {err}");
        dom = LitMarkers().Replace(dom, "").Replace("<wbr>", "");   // the template's renderer leaves comments and soft breaks

        // Written by docfx: the title, the method's section and its entry among the members.
        Assert.Matches("<h1 id=\"AutoGrad_Tensor\" data-uid=\"AutoGrad.Tensor\" class=\"text-break\">\\s*Class Tensor\\s*</h1>", dom);
        Assert.Contains("<h3 id=\"AutoGrad_Tensor_Backward_AutoGrad_Tensor_System_Boolean_System_Boolean_\"", dom);
        // Written by the template's scripts from toc.json once the page ran: the top bar with this section marked, the
        // side table of contents with Tensor marked, and "In this article" listing Backward.
        Assert.Contains($"<a class=\"nav-link active\" aria-current=\"page\" href=\"{server.BaseUri}api/AutoGrad.html\">API reference</a>", dom);
        Assert.Matches($"<li class=\"\\s*active\\s*\">\\s*<a class=\"[^\"]*\" href=\"{Regex.Escape(server.BaseUri + "api/AutoGrad.Tensor.html")}\">Tensor</a>", dom);
        Assert.Contains("href=\"#AutoGrad_Tensor_Backward_AutoGrad_Tensor_System_Boolean_System_Boolean_\">Backward(Tensor?, bool, bool)</a>", dom);
        int tocLinks = Regex.Matches(dom, $"href=\"{Regex.Escape(server.BaseUri + "api/")}AutoGrad\\.[^\"]+\\.html\"").Count;
        Assert.True(tocLinks >= 200, $"the side table of contents has {tocLinks} API links");
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }

    [GeneratedRegex("<!--.*?-->", RegexOptions.Singleline)]
    private static partial Regex LitMarkers();
}
