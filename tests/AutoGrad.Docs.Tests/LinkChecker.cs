using System.Net;
using System.Text.RegularExpressions;

namespace AutoGrad.Docs.Tests;

/// <summary>
/// Checks a generated static site offline: every internal link (an <c>href</c> or <c>src</c> attribute with no scheme) of
/// every HTML page must name a file of the site, and a link with a fragment (<c>page.html#member</c>) must name an element
/// of that page by its <c>id</c>. External links (http:, https:, mailto:, data:, …) are not
/// followed: the check needs no network.
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
        siteRoot = Path.GetFullPath(siteRoot);
        var ids = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var problems = new List<Problem>();
        int pages = 0, links = 0, anchors = 0;
        foreach (var page in Directory.EnumerateFiles(siteRoot, "*.html", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            pages++;
            string relativePage = Path.GetRelativePath(siteRoot, page).Replace('\\', '/');
            foreach (Match m in LinkAttribute().Matches(File.ReadAllText(page)))
            {
                string link = WebUtility.HtmlDecode(m.Groups["v"].Value).Trim();
                if (link.Length == 0 || link.StartsWith("//", StringComparison.Ordinal) || Scheme().IsMatch(link)) continue;
                links++;
                int hash = link.IndexOf('#');
                string path = hash < 0 ? link : link[..hash];
                string fragment = hash < 0 ? "" : Uri.UnescapeDataString(link[(hash + 1)..]);
                int query = path.IndexOf('?');
                if (query >= 0) path = path[..query];
                path = Uri.UnescapeDataString(path);

                string target = path.Length == 0
                    ? page
                    : Path.GetFullPath(path.StartsWith('/') ? Path.Combine(siteRoot, path.TrimStart('/')) : Path.Combine(Path.GetDirectoryName(page)!, path));
                if (Directory.Exists(target)) target = Path.Combine(target, "index.html");
                if (!target.StartsWith(siteRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    problems.Add(new(relativePage, link, "points outside the site"));
                    continue;
                }
                if (!File.Exists(target))
                {
                    problems.Add(new(relativePage, link, $"no file {Path.GetRelativePath(siteRoot, target).Replace('\\', '/')}"));
                    continue;
                }
                if (fragment.Length == 0 || !target.EndsWith(".html", StringComparison.Ordinal)) continue;
                anchors++;
                if (!ids.TryGetValue(target, out var known))
                    ids[target] = known = [.. Anchor().Matches(File.ReadAllText(target)).Select(a => WebUtility.HtmlDecode(a.Groups["v"].Value))];
                if (!known.Contains(fragment))
                    problems.Add(new(relativePage, link, $"{Path.GetRelativePath(siteRoot, target).Replace('\\', '/')} has no element with id '{fragment}'"));
            }
        }
        return new(pages, links, anchors, problems);
    }

    [GeneratedRegex("""\s(?:href|src)\s*=\s*(?:"(?<v>[^"]*)"|'(?<v>[^']*)')""", RegexOptions.IgnoreCase)]
    private static partial Regex LinkAttribute();

    [GeneratedRegex("""\sid\s*=\s*(?:"(?<v>[^"]*)"|'(?<v>[^']*)')""", RegexOptions.IgnoreCase)]
    private static partial Regex Anchor();

    // A URI scheme (RFC 3986, section 3.1): http:, https:, mailto:, data:, javascript:, …
    [GeneratedRegex("^[a-zA-Z][a-zA-Z0-9+.-]*:")]
    private static partial Regex Scheme();
}
