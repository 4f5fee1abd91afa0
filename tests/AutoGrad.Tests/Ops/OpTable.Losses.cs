using AutoGrad.Losses;
using FsCheck;
using FsCheck.Fluent;

namespace AutoGrad.Tests.Ops;

public static partial class OpTable
{
    private static readonly Reduction[] Reductions = [Reduction.Mean, Reduction.Sum, Reduction.None];

    // A prediction and a target that differ by at least 0.1 everywhere (MAE's kink is at equality).
    private static Gen<OpSample> PredictionTarget(Func<Tensor, Tensor, Reduction, Tensor> loss, string name, Domain gap) =>
        from s in Generators.Shape(1, 3, 1, 4)
        from p in Generators.Tensor(s, Wide)
        from d in Generators.Tensor(s, gap)
        from r in Gen.Elements(Reductions)
        let t = p + d
        select new OpSample([p, t], xs => loss(xs[0], xs[1], r), $"{name} {r}");

    private static Gen<OpSample> Classification(Func<Tensor, Tensor, Reduction, Tensor> loss, string name, Domain input, bool indices) =>
        from n in Gen.Choose(1, 4)
        from c in Gen.Choose(2, 4)
        from x in Generators.Tensor([n, c], input)
        from labels in Generators.IndexTensor([n], c)
        from r in Gen.Elements(Reductions)
        let target = indices ? labels : labels.OneHot(c)
        select new OpSample([x], xs => loss(xs[0], target, r), $"{name} {(indices ? "indices" : "one-hot")} {r}");

    private static readonly OpCase[] LossRows =
    [
        new("MseLoss", "MseLoss(p, t)", PredictionTarget((p, t, r) => p.MseLoss(t, r), "MseLoss", Wide)),
        new("MaeLoss", "MaeLoss(p, t)", PredictionTarget((p, t, r) => p.MaeLoss(t, r), "MaeLoss", Domain.AwayFrom([0], 0.1, -1, 1))),
        new("HuberLoss", "HuberLoss(p, t, 1)", PredictionTarget((p, t, r) => p.HuberLoss(t, 1.0, r), "HuberLoss", Domain.AwayFrom([-1, 0, 1], 0.1, -2, 2))),
        new("QuadraticCost", "QuadraticCost(p, t)", PredictionTarget((p, t, _) => p.QuadraticCost(t), "QuadraticCost", Wide)),
        new("BinaryCrossEntropy", "BinaryCrossEntropy(p, y)",
            from s in Generators.Shape(1, 2, 1, 4)
            from p in Generators.Tensor(s, Domain.Real(0.05, 0.95))
            from y in Generators.Tensor(s, Domain.Real(0, 1))
            from r in Gen.Elements(Reductions)
            select new OpSample([p, y], xs => xs[0].BinaryCrossEntropy(xs[1], r), $"BCE {r}")),
        new("BinaryCrossEntropyWithLogits", "BinaryCrossEntropyWithLogits(z, y)",
            from s in Generators.Shape(1, 2, 1, 4)
            from z in Generators.Tensor(s, Domain.AwayFrom([0], 0.05, -6, 6))
            from y in Generators.Tensor(s, Domain.Real(0, 1))
            from r in Gen.Elements(Reductions)
            select new OpSample([z, y], xs => xs[0].BinaryCrossEntropyWithLogits(xs[1], r), $"BCE logits {r}",
                () => Reduce(r, z.ToDoubleArray().Zip(y.ToDoubleArray(), (a, b) => -(b * System.Math.Log(Sig(a)) + (1 - b) * System.Math.Log(1 - Sig(a)))).ToArray()))),
        new("CategoricalCrossEntropy", "CategoricalCrossEntropy(p, one-hot)",
            Classification((p, t, r) => p.CategoricalCrossEntropy(t, r), "CCE", Domain.Real(0.05, 0.95), indices: false)),
        new("CategoricalCrossEntropy", "CategoricalCrossEntropy(p, indices)",
            Classification((p, t, r) => p.CategoricalCrossEntropy(t, r), "CCE", Domain.Real(0.05, 0.95), indices: true)),
        new("SoftmaxCrossEntropy", "SoftmaxCrossEntropy(z, one-hot)",
            Classification((z, t, r) => z.SoftmaxCrossEntropy(t, r), "SoftmaxCE", Wide, indices: false)),
        new("SoftmaxCrossEntropy", "SoftmaxCrossEntropy(z, indices)",
            Classification((z, t, r) => z.SoftmaxCrossEntropy(t, r), "SoftmaxCE", Wide, indices: true)),
        new("NllLoss", "NllLoss(log p, classes)",
            Classification((z, t, r) => z.NllLoss(t, r), "NllLoss", Domain.Real(-4, -0.1), indices: true)),
    ];

    private static double[] Reduce(Reduction r, double[] v) => r switch
    {
        Reduction.Mean => [v.Average()],
        Reduction.Sum => [v.Sum()],
        _ => v,
    };
}
