using System.Reflection;
using AutoGrad.Tests.Architecture;

namespace AutoGrad.Tests;

/// <summary>
/// The layers of CONTRIBUTING.md ("Layering"), checked on the built assemblies: Kernels sees no tensor, NN/Optim/Losses use
/// the public tensor API or a declared fused entry point, and no two folders of src/AutoGrad depend on each other. Each
/// rule is also run over planted violations in this test assembly (Architecture/Planted/) and must report them. No edge is
/// exempt: a tensor and its tape node know each other, so Node, CallSite, Recorder and the rest of the tape's data live beside
/// Tensor in the root folder, and the batching rules beside the ops they batch (CONTRIBUTING.md, "Layering").
/// </summary>
public class ArchitectureTests
{
    private static readonly Assembly s_core = typeof(Tensor).Assembly;
    private static readonly Assembly s_kernels = Assembly.Load("AutoGrad.Kernels");
    private static readonly Lazy<Dependency[]> s_coreDeps = new(() => new DependencyScanner(s_core, "src/AutoGrad").Dependencies().ToArray());

    [Fact]
    public void Kernels_reference_no_AutoGrad_assembly()
    {
        Assert.Empty(ArchitectureRules.AutoGradReferences(s_kernels));
        Assert.Equal(["AutoGrad.Kernels"], ArchitectureRules.AutoGradReferences(s_core));   // the check sees references at all
    }

    [Fact]
    public void Kernel_rule_reports_a_planted_reference()
    {
        Assert.Contains("AutoGrad", ArchitectureRules.AutoGradReferences(typeof(ArchitectureTests).Assembly));
    }

    // What NN/, Optim/ and Losses/ may call below the public API: fused kernels and entry points that exist for measured
    // speed (each op's "Primitive because" line or the optimizer kernels' benchmark), and the library-internal
    // bookkeeping a layer or optimizer must do (keeping state past a StepScope, call sites of public ops).
    internal static readonly HashSet<string> FusedEntryPoints =
    [
        "CrossEntropyOps.SoftmaxCrossEntropy",   // fused softmax-cross-entropy (Losses.SoftmaxCrossEntropy)
        "LinearAlgebraOps.MatMul",               // the product with its bias fused (Linear)
        "RecurrentOps.HiddenProduct",            // a recurrent layer's h·W_hhᵀ against W_hh packed once per version
        "ConvolutionOps.Conv2d",                 // convolution with asymmetric padding (Conv2d's "same" padding)
        "ConvolutionOps.PaddingFor",
        "InPlaceUpdateOps.SubtractScaledInPlace", // fused optimizer updates (OptimizerKernels)
        "InPlaceUpdateOps.AdamInPlace",
        "IndexingOps.ToIndices",                 // reads an index tensor, naming the caller (Embedding) in errors
        "IndexingOps.Embedding",                 // F.Embedding's op: reads its index values, with its batching rule (Vmap)
        "NormalizationOps.TryLayerNorm",         // F.LayerNorm's fused op (Note [Fused LayerNorm])
        "InPlaceUpdateOps.RunningAverageInPlace", // BatchNorm's running statistics, with their batching rule (Vmap)
        "IndexingOps.CheckClasses",              // checks a loss's class indices, naming the loss in errors
        "Tensor.InexactAt",             // LoadStateDict refuses a lossy dtype conversion before it writes anything
        "DropoutOps.Apply",                      // dropout's mask drawn with its scale in one pass, per example under Vmap
        "CallSite.*",                            // the call site of a public op (Losses) or an optimizer step (Note [Call sites])
    ];

    [Fact]
    public void NN_Optim_and_Losses_use_only_the_public_tensor_API_or_declared_fused_entry_points()
    {
        var uses = ArchitectureRules.NonPublicUses(s_coreDeps.Value, new HashSet<string> { "NN", "Optim", "Losses" },
            new HashSet<Assembly> { s_core, s_kernels }, FusedEntryPoints);
        Assert.True(uses.Length == 0, "Non-public uses:\n" + string.Join("\n", uses));
    }

    [Fact]
    public void Public_API_rule_reports_a_planted_layer_reaching_into_internals()
    {
        var deps = new DependencyScanner(typeof(ArchitectureTests).Assembly, "tests/AutoGrad.Tests/Architecture/Planted").Dependencies();
        var uses = ArchitectureRules.NonPublicUses(deps, new HashSet<string> { "Nn" }, new HashSet<Assembly> { s_core }, new HashSet<string>());
        Assert.Equal(2, uses.Length);
        Assert.StartsWith("Nn → Shape.Wrap (AutoGrad)", uses[0]);
        Assert.StartsWith("Nn → Tensor.get_F32 (AutoGrad)", uses[1]);
    }

    [Fact]
    public void No_two_folders_of_the_library_depend_on_each_other()
    {
        var cycles = ArchitectureRules.FolderCycles(s_coreDeps.Value);
        Assert.True(cycles.Length == 0, "Folder cycles:\n" + string.Join("\n", cycles));
        // The scan sees the folders at all, in the order of CONTRIBUTING's "Layering": the root (Tensor and its tape) uses
        // Memory, Ops use the root, the engine in Differentiation uses Ops (a gradient summed to an input's shape), NN uses Ops.
        Assert.Contains(s_coreDeps.Value, d => d.FromFolder == "" && d.ToFolder == "Memory");
        Assert.Contains(s_coreDeps.Value, d => d.FromFolder == "Ops" && d.ToFolder == "");
        Assert.Contains(s_coreDeps.Value, d => d.FromFolder == "Differentiation" && d.ToFolder == "Ops");
        Assert.Contains(s_coreDeps.Value, d => d.FromFolder == "NN" && d.ToFolder == "Ops");
        // A type without code (the BackwardRule delegate) is placed in the folder of the file that declares it (Node.cs).
        Assert.Contains(s_coreDeps.Value, d => d.FromFolder == "Ops" && ArchitectureRules.Name(d.Target) == "BackwardRule" && d.ToFolder == "");
    }

    [Fact]
    public void Cycle_rule_reports_a_planted_cycle()
    {
        var deps = new DependencyScanner(typeof(ArchitectureTests).Assembly, "tests/AutoGrad.Tests/Architecture/Planted").Dependencies();
        var cycle = Assert.Single(ArchitectureRules.FolderCycles(deps));
        Assert.StartsWith("High ↔ Low: High → Low (", cycle);
        Assert.Contains("Low → High (", cycle);
    }
}
