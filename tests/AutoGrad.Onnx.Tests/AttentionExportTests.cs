using AutoGrad.NN;

namespace AutoGrad.Onnx.Tests;

/// <summary>
/// What a transformer needs, exported and run in ONNX Runtime at batch sizes other than the traced one: token ids as an int64
/// input through Embedding's Gather, Pad and IndexSelect, scaled dot-product attention as its primitive ops (Note [Attention in
/// ONNX] in src/AutoGrad.Onnx/GraphBuilder.Described.cs) with float, boolean and causal masks, MultiheadAttention and
/// TransformerEncoderLayer end to end.
/// </summary>
public class AttentionExportTests
{
    private static Func<int, Tensor> Inputs(params int[] rest) => b => Tensor.Randn(new Shape([b, .. rest]), new Generator((ulong)(500 + b)));

    // Token ids in 0..vocab − 1, int64 as PyTorch's LongTensor.
    private static Func<int, Tensor> Ids(int length, int vocab) => b =>
    {
        var random = new Random(700 + b);
        return Tensor.FromArray(Enumerable.Range(0, b * length).Select(_ => (long)random.Next(vocab)).ToArray(), b, length);
    };

    private static Tensor Param(Generator g, params int[] dims) => Tensor.Randn(new Shape(dims), g).RequireGrad();

    [Fact]
    public void Embedding_reads_int64_token_ids_as_the_graph_input()
    {
        var g = new Generator(31);
        var model = new Sequential(new Embedding(20, 6, g), new Linear(6, 3, g), new Tanh());
        Assert.InRange(OnnxRuntimeCheck.ExportAndCompare(model, Ids(5, 20)), 0, 1e-5);

        model.Eval();
        var graph = Onnx.Trace(model.Forward, Ids(5, 20)(2), model.NamedParameters(), new OnnxExportOptions());
        Assert.Equal(OnnxType.Int64, graph.Inputs[0].Type);
        Assert.Equal("batch", graph.Inputs[0].Dims[0].Symbol);
        Assert.Equal(["Gather", "Reshape", "Gemm", "Reshape", "Tanh"], graph.Nodes.Select(n => n.OpType));   // Linear on (N, L, E): one (N·L, E) product with Wᵀ
        Assert.Equal(["0.weight", "input"], graph.Nodes[0].Inputs);   // the weight's rows at the ids, not the traced rows as a constant
    }

    [Fact]
    public void Pad_with_a_value_matches()
    {
        var w = Param(new Generator(32), 3, 4);
        Func<Tensor, Tensor> f = x => (x * w).Pad([(0, 0), (2, 1), (0, 3)], value: 0.5).Sigmoid();
        Assert.InRange(FunctionCheck.ExportAndCompare(f, Inputs(3, 4)), 0, 1e-5);
    }

    [Fact]
    public void IndexSelect_with_indices_or_an_index_tensor_matches()
    {
        var w = Param(new Generator(33), 6);
        var rows = Tensor.FromArray(new long[] { 4, 0, 0, 2 });
        Func<Tensor, Tensor> f = x => CombineOps.Concat([(x * w).IndexSelect(1, [5, 1, 1]), (x + w).IndexSelect(1, rows)], 1);
        Assert.InRange(FunctionCheck.ExportAndCompare(f, Inputs(6)), 0, 1e-5);
    }

    [Fact]
    public void Gather_along_an_axis_matches_at_the_traced_batch()
    {
        // An index tensor per output element (PyTorch's gather) is ONNX's GatherElements; a constant index fixes the batch.
        var w = Param(new Generator(34), 5);
        var index = Tensor.FromArray(new long[] { 4, 0, 1, 1, 3, 2 }, 2, 3);
        Func<Tensor, Tensor> f = x => (x * w).Gather(1, index);
        var x = Inputs(5)(2);
        var onnx = Onnx.ToBytes(f, x, options: new OnnxExportOptions { DynamicBatch = false });
        Assert.InRange(OnnxRuntimeCheck.Compare(onnx, x, f(x).Detach()), 0, 1e-5);
    }

    public static TheoryData<string> Masks() => ["none", "float", "bool", "causal", "bool+causal"];

    [Theory, MemberData(nameof(Masks))]
    public void Scaled_dot_product_attention_is_written_as_primitive_ops(string mask)
    {
        var g = new Generator(35);
        var (wq, wk, wv) = (Param(g, 8, 8), Param(g, 8, 8), Param(g, 8, 6));
        var floatMask = Tensor.Randn(new Shape(5, 5), g);
        var boolMask = Tensor.FromArray([.. Enumerable.Range(0, 25).Select(i => i % 5 != 3 || i == 3)], 5, 5);   // hides key 3 from rows 1–4
        Func<Tensor, Tensor> f = x =>
        {
            Tensor Heads(Tensor w) => x.MatMul(w).Reshape([x.Shape[0], 5, 2, w.Shape[1] / 2]).Permute([0, 2, 1, 3]);
            var m = mask switch { "float" => floatMask, "bool" or "bool+causal" => boolMask, _ => null };
            return Heads(wq).ScaledDotProductAttention(Heads(wk), Heads(wv), m, isCausal: mask.EndsWith("causal", StringComparison.Ordinal));
        };
        Assert.InRange(FunctionCheck.ExportAndCompare(f, Inputs(5, 8)), 0, 1e-5);

        var graph = Onnx.Trace(f, Inputs(5, 8)(2), null, new OnnxExportOptions());
        Assert.DoesNotContain(graph.Nodes, n => n.OpType == "Attention");
        Assert.Single(graph.Nodes, n => n.OpType == "Softmax");
    }

    [Fact]
    public void Multihead_attention_with_a_causal_mask_matches()
    {
        var mha = new MultiheadAttention(8, 2, new Generator(36));
        var causal = Tensor.Ones(new Shape(6, 6)).Triu(1).To(DType.Bool);   // PyTorch's convention: True = hidden
        mha.Eval();
        Func<Tensor, Tensor> f = x => mha.Forward(x, x, x, attnMask: causal, needWeights: false).Output;
        Assert.InRange(FunctionCheck.ExportAndCompare(f, Inputs(6, 8)), 0, 1e-5);
        Assert.InRange(OnnxRuntimeCheck.ExportAndCompare(mha, Inputs(6, 8)), 0, 1e-5);

        // With needWeights the heads run through the composed softmax (and isCausal through MaskedFill) instead of the fused op.
        Func<Tensor, Tensor> composed = x => mha.Forward(x, x, x, needWeights: true, isCausal: true).Output;
        Assert.InRange(FunctionCheck.ExportAndCompare(composed, Inputs(6, 8)), 0, 1e-5);
    }

    [Fact]
    public void Key_padding_mask_is_a_constant_of_a_fixed_batch_graph()
    {
        var mha = new MultiheadAttention(8, 2, new Generator(37));
        mha.Eval();
        var padding = Tensor.FromArray(new[] { false, false, false, false, false, false, false, true, true, true }, 2, 5);
        Func<Tensor, Tensor> f = x => mha.Forward(x, x, x, keyPaddingMask: padding, needWeights: false).Output;
        var x = Inputs(5, 8)(2);
        var onnx = Onnx.ToBytes(f, x, options: new OnnxExportOptions { DynamicBatch = false });
        Assert.InRange(OnnxRuntimeCheck.Compare(onnx, x, f(x).Detach()), 0, 1e-5);
    }

    [Theory]
    [InlineData(false, TransformerActivation.Relu)]
    [InlineData(true, TransformerActivation.Gelu)]
    public void Transformer_encoder_layer_matches(bool normFirst, TransformerActivation activation)
    {
        var layer = new TransformerEncoderLayer(8, 2, new Generator(38), dimFeedforward: 16, activation: activation, normFirst: normFirst);
        Assert.InRange(OnnxRuntimeCheck.ExportAndCompare(layer, Inputs(5, 8)), 0, 1e-5);

        var graph = Onnx.Trace(layer.Forward, Inputs(5, 8)(2), layer.NamedParameters(), new OnnxExportOptions());
        Assert.Equal(2, graph.Nodes.Count(n => n.OpType == "LayerNormalization"));
        Assert.Contains("self_attn.in_proj_weight", graph.Initializers.Select(i => i.Name));
    }

    [Fact]
    public void Transformer_encoder_stack_with_a_final_norm_matches()
    {
        var g = new Generator(41);
        var encoder = new TransformerEncoder(new TransformerEncoderLayer(8, 2, g, dimFeedforward: 16, normFirst: true), 3, new LayerNorm(8));
        Assert.InRange(OnnxRuntimeCheck.ExportAndCompare(encoder, Inputs(5, 8)), 0, 1e-5);
        var graph = Onnx.Trace(encoder.Forward, Inputs(5, 8)(2), encoder.NamedParameters(), new OnnxExportOptions());
        Assert.Contains("layers.2.linear2.weight", graph.Initializers.Select(i => i.Name));
        Assert.Equal(7, graph.Nodes.Count(n => n.OpType == "LayerNormalization"));   // two per layer and the final norm
    }

    [Fact]
    public void Causal_language_model_from_token_ids_matches()
    {
        var model = new TinyLanguageModel(vocab: 30, dModel: 16, new Generator(39));
        Assert.InRange(OnnxRuntimeCheck.ExportAndCompare(model, Ids(7, 30)), 0, 1e-5);
    }

    [Fact]
    public void Key_padding_mask_computed_from_the_ids_keeps_the_batch_dynamic()
    {
        // Sequences of 2 to 7 tokens padded with id 0 to 7: the mask ids == 0 is part of the graph, not a constant of the trace.
        Func<int, Tensor> padded = b =>
        {
            var random = new Random(900 + b);
            var ids = new long[b * 7];
            for (int i = 0; i < b; i++)
                for (int j = 0, n = random.Next(2, 8); j < n; j++) ids[i * 7 + j] = random.Next(1, 30);
            return Tensor.FromArray(ids, b, 7);
        };
        var model = new PaddedClassifier(vocab: 30, dModel: 16, new Generator(40));
        Assert.InRange(OnnxRuntimeCheck.ExportAndCompare(model, padded, 4, 3, 7, 1), 0, 1e-5);

        // The mask matters: the same ids run without it differ.
        var x = padded(3);
        model.Eval();
        var masked = model.Forward(x).Detach().ToDoubleArray();
        model.UseMask = false;
        Assert.NotEqual(masked, model.Forward(x).Detach().ToDoubleArray());
    }

    private sealed class PaddedClassifier : Module
    {
        private readonly Embedding _embed;
        private readonly TransformerEncoderLayer _layer;
        private readonly Linear _head;

        public PaddedClassifier(int vocab, int dModel, Generator g)
        {
            _embed = RegisterModule("embed", new Embedding(vocab, dModel, g));
            _layer = RegisterModule("layer", new TransformerEncoderLayer(dModel, 2, g, dimFeedforward: 32));
            _head = RegisterModule("head", new Linear(dModel, 3, g));
        }

        public bool UseMask { get; set; } = true;

        public override Tensor Forward(Tensor ids) => _head.Forward(_layer.Forward(_embed.Forward(ids), null, UseMask ? ids.Equal(0.0) : null));
    }

    private sealed class TinyLanguageModel : Module
    {
        private readonly Embedding _embed;
        private readonly TransformerEncoderLayer _layer;
        private readonly Linear _head;

        public TinyLanguageModel(int vocab, int dModel, Generator g)
        {
            _embed = RegisterModule("embed", new Embedding(vocab, dModel, g));
            _layer = RegisterModule("layer", new TransformerEncoderLayer(dModel, 4, g, dimFeedforward: 32, normFirst: true));
            _head = RegisterModule("head", new Linear(dModel, vocab, g));
        }

        public override Tensor Forward(Tensor ids) => _head.Forward(_layer.Forward(_embed.Forward(ids), null, null, isCausal: true)).LogSoftmax(-1);
    }
}
