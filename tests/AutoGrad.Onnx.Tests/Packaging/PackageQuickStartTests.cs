using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace AutoGrad.Onnx.Tests.Packaging;

/// <summary>
/// Packs the packages as a release would, installs AutoGrad from that folder into a fresh console project with
/// <c>dotnet add package</c>, runs the package README's quick start and checks what it prints.
/// </summary>
/// <remarks>
/// Offline once the NuGet cache holds AutoGrad's dependencies: the fresh project restores into its own packages folder
/// (so no AutoGrad from an earlier run can stand in for the one just packed) with the machine's cache as a fallback folder.
/// </remarks>
public class PackageQuickStartTests
{
    private static readonly string[] s_packages = ["AutoGrad.Kernels", "AutoGrad", "AutoGrad.Onnx"];

    [Fact]
    public void Packed_packages_carry_symbols_repository_metadata_and_a_quick_start_that_runs()
    {
        var root = RepositoryRoot();
        var work = Directory.CreateTempSubdirectory("autograd-package-");
        try
        {
            var feed = Path.Combine(work.FullName, "feed");
            foreach (var p in s_packages)
                Dotnet(root, "pack", $"src/{p}/{p}.csproj", "-c", "Release", "-o", feed, "-p:ContinuousIntegrationBuild=true");

            string version = VersionFromProps(root);
            foreach (var p in s_packages)
            {
                var nupkg = Path.Combine(feed, $"{p}.{version}.nupkg");
                Assert.True(File.Exists(nupkg), $"{nupkg} was not packed");
                Assert.True(File.Exists(Path.Combine(feed, $"{p}.{version}.snupkg")), $"{p}: no symbols package");
                var nuspec = ReadEntry(nupkg, $"{p}.nuspec");
                Assert.Matches("<repository type=\"git\" url=\"https://github.com/[^\"]+\" commit=\"[0-9a-f]{40}\"", nuspec);
                Assert.Contains($"<version>{version}</version>", nuspec);
                foreach (Match dep in Regex.Matches(nuspec, "<dependency id=\"(AutoGrad[^\"]*)\" version=\"([^\"]+)\""))
                    Assert.Equal(version, dep.Groups[2].Value);   // versioned together
            }

            var readme = ReadEntry(Path.Combine(feed, $"AutoGrad.{version}.nupkg"), "README.md");
            Assert.DoesNotMatch(@"\]\((?!https://)[^)]+\)", readme);   // every link absolute, so it works on a package page
            var program = Regex.Match(readme, "```csharp\n(.*?)```", RegexOptions.Singleline).Groups[1].Value;
            var expected = Regex.Match(readme, "`dotnet run` prints:\\s*```text\n(.*?)```", RegexOptions.Singleline).Groups[1].Value;
            Assert.NotEmpty(program);
            Assert.NotEmpty(expected);

            var app = Directory.CreateDirectory(Path.Combine(work.FullName, "Hello")).FullName;
            File.WriteAllText(Path.Combine(app, "Hello.csproj"), """
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <Nullable>enable</Nullable>
                  </PropertyGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <config><add key="globalPackagesFolder" value="{Path.Combine(work.FullName, "packages")}" /></config>
                  <fallbackPackageFolders><add key="cache" value="{MachineCache()}" /></fallbackPackageFolders>
                  <packageSources><clear /><add key="local" value="{feed}" /></packageSources>
                </configuration>
                """);
            File.WriteAllText(Path.Combine(app, "Program.cs"), program);
            Dotnet(app, "add", "package", "AutoGrad", "--version", version);
            var output = Dotnet(app, "run", "--no-launch-profile");
            Assert.Equal(expected.Trim().ReplaceLineEndings("\n"), output.Trim().ReplaceLineEndings("\n"));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static string Dotnet(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment.Remove("MSBuildExtensionsPath");   // the test host's MSBuild settings must not leak into the child build
        start.Environment.Remove("MSBUILD_EXE_PATH");
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"dotnet {string.Join(' ', args)} failed ({p.ExitCode}):\n{stdout.Result}\n{stderr.Result}");
        return stdout.Result;
    }

    private static string ReadEntry(string nupkg, string name)
    {
        using var zip = ZipFile.OpenRead(nupkg);
        var entry = zip.GetEntry(name) ?? throw new InvalidOperationException($"{nupkg} has no {name}");
        using var reader = new StreamReader(entry.Open(), Encoding.UTF8);
        return reader.ReadToEnd().ReplaceLineEndings("\n");
    }

    private static string VersionFromProps(string root) =>
        Regex.Match(File.ReadAllText(Path.Combine(root, "src", "Directory.Build.props")), "<AutoGradVersion>([^<]+)</AutoGradVersion>").Groups[1].Value;

    private static string MachineCache() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
            ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "AutoGrad.sln"))) return dir.FullName;
        throw new InvalidOperationException("AutoGrad.sln not found above the test's folder.");
    }
}
