using AutoGrad.NN;
using FsCheck;
using FsCheck.Fluent;
using AutoGrad.Checking;

namespace AutoGrad.Tests.Ops;

public static partial class OpTable
{
    // A layer row differentiates with respect to the input and every parameter: the parameters become inputs of the
    // sample and are re-bound into a fresh module on each call. Its name is the layer's type name. When the input is
    // not differentiable (Embedding's indices), the parameters are marked RequiresGrad so GradCheck checks only them.
    // applyWith: for a layer that draws random numbers, its forward drawing from a given generator (OpSample.ApplyWith).
    private static OpCase Layer(string label, Func<Generator, Module> make, int[] inputShape, Domain? domain = null, bool differentiateInput = true,
        Func<Tensor[], Generator, Tensor>? applyWith = null) =>
        new(label.Split('(')[0], label,
            from seed in Gen.Choose(0, 1 << 20)
            let module = make(new Generator((ulong)seed)).To(DType.Float64)
            from x in Generators.Tensor(inputShape, domain ?? Wide)
            select new OpSample(
                [x, .. module.NamedParameters().Select(p => differentiateInput ? p.Value.Detach() : p.Value.Detach().Clone().RequireGrad())],
                xs => Bind(module, xs, differentiateInput),
                label) { ApplyWith = applyWith }) { MaxTest = 6 };

    private static Tensor Bind(Module module, Tensor[] xs, bool differentiateInput)
    {
        if (module.NamedParameters() is { Count: > 0 } ps && ps[0].Value.DType != xs[0].DType) module.To(xs[0].DType);
        var named = module.NamedParameters();
        for (int i = 0; i < named.Count; i++) module.Rebind(named[i].Key, xs[i + 1]);
        return module.Forward(differentiateInput ? xs[0] : xs[0].Detach());
    }

    private static readonly OpCase[] LayerRows =
    [
        Layer("Linear(3, 2)", g => new Linear(3, 2, g), [4, 3]),
        Layer("Sequential(Linear, Tanh, Linear)", g => new Sequential(new Linear(3, 4, g), new Tanh(), new Linear(4, 2, g)), [2, 3]),
        Layer("Conv2d(2, 3, 3, stride 1, padding 1)", g => new Conv2d(2, 3, 3, g, 1, 1), [1, 2, 4, 4]),
        Layer("MaxPool2d(2)", _ => new MaxPool2d(2), [1, 1, 4, 4], Domain.Comb(-3, 16, 0.37, 0, 0.05)),
        Layer("AvgPool2d(2)", _ => new AvgPool2d(2), [1, 2, 4, 4]),
        Layer("Flatten()", _ => new Flatten(), [2, 2, 3]),
        Layer("BatchNorm1d(3) training", _ => new BatchNorm1d(3), [4, 3]),
        Layer("BatchNorm2d(2) training", _ => new BatchNorm2d(2), [3, 2, 2, 2]),
        Layer("LayerNorm(4)", _ => new LayerNorm(4), [3, 4]),
        Layer("Embedding(5, 3)", g => new Embedding(5, 3, g), [2, 3], Domain.Comb(0, 5, 1, 0, 0), differentiateInput: false),
        Layer("Maxout(3, 2, 3 pieces)", g => new Maxout(3, 2, 3, g), [2, 3]),
        Layer("RnnCell(3, 4)", g => new RnnCell(3, 4, g), [2, 3]),
        Layer("LstmCell(3, 4)", g => new LstmCell(3, 4, g), [2, 3]),
        Layer("GruCell(3, 4)", g => new GruCell(3, 4, g), [2, 3]),
        Layer("Rnn(3, 2) over 4 steps", g => new Rnn(3, 2, g), [2, 4, 3]),
        Layer("Lstm(3, 2) over 4 steps", g => new Lstm(3, 2, g), [2, 4, 3]),
        Layer("Gru(3, 2) over 4 steps", g => new Gru(3, 2, g), [2, 4, 3]),
        Layer("Dropout(0.3) with a fixed mask", g => new Sequential(new FixedDropout(0.3, g.NextUInt64())), [3, 4],
            applyWith: (xs, g) => new Dropout(0.3, g).Forward(xs[0])),
        Layer("PRelu(3)", _ => new PRelu(3), [2, 3], Domain.AwayFrom([0], 0.05)),
        Layer("Swish(learnable)", _ => new Swish(1.2, learnable: true), [2, 3]),
        Layer("Relu()", _ => new Relu(), [2, 3], Domain.AwayFrom([0], 0.05)),
        Layer("LeakyRelu(0.1)", _ => new LeakyRelu(0.1), [2, 3], Domain.AwayFrom([0], 0.05)),
        Layer("Elu(1)", _ => new Elu(), [2, 3], Domain.AwayFrom([0], 0.05)),
        Layer("Selu()", _ => new Selu(), [2, 3], Domain.AwayFrom([0], 0.05)),
        Layer("Gelu(Tanh)", _ => new Gelu(GeluApproximation.Tanh), [2, 3]),
        Layer("Silu()", _ => new Silu(), [2, 3]),
        Layer("Mish()", _ => new Mish(), [2, 3]),
        Layer("Softplus(1)", _ => new Softplus(), [2, 3], Domain.AwayFrom([0], 0.05)),
        Layer("Relu6()", _ => new Relu6(), [2, 3], Domain.AwayFrom([0], 0.05)),
        Layer("HardSwish()", _ => new HardSwish(), [2, 3], Domain.AwayFrom([-3, 3], 0.05, -5, 5)),
        Layer("Glu()", _ => new Glu(), [2, 4]),
        Layer("Tanh()", _ => new Tanh(), [2, 3]),
        Layer("Sigmoid()", _ => new Sigmoid(), [2, 3]),
        Layer("Softmax(1)", _ => new Softmax(1), [2, 3]),
        Layer("LogSoftmax(1)", _ => new LogSoftmax(1), [2, 3]),
        Layer("Identity()", _ => new Identity(), [2, 3]),
    ];

    // Dropout draws a new mask per call; GradCheck evaluates f many times, so each call here re-creates the layer
    // from the same seed and therefore applies the same mask.
    private sealed class FixedDropout(double p, ulong seed) : Module
    {
        public override Tensor Forward(Tensor x) => new Dropout(p, new Generator(seed)).Forward(x);
    }
}
