using AutoGrad.Differentiation;

namespace AutoGrad.Onnx;

// Note [Attention in ONNX]
// ScaledDotProductAttention is one fused op in AutoGrad but has no ONNX operator in opset 17 (Attention arrives in opset 23), so
// it is written as the composition it computes: MatMul(Q, Transpose(K)), Mul by the scale, Add the additive mask (a boolean mask
// was turned into 0/−∞ by the op itself, MaskValues.ToAdditive), Where(causal, −∞, ·) for isCausal, Softmax on the last axis,
// MatMul with V. The causal mask and any mask given while tracing are constants of the graph: their shapes are the traced
// L and S (and, for a constant key padding mask, the traced batch). A mask the forward pass computes from the input (ids == 0)
// is traced like any other value (comparisons, MaskedFill and Where describe themselves), so the batch axis stays dynamic. A query row whose every key is hidden gives zeros in AutoGrad's kernel but NaN in this composition.
//
// Note [Recurrent layers in ONNX]
// Rnn, Lstm and Gru (src/AutoGrad/NN/Recurrent.cs) run an unrolled loop of cells; they describe the loop as one op, and it is
// written as ONNX's RNN, LSTM or GRU node (https://onnx.ai/onnx/operators/onnx__LSTM.html) rather than as the unrolled
// primitives, because the node takes any batch size and sequence length and its initial states
// default to zeros — the unrolled trace would hold the zero states as constants of the traced batch, and T copies of each
// cell. The weights stay the state-dict initializers, reordered inside the graph (Slice and Concat, which ONNX Runtime folds
// once) from PyTorch's gate order to ONNX's; GRU needs linear_before_reset = 1 to apply r after the hidden product as
// PyTorch does. The node runs time-major (layout = 0) between two Transposes: ONNX Runtime 1.32's CPU kernels refuse the
// batch-first layout = 1 ("Batchwise recurrent operations (layout == 1) are not supported"). The final h is the output's
// last step; an LSTM's final c is the node's Y_c output. The cells used on their own (LstmCell and the like) have no
// lowering of their own: they are traced through their ops, with zero states that are constants of the traced batch.
//
// Ops lowered from what they told OpTrace (Note [Op traces] in src/AutoGrad/OpTrace.cs): the description's inputs
// replace the ops the call ran inside, so a composite (Conv2d, LayerNorm, BatchNorm in evaluation) becomes its one ONNX node.
internal sealed partial class GraphBuilder
{
    private static readonly string[] s_described =
    [
        "MatMul", "Max", "Min", "Conv2d", "MaxPool2d", "AvgPool2d", "Sum", "Permute", "Slice", "Select", "AddScalar", "MultiplyScalar",
        "DivideScalar", "PowScalar", "Clamp", "LayerNorm", "BatchNorm", "ScaledDotProductAttention", "Embedding", "IndexSelect", "Gather", "Pad",
        "Rnn", "Lstm", "Gru", "LstmFinalCell", "MaskedFill",
    ];

    private string LowerDescribed(Tensor t, OpDescription d)
    {
        var site = d.Site;
        var x = d.Inputs[0]!;
        string X = NameOf(x);
        switch (d.Op)
        {
            case "MatMul":
                return MatMul(x, d.Inputs[1]!, d.Inputs[2], d.Get<bool>("transA"), d.Get<bool>("transB"), site);
            case "Conv2d":
            {
                var w = d.Inputs[1]!;
                int s = d.Get<int>("stride");
                var inputs = d.Inputs[2] is { } b ? new[] { X, NameOf(w), NameOf(b) } : [X, NameOf(w)];
                return EmitAt("Conv", inputs, site, Ints("kernel_shape", w.Shape[2], w.Shape[3]), Ints("strides", s, s),
                    Ints("pads", [.. d.Get<int[]>("pads").Select(p => (long)p)]));
            }
            case "MaxPool2d":
            case "AvgPool2d":
            {
                int k = d.Get<int>("kernel"), s = d.Get<int>("stride"), p = d.Get<int>("padding");
                var attrs = new List<OnnxAttribute> { Ints("kernel_shape", k, k), Ints("strides", s, s), Ints("pads", p, p, p, p) };
                if (d.Op == "AvgPool2d") attrs.Add(Int("count_include_pad", 1));   // AutoGrad pads with zeros and divides by k²
                return EmitAt(d.Op == "MaxPool2d" ? "MaxPool" : "AveragePool", [X], site, [.. attrs]);
            }
            case "Sum":
            {
                var axes = d.Get<int[]>("axes");
                if (axes.Length == 0) return EmitAt("Identity", [X], site);
                return EmitAt("ReduceSum", [X, Int64s([.. axes.Select(a => (long)a)])], site, Int("keepdims", d.Get<bool>("keepDims") ? 1 : 0));
            }
            case "Max":
            case "Min":   // opset 17 still takes ReduceMax's axes as an attribute (an input from opset 18)
                return EmitAt(d.Op == "Max" ? "ReduceMax" : "ReduceMin", [X], site,
                    Ints("axes", [.. d.Get<int[]>("axes").Select(a => (long)a)]), Int("keepdims", d.Get<bool>("keepDims") ? 1 : 0));
            case "Softmax":
            case "LogSoftmax":
                return EmitAt(d.Op, [X], site, Int("axis", d.Get<int>("axis")));
            case "Permute":
                return EmitAt("Transpose", [X], site, Ints("perm", [.. d.Get<int[]>("perm").Select(a => (long)a)]));
            case "Slice":
                return EmitAt("Slice", [X, Int64s(d.Get<int>("start")), Int64s(d.Get<int>("end")), Int64s(d.Get<int>("axis")), Int64s(d.Get<int>("step"))], site);
            case "Select":
                return EmitAt("Gather", [X, Int64Scalar(d.Get<int>("index"))], site, Int("axis", d.Get<int>("axis")));   // a 0-d index drops the axis
            case "AddScalar":
                return EmitAt("Add", [X, ScalarLike(t, d.Get<double>("c"))], site);
            case "MultiplyScalar":
                return EmitAt("Mul", [X, ScalarLike(t, d.Get<double>("c"))], site);
            case "DivideScalar":
                return EmitAt("Div", [X, ScalarLike(t, d.Get<double>("c"))], site);
            case "PowScalar":
                return EmitAt("Pow", [X, ScalarLike(t, d.Get<double>("p"))], site);
            case "Clamp":
                return EmitAt("Clip", [X, ScalarLike(t, d.Get<double>("min")), ScalarLike(t, d.Get<double>("max"))], site);
            case "LayerNorm":
            {
                int axis = d.Get<int>("axis");
                var normalized = x.Shape.ToArray()[axis..];
                string scale = d.Inputs[1] is { } w ? NameOf(w) : Filled(x, normalized, 1);
                string bias = d.Inputs[2] is { } b ? NameOf(b) : Filled(x, normalized, 0);
                return EmitAt("LayerNormalization", [X, scale, bias], site, Int("axis", axis), Float("epsilon", d.Get<double>("eps")));
            }
            case "BatchNorm":
            {
                int c = x.Shape[1];
                string scale = d.Inputs[1] is { } w ? NameOf(w) : Filled(x, [c], 1);
                string bias = d.Inputs[2] is { } b ? NameOf(b) : Filled(x, [c], 0);
                return EmitAt("BatchNormalization", [X, scale, bias, NameOf(d.Inputs[3]), NameOf(d.Inputs[4])], site,
                    Float("epsilon", d.Get<double>("eps")));
            }
            case "ScaledDotProductAttention":
                return Attention(t, d, site);
            case "Rnn":
            case "Lstm":
            case "Gru":
                return Recurrent(t, d, site);
            case "LstmFinalCell":   // the LSTM node's Y_c (1, batch, H), written when its output was
                return EmitAt("Squeeze", [_finalCell[x], Int64s(0)], site);
            case "Embedding":   // the weight's rows at the ids: Gather along axis 0, (ids…, dim)
                return EmitAt("Gather", [X, NameOf(d.Inputs[1])], site, Int("axis", 0));
            case "IndexSelect":
            {
                // The indices as traced (an int[]), or the index tensor when the caller gave one (a graph value then).
                string indices = d.Inputs.Count > 1 ? NameOf(d.Inputs[1]) : Int64s([.. d.Get<int[]>("indices").Select(i => (long)i)]);
                return EmitAt("Gather", [X, indices], site, Int("axis", d.Get<int>("axis")));
            }
            case "MaskedFill":   // value where the mask is set (≠ 0), x elsewhere
                return EmitAt("Where", [EmitAt("Cast", [NameOf(d.Inputs[1])], site, Int("to", (long)OnnxType.Bool)), ScalarLike(t, d.Get<double>("value")), X], site);
            case "Gather":   // PyTorch's gather (an index per output element) is ONNX's GatherElements
                return EmitAt("GatherElements", [X, NameOf(d.Inputs[1])], site, Int("axis", d.Get<int>("axis")));
            case "Pad":
            {
                // ONNX Pad's pads are every axis's start, then every axis's end (https://onnx.ai/onnx/operators/onnx__Pad.html).
                var widths = d.Get<(int Before, int After)[]>("widths");
                var pads = Int64s([.. widths.Select(w => (long)w.Before), .. widths.Select(w => (long)w.After)]);
                return EmitAt("Pad", [X, pads, ScalarLike(t, d.Get<double>("value"))], site, new OnnxAttribute("mode", Text: "constant"));
            }
            default:
                return LowerOp(d.Op, d.Inputs, site, t);   // an op that described itself only because it is never recorded
        }
    }

    // op(A)·op(B) (+ bias) from the product's own transpose flags, never from a layer's weight layout: plain matrices with a
    // bias that broadcasts to the rows become one Gemm; anything batched is Transpose + MatMul (+ Add).
    private string MatMul(Tensor a, Tensor b, Tensor? bias, bool transA, bool transB, CallSite site)
    {
        bool gemm = a.Rank == 2 && b.Rank == 2 && (bias is null || bias.Rank <= 1 || (bias.Rank == 2 && bias.Shape[0] == 1));
        if (gemm)
        {
            var inputs = bias is null ? new[] { NameOf(a), NameOf(b) } : [NameOf(a), NameOf(b), NameOf(bias)];
            return EmitAt("Gemm", inputs, site, Int("transA", transA ? 1 : 0), Int("transB", transB ? 1 : 0));
        }
        string A = transA ? EmitAt("Transpose", [NameOf(a)], site, Ints("perm", SwapLast(a.Rank))) : NameOf(a);
        string B = transB ? EmitAt("Transpose", [NameOf(b)], site, Ints("perm", SwapLast(b.Rank))) : NameOf(b);
        var y = EmitAt("MatMul", [A, B], site);
        return bias is null ? y : EmitAt("Add", [y, NameOf(bias)], site);
    }

    // softmax(Q·Kᵀ·scale + mask)·V as its primitive ops (Note [Attention in ONNX]).
    private string Attention(Tensor t, OpDescription d, CallSite site)
    {
        var (q, k, v, bias) = (d.Inputs[0]!, d.Inputs[1]!, d.Inputs[2]!, d.Inputs[3]);
        if (d.Get<double>("dropoutP") > 0)
            throw Unsupported(d.Op, site, $"attention dropout (p = {d.Get<double>("dropoutP")}) is random; export in evaluation mode, where MultiheadAttention uses none.");
        string kT = EmitAt("Transpose", [NameOf(k)], site, Ints("perm", SwapLast(k.Rank)));
        string scores = EmitAt("Mul", [EmitAt("MatMul", [NameOf(q), kT], site), ScalarLike(t, d.Get<double>("scale"))], site);
        if (bias is not null) scores = EmitAt("Add", [scores, NameOf(bias)], site);
        if (d.Get<bool>("isCausal"))
        {
            int l = q.Shape[-2], s = k.Shape[-2];
            var hidden = new bool[l * s];
            for (int i = 0; i < l; i++)
                for (int j = i + 1; j < s; j++) hidden[i * s + j] = true;   // key j hidden from query i when j > i (top-left aligned)
            string mask = Initializer(Tensor.FromArray(hidden, l, s), null);
            scores = EmitAt("Where", [mask, ScalarLike(t, double.NegativeInfinity), scores], site);
        }
        return EmitAt("MatMul", [EmitAt("Softmax", [scores], site, Int("axis", -1)), NameOf(v)], site);
    }

    // A recurrent layer as ONNX's RNN, LSTM or GRU node (Note [Recurrent layers in ONNX]).
    private readonly Dictionary<Tensor, string> _finalCell = new(ReferenceEqualityComparer.Instance);

    private string Recurrent(Tensor t, OpDescription d, CallSite site)
    {
        int h = d.Get<int>("hidden");
        // Where each ONNX gate sits in PyTorch's stacking: LSTM i, o, f, c from i, f, g, o; GRU z, r, h from r, z, n.
        int[] order = d.Op switch { "Lstm" => [0, 3, 1, 2], "Gru" => [1, 0, 2], _ => [0] };
        string Gates(Tensor w)
        {
            if (order.Length == 1) return NameOf(w);
            var parts = order.Select(g => EmitAt("Slice", [NameOf(w), Int64s(g * h), Int64s((g + 1) * h), Int64s(0)], site)).ToArray();
            return EmitAt("Concat", parts, site, Int("axis", 0));
        }
        string Unsqueeze(string x, long axis) => EmitAt("Unsqueeze", [x, Int64s(axis)], site);
        var inputs = new List<string>
        {
            EmitAt("Transpose", [NameOf(d.Inputs[0])], site, Ints("perm", 1, 0, 2)),   // X (T, batch, in): layout 0
            Unsqueeze(Gates(d.Inputs[1]!), 0),   // W (1, G·H, in): one direction
            Unsqueeze(Gates(d.Inputs[2]!), 0),   // R (1, G·H, H)
            Unsqueeze(EmitAt("Concat", [Gates(d.Inputs[3]!), Gates(d.Inputs[4]!)], site, Int("axis", 0)), 0),   // B (1, 2·G·H): Wb then Rb
        };
        if (d.Inputs.Count > 5)
        {
            inputs.Add("");   // sequence_lens: every sequence runs its full length
            foreach (var s in d.Inputs.Skip(5)) inputs.Add(Unsqueeze(NameOf(s), 0));   // initial_h (and initial_c): (1, batch, H)
        }
        var attrs = new List<OnnxAttribute> { Int("hidden_size", h) };
        if (d.Op == "Gru") attrs.Add(Int("linear_before_reset", 1));   // PyTorch's n = tanh(W_in·x + b_in + r ⊙ (W_hn·h + b_hn))
        var y = EmitAt(d.Op == "Lstm" ? "LSTM" : d.Op == "Gru" ? "GRU" : "RNN", [.. inputs], site, [.. attrs]);
        if (d.Op == "Lstm")
        {
            // Outputs Y, Y_h (omitted: the final h is read from Y) and Y_c, the final cell state.
            var c = Reserve(y + "_c");
            _graph.Nodes[^1] = _graph.Nodes[^1] with { Outputs = [y, "", c] };
            _finalCell[t] = c;
        }
        var steps = EmitAt("Squeeze", [y, Int64s(1)], site);   // Y (T, 1, batch, H) → (T, batch, H)
        return EmitAt("Transpose", [steps], site, Ints("perm", 1, 0, 2));   // → (batch, T, H)
    }

    private static long[] SwapLast(int rank)
    {
        var perm = Enumerable.Range(0, rank).Select(i => (long)i).ToArray();
        (perm[rank - 2], perm[rank - 1]) = (perm[rank - 1], perm[rank - 2]);
        return perm;
    }
}
