using System.Diagnostics;
using AutoGrad;
using AutoGrad.Differentiation;
using AutoGrad.Losses;
using AutoGrad.Optim;

namespace CharTransformerExample;

/// <summary>One evaluation point of a run: step, training loss (mean of the steps since the last point) and validation loss, in nats per character.</summary>
public sealed record CharPoint(int Step, double TrainLoss, double ValidationLoss);

/// <summary>A run's curve, its throughput (training tokens per second of training steps, evaluation excluded) and samples.</summary>
public sealed record CharRun(IReadOnlyList<CharPoint> Points, double TokensPerSecond, string[] Samples);

/// <summary>The training loop: random windows, AdamW with linear warm-up then cosine decay, evaluation on fixed validation windows.</summary>
public static class CharTraining
{
    /// <summary>A batch of <paramref name="batch"/> random windows of the stream: ids (N, T) and next ids (N·T).</summary>
    public static (Tensor X, Tensor Y) Batch(int[] stream, int batch, int context, Generator g)
    {
        var x = new float[batch * context];
        var y = new float[batch * context];
        for (int b = 0; b < batch; b++)
        {
            int start = g.NextInt(stream.Length - context);
            for (int t = 0; t < context; t++)
            {
                x[b * context + t] = stream[start + t];
                y[b * context + t] = stream[start + t + 1];
            }
        }
        return (Tensor.FromArray(x, batch, context), Tensor.FromArray(y, batch * context));
    }

    /// <summary>Mean cross-entropy (nats per character) of the model on <paramref name="batches"/> fixed windows (seed 7), in evaluation mode.</summary>
    public static double Evaluate(CharModel model, int[] stream, int batches, int batch)
    {
        var g = new Generator(7);
        model.Eval();
        double total = 0;
        using (Recorder.NoGrad())
            for (int i = 0; i < batches; i++)
            {
                var (x, y) = Batch(stream, batch, model.Config.Context, g);
                total += model.Forward(x).Reshape(-1, model.Head.OutFeatures).SoftmaxCrossEntropy(y).Item();
            }
        model.Train();
        return total / batches;
    }

    /// <summary>
    /// Trains for <paramref name="steps"/> steps of <paramref name="batch"/> windows: AdamW (η 3e-4, λ 0.01 on the weight matrices only:
    /// <see cref="ParameterGroups.DecayAndNoDecay"/> leaves biases, norm weights and other vectors undecayed), η warmed up linearly over <paramref name="warmup"/> steps, then cosine to 0.
    /// </summary>
    public static CharRun Run(Words words, CharConfig config, int steps, ulong seed = 1, int batch = 64, double learningRate = 3e-4, int warmup = 100,
        int evalEvery = 500, int evalBatches = 20, TextWriter? log = null)
    {
        var g = new Generator(seed);
        var model = new CharModel(words.Vocabulary.Length, config, g);
        var opt = new AdamW(ParameterGroups.DecayAndNoDecay(model, 0.01), learningRate);
        var schedule = new Warmup(new CosineDecay(learningRate, Math.Max(1, steps - warmup)), warmup);
        var points = new List<CharPoint>();
        double sum = 0;
        int count = 0;
        var clock = new Stopwatch();   // training steps only: evaluation is excluded from tokens/s
        for (int step = 1; step <= steps; step++)
        {
            clock.Start();
            schedule.Apply(opt, step - 1);
            using (Tensor.StepScope())
            {
                var (x, y) = Batch(words.TrainStream, batch, config.Context, g);
                var loss = model.Forward(x).Reshape(-1, words.Vocabulary.Length).SoftmaxCrossEntropy(y);
                opt.ZeroGrad();
                loss.Backward();
                opt.Step();
                sum += loss.Item();
                count++;
            }
            clock.Stop();
            if (step % evalEvery == 0 || step == steps)
            {
                var p = new CharPoint(step, sum / count, Evaluate(model, words.ValidationStream, evalBatches, batch));
                points.Add(p);
                log?.WriteLine(FormattableString.Invariant($"step {p.Step,6}  train {p.TrainLoss:0.0000}  validation {p.ValidationLoss:0.0000} nats/char"));
                (sum, count) = (0, 0);
            }
        }
        double seconds = clock.Elapsed.TotalSeconds;
        return new CharRun(points, (double)steps * batch * config.Context / seconds, Sample(model, words, 20, new Generator(seed + 1000)));
    }

    /// <summary>
    /// <paramref name="count"/> words sampled at temperature 1: from the start token, each next character drawn from the softmax of
    /// the last position's logits (over at most the context's last characters) until the end token or 40 characters.
    /// </summary>
    public static string[] Sample(CharModel model, Words words, int count, Generator g)
    {
        model.Eval();
        var result = new string[count];
        using (Recorder.NoGrad())
            for (int i = 0; i < count; i++)
            {
                var ids = new List<int> { 0 };
                while (ids.Count < 41)
                {
                    var ctx = ids.Skip(Math.Max(0, ids.Count - model.Config.Context)).Select(v => (float)v).ToArray();
                    var logits = model.Forward(Tensor.FromArray(ctx, 1, ctx.Length)).Select(1, ctx.Length - 1).Reshape(-1);
                    var p = logits.Softmax(-1).ToDoubleArray();
                    double u = g.NextDouble(), acc = 0;
                    int next = p.Length - 1;
                    for (int c = 0; c < p.Length; c++) if ((acc += p[c]) > u) { next = c; break; }
                    if (next == 0) break;
                    ids.Add(next);
                }
                result[i] = new string([.. ids.Skip(1).Select(id => words.Vocabulary[id])]);
            }
        model.Train();
        return result;
    }
}
