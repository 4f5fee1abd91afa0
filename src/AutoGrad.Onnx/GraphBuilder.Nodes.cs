using AutoGrad.Differentiation;

namespace AutoGrad.Onnx;

// Ops read from their tape node alone: element-wise ops (whose broadcasting is ONNX's multidirectional one), and the few
// whose arguments the shapes tell (Reshape's target, Concat's axis). Everything else describes itself (Note [Op traces]).
internal sealed partial class GraphBuilder
{
    private static readonly Dictionary<string, string> s_elementwise = new()
    {
        ["Add"] = "Add", ["Subtract"] = "Sub", ["Multiply"] = "Mul", ["Divide"] = "Div", ["Pow"] = "Pow",
        ["Maximum"] = "Max", ["Minimum"] = "Min", ["Negate"] = "Neg", ["Exp"] = "Exp", ["Log"] = "Log", ["Sqrt"] = "Sqrt",
        ["Abs"] = "Abs", ["Tanh"] = "Tanh", ["Sigmoid"] = "Sigmoid", ["Relu"] = "Relu", ["Erf"] = "Erf", ["Sign"] = "Sign",
        ["Softplus"] = "Softplus",
    };

    /// <summary>The AutoGrad ops the exporter writes (node names and self-described ops), for error messages and docs.</summary>
    internal static IEnumerable<string> SupportedOps =>
        s_elementwise.Keys.Concat(s_comparisons.Keys).Concat(["Where", "Detach", "Expm1", "Reshape", "Concat", "Softmax", "LogSoftmax", "BroadcastTo", "SumTo", "To"])
            .Concat(s_described).Order(StringComparer.Ordinal);

    private string LowerOp(string op, IReadOnlyList<Tensor?> inputs, CallSite site, Tensor t)
    {
        var x = inputs.Select(i => i!).ToArray();
        if (s_elementwise.TryGetValue(op, out var onnx))
            return EmitAt(onnx, [.. x.Select(NameOf)], site);
        if (s_comparisons.TryGetValue(op, out var compare))
        {
            if (x.Length < 2) throw Unsupported(op, site, "a bool tensor compared with a number has no ONNX form here; compare it with a bool tensor.");
            // ONNX compares two tensors of one type; integers against a fraction compare as float64, as AutoGrad does.
            string l = NameOf(x[0]), r = NameOf(x[1]);
            if (x[0].DType != x[1].DType)
                (l, r) = (EmitAt("Cast", [l], site, Int("to", (long)OnnxType.Double)), EmitAt("Cast", [r], site, Int("to", (long)OnnxType.Double)));
            // ONNX compares into booleans; the result is cast to the comparison's own dtype (bool, or 0 and 1 in a float dtype).
            var b = EmitAt(compare, [l, r], site);
            if (op == "NotEqual") b = EmitAt("Not", [b], site);
            return EmitAt("Cast", [b], site, Int("to", (long)TypeOf(t)));
        }
        switch (op)
        {
            case "Where":
                return EmitAt("Where", [EmitAt("Cast", [NameOf(x[0])], site, Int("to", (long)OnnxType.Bool)), NameOf(x[1]), NameOf(x[2])], site);
            case "Detach":
                return EmitAt("Identity", [NameOf(x[0])], site);   // stopping gradients changes no value
            case "Expm1":
                return EmitAt("Sub", [EmitAt("Exp", [NameOf(x[0])], site), ScalarLike(t, 1)], site);
            case "Reshape":
                return EmitAt("Reshape", [NameOf(x[0]), Int64s(ReshapeTarget(x[0], t))], site);
            case "Concat":
                return EmitAt("Concat", [.. x.Select(NameOf)], site, Int("axis", ConcatAxis(x, t)));
            case "Softmax":
            case "LogSoftmax":
                return EmitAt(op, [NameOf(x[0])], site, Int("axis", -1));   // the primitive runs along the last axis only
            case "BroadcastTo":
                return EmitAt("Expand", [NameOf(x[0]), Int64s(ExpandTarget(x[0], t))], site);
            case "SumTo":
                return SumTo(x[0], t, site);
            case "To":
                return EmitAt("Cast", [NameOf(x[0])], site, Int("to", (long)TypeOf(t)));
            default:
                throw Unsupported(op, site, $"no ONNX lowering for it. Ops that export: {string.Join(", ", SupportedOps)}.");
        }
    }

    // Reshape keeps the batch axis dynamic: 0 copies the input's axis 0 when it is unchanged, -1 infers it when the reshape
    // merged or split it (batch·T → batch, T); every other axis is written as traced.
    private static readonly Dictionary<string, string> s_comparisons = new()
    {
        ["Greater"] = "Greater", ["GreaterEqual"] = "GreaterOrEqual", ["Less"] = "Less", ["LessEqual"] = "LessOrEqual",
        ["Equal"] = "Equal", ["NotEqual"] = "Equal",
    };

    private long[] ReshapeTarget(Tensor x, Tensor y)
    {
        var target = y.Shape.Select(d => (long)d).ToArray();
        if (!Batched(x) || !_options.DynamicBatch || target.Length == 0 || x.Rank == 0) return target;
        target[0] = y.Shape[0] == x.Shape[0] ? 0 : -1;
        return target;
    }

    // Expand broadcasts both ways, so a 1 on axis 0 keeps a batched input's own batch size.
    private long[] ExpandTarget(Tensor x, Tensor y)
    {
        var target = y.Shape.Select(d => (long)d).ToArray();
        if (Batched(x) && _options.DynamicBatch && x.Rank == y.Rank && x.Rank > 0 && x.Shape[0] == y.Shape[0]) target[0] = 1;
        return target;
    }

    private static long ConcatAxis(IReadOnlyList<Tensor> inputs, Tensor y)
    {
        for (int a = 0; a < y.Rank; a++)
            if (inputs.Any(x => x.Shape[a] != y.Shape[a])) return a;
        return 0;   // one input, or all but one empty: any axis gives the same result
    }

    private string SumTo(Tensor x, Tensor y, CallSite site)
    {
        int lead = x.Rank - y.Rank;
        var axes = Enumerable.Range(0, x.Rank).Where(i => i < lead || (y.Shape[i - lead] == 1 && x.Shape[i] != 1)).Select(i => (long)i).ToArray();
        var summed = axes.Length == 0 ? NameOf(x) : EmitAt("ReduceSum", [NameOf(x), Int64s(axes)], site, Int("keepdims", 1));
        return EmitAt("Reshape", [summed, Int64s([.. y.Shape.Select(d => (long)d)])], site);
    }
}
