using BenchmarkDotNet.Running;

namespace AutoGrad.Benchmarks;

internal static class Program
{
    // `compare <workload>` runs one workload of the PyTorch side-by-side (benchmarks/compare/run.sh);
    // `profile <workload>` splits a training step's time and allocations; anything else goes to BenchmarkDotNet.
    private static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "compare") return Compare.Workloads.Run(args[1..]);
        if (args.Length > 0 && args[0] == "profile") return Profiling.StepProfile.Run(args[1..]);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
