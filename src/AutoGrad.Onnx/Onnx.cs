using AutoGrad.Differentiation;
using AutoGrad.NN;

namespace AutoGrad.Onnx;

/// <summary>Exports a model to ONNX by tracing one forward pass on the tape (see Note [Export by tracing]).</summary>
// Note [Export by tracing]
// Export runs the forward pass once on a copy of the sample input that requires gradients, so every op that depends on the
// input is recorded as a node, with an OpTrace open (Note [Op traces] in src/AutoGrad/OpTrace.cs) so that ops also
// say what the nodes do not hold: a convolution's stride, a softmax's axis, a product's transpose flags. GraphBuilder then
// walks back from the output: a tensor with a description is lowered from it (the outermost op wins, so Conv2d becomes one
// Conv rather than the padding, im2col and product it runs), one without is lowered from its node, and one that no node made
// (a parameter, a buffer, a constant the forward pass computed from them alone) becomes an initializer. Axis 0 of the input
// is the batch axis: the input and output declare it as the symbol "batch", and shapes written into the graph (Reshape,
// Expand) keep it dynamic with 0 or -1. What was traced is one path: control flow that depends on values is frozen as
// taken, and shapes computed from the batch size inside the forward pass are written as the sample's numbers.
public static class Onnx
{
    /// <summary>The ONNX operator set the exporter writes (17: the first with LayerNormalization).</summary>
    public const int Opset = 17;

    /// <summary>The ONNX IR version that goes with <see cref="Opset"/> (8).</summary>
    public const int IrVersion = 8;

    /// <summary>Traces <paramref name="model"/> in evaluation mode on <paramref name="sampleInput"/> and writes the ONNX model to <paramref name="path"/>.</summary>
    /// <remarks>
    /// Parameters and buffers become initializers under their state-dict names. The model's training flags are restored
    /// afterwards. The file is written to a temporary file beside <paramref name="path"/> and then renamed over it.
    /// </remarks>
    /// <exception cref="OnnxExportException">An op on the traced path has no ONNX form; the message names it and its call site.</exception>
    public static void Export(Module model, Tensor sampleInput, string path, OnnxExportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = ToBytes(model, sampleInput, options);
        WriteAtomically(path, bytes);
    }

    /// <summary>The ONNX model of <paramref name="model"/> traced on <paramref name="sampleInput"/>, as bytes.</summary>
    /// <exception cref="OnnxExportException">An op on the traced path has no ONNX form.</exception>
    public static byte[] ToBytes(Module model, Tensor sampleInput, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var names = new List<KeyValuePair<string, Tensor>>(model.NamedParameters());
        names.AddRange(model.NamedBuffers());
        var modes = TrainingFlags(model);
        model.Eval();
        try
        {
            return ToBytes(model.Forward, sampleInput, names, options);
        }
        finally
        {
            foreach (var (module, training) in modes) module.Train(training);
        }
    }

    /// <summary>
    /// The ONNX model of the function <paramref name="forward"/> traced on <paramref name="sampleInput"/>; tensors listed in
    /// <paramref name="names"/> keep those names as initializers.
    /// </summary>
    /// <exception cref="OnnxExportException">An op on the traced path has no ONNX form.</exception>
    public static byte[] ToBytes(Func<Tensor, Tensor> forward, Tensor sampleInput, IEnumerable<KeyValuePair<string, Tensor>>? names = null,
        OnnxExportOptions? options = null)
    {
        options ??= new OnnxExportOptions();
        return Trace(forward, sampleInput, names, options).ToModel(IrVersion, Opset, typeof(Onnx).Assembly.GetName().Version?.ToString() ?? "0");
    }

    internal static OnnxGraph Trace(Func<Tensor, Tensor> forward, Tensor sampleInput, IEnumerable<KeyValuePair<string, Tensor>>? names,
        OnnxExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(forward);
        ArgumentNullException.ThrowIfNull(sampleInput);
        if (sampleInput.Rank == 0 && options.DynamicBatch)
            throw new ArgumentException("Onnx.Export: the sample input is a scalar, so it has no batch axis; pass DynamicBatch = false.");
        // A new tensor object on the same values: every op that reads it is recorded. Integer ids (an Embedding's input) cannot
        // require gradients; the ops that read them describe themselves instead (Note [Op traces]).
        var x = sampleInput.Detach();
        if (x.DType.IsFloatingPoint()) x.RequireGrad();
        using var trace = OpTrace.Begin();
        using var grad = Recorder.EnableGrad();
        var y = forward(x);
        var builder = new GraphBuilder(trace, x, names ?? [], options);
        return builder.Build(y);
    }

    // Parents before children, so restoring in this order gives every module its own flag back (Train sets a whole subtree).
    private static List<(Module Module, bool Training)> TrainingFlags(Module root)
    {
        var list = new List<(Module, bool)>();
        var stack = new Stack<Module>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var m = stack.Pop();
            list.Add((m, m.Training));
            foreach (var (_, child) in m.Children()) stack.Push(child);
        }
        return list;
    }

    private static void WriteAtomically(string path, byte[] bytes)
    {
        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var f = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                f.Write(bytes);
                f.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}

/// <summary>Names and the batch axis of an exported graph.</summary>
public sealed class OnnxExportOptions
{
    /// <summary>The graph input's name (default <c>input</c>).</summary>
    public string InputName { get; init; } = "input";

    /// <summary>The graph output's name (default <c>output</c>).</summary>
    public string OutputName { get; init; } = "output";

    /// <summary>The graph's name (default <c>autograd</c>).</summary>
    public string GraphName { get; init; } = "autograd";

    /// <summary>When true (the default), axis 0 of the input is the symbolic dimension <c>batch</c>, so any batch size runs.</summary>
    public bool DynamicBatch { get; init; } = true;
}

/// <summary>An op on the traced path cannot be written as ONNX; the message names the op and where it was called.</summary>
public sealed class OnnxExportException : Exception
{
    /// <summary>Creates the exception for <paramref name="op"/> called at <paramref name="site"/>.</summary>
    public OnnxExportException(string op, CallSite site, string message) : base(message)
    {
        Op = op;
        Site = site;
    }

    /// <summary>The AutoGrad op that could not be exported.</summary>
    public string Op { get; }

    /// <summary>Where that op was called.</summary>
    public CallSite Site { get; }
}
