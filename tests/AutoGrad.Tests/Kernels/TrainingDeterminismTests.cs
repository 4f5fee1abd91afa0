using AutoGrad.Kernels;
using AutoGrad.Losses;
using AutoGrad.NN;
using AutoGrad.Optim;

namespace AutoGrad.Tests.Kernels;

// Mutates Gemm.MaxDegreeOfParallelism, so it shares the GemmTests collection (never concurrent with them).
[Collection("Gemm")]
public class TrainingDeterminismTests
{
    // 784→128→10 at batch 64 multiplies 12.8 MFLOP per forward matmul, above Gemm's parallel threshold, so two
    // workers really split the products; the conv model adds the batched im2col products and the pooling routes.
    [Theory]
    [InlineData("mlp-sgd")]
    [InlineData("mlp-adam")]
    [InlineData("cnn-sgd")]
    public void Training_gives_bit_identical_weights_with_one_and_two_threads(string config)
    {
        int saved = Gemm.MaxDegreeOfParallelism;
        try
        {
            Gemm.MaxDegreeOfParallelism = 1;
            var (initial, single) = Train(config);
            Gemm.MaxDegreeOfParallelism = 2;
            var (_, dual) = Train(config);
            Assert.Equal(single.Length, dual.Length);
            for (int p = 0; p < single.Length; p++)
            {
                Assert.Equal(single[p].Length, dual[p].Length);
                for (int i = 0; i < single[p].Length; i++)
                    Assert.Equal(BitConverter.SingleToInt32Bits(single[p][i]), BitConverter.SingleToInt32Bits(dual[p][i]));
            }
            Assert.Contains(Enumerable.Range(0, single.Length), p => !single[p].SequenceEqual(initial[p]));   // training moved the weights
        }
        finally
        {
            Gemm.MaxDegreeOfParallelism = saved;
        }
    }

    private static (float[][] Initial, float[][] Final) Train(string config)
    {
        var g = new Generator(11);
        bool cnn = config.StartsWith("cnn", StringComparison.Ordinal);
        Module model = cnn
            ? new Sequential(new Conv2d(1, 8, 5, g), new Relu(), new MaxPool2d(2), new Flatten(), new Linear(8 * 12 * 12, 10, g))
            : new Sequential(new Linear(784, 128, g), new Relu(), new Linear(128, 10, g));
        var parameters = model.Parameters().ToList();
        var initial = parameters.Select(p => p.ToFloatArray()).ToArray();
        Optimizer opt = config.EndsWith("adam", StringComparison.Ordinal) ? new Adam(parameters, 0.01) : new Sgd(parameters, 0.1);
        var x = cnn ? Tensor.Rand(new Shape(64, 1, 28, 28), g) : Tensor.Rand(new Shape(64, 784), g);
        var y = Tensor.FromArray(Enumerable.Range(0, 64).Select(i => (float)(i % 10)).ToArray());
        for (int step = 0; step < 4; step++)
        {
            opt.ZeroGrad();
            model.Forward(x).SoftmaxCrossEntropy(y).Backward();
            opt.Step();
        }
        return (initial, parameters.Select(p => p.ToFloatArray()).ToArray());
    }
}
