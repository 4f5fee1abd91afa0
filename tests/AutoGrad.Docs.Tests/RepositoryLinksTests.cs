namespace AutoGrad.Docs.Tests;

/// <summary>
/// The repository holds no symbolic link to one of its own folders' ancestors. Such a link makes the tree endless for every
/// tool that follows links: BenchmarkDotNet's project search found nested copies of AutoGrad.Benchmarks.csproj through the
/// docs site's old <c>docs/site/repo</c> link and refused to run. docs/site/build.sh makes that link in a temporary folder.
/// </summary>
public sealed class RepositoryLinksTests
{
    [Fact]
    public void No_symbolic_link_points_at_an_ancestor_folder()
    {
        var root = DocsSite.RepositoryRoot();
        var loops = new List<string>();
        var pending = new Stack<DirectoryInfo>([new DirectoryInfo(root)]);
        int folders = 0;
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            folders++;
            foreach (var entry in dir.EnumerateFileSystemInfos())
            {
                if (entry.LinkTarget is not null)
                {
                    var target = Path.GetFullPath(entry.LinkTarget, dir.FullName).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
                    if ((dir.FullName + Path.DirectorySeparatorChar).StartsWith(target, StringComparison.Ordinal))
                        loops.Add($"{Path.GetRelativePath(root, entry.FullName)} -> {entry.LinkTarget}");
                }
                else if (entry is DirectoryInfo sub && sub.Name != ".git") pending.Push(sub);
            }
        }
        Assert.True(folders > 10, $"walked only {folders} folders from {root}");
        Assert.True(loops.Count == 0, "links to an ancestor folder: " + string.Join(", ", loops));
    }
}
