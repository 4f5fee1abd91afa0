using FsCheck;
using FsCheck.Fluent;

namespace AutoGrad.Tests.Ops;

// PyTorch's method spellings (src/AutoGrad/Ops/TensorMethods.cs), each equal to its static form.
public static partial class OpTable
{
    private static readonly OpCase[] MethodRows =
    [
        new("Concat", "x.Concat(y, axis 1)",
            from x in Generators.Tensor([2, 3], Wide)
            from y in Generators.Tensor([2, 2], Wide)
            select new OpSample([x, y], xs => xs[0].Concat(xs[1], 1), "x.Concat(y)", () => [.. CombineOps.Concat([x, y], 1).ToDoubleArray()])),
        new("Concat", "x.Concat([y, z])",
            from x in Generators.Tensor([1, 3], Wide)
            from y in Generators.Tensor([2, 3], Wide)
            from z in Generators.Tensor([1, 3], Wide)
            select new OpSample([x, y, z], xs => xs[0].Concat([xs[1], xs[2]]), "x.Concat([y, z])", () => [.. CombineOps.Concat([x, y, z], 0).ToDoubleArray()])),
        new("Stack", "x.Stack(y, axis -1)",
            from x in Generators.Tensor([2, 3], Wide)
            from y in Generators.Tensor([2, 3], Wide)
            select new OpSample([x, y], xs => xs[0].Stack(xs[1], -1), "x.Stack(y)", () => [.. CombineOps.Stack([x, y], -1).ToDoubleArray()])),
        new("Where", "x.Where(mask, other)",
            from m in Generators.Mask([2, 3])
            from x in Generators.Tensor([2, 3], Wide)
            from y in Generators.Tensor([3], Wide)
            select new OpSample([x, y], xs => xs[0].Where(m, xs[1]), "x.Where(mask, other)", () => [.. CombineOps.Where(m, x, y).ToDoubleArray()])),
    ];
}
