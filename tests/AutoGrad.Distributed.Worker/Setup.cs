using AutoGrad.Losses;
using AutoGrad.Data;
using AutoGrad.NN;
using AutoGrad.Optim;

namespace AutoGrad.Distributed.Worker;

// The model, data and optimizer every mode of the worker shares, so distributed and single-process runs start identical.
internal static class Setup
{
    public const int Features = 12, Classes = 3, Examples = 360;

    public static Module Model(int hidden = 16) =>
        new Sequential(new Linear(Features, hidden, new Generator(11)), new Tanh(), new Linear(hidden, hidden, new Generator(12)), new Tanh(), new Linear(hidden, Classes, new Generator(13)));

    // The same MLP with a batch norm after the first layer: SyncBatchNorm on the ranks, BatchNorm1d in the single process.
    public static Module NormModel(Module norm) =>
        new Sequential(new Linear(Features, 16, new Generator(11)), norm, new Tanh(), new Linear(16, Classes, new Generator(13)));

    public static Optimizer Optimizer(Module model) => new Sgd(model.Parameters(), 0.1, momentum: 0.9);

    // Labels from a fixed linear rule on seeded Gaussian features, so the loss actually falls.
    public static Dataset Data()
    {
        var x = Tensor.Randn(new[] { Examples, Features }, new Generator(5));
        var v = x.ToFloatArray();
        var labels = new int[Examples];
        for (int i = 0; i < Examples; i++)
        {
            float s = v[i * Features] + 0.5f * v[i * Features + 1] - v[i * Features + 2];
            labels[i] = s < -0.5f ? 0 : s < 0.5f ? 1 : 2;
        }
        return new Dataset(x, labels);
    }

    public static Tensor Loss(Module model, Batch batch) => model.Forward(batch.Features).SoftmaxCrossEntropy(batch.LabelTensor());

    public static void Write(string path, Module model)
    {
        using var f = File.Create(path);
        foreach (var p in model.Parameters().Concat(model.NamedBuffers().Select(b => b.Value)))
        {
            var v = p.ToFloatArray();
            var bytes = new byte[v.Length * sizeof(float)];
            Buffer.BlockCopy(v, 0, bytes, 0, bytes.Length);
            f.Write(bytes);
        }
    }
}
