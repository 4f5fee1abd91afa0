using System.Diagnostics;
using System.Globalization;
using AutoGrad.Losses;
using AutoGrad.NN;
using AutoGrad.Optim;

namespace AutoGrad.Benchmarks.Compare;

/// <summary>
/// The model-family workloads of the comparison (issue 14), defined here and in benchmarks/compare/torch_workloads.py alike:
/// <list type="bullet">
/// <item><c>lstm</c>: a character-level language-model step: embedding 65×64, one LSTM layer of 256, dense 256→65, sequence 64, batch 32,
/// softmax cross-entropy over every position, Adam 1e-3;</item>
/// <item><c>transformer</c>: one pre-norm encoder block step: d 128, 4 heads, causal self-attention composed from MatMul, Softmax and an
/// additive mask, feed-forward 512 with GELU, sequence 64, batch 16, mean squared error against a fixed target, Adam 1e-3.</item>
/// </list>
/// Fixed random inputs (seed 0); tokens per second over 20 timed steps (5 in quick mode) after a warm-up of 2 s (1 s).
/// </summary>
internal static class SequenceWorkloads
{
    public static (string Unit, double Value, string Extra) Run(string name, bool quick)
    {
        var g = new Generator(0);
        Module model;
        Func<Tensor> loss;
        int tokens;
        if (name == "lstm")
        {
            const int batch = 32, seq = 64, vocab = 65;
            model = new Sequential(new Embedding(vocab, 64, g), new Lstm(64, 256, g), new Linear(256, vocab, g));
            var x = Tokens(g, batch * seq, vocab).Reshape(batch, seq);
            var y = Tokens(g, batch * seq, vocab);
            loss = () => model.Forward(x).Reshape(batch * seq, vocab).SoftmaxCrossEntropy(y);
            tokens = batch * seq;
        }
        else if (name == "transformer")
        {
            const int batch = 16, seq = 64, d = 128;
            model = new EncoderBlock(d, 4, 512, seq, g);
            var x = Tensor.Randn(new Shape(batch, seq, d), g);
            var target = Tensor.Randn(new Shape(batch, seq, d), g);
            loss = () => model.Forward(x).MseLoss(target);
            tokens = batch * seq;
        }
        else throw new ArgumentException($"unknown sequence workload '{name}'");

        var opt = new Adam(model.Parameters(), 1e-3);
        void Step()
        {
            using var scope = Tensor.StepScope();
            opt.ZeroGrad(setToNone: false);
            loss().Backward();
            opt.Step();
        }
        var warm = Stopwatch.StartNew();
        do Step(); while (warm.Elapsed.TotalSeconds < (quick ? 1 : 2));
        int steps = quick ? 5 : 20;
        long bytes = GC.GetTotalAllocatedBytes(precise: true);
        var sw = Stopwatch.StartNew();
        for (int s = 0; s < steps; s++) Step();
        double seconds = sw.Elapsed.TotalSeconds;
        long perStep = (GC.GetTotalAllocatedBytes(precise: true) - bytes) / steps;
        return ("tokens/s", steps * tokens / seconds, string.Create(CultureInfo.InvariantCulture, $"bytes/step={perStep} ms/step={seconds * 1000 / steps:0.0}"));
    }

    private static Tensor Tokens(Generator g, int count, int vocab)
    {
        var u = Tensor.Rand(new Shape(count), g).ToDoubleArray();
        return Tensor.FromArray(u.Select(v => (float)Math.Min(vocab - 1, Math.Floor(v * vocab))).ToArray(), count);
    }

    /// <summary>Pre-norm block: <c>x + Attn(LN₁(x))</c>, then <c>+ W₂·GELU(W₁·LN₂(·))</c>; attention from MatMul, Softmax and a causal mask.</summary>
    private sealed class EncoderBlock : Module
    {
        private readonly LayerNorm _ln1, _ln2;
        private readonly Linear _qkv, _proj, _ff1, _ff2;
        private readonly Tensor _mask;
        private readonly int _heads;

        public EncoderBlock(int d, int heads, int ff, int seq, Generator g)
        {
            _heads = heads;
            _ln1 = RegisterModule("ln1", new LayerNorm(d));
            _qkv = RegisterModule("qkv", new Linear(d, 3 * d, g));
            _proj = RegisterModule("proj", new Linear(d, d, g));
            _ln2 = RegisterModule("ln2", new LayerNorm(d));
            _ff1 = RegisterModule("ff1", new Linear(d, ff, g));
            _ff2 = RegisterModule("ff2", new Linear(ff, d, g));
            var m = new float[seq * seq];
            for (int i = 0; i < seq; i++) for (int j = i + 1; j < seq; j++) m[i * seq + j] = -1e9f;
            _mask = Tensor.FromArray(m, seq, seq);
        }

        public override Tensor Forward(Tensor x)
        {
            int b = x.Shape[0], t = x.Shape[1], d = x.Shape[2], dh = d / _heads;
            var qkv = _qkv.Forward(_ln1.Forward(x)).Reshape(b, t, 3, _heads, dh).Permute(2, 0, 3, 1, 4);   // (3, b, h, t, dh)
            var q = qkv.Select(0, 0);
            var k = qkv.Select(0, 1);
            var v = qkv.Select(0, 2);
            var att = (q.MatMul(k.Transpose(-2, -1)) * (1.0 / Math.Sqrt(dh)) + _mask).Softmax(-1);
            var heads = att.MatMul(v).Permute(0, 2, 1, 3).Reshape(b, t, d);
            x = x + _proj.Forward(heads);
            return x + _ff2.Forward(_ff1.Forward(_ln2.Forward(x)).Gelu());
        }
    }
}
