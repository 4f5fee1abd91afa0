using AutoGrad.Data;
using AutoGrad.Tests.Data;
using NielsenExample;

namespace AutoGrad.Tests.Examples;

public class NielsenTests
{
    [Fact]
    public void Digits_network_learns_to_over_90_percent_in_ten_epochs_and_prints_nielsens_lines()
    {
        var digits = NielsenNetwork.Digits();
        Assert.Equal(1797, digits.Train.Count + digits.Test.Count);
        Assert.Equal(1.0, digits.Train.Features.Max().Item(), 6);
        var output = new StringWriter();
        var r = NielsenNetwork.Sgd(digits.Train, digits.Test, [64, 30, 10], 10, 10, 3.0, seed: 1, output);
        Assert.Equal(10, r.Correct.Count);
        // Measured: 289 / 451 after epoch 0, 430 / 451 after epoch 9.
        Assert.True(r.FinalAccuracy > 0.90, $"held-out accuracy {r.FinalAccuracy}");
        Assert.True(r.Correct[^1] > r.Correct[0] + 50, string.Join(", ", r.Correct));
        Assert.True(r.History.Epochs[^1].TrainLoss < r.History.Epochs[0].TrainLoss / 3, "quadratic cost should fall");
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith($"Epoch 0: {r.Correct[0]} / 451", lines[0], StringComparison.Ordinal);
        Assert.StartsWith($"Epoch 9: {r.Correct[9]} / 451", lines[9], StringComparison.Ordinal);
    }

    [Fact]
    public void Network_starts_from_standard_normal_weights_and_biases_like_network_py()
    {
        var net = NielsenNetwork.Build([784, 30, 10], new Generator(5));
        var p = net.Parameters();
        Assert.Equal(4, p.Count);
        Assert.Equal(new Shape(30, 784), p[0].Shape);   // (out, in): network.py's and PyTorch's layout
        var w = p[0].ToDoubleArray();
        Assert.Equal(0, w.Average(), 1);
        Assert.Equal(1, Math.Sqrt(w.Select(v => v * v).Average()), 1);
        Assert.True(p[1].ToDoubleArray().Any(b => Math.Abs(b) > 0.5), "biases are drawn from N(0, 1), not zero");
    }

    [FactWhenDirectoryExists(Datasets.FashionMnistDebianFolder)]
    public void Three_epochs_on_2000_fashion_images_climb_past_62_percent()
    {
        var idx = NielsenNetwork.LoadIdx(null, trainCount: 2000, testCount: 1000);
        Assert.Equal(new Shape(2000, 784), idx.Train.Features.Shape);
        // Measured: 531, 633, 686 correct of 1000 after epochs 0, 1, 2.
        var r = NielsenNetwork.Sgd(idx.Train, idx.Test, [784, 30, 10], 3, 10, 3.0, seed: 1, null);
        Assert.True(r.FinalAccuracy > 0.62 && r.Correct[^1] > r.Correct[0] + 100, $"test accuracy {r.FinalAccuracy} ({string.Join(", ", r.Correct)} / 1000)");
    }
}
