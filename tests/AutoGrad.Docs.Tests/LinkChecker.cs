using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace AutoGrad.Docs.Tests;

/// <summary>
/// Checks a generated static site offline: every internal link (an <c>href</c> or <c>src</c> attribute with no scheme) of
/// every HTML page, and every link of every toc.json (from which the template's scripts draw the navigation), must name a
/// file of the site, and a link with a fragment (<c>page.html#member</c>) must name an element of that page by its
/// <c>id</c>. External links (http:, https:, mailto:, data:, …) are not followed: the check needs no network.
/// </summary>
internal static partial class LinkChecker
{
    public sealed record Problem(string Page, string Link, string Reason)
    {
        public override string ToString() => $"{Page}: {Link} ({Reason})";
    }

    public sealed record Result(int Pages, int Links, int Anchors, IReadOnlyList<Problem> Problems);

    public static Result Check(string siteRoot)
    {
        var run = new Run(Path.GetFullPath(siteRoot));
        foreach (var page in Directory.EnumerateFiles(run.Root, "*.html", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            run.Pages++;
            foreach (Match m in LinkAttribute().Matches(File.ReadAllText(page)))
                run.CheckLink(page, WebUtility.HtmlDecode(m.Groups["v"].Value).Trim());
        }
        foreach (var toc in Directory.EnumerateFiles(run.Root, "toc.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            run.Pages++;
            using var json = JsonDocument.Parse(File.ReadAllText(toc));
            foreach (var link in TocLinks(json.RootElement)) run.CheckLink(toc, link);
        }
        return new(run.Pages, run.Links, run.Anchors, run.Problems);
    }

    private static IEnumerable<string> TocLinks(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
                foreach (var link in TocLinks(item)) yield return link;
        }
        else if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.Name is "href" or "topicHref" or "tocHref" && property.Value.ValueKind == JsonValueKind.String)
                    yield return property.Value.GetString()!;
                else
                    foreach (var link in TocLinks(property.Value)) yield return link;
            }
        }
    }

    private sealed class Run(string root)
    {
        private readonly Dictionary<string, HashSet<string>> _ids = new(StringComparer.Ordinal);
        public string Root { get; } = root;
        public List<Problem> Problems { get; } = [];
        public int Pages, Links, Anchors;

        public void CheckLink(string page, string link)
        {
            if (link.Length == 0 || link.StartsWith("//", StringComparison.Ordinal) || Scheme().IsMatch(link)) return;
            Links++;
            string relativePage = Relative(page);
            int hash = link.IndexOf('#');
            string path = hash < 0 ? link : link[..hash];
            string fragment = hash < 0 ? "" : Uri.UnescapeDataString(link[(hash + 1)..]);
            int query = path.IndexOf('?');
            if (query >= 0) path = path[..query];
            path = Uri.UnescapeDataString(path);

            string target = path.Length == 0
                ? page
                : Path.GetFullPath(path.StartsWith('/') ? Path.Combine(Root, path.TrimStart('/')) : Path.Combine(Path.GetDirectoryName(page)!, path));
            if (Directory.Exists(target)) target = Path.Combine(target, "index.html");
            if (!target.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                Problems.Add(new(relativePage, link, "points outside the site"));
                return;
            }
            if (!File.Exists(target))
            {
                Problems.Add(new(relativePage, link, $"no file {Relative(target)}"));
                return;
            }
            if (fragment.Length == 0 || !target.EndsWith(".html", StringComparison.Ordinal)) return;
            Anchors++;
            if (!_ids.TryGetValue(target, out var known))
                _ids[target] = known = [.. Id().Matches(File.ReadAllText(target)).Select(a => WebUtility.HtmlDecode(a.Groups["v"].Value))];
            if (!known.Contains(fragment))
                Problems.Add(new(relativePage, link, $"{Relative(target)} has no element with id '{fragment}'"));
        }

        private string Relative(string file) => Path.GetRelativePath(Root, file).Replace('\\', '/');
    }

    [GeneratedRegex("""\s(?:href|src)\s*=\s*(?:"(?<v>[^"]*)"|'(?<v>[^']*)')""", RegexOptions.IgnoreCase)]
    private static partial Regex LinkAttribute();

    [GeneratedRegex("""\sid\s*=\s*(?:"(?<v>[^"]*)"|'(?<v>[^']*)')""", RegexOptions.IgnoreCase)]
    private static partial Regex Id();

    // A URI scheme (RFC 3986, section 3.1): http:, https:, mailto:, data:, javascript:, …
    [GeneratedRegex("^[a-zA-Z][a-zA-Z0-9+.-]*:")]
    private static partial Regex Scheme();
}
