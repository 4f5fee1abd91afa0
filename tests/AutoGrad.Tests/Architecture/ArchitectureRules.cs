using System.Reflection;

namespace AutoGrad.Tests.Architecture;

/// <summary>The layering rules of CONTRIBUTING.md ("Layering") as checks over an assembly or its <see cref="Dependency"/> list.</summary>
public static class ArchitectureRules
{
    /// <summary>The names of the AutoGrad assemblies (other than itself) that <paramref name="assembly"/> references.</summary>
    public static string[] AutoGradReferences(Assembly assembly) =>
        assembly.GetReferencedAssemblies().Select(a => a.Name!)
            .Where(n => n == "AutoGrad" || n.StartsWith("AutoGrad.", StringComparison.Ordinal))
            .Where(n => n != assembly.GetName().Name).Order().ToArray();

    /// <summary>
    /// Every dependency from code in one of <paramref name="fromFolders"/> on a member or type of <paramref name="layered"/>
    /// assemblies that is not public (visible outside its assembly) and not written in the same folder, unless it is one of the
    /// declared entry points (<c>"Type.Member"</c> or <c>"Type.*"</c>). One line per (folder, target).
    /// </summary>
    public static string[] NonPublicUses(IEnumerable<Dependency> deps, IReadOnlySet<string> fromFolders, IReadOnlySet<Assembly> layered,
        IReadOnlySet<string> entryPoints) =>
        deps.Where(d => fromFolders.Contains(d.FromFolder) && layered.Contains(d.Target.Module.Assembly))
            .Where(d => d.ToFolder != d.FromFolder && !IsPublic(d.Target))
            .Where(d => !Outermost(d.Target as Type ?? d.Target.DeclaringType!).StartsWith('<'))   // compiler-made, e.g. <>z__ReadOnlyArray for [..]
            .Where(d => !entryPoints.Contains(Name(d.Target)) && !entryPoints.Contains(Outermost(d.Target as Type ?? d.Target.DeclaringType!) + ".*"))
            .GroupBy(d => $"{d.FromFolder} → {Name(d.Target)} ({d.ToFolder ?? d.Target.Module.Assembly.GetName().Name})")
            .Select(g => $"{g.Key}, e.g. in {g.First().From}").Order().ToArray();

    /// <summary>
    /// The folder cycles: each strongly connected set of two or more folders, with one dependency for every edge inside it,
    /// e.g. <c>"Differentiation ↔ Ops: Differentiation → Ops (Engine.Run uses ElementwiseOps.AddNoGrad); Ops → Differentiation (…)"</c>.
    /// Dependencies of a type on a type named in <paramref name="knownEdges"/> (<c>"User → Used"</c>, outermost type names)
    /// are left out.
    /// </summary>
    public static string[] FolderCycles(IEnumerable<Dependency> deps, IReadOnlySet<string>? knownEdges = null)
    {
        var edges = deps.Where(d => d.ToFolder is not null && d.ToFolder != d.FromFolder)
            .Where(d => knownEdges is null || !knownEdges.Contains($"{Outermost(d.Source)} → {Outermost(d.Target as Type ?? d.Target.DeclaringType!)}"))
            .GroupBy(d => (d.FromFolder, To: d.ToFolder!)).ToDictionary(g => g.Key, g => g.First());
        var nodes = edges.Keys.SelectMany(e => new[] { e.FromFolder, e.To }).Distinct().Order().ToArray();
        var cycles = new List<string>();
        foreach (var scc in StronglyConnected(nodes, n => edges.Keys.Where(e => e.FromFolder == n).Select(e => e.To)))
        {
            if (scc.Count < 2) continue;
            var set = scc.ToHashSet();
            var inside = edges.Where(e => set.Contains(e.Key.FromFolder) && set.Contains(e.Key.To)).OrderBy(e => e.Key.FromFolder).ThenBy(e => e.Key.To)
                .Select(e => $"{Show(e.Key.FromFolder)} → {Show(e.Key.To)} ({e.Value.From} uses {Name(e.Value.Target)})");
            cycles.Add(string.Join(" ↔ ", scc.Order().Select(Show)) + ": " + string.Join("; ", inside));
        }
        return [.. cycles.Order()];
    }

    private static string Outermost(Type t)
    {
        while (t.DeclaringType is { } d) t = d;
        return t.IsGenericType ? t.Name[..t.Name.IndexOf('`')] : t.Name;
    }

    private static string Show(string folder) => folder == "" ? "(root)" : folder;

    /// <summary>"Type.Member" (or the type's name for a type), as entry points are written.</summary>
    public static string Name(MemberInfo m) => m is Type t ? TypeName(t) : $"{TypeName(m.DeclaringType!)}.{m.Name}";

    private static string TypeName(MemberInfo m)
    {
        var t = m as Type ?? m.DeclaringType!;
        var name = t.Name.IndexOf('`') is var tick and >= 0 ? t.Name[..tick] : t.Name;   // a type nested in a generic one has no tick
        return t.DeclaringType is { } outer ? $"{TypeName(outer)}.{name}" : name;
    }

    private static bool IsPublic(MemberInfo m) => m switch
    {
        Type t => t.IsVisible,
        MethodBase mb => (mb.IsPublic || mb.IsFamily || mb.IsFamilyOrAssembly) && mb.DeclaringType!.IsVisible,
        FieldInfo f => (f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly) && f.DeclaringType!.IsVisible,
        _ => m.DeclaringType?.IsVisible ?? false,
    };

    // Tarjan's algorithm, iterative enough for a few dozen folders.
    private static List<List<string>> StronglyConnected(string[] nodes, Func<string, IEnumerable<string>> next)
    {
        int counter = 0;
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var result = new List<List<string>>();
        void Visit(string v)
        {
            index[v] = low[v] = counter++;
            stack.Push(v); onStack.Add(v);
            foreach (var w in next(v))
            {
                if (!index.ContainsKey(w)) { Visit(w); low[v] = Math.Min(low[v], low[w]); }
                else if (onStack.Contains(w)) low[v] = Math.Min(low[v], index[w]);
            }
            if (low[v] != index[v]) return;
            var scc = new List<string>();
            string x;
            do { x = stack.Pop(); onStack.Remove(x); scc.Add(x); } while (x != v);
            result.Add(scc);
        }
        foreach (var n in nodes) if (!index.ContainsKey(n)) Visit(n);
        return result;
    }
}
