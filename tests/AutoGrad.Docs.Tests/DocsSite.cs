using System.Diagnostics;

namespace AutoGrad.Docs.Tests;

/// <summary>
/// Builds the API reference site once for the tests that share it: <c>bash docs/site/build.sh -o TEMP --warningsAsErrors</c>,
/// the command CONTRIBUTING ("API reference site") gives (docfx, pinned in .config/dotnet-tools.json, run on a staged copy
/// of docs/site whose <c>repo</c> link to the repository exists only during the build), with the output in a temporary
/// folder. Any docfx warning (a cref or link docfx cannot resolve, a missing file) fails the build and so every test here.
/// </summary>
public sealed class DocsSite : IDisposable
{
    public string Root { get; }
    public string Output { get; }
    public string Log { get; }
    public TimeSpan BuildTime { get; }
    private readonly DirectoryInfo _work;

    public DocsSite()
    {
        Root = RepositoryRoot();
        _work = Directory.CreateTempSubdirectory("autograd-docs-");
        Output = Path.Combine(_work.FullName, "site");
        var clock = Stopwatch.StartNew();
        Log = Run(Root, "bash", "docs/site/build.sh", "-o", Output, "--warningsAsErrors");
        BuildTime = clock.Elapsed;
    }

    public void Dispose()
    {
        try { _work.Delete(recursive: true); } catch (IOException) { }
    }

    /// <summary>Runs <c>dotnet</c> with the arguments and fails the test when it exits with an error.</summary>
    public static string Dotnet(string directory, params string[] args) => Run(directory, "dotnet", args);

    /// <summary>Runs <c>dotnet</c> with the arguments; returns its exit code and what it printed (stdout, then stderr).</summary>
    public static (int Code, string Output) TryDotnet(string directory, params string[] args) => TryRun(directory, "dotnet", args);

    /// <summary>Runs a program with the arguments and fails the test when it exits with an error.</summary>
    public static string Run(string directory, string program, params string[] args)
    {
        var (code, text) = TryRun(directory, program, args);
        Assert.True(code == 0, $"{program} {string.Join(' ', args)} failed ({code}):\n{text}");
        return text;
    }

    /// <summary>Runs a program with the arguments; returns its exit code and what it printed (stdout, then stderr).</summary>
    public static (int Code, string Output) TryRun(string directory, string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment.Remove("MSBuildExtensionsPath");   // the test host's MSBuild settings must not leak into docfx's MSBuild
        start.Environment.Remove("MSBUILD_EXE_PATH");
        start.Environment.Remove("MSBuildSDKsPath");
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "AutoGrad.sln"))) return dir.FullName;
        throw new InvalidOperationException("AutoGrad.sln not found above the test's folder.");
    }
}
