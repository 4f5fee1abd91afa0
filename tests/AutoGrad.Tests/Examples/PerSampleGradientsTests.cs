using AutoGrad.Data;
using AutoGrad.Differentiation;
using AutoGrad.Tests.Transforms;
using PerSampleGradientsExample;

namespace AutoGrad.Tests.Examples;

/// <summary>The core of examples/PerSampleGradients, briefly: its per-sample norms and Fisher diagonal against the loop, and its DP-SGD run.</summary>
public class PerSampleGradientsTests
{
    private static readonly TrainTestPair Digits = PerSampleLab.Data(1);

    private static Dataset First(Dataset d, int n) => d.Subset([.. Enumerable.Range(0, n)]);

    // Example b's gradient by its own backward pass, per parameter.
    private static Tensor[] LoopGradient(AutoGrad.NN.Module model, Dataset data, int b)
    {
        var ps = model.Parameters().ToArray();
        var x = data.Features.To(DType.Float64).Select(0, b).Unsqueeze(0);
        var y = data.LabelTensor(DType.Float64).Select(0, b).Unsqueeze(0);
        return [.. Functional.Grad([PerSampleLab.Loss(model.Forward(x), y)], ps).Select(g => g!)];
    }

    [Fact]
    public void Per_sample_norms_and_the_fisher_diagonal_equal_the_loop_in_float64()
    {
        var model = PerSampleLab.Model(3, DType.Float64);
        var data = First(Digits.Train, 24);
        var x = data.Features.To(DType.Float64);
        var y = data.LabelTensor(DType.Float64);
        var loops = Enumerable.Range(0, data.Count).Select(b => LoopGradient(model, data, b)).ToArray();
        var loopNorms = loops.Select(g => Math.Sqrt(g.Sum(t => t.Square().Sum().ToDoubleArray()[0]))).ToArray();
        foreach (bool shortcuts in new[] { false, true })
            VmapOpTableTests.AssertClose(loopNorms, PerSampleLab.Norms(PerSampleLab.PerSample(model, x, y, shortcuts)), $"norms (shortcuts {shortcuts})");

        var hardest = PerSampleLab.Hardest(model, data, 3, chunk: 10);
        Assert.Equal(loopNorms.Max(), hardest[0].Norm, 12);
        Assert.Equal(data.Labels[hardest[0].Index], hardest[0].Label);
        Assert.True(hardest[0].Norm >= hardest[1].Norm && hardest[1].Norm >= hardest[2].Norm);

        var fisher = PerSampleLab.FisherDiagonal(model, data, chunk: 10);   // chunks of 10, 10 and 4
        var names = model.NamedParameters().Select(p => p.Key).ToArray();
        for (int i = 0; i < names.Length; i++)
        {
            var expected = loops.Select(g => g[i].Square()).Aggregate((a, b) => a + b) / data.Count;
            VmapOpTableTests.AssertClose(expected.ToDoubleArray(), fisher[names[i]].ToDoubleArray(), "Fisher diagonal of " + names[i]);
        }
    }

    [Fact]
    public void Dp_sgd_learns_above_chance_and_its_noise_is_seeded()
    {
        var a = PerSampleLab.Train(Digits, epochs: 3, batch: 64, learningRate: 0.5, clipNorm: 1, noiseMultiplier: 1, seed: 1, noiseSeed: 7);
        var b = PerSampleLab.Train(Digits, epochs: 3, batch: 64, learningRate: 0.5, clipNorm: 1, noiseMultiplier: 1, seed: 1, noiseSeed: 7);
        var c = PerSampleLab.Train(Digits, epochs: 3, batch: 64, learningRate: 0.5, clipNorm: 1, noiseMultiplier: 1, seed: 1, noiseSeed: 8);
        // Chance is 0.1 (ten classes).
        Assert.True(a.PlainAccuracy > 0.8, $"plain SGD accuracy {a.PlainAccuracy}");
        Assert.True(a.PrivateAccuracy > 0.5, $"DP-SGD accuracy {a.PrivateAccuracy}");
        Assert.Equal(a, b);                                        // the same noise seed: the same run
        Assert.NotEqual(a.PrivateLoss, c.PrivateLoss);             // another noise seed: another DP-SGD run
        Assert.Equal(a.PlainLoss, c.PlainLoss);                    // plain SGD draws no noise
    }
}
