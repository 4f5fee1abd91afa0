using AutoGrad.NN;
using AutoGrad.Transforms;
using FsCheck;
using FsCheck.Fluent;

namespace AutoGrad.Tests.Ops;

public static partial class OpTable
{
    // FunctionalCall differentiates a module's forward with respect to the tensors it is given in place of the parameters.
    private static readonly OpCase[] TransformRows =
    [
        new("FunctionalCall", "FunctionalCall(Linear(3, 2), weight, bias, x)",
            from seed in Gen.Choose(0, 1 << 20)
            let layer = new Linear(3, 2, new Generator((ulong)seed), dtype: DType.Float64)
            from x in Generators.Tensor([2, 3], Wide)
            from w in Generators.Tensor(layer.Weight.Shape.ToArray(), Wide)   // whichever layout Linear keeps its weight in
            from b in Generators.Tensor([2], Wide)
            select new OpSample([x, w, b], xs =>
            {
                if (layer.Weight.DType != xs[0].DType) layer.To(xs[0].DType);
                return ModuleTransforms.FunctionalCall(layer, new Dictionary<string, Tensor> { ["weight"] = xs[1], ["bias"] = xs[2] }, null, xs[0]);
            }, "FunctionalCall")) { MaxTest = 6 },
    ];
}
