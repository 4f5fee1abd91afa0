using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace AutoGrad.Differentiation;

/// <summary>A place in source code (file, line, member) where a tensor op was called; <c>default</c> when unknown.</summary>
// Note [Call sites]
// Every public op takes [CallerFilePath]/[CallerLineNumber] arguments, which the compiler fills in at the call:
// no stack walk, no allocation. The op opens `CallSite.Enter(...)`, which sets a thread-static "current site"
// only when none is active, so the inner ops of a composite (MseLoss = Subtract, Square, Mean) inherit the
// user's line rather than the library's. Recorder.Record copies the current site into the node. Operators (+ − * /)
// cannot take caller arguments; their nodes get the enclosing op's site, or, when
// Diagnostics.CaptureOperatorSites is on (anomaly mode), one found by walking the stack past library frames.
public readonly struct CallSite : IEquatable<CallSite>
{
    [ThreadStatic] private static CallSite t_current;

    private static readonly string s_libraryRoot = LibraryRoot();

    internal CallSite(string file, int line, string member)
    {
        File = file;
        Line = line;
        Member = member;
        IsLibrary = s_libraryRoot.Length > 0 && file.StartsWith(s_libraryRoot, StringComparison.Ordinal);
    }

    /// <summary>The full path of the source file, or null when the site is unknown.</summary>
    public string? File { get; }

    /// <summary>The 1-based line number in <see cref="File"/>.</summary>
    public int Line { get; }

    /// <summary>The public op that was called there (for a composite, the outermost one), or the calling method for a stack-walked site.</summary>
    public string? Member { get; }

    /// <summary>True when the site is known.</summary>
    public bool IsKnown => File is not null;

    /// <summary>True when the call was made by this library's own code (a layer's Forward, an optimizer), not by the user.</summary>
    public bool IsLibrary { get; }

    /// <summary>The site active on this thread: the user's line of the outermost public op now running, or <c>default</c>.</summary>
    public static CallSite Current => t_current;

    /// <summary><c>File.cs:line</c> (file name only), or <c>unknown site</c>.</summary>
    public override string ToString() => IsKnown ? $"{Path.GetFileName(File)}:{Line}" : "unknown site";

    /// <inheritdoc/>
    public bool Equals(CallSite other) => File == other.File && Line == other.Line && Member == other.Member;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is CallSite s && Equals(s);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(File, Line, Member);

    /// <summary>Equality of file, line and member.</summary>
    public static bool operator ==(CallSite a, CallSite b) => a.Equals(b);

    /// <summary>Inequality of file, line and member.</summary>
    public static bool operator !=(CallSite a, CallSite b) => !a.Equals(b);

    /// <summary>Makes the caller's line the current site unless one is already active (see Note [Call sites]).</summary>
    internal static Scope Enter(string callerFile, int callerLine, [CallerMemberName] string op = "")
    {
        if (callerFile.Length == 0 || t_current.File is not null) return default;   // operators pass "": no thread-static read
        t_current = new CallSite(callerFile, callerLine, op);
        return new Scope(default, owns: true);
    }

    /// <summary>Makes <paramref name="site"/> current whatever is active (the engine replays a node's site while its rule runs).</summary>
    internal static Scope Push(CallSite site)
    {
        var previous = t_current;
        t_current = site;
        return new Scope(previous, owns: true);
    }

    /// <summary>The site the next recorded node gets: the current one, or a stack-walked one for operators when asked to.</summary>
    /// <remarks>The recorder passes whether anomaly mode is on, which it needs anyway: one thread-static read fewer per op.</remarks>
    internal static CallSite ForRecord(bool anomaly)
    {
        var s = t_current;
        if ((s.File is null || s.IsLibrary) && (anomaly || Diagnostics.CaptureOperatorSites)) return FromStack(s);
        return s;
    }

    /// <summary>For error messages, where cost does not matter: <paramref name="site"/>, or the user's frame when it is unknown or in the library.</summary>
    internal static CallSite Resolve(CallSite site) => site.File is null || site.IsLibrary ? FromStack(site) : site;

    // Slow path (Diagnostics.CaptureOperatorSites, or an error being reported): the first frame outside this library.
    private static CallSite FromStack(CallSite fallback)
    {
        var library = typeof(CallSite).Assembly;
        foreach (var frame in new StackTrace(1, fNeedFileInfo: true).GetFrames())
        {
            var m = frame.GetMethod();
            if (m?.DeclaringType?.Assembly == library) continue;
            var file = frame.GetFileName();
            if (file is null) return fallback;   // no PDB for the caller: nothing better to say
            return new CallSite(file, frame.GetFileLineNumber(), m?.Name ?? "?");
        }
        return fallback;
    }

    private static string LibraryRoot([CallerFilePath] string thisFile = "")
    {
        // This file is <root>/CallSite.cs; every library file lives under <root>.
        var dir = Path.GetDirectoryName(thisFile);
        return string.IsNullOrEmpty(dir) ? "" : dir + Path.DirectorySeparatorChar;
    }

    /// <summary>Restores the previous site when disposed.</summary>
    internal readonly struct Scope(CallSite previous, bool owns) : IDisposable
    {
        public void Dispose()
        {
            if (owns) t_current = previous;
        }
    }
}
