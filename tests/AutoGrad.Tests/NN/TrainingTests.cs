using AutoGrad.Losses;
using AutoGrad.NN;
using AutoGrad.Optim;

namespace AutoGrad.Tests.NN;

public class TrainingTests
{
    [Fact]
    public void Mlp_solves_xor_from_a_fixed_seed()
    {
        var g = new Generator(7);
        var model = new Sequential(new Linear(2, 8, g, dtype: DType.Float64), new Tanh(), new Linear(8, 1, g, dtype: DType.Float64));
        var x = Tensor.FromArray(new double[] { 0, 0, 0, 1, 1, 0, 1, 1 }, 4, 2);
        var y = Tensor.FromArray(new double[] { 0, 1, 1, 0 }, 4, 1);
        var opt = new Adam(model.Parameters(), 0.05);
        double loss = double.NaN;
        for (int i = 0; i < 500; i++)
        {
            opt.ZeroGrad();
            var l = model.Forward(x).BinaryCrossEntropyWithLogits(y);
            l.Backward();
            opt.Step();
            loss = l.Item();
        }
        var p = model.Forward(x).Sigmoid().ToDoubleArray();
        Assert.Equal([0.0, 1, 1, 0], p.Select(v => v > 0.5 ? 1.0 : 0.0));
        Assert.True(loss < 0.05, $"final loss {loss}");
    }

    [Fact]
    public void Small_cnn_halves_its_loss()
    {
        var g = new Generator(3);
        var x = Tensor.Randn(new Shape(16, 1, 6, 6), g);
        var labels = new float[16];
        for (int n = 0; n < 16; n++)   // class 1 when the left half is brighter than the right half
        {
            double left = 0, right = 0;
            for (int i = 0; i < 6; i++) for (int j = 0; j < 6; j++) { if (j < 3) left += x[n, 0, i, j]; else right += x[n, 0, i, j]; }
            labels[n] = left > right ? 1 : 0;
        }
        var y = Tensor.FromArray(labels);
        var model = new Sequential(new Conv2d(1, 4, 3, g, 1, PaddingMode.Same), new Relu(), new MaxPool2d(2), new Flatten(), new Linear(36, 2, g));
        var opt = new Adam(model.Parameters(), 0.01);
        double first = double.NaN, last = double.NaN;
        for (int i = 0; i < 80; i++)
        {
            opt.ZeroGrad();
            var l = model.Forward(x).SoftmaxCrossEntropy(y);
            l.Backward();
            opt.Step();
            if (i == 0) first = l.Item();
            last = l.Item();
        }
        Assert.True(last < first / 2, $"loss {first} → {last}");
    }

    [Fact]
    public void Lstm_halves_its_loss_on_a_sequence_sum_task()
    {
        var g = new Generator(5);
        var x = Tensor.Uniform(new Shape(12, 5, 1), g, -1, 1);
        var y = x.Sum(1);                                                  // (12, 1): the sum of each sequence
        var lstm = new Lstm(1, 8, g);
        var head = new Linear(8, 1, g);
        var opt = new Adam([.. lstm.Parameters(), .. head.Parameters()], 0.02);
        double first = double.NaN, last = double.NaN;
        for (int i = 0; i < 120; i++)
        {
            opt.ZeroGrad();
            var h = lstm.Forward(x).Select(1, 4);
            var l = head.Forward(h).MseLoss(y);
            l.Backward();
            opt.Step();
            if (i == 0) first = l.Item();
            last = l.Item();
        }
        Assert.True(last < first / 2, $"loss {first} → {last}");
    }
}
