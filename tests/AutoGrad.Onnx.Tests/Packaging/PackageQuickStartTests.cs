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
/// The packages are packed from a clone of the repository's committed HEAD whose origin is set to the repository URL of
/// src/Directory.Build.props, as a published checkout would have it, so SourceLink has a GitHub remote to map the sources to.
/// Offline once the NuGet cache holds AutoGrad's dependencies: the fresh project restores into its own packages folder
/// (so no AutoGrad from an earlier run can stand in for the one just packed) with the machine's cache as a fallback folder.
/// </remarks>
public class PackageQuickStartTests
{
    private static readonly string[] s_packages = ["AutoGrad.Kernels", "AutoGrad", "AutoGrad.Onnx"];

    [Fact]
    public void Packed_packages_carry_symbols_repository_metadata_and_a_quick_start_that_runs()
    {
        var work = Directory.CreateTempSubdirectory("autograd-package-");
        try
        {
            var root = Path.Combine(work.FullName, "repo");
            Run("git", work.FullName, "clone", "--quiet", RepositoryRoot(), root);
            string url = PropsValue(root, "AutoGradRepositoryUrl");
            Run("git", root, "remote", "set-url", "origin", url + ".git");
            string commit = Run("git", root, "rev-parse", "HEAD").Trim();
            var feed = Path.Combine(work.FullName, "feed");
            foreach (var p in s_packages)
                Dotnet(root, "pack", $"src/{p}/{p}.csproj", "-c", "Release", "-o", feed, "-p:ContinuousIntegrationBuild=true");

            string version = PropsValue(root, "AutoGradVersion");
            foreach (var p in s_packages)
            {
                var nupkg = Path.Combine(feed, $"{p}.{version}.nupkg");
                Assert.True(File.Exists(nupkg), $"{nupkg} was not packed");
                Assert.True(File.Exists(Path.Combine(feed, $"{p}.{version}.snupkg")), $"{p}: no symbols package");
                var nuspec = ReadEntry(nupkg, $"{p}.nuspec");
                Assert.Contains($"<repository type=\"git\" url=\"{url}\"", nuspec);
                Assert.Contains($"commit=\"{commit}\"", nuspec);
                var sourceLink = SourceLinkJson(Path.Combine(feed, $"{p}.{version}.snupkg"), $"lib/net10.0/{p}.pdb");
                Assert.Contains($"{url.Replace("https://github.com/", "https://raw.githubusercontent.com/")}/{commit}/*", sourceLink);
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

    private static string Dotnet(string directory, params string[] args) => Run("dotnet", directory, args);

    private static string Run(string program, string directory, params string[] args)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment.Remove("MSBuildExtensionsPath");   // the test host's MSBuild settings must not leak into the child build
        start.Environment.Remove("MSBUILD_EXE_PATH");
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{program} {string.Join(' ', args)} failed ({p.ExitCode}):\n{stdout.Result}\n{stderr.Result}");
        return stdout.Result;
    }

    private static string ReadEntry(string nupkg, string name)
    {
        using var zip = ZipFile.OpenRead(nupkg);
        var entry = zip.GetEntry(name) ?? throw new InvalidOperationException($"{nupkg} has no {name}");
        using var reader = new StreamReader(entry.Open(), Encoding.UTF8);
        return reader.ReadToEnd().ReplaceLineEndings("\n");
    }

    private static string PropsValue(string root, string property) =>
        Regex.Match(File.ReadAllText(Path.Combine(root, "src", "Directory.Build.props")), $"<{property}>([^<]+)</{property}>").Groups[1].Value;

    // The SourceLink document a portable PDB carries (custom debug information of kind CC110556-A091-4D38-9FEC-25AB9A351A6A).
    private static string SourceLinkJson(string snupkg, string pdbEntry)
    {
        using var zip = ZipFile.OpenRead(snupkg);
        var entry = zip.GetEntry(pdbEntry) ?? throw new InvalidOperationException($"{snupkg} has no {pdbEntry}");
        var bytes = new MemoryStream();
        using (var s = entry.Open()) s.CopyTo(bytes);
        bytes.Position = 0;
        using var provider = System.Reflection.Metadata.MetadataReaderProvider.FromPortablePdbStream(bytes);
        var reader = provider.GetMetadataReader();
        var kind = new Guid("CC110556-A091-4D38-9FEC-25AB9A351A6A");
        foreach (var handle in reader.CustomDebugInformation)
        {
            var info = reader.GetCustomDebugInformation(handle);
            if (reader.GetGuid(info.Kind) == kind) return Encoding.UTF8.GetString(reader.GetBlobBytes(info.Value));
        }
        return "";
    }

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
