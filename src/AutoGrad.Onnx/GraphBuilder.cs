using System.Runtime.InteropServices;
using AutoGrad.Differentiation;

namespace AutoGrad.Onnx;

/// <summary>Walks a traced forward pass back from its output and writes one ONNX node list (see Note [Export by tracing] in Onnx.cs).</summary>
internal sealed partial class GraphBuilder
{
    private readonly OpTrace.Session _trace;
    private readonly Tensor _input;
    private readonly OnnxExportOptions _options;
    private readonly Dictionary<Tensor, string> _names = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Tensor, string> _given = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<Tensor> _batched = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<string> _used = [];
    private readonly OnnxGraph _graph;

    public GraphBuilder(OpTrace.Session trace, Tensor input, IEnumerable<KeyValuePair<string, Tensor>> names, OnnxExportOptions options)
    {
        _trace = trace;
        _input = input;
        _options = options;
        _graph = new OnnxGraph { Name = options.GraphName };
        foreach (var (name, t) in names) _given.TryAdd(t, name);
        _names[input] = Reserve(options.InputName);
        _batched.Add(input);
    }

    public OnnxGraph Build(Tensor output)
    {
        // Post-order without recursion: deep graphs (an unrolled recurrence) must not overflow the stack.
        var stack = new Stack<(Tensor T, bool Ready)>();
        stack.Push((output, false));
        while (stack.Count > 0)
        {
            var (t, ready) = stack.Pop();
            if (_names.ContainsKey(t)) continue;
            var deps = Dependencies(t);
            if (!ready)
            {
                stack.Push((t, true));
                foreach (var d in deps.Reverse())   // the first input is named (and written) first
                    if (!_names.ContainsKey(d)) stack.Push((d, false));
                continue;
            }
            foreach (var d in deps)
                if (_batched.Contains(d)) { _batched.Add(t); break; }
            _names[t] = Lower(t);
        }

        var result = _names[output];
        if (_batched.Contains(output) is false && !ReferenceEquals(output, _input))
            throw new OnnxExportException("output", output.GradFn?.Site ?? default, "Onnx.Export: the model's output does not depend on its input, so there is nothing to trace.");
        // A graph output must be a node's output: the input returned as it is (or an initializer) goes through Identity.
        if (ReferenceEquals(output, _input)) result = Emit("Identity", [result]);
        Rename(result, Reserve(_options.OutputName));
        _graph.Inputs.Add(new OnnxValueInfo(_names[_input], TypeOf(_input), Dims(_input, dynamic: _options.DynamicBatch)));
        _graph.Outputs.Add(new OnnxValueInfo(_options.OutputName, TypeOf(output),
            Dims(output, dynamic: _options.DynamicBatch && output.Rank > 0 && _input.Rank > 0 && output.Shape[0] == _input.Shape[0])));
        return _graph;
    }

    private IEnumerable<Tensor> Dependencies(Tensor t)
    {
        if (ReferenceEquals(t, _input)) return [];
        // A description first: ops that are never recorded (comparisons) describe themselves too, and a tensor computed from
        // the input is then no constant even though no node made it.
        if (Description(t) is { } d) return d.Inputs.Where(x => x is not null)!;
        return t.GradFn?.Inputs ?? [];   // no node and no description: a constant (Note [Export by tracing])
    }

    private string Lower(Tensor t)
    {
        if (Description(t) is { } d) return LowerDescribed(t, d);
        if (t.GradFn is { } node) return LowerOp(node.Op, node.Inputs, node.Site, t);
        return Initializer(t, _given.GetValueOrDefault(t));
    }

    // A description, unless it is an unrecorded op's placeholder and a node was recorded for the same tensor afterwards.
    private OpDescription? Description(Tensor t) => _trace.Of(t) is { } d && !(d.Unrecorded && t.GradFn is not null) ? d : null;

    private string NameOf(Tensor? t) => t is null ? "" : _names[t];

    private bool Batched(Tensor t) => _batched.Contains(t);

    private OnnxExportException Unsupported(string op, CallSite site, string why) =>
        new(op, site, $"Onnx.Export: op '{op}' called at {Where(site)} cannot be exported to ONNX: {why}");

    private static string Where(CallSite site) =>
        site.IsKnown ? $"{site.File}:{site.Line}{(site.Member is { Length: > 0 } m ? $" ({m})" : "")}" : "an unknown site";

    // ---- writing nodes and constants

    private int _nodeCount;

    private string Emit(string opType, string[] inputs, params OnnxAttribute[] attributes) => EmitAt(opType, inputs, default, attributes);

    private string EmitAt(string opType, string[] inputs, CallSite site, params OnnxAttribute[] attributes)
    {
        int n = _nodeCount++;
        var output = Reserve($"{opType}_{n}");
        _graph.Nodes.Add(new OnnxNode(opType, inputs, [output], $"{opType}_{n}", attributes, site.IsKnown ? site.ToString() : ""));
        return output;
    }

    private void Rename(string from, string to)
    {
        for (int i = 0; i < _graph.Nodes.Count; i++)
        {
            var node = _graph.Nodes[i];
            if (node.Outputs.Contains(from))
                _graph.Nodes[i] = node with { Outputs = [.. node.Outputs.Select(o => o == from ? to : o)] };
            else if (node.Inputs.Contains(from))
                _graph.Nodes[i] = node with { Inputs = [.. node.Inputs.Select(o => o == from ? to : o)] };
        }
        foreach (var key in _names.Where(kv => kv.Value == from).Select(kv => kv.Key).ToList()) _names[key] = to;
    }

    private string Initializer(Tensor t, string? name)
    {
        name = Reserve(name ?? $"const_{_graph.Initializers.Count}");
        byte[] raw = t.DType switch
        {
            DType.Float32 => MemoryMarshal.AsBytes<float>(t.ToFloatArray()).ToArray(),
            DType.Int64 => MemoryMarshal.AsBytes<long>(t.ToInt64Array()).ToArray(),
            DType.Int32 => MemoryMarshal.AsBytes<int>(t.ToInt32Array()).ToArray(),
            DType.Bool => [.. t.ToBoolArray().Select(b => b ? (byte)1 : (byte)0)],   // ONNX stores a bool in one byte
            _ => MemoryMarshal.AsBytes<double>(t.ToDoubleArray()).ToArray(),
        };
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Onnx.Export writes raw little-endian data.");
        _graph.Initializers.Add(new OnnxInitializer(name, TypeOf(t), [.. t.Shape.Select(d => (long)d)], raw));
        return name;
    }

    private string Int64s(params long[] values) => Int64Tensor(values, [values.Length]);

    private string Int64Scalar(long value) => Int64Tensor([value], []);

    private string Int64Tensor(long[] values, long[] dims)
    {
        var name = Reserve($"const_{_graph.Initializers.Count}");
        _graph.Initializers.Add(new OnnxInitializer(name, OnnxType.Int64, dims, MemoryMarshal.AsBytes<long>(values).ToArray()));
        return name;
    }

    // A 0-d constant of t's dtype (what broadcasting a scalar against t needs).
    private string ScalarLike(Tensor t, double value)
    {
        var name = Reserve($"const_{_graph.Initializers.Count}");
        byte[] raw = t.DType == DType.Float32 ? BitConverter.GetBytes((float)value) : BitConverter.GetBytes(value);
        _graph.Initializers.Add(new OnnxInitializer(name, TypeOf(t), [], raw));
        return name;
    }

    private string Filled(Tensor like, int[] dims, double value)
    {
        var c = Tensor.Full(new Shape(dims), value, like.DType);
        return Initializer(c, null);
    }

    private string Reserve(string name)
    {
        var n = name;
        for (int i = 1; !_used.Add(n); i++) n = $"{name}_{i}";
        return n;
    }

    private static OnnxType TypeOf(Tensor t) => t.DType switch
    {
        DType.Float32 => OnnxType.Float,
        DType.Float64 => OnnxType.Double,
        DType.Bool => OnnxType.Bool,
        DType.Int64 => OnnxType.Int64,
        DType.Int32 => OnnxType.Int32,
        _ => throw new NotSupportedException($"Onnx.Export: dtype {t.DType} is not written yet."),
    };

    private static OnnxDim[] Dims(Tensor t, bool dynamic) =>
        [.. t.Shape.Select((d, i) => i == 0 && dynamic ? new OnnxDim(null, "batch") : new OnnxDim(d, null))];

    private static OnnxAttribute Int(string name, long v) => new(name, Int: v);

    private static OnnxAttribute Ints(string name, params long[] v) => new(name, Ints: v);

    private static OnnxAttribute Float(string name, double v) => new(name, Float: (float)v);
}
