using System.Diagnostics;
using AutoGrad.IO;
using Xunit.Abstractions;

namespace AutoGrad.Tests.Interop;

/// <summary>
/// The reverse direction: AutoGrad writes its models' state dicts, inputs, outputs and gradients as tests/fixtures/make_torch_fixtures.py
/// writes PyTorch's, and the script's <c>--check DIR</c> mode loads them into PyTorch and compares (run when Debian's python3-torch
/// is installed, skipped otherwise).
/// </summary>
public sealed class PyTorchCheckTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "autograd-interop-" + Guid.NewGuid().ToString("N"));
    private readonly ITestOutputHelper _log;

    public PyTorchCheckTests(ITestOutputHelper log)
    {
        _log = log;
        Directory.CreateDirectory(_dir);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Every case in both dtypes, from AutoGrad's own seeded initialisation; returns the number of cases written.
    private int WriteAutoGradCases()
    {
        ulong seed = 500;
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            string dt = InteropModels.Suffix(dtype);
            foreach (var (name, model, training) in InteropModels.Cases)
            {
                var m = InteropModels.Build(model, dtype, ++seed);
                var state = m.StateDict();   // before the step: a training step moves BatchNorm's running statistics
                var g = new Generator(++seed);
                var x = Tensor.Randn(new Shape(InteropModels.InputShape(model)), g, dtype);
                var gradOutput = Tensor.Randn(m.Eval().Forward(x).Shape, g, dtype);
                var mask = InteropModels.KeyPaddingMask(name);
                var io = InteropModels.Run(m, x, gradOutput, training, mask);
                if (mask is not null) io["mask"] = mask;
                io["input"] = x;
                io["grad_output"] = gradOutput;
                SafeTensors.Save(Path.Combine(_dir, $"{name}_{dt}.safetensors"), state);
                SafeTensors.Save(Path.Combine(_dir, $"{name}_{dt}.io.safetensors"), io,
                    new Dictionary<string, string> { ["model"] = model, ["mode"] = training ? "train" : "eval", ["state"] = $"{name}_{dt}.safetensors" });
            }
        }
        return 2 * InteropModels.Cases.Length;
    }

    [Fact]
    public void Written_cases_reload_into_a_fresh_model_and_reproduce_their_outputs()
    {
        WriteAutoGradCases();
        foreach (var (name, model, training) in InteropModels.Cases)
        {
            var io = SafeTensors.LoadWithMetadata(Path.Combine(_dir, $"{name}_f64.io.safetensors"));
            Assert.Equal(training ? "train" : "eval", io.Metadata["mode"]);
            var m = InteropModels.Build(model, DType.Float64, seed: 1);
            m.LoadStateDict(SafeTensors.Load(Path.Combine(_dir, io.Metadata["state"])));
            var again = InteropModels.Run(m, io.Tensors["input"], io.Tensors["grad_output"], training, io.Tensors.GetValueOrDefault("mask"));
            foreach (var (k, v) in again) Assert.Equal(io.Tensors[k].ToDoubleArray(), v.ToDoubleArray());
        }
    }

    [FactWhenTorchAvailable]
    public void PyTorch_loads_AutoGrad_state_dicts_and_matches_outputs_and_gradients()
    {
        int cases = WriteAutoGradCases();
        var (exit, output) = TorchPython.Run(TorchFixtures.Script, "--check", _dir);
        _log.WriteLine(output);
        Assert.True(exit == 0, output);
        Assert.Contains($"checked {cases} cases, 0 failed", output);
        Assert.Equal(cases, output.Split('\n').Count(l => l.StartsWith("ok ", StringComparison.Ordinal)));
    }
}

/// <summary>Debian's python3 with torch (python3-torch), if this machine has one.</summary>
public static class TorchPython
{
    private static readonly Lazy<string?> Interpreter = new(() =>
        new[] { "/usr/bin/python3", "python3" }.FirstOrDefault(p => TryRun(p, ["-c", "import torch"], out _) == 0));

    /// <summary>The interpreter, or null when none can import torch.</summary>
    public static string? Path => Interpreter.Value;

    /// <summary>Runs the script with the interpreter (at most 5 minutes); returns the exit code and standard output and error.</summary>
    public static (int Exit, string Output) Run(params string[] args)
    {
        int exit = TryRun(Path ?? throw new InvalidOperationException("no python3 with torch"), args, out var output);
        return (exit, output);
    }

    private static int TryRun(string file, string[] args, out string output)
    {
        output = "";
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        Process? p;
        try { p = Process.Start(info); }
        catch (System.ComponentModel.Win32Exception) { return -1; }   // not installed
        if (p is null) return -1;
        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(TimeSpan.FromMinutes(5)))
            {
                p.Kill(entireProcessTree: true);
                output = "timed out after 5 minutes";
                return -1;
            }
            output = stdout.Result + stderr.Result;
            return p.ExitCode;
        }
    }
}

/// <summary>A fact skipped when no python3 on this machine can import torch (Debian: apt-get install python3-torch).</summary>
public sealed class FactWhenTorchAvailableAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when torch is absent.</summary>
    public FactWhenTorchAvailableAttribute()
    {
        if (TorchPython.Path is null) Skip = "no python3 with torch on this machine (apt-get install python3-torch)";
    }
}
