using System.Diagnostics;

namespace AutoGrad.Distributed.Tests;

/// <summary>Starts the test worker under <c>mpirun</c> (loopback and shared memory only) or alone, with a hard time limit.</summary>
internal static class MpiRun
{
    public const string MpiRunPath = "/usr/bin/mpirun";
    public const string Install = "apt-get install openmpi-bin libopenmpi-dev; .ci/run does it";

    private static string Worker
    {
        get
        {
            var dll = Path.Combine(AppContext.BaseDirectory, "AutoGrad.Distributed.Worker.dll");
            Assert.True(File.Exists(dll), $"{dll} is missing: the test project references the worker so it is copied next to the tests.");
            return dll;
        }
    }

    private static string Host => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";

    /// <summary>Runs <c>mpirun -np <paramref name="ranks"/> dotnet worker.dll args…</c>; returns its exit code and everything it printed.</summary>
    public static (int Code, string Output) Ranks(int ranks, params string[] args) => Ranks(ranks, Worker, args);

    /// <summary>Runs <c>mpirun -np <paramref name="ranks"/> dotnet <paramref name="dll"/> args…</c>.</summary>
    public static (int Code, string Output) Ranks(int ranks, string dll, string[] args)
    {
        // Loopback and shared memory only (nothing leaves 127.0.0.0/8); oversubscribe: 3 ranks on 2 cores; root allowed in CI containers.
        string[] mpi = ["-np", ranks.ToString(), "--oversubscribe", "--allow-run-as-root", "--mca", "btl", "self,vader", "--mca", "oob_tcp_if_include", "lo",
            Host, dll];
        return Run(MpiRunPath, [.. mpi, .. args]);
    }

    /// <summary>Runs the worker as one ordinary process.</summary>
    public static (int Code, string Output) Single(params string[] args) => Run(Host, ["exec", Worker, .. args]);

    private static (int Code, string Output) Run(string file, string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["OMPI_MCA_rmaps_base_oversubscribe"] = "1";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(90_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within 90 s.");
        }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    public static float[] ReadFloats(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var v = new float[bytes.Length / sizeof(float)];
        Buffer.BlockCopy(bytes, 0, v, 0, bytes.Length);
        return v;
    }
}

/// <summary>A fact skipped, with the reason shown, when Open MPI's mpirun is not installed.</summary>
public sealed class FactWithMpiAttribute : FactAttribute
{
    public FactWithMpiAttribute()
    {
        if (!File.Exists(MpiRun.MpiRunPath)) Skip = $"{MpiRun.MpiRunPath} is absent on this machine ({MpiRun.Install}).";
    }
}

/// <summary>A theory skipped, with the reason shown, when Open MPI's mpirun is not installed.</summary>
public sealed class TheoryWithMpiAttribute : TheoryAttribute
{
    public TheoryWithMpiAttribute()
    {
        if (!File.Exists(MpiRun.MpiRunPath)) Skip = $"{MpiRun.MpiRunPath} is absent on this machine ({MpiRun.Install}).";
    }
}
