namespace AutoGrad.Onnx;

// The parts of ONNX's ModelProto the exporter writes, with the field numbers of
// https://github.com/onnx/onnx/blob/main/onnx/onnx.proto (see Note [Protobuf by hand] in ProtoWriter.cs).

internal enum OnnxType
{
    Float = 1,    // TensorProto.DataType FLOAT
    Int32 = 6,    // INT32
    Int64 = 7,    // INT64
    Bool = 9,     // BOOL
    Double = 11,  // DOUBLE
}

internal sealed record OnnxAttribute(string Name, long? Int = null, float? Float = null, long[]? Ints = null, string? Text = null)
{
    public void Write(ProtoWriter w)
    {
        w.String(1, Name);
        if (Int is { } i) { w.Int64(20, 2); w.Int64(3, i); }                  // type INT, i
        else if (Float is { } f) { w.Int64(20, 1); w.Float(2, f); }           // type FLOAT, f
        else if (Ints is { } list) { w.Int64(20, 7); foreach (var v in list) w.Int64(8, v); }   // type INTS, ints
        else if (Text is { } s) { w.Int64(20, 3); w.String(4, s); }           // type STRING, s
        else throw new InvalidOperationException($"ONNX attribute '{Name}' has no value.");
    }
}

internal sealed record OnnxNode(string OpType, string[] Inputs, string[] Outputs, string Name, OnnxAttribute[] Attributes, string Doc)
{
    public void Write(ProtoWriter w)
    {
        foreach (var i in Inputs) w.String(1, i);
        foreach (var o in Outputs) w.String(2, o);
        w.String(3, Name);
        w.String(4, OpType);
        foreach (var a in Attributes) w.Message(5, a.Write);
        if (Doc.Length > 0) w.String(6, Doc);
    }
}

internal sealed record OnnxInitializer(string Name, OnnxType Type, long[] Dims, byte[] Raw)
{
    public void Write(ProtoWriter w)
    {
        foreach (var d in Dims) w.Int64(1, d);
        w.Int64(2, (long)Type);
        w.String(8, Name);
        w.Bytes(9, Raw);   // raw_data: little-endian, row-major
    }
}

/// <summary>One dimension of a graph input or output: a fixed size, or a named symbol such as <c>batch</c>.</summary>
internal readonly record struct OnnxDim(long? Value, string? Symbol);

internal sealed record OnnxValueInfo(string Name, OnnxType Type, OnnxDim[] Dims)
{
    public void Write(ProtoWriter w)
    {
        w.String(1, Name);
        w.Message(2, type => type.Message(1, tensor =>          // TypeProto.tensor_type
        {
            tensor.Int64(1, (long)Type);                         // elem_type
            tensor.Message(2, shape =>                           // TensorShapeProto
            {
                foreach (var d in Dims)
                    shape.Message(1, dim =>
                    {
                        if (d.Value is { } v) dim.Int64(1, v);   // dim_value
                        else if (d.Symbol is { } s) dim.String(2, s);   // dim_param
                    });
            });
        }));
    }
}

internal sealed class OnnxGraph
{
    public List<OnnxNode> Nodes { get; } = [];

    public List<OnnxInitializer> Initializers { get; } = [];

    public List<OnnxValueInfo> Inputs { get; } = [];

    public List<OnnxValueInfo> Outputs { get; } = [];

    public required string Name { get; init; }

    public byte[] ToModel(int irVersion, int opset, string producerVersion)
    {
        var w = new ProtoWriter();
        w.Int64(1, irVersion);                       // ir_version
        w.String(2, "AutoGrad.Onnx");                // producer_name
        w.String(3, producerVersion);                // producer_version
        w.Message(7, WriteGraph);                    // graph
        w.Message(8, o =>                            // opset_import: the default domain ""
        {
            o.String(1, "");
            o.Int64(2, opset);
        });
        return w.ToArray();
    }

    private void WriteGraph(ProtoWriter g)
    {
        foreach (var n in Nodes) g.Message(1, n.Write);
        g.String(2, Name);
        foreach (var t in Initializers) g.Message(5, t.Write);
        foreach (var i in Inputs) g.Message(11, i.Write);
        foreach (var o in Outputs) g.Message(12, o.Write);
    }
}
