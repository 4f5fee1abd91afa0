using AutoGrad.Differentiation;
using AutoGrad.Losses;
using AutoGrad.NN;
using AutoGrad.Transforms;

namespace AutoGrad.Tests.Transforms;

/// <summary>
/// Per-sample gradients (Vmap of Grad over FunctionalCall, and the Linear shortcut) against the B-pass loop, in float64:
/// an MLP, a CNN with pooling, an LSTM and an attention block composed from MatMul and Softmax.
/// </summary>
public class PerSampleGradientTests
{
    private const int B = 4;

    private static Tensor Classes(int n, int c, int seed)
    {
        var rng = new Random(seed);
        return Tensor.FromArray(Enumerable.Range(0, n).Select(_ => (double)rng.Next(c)).ToArray());
    }

    private static Tensor CrossEntropy(Tensor logits, Tensor target) => logits.SoftmaxCrossEntropy(target);

    [Fact]
    public void Mlp_vmap_path_and_linear_shortcut_equal_the_loop()
    {
        var model = (Sequential)new Sequential(new Linear(5, 4, new Generator(1)), new Tanh(), new Linear(4, 3, new Generator(2))).To(DType.Float64);
        var x = Tensor.Randn(new Shape(B, 5), new Generator(3), DType.Float64);
        var y = Classes(B, 3, 4);
        var loop = Loop(model, CrossEntropy, x, y);
        AssertEqual(loop, Vectorized(() => ModuleTransforms.PerSampleGradients(model, CrossEntropy, x, y, shortcuts: false)));
        AssertEqual(loop, ModuleTransforms.PerSampleGradients(model, CrossEntropy, x, y, shortcuts: true));
    }

    [Fact]
    public void Square_linear_shortcut_reads_the_weight_layout_from_the_forward()
    {
        var model = (Sequential)new Sequential(new Linear(3, 3, new Generator(5)), new Sigmoid(), new Linear(3, 3, new Generator(6))).To(DType.Float64);
        var x = Tensor.Randn(new Shape(B, 3), new Generator(7), DType.Float64);
        var t = Tensor.Randn(new Shape(B, 3), new Generator(8), DType.Float64);
        Func<Tensor, Tensor, Tensor> mse = (p, q) => p.MseLoss(q);
        AssertEqual(Loop(model, mse, x, t), ModuleTransforms.PerSampleGradients(model, mse, x, t));
    }

    [Fact]
    public void Linear_weight_gradient_in_either_layout_is_the_per_row_outer_product()
    {
        var layer = (Linear)new Linear(2, 3, new Generator(9)).To(DType.Float64);
        var a = Tensor.FromArray(new double[] { 1, 2, 3, 4 }).Reshape(2, 2);
        var g = Tensor.FromArray(new double[] { 1, 0, -1, 2, 1, 0 }).Reshape(2, 3);
        // Linear's weight is (out, in) as in PyTorch: row 1 is g₁a₁ᵀ = [2, 1, 0]ᵀ[3, 4].
        var w = ModuleTransforms.LinearWeightGradient(layer, a, g);
        Assert.Equal(new Shape(2, 3, 2), w.Shape);
        Assert.Equal(new double[] { 6, 8, 3, 4, 0, 0 }, w.Select(0, 1).ToDoubleArray());
    }

    [Fact]
    public void Cnn_with_pooling_equals_the_loop()
    {
        var model = new Sequential(new Conv2d(1, 2, 3, new Generator(10), 1, 1), new Relu(), new MaxPool2d(2), new Flatten(), new Linear(8, 3, new Generator(11))).To(DType.Float64);
        var x = Tensor.Randn(new Shape(B, 1, 4, 4), new Generator(12), DType.Float64);
        var y = Classes(B, 3, 13);
        AssertEqual(Loop(model, CrossEntropy, x, y), Vectorized(() => ModuleTransforms.PerSampleGradients(model, CrossEntropy, x, y)));
    }

    [Fact]
    public void Lstm_equals_the_loop()
    {
        var model = new LastStep(new Lstm(3, 4, new Generator(14), DType.Float64), new Linear(4, 2, new Generator(15), dtype: DType.Float64));
        var x = Tensor.Randn(new Shape(B, 5, 3), new Generator(16), DType.Float64);
        var y = Classes(B, 2, 17);
        AssertEqual(Loop(model, CrossEntropy, x, y), Vectorized(() => ModuleTransforms.PerSampleGradients(model, CrossEntropy, x, y)));
    }

    [Fact]
    public void Attention_block_equals_the_loop()
    {
        var model = new Attention(4, new Generator(18));
        var x = Tensor.Randn(new Shape(B, 3, 4), new Generator(19), DType.Float64);
        var t = Tensor.Randn(new Shape(B, 2), new Generator(20), DType.Float64);
        Func<Tensor, Tensor, Tensor> mse = (p, q) => p.MseLoss(q);
        AssertEqual(Loop(model, mse, x, t), Vectorized(() => ModuleTransforms.PerSampleGradients(model, mse, x, t)));
    }

    [Fact]
    public void Fused_attention_with_dropout_equals_the_loop_drawing_from_an_equal_generator()
    {
        // Each model draws its dropout seeds from its own generator, the two seeded alike: the loop's example b masks with the
        // b-th draw, and Vmap's rule must draw the same (Note [Dropout seeds per example] in src/AutoGrad/Ops/AttentionOps.cs).
        var loopModel = new DropoutAttention(4, new Generator(23), new Generator(24));
        var vmapModel = new DropoutAttention(4, new Generator(23), new Generator(24));
        var x = Tensor.Randn(new Shape(B, 2, 3, 4), new Generator(25), DType.Float64);
        var t = Tensor.Randn(new Shape(B, 2), new Generator(26), DType.Float64);
        Func<Tensor, Tensor, Tensor> mse = (p, q) => p.MseLoss(q);
        var loop = Loop(loopModel, mse, x, t);
        AssertEqual(loop, Vectorized(() => ModuleTransforms.PerSampleGradients(vmapModel, mse, x, t)));
        // The masks matter: a third model whose generator is seeded differently gives other gradients.
        var other = ModuleTransforms.PerSampleGradients(new DropoutAttention(4, new Generator(23), new Generator(99)), mse, x, t);
        Assert.NotEqual(loop["q.weight"].ToDoubleArray(), other["q.weight"].ToDoubleArray());
    }

    [Fact]
    public void Embedding_and_a_transformer_encoder_layer_equal_the_loop()
    {
        // Per-example embedding tables (IndexingOps.Embedding's rule), the fused ScaledDotProductAttention and LayerNorm.
        var model = new TinyTransformer(new Generator(21));
        var ids = Tensor.FromArray(new double[] { 0, 3, 5, 1, 6, 6, 2, 0, 4, 1, 1, 3, 5, 2, 0, 6 }).Reshape(B, 4);
        var y = Classes(B, 3, 22);
        AssertEqual(Loop(model, CrossEntropy, ids, y), Vectorized(() => ModuleTransforms.PerSampleGradients(model, CrossEntropy, ids, y)));
    }

    [Fact]
    public void Model_parameters_and_grads_are_left_untouched()
    {
        var model = new Sequential(new Linear(5, 4, new Generator(1)), new Tanh(), new Linear(4, 3, new Generator(2))).To(DType.Float64);
        var before = model.NamedParameters().Select(p => (p.Value, p.Value.ToDoubleArray())).ToArray();
        var x = Tensor.Randn(new Shape(B, 5), new Generator(3), DType.Float64);
        ModuleTransforms.PerSampleGradients(model, CrossEntropy, x, Classes(B, 3, 4), shortcuts: false);
        ModuleTransforms.PerSampleGradients(model, CrossEntropy, x, Classes(B, 3, 4), shortcuts: true);
        var after = model.NamedParameters().Select(p => p.Value).ToArray();
        for (int i = 0; i < before.Length; i++)
        {
            Assert.Same(before[i].Value, after[i]);
            Assert.Equal(before[i].Item2, after[i].ToDoubleArray());
            Assert.Null(after[i].Grad);
        }
    }

    // Runs the transform and checks that no op fell back to a loop: the per-sample gradients came from batching rules.
    private static T Vectorized<T>(Func<T> run)
    {
        var log = new List<string>();
        Functional.t_fallbackLog = log;
        try { return run(); }
        finally
        {
            Functional.t_fallbackLog = null;
            Assert.Empty(log);
        }
    }

    // The reference: one backward pass per example, each on a batch of one, through FunctionalCall with fresh leaves.
    internal static Dictionary<string, Tensor> Loop(Module model, Func<Tensor, Tensor, Tensor> loss, Tensor x, Tensor y)
    {
        var named = model.NamedParameters();
        var rows = new List<Tensor?[]>();
        for (int b = 0; b < x.Shape[0]; b++)
        {
            var leaves = named.Select(p => p.Value.Detach().Clone().RequireGrad()).ToArray();
            var parameters = named.Select((p, i) => (p.Key, leaves[i])).ToDictionary(p => p.Key, p => p.Item2);
            var l = loss(ModuleTransforms.FunctionalCall(model, parameters, null, x.Select(0, b).Unsqueeze(0)), y.Select(0, b).Unsqueeze(0));
            rows.Add(Functional.Grad([l], leaves, allowUnused: true));
        }
        return named.Select((p, i) => (p.Key, CombineOps.Stack(rows.Select(r => r[i] ?? Tensor.ZerosLike(p.Value)).ToArray(), 0)))
            .ToDictionary(p => p.Key, p => p.Item2);
    }

    internal static void AssertEqual(Dictionary<string, Tensor> expected, Dictionary<string, Tensor> got)
    {
        Assert.Equal(expected.Keys, got.Keys);
        foreach (var (name, e) in expected)
        {
            Assert.True(e.Shape == got[name].Shape, $"{name}: shape {got[name].Shape}, the loop gives {e.Shape}");
            var (ev, gv) = (e.ToDoubleArray(), got[name].ToDoubleArray());
            for (int k = 0; k < ev.Length; k++)
                Assert.True(Math.Abs(ev[k] - gv[k]) <= 1e-12, $"{name}[{k}]: {gv[k]:R}, the loop gives {ev[k]:R}");
        }
    }

    private sealed class LastStep : Module
    {
        private readonly Recurrent _rnn;
        private readonly Linear _head;

        public LastStep(Recurrent rnn, Linear head)
        {
            _rnn = RegisterModule("rnn", rnn);
            _head = RegisterModule("head", head);
        }

        public override Tensor Forward(Tensor x) => _head.Forward(_rnn.Forward(x).Select(1, -1));
    }

    // Single-head self-attention composed from MatMul and Softmax, mean over the sequence, then a linear head.
    private sealed class TinyTransformer : Module
    {
        private readonly Embedding _embedding;
        private readonly TransformerEncoderLayer _layer;
        private readonly Linear _head;

        public TinyTransformer(Generator g)
        {
            _embedding = RegisterModule("embedding", new Embedding(7, 4, g, DType.Float64));
            _layer = RegisterModule("layer", new TransformerEncoderLayer(4, 2, g, dimFeedforward: 8, dropout: 0, dtype: DType.Float64));
            _head = RegisterModule("head", new Linear(4, 3, g, dtype: DType.Float64));
        }

        public override Tensor Forward(Tensor ids) => _head.Forward(_layer.Forward(_embedding.Forward(ids)).Mean([1]));
    }

    // Two heads of the fused ScaledDotProductAttention with dropout 0.4 over (heads, L, d) inputs, mean, then a linear head.
    private sealed class DropoutAttention : Module
    {
        private readonly Linear _q, _k, _v, _head;
        private readonly Generator _dropout;

        public DropoutAttention(int d, Generator g, Generator dropout)
        {
            _q = RegisterModule("q", new Linear(d, d, g, dtype: DType.Float64));
            _k = RegisterModule("k", new Linear(d, d, g, dtype: DType.Float64));
            _v = RegisterModule("v", new Linear(d, d, g, dtype: DType.Float64));
            _head = RegisterModule("head", new Linear(d, 2, g, dtype: DType.Float64));
            _dropout = dropout;
        }

        public override Tensor Forward(Tensor x)
        {
            var o = _q.Forward(x).ScaledDotProductAttention(_k.Forward(x), _v.Forward(x), dropoutP: 0.4, generator: _dropout);
            return _head.Forward(o.Mean([1, 2]));
        }
    }

    private sealed class Attention : Module
    {
        private readonly Linear _q, _k, _v, _head;

        public Attention(int d, Generator g)
        {
            _q = RegisterModule("q", new Linear(d, d, g, dtype: DType.Float64));
            _k = RegisterModule("k", new Linear(d, d, g, dtype: DType.Float64));
            _v = RegisterModule("v", new Linear(d, d, g, dtype: DType.Float64));
            _head = RegisterModule("head", new Linear(d, 2, g, dtype: DType.Float64));
        }

        public override Tensor Forward(Tensor x)
        {
            var (q, k, v) = (_q.Forward(x), _k.Forward(x), _v.Forward(x));
            var weights = (q.MatMul(k.Transpose(-2, -1)) / Math.Sqrt(x.Shape[-1])).Softmax(-1);
            return _head.Forward(weights.MatMul(v).Mean(1));
        }
    }
}
