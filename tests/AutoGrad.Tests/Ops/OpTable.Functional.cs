using AutoGrad.NN;
using FsCheck;
using FsCheck.Fluent;

namespace AutoGrad.Tests.Ops;

// The layers as functions (src/AutoGrad/NN/Functional.cs), in PyTorch's layouts; each is composed of ops with rows of their own.
// F.LstmCell returns a tuple (h, c); its row concatenates the two so the generic properties check both (FunctionalTests too).
public static partial class OpTable
{
    private static readonly OpCase[] FunctionalRows =
    [
        new("Linear", "F.Linear(x, w, b) with w (out, in)",
            from x in Generators.Tensor([2, 3, 4], Wide)
            from w in Generators.Tensor([5, 4], Wide)
            from b in Generators.Tensor([5], Wide)
            select new OpSample([x, w, b], xs => F.Linear(xs[0], xs[1], xs[2]), "F.Linear")) { MaxTest = 8 },
        new("Conv2d", "F.Conv2d(x, w, b, stride 2, padding 1)",
            from x in Generators.Tensor([1, 2, 4, 4], Wide)
            from w in Generators.Tensor([3, 2, 3, 3], Wide)
            from b in Generators.Tensor([3], Wide)
            select new OpSample([x, w, b], xs => F.Conv2d(xs[0], xs[1], xs[2], 2, 1), "F.Conv2d")) { MaxTest = 6 },
        new("Conv2d", "F.Conv2d(x, w, null, 1, Same)",
            from x in Generators.Tensor([1, 2, 4, 4], Wide)
            from w in Generators.Tensor([2, 2, 3, 3], Wide)
            select new OpSample([x, w], xs => F.Conv2d(xs[0], xs[1], null, 1, PaddingMode.Same), "F.Conv2d same")) { MaxTest = 6 },
        new("BatchNorm", "F.BatchNorm(x, null, null, w, b, training)",
            from x in Generators.Tensor([4, 3, 2], Wide)
            from w in Generators.Tensor([3], Wide)
            from b in Generators.Tensor([3], Wide)
            select new OpSample([x, w, b], xs => F.BatchNorm(xs[0], null, null, xs[1], xs[2], training: true), "F.BatchNorm training")) { MaxTest = 8 },
        new("BatchNorm", "F.BatchNorm(x, mean, var, w, b) evaluation",
            from x in Generators.Tensor([2, 3], Wide)
            from mean in Generators.Tensor([3], Wide)
            from variance in Generators.Tensor([3], Domain.Real(0.5, 3))
            from w in Generators.Tensor([3], Wide)
            select new OpSample([x, mean, variance, w], xs => F.BatchNorm(xs[0], xs[1], xs[2], xs[3]), "F.BatchNorm evaluation")) { MaxTest = 8 },
        new("LayerNorm", "F.LayerNorm(x, [2, 3], w, b)",
            from x in Generators.Tensor([2, 2, 3], Wide)
            from w in Generators.Tensor([2, 3], Wide)
            from b in Generators.Tensor([2, 3], Wide)
            select new OpSample([x, w, b], xs => F.LayerNorm(xs[0], [2, 3], xs[1], xs[2]), "F.LayerNorm")) { MaxTest = 8 },
        new("Dropout", "F.Dropout(x, 0.4, training, seeded generator)",
            from seed in Gen.Choose(0, 1 << 20)
            from x in Generators.Tensor([3, 4], Wide)
            select new OpSample([x], xs => F.Dropout(xs[0], 0.4, training: true, new Generator((ulong)seed)), "F.Dropout")
            {
                ApplyWith = (xs, g) => F.Dropout(xs[0], 0.4, training: true, g),
            }) { MaxTest = 8 },
        new("Embedding", "F.Embedding(ids, weight)",
            from ids in Generators.IndexTensor([2, 3], 4)
            from w in Generators.Tensor([4, 3], Wide)
            select new OpSample([w], xs => F.Embedding(ids, xs[0]), "F.Embedding")) { MaxTest = 8 },
        new("RnnCell", "F.RnnCell(x, h, W_ih, W_hh, b_ih, b_hh)",
            from x in Generators.Tensor([2, 3], Wide)
            from h in Generators.Tensor([2, 2], Wide)
            from wi in Generators.Tensor([2, 3], Wide)
            from wh in Generators.Tensor([2, 2], Wide)
            from bi in Generators.Tensor([2], Wide)
            from bh in Generators.Tensor([2], Wide)
            select new OpSample([x, h, wi, wh, bi, bh], xs => F.RnnCell(xs[0], xs[1], xs[2], xs[3], xs[4], xs[5]), "F.RnnCell")) { MaxTest = 6 },
        new("GruCell", "F.GruCell(x, h, W_ih, W_hh, b_ih, b_hh)",
            from x in Generators.Tensor([2, 3], Wide)
            from h in Generators.Tensor([2, 2], Wide)
            from wi in Generators.Tensor([6, 3], Wide)
            from wh in Generators.Tensor([6, 2], Wide)
            from bi in Generators.Tensor([6], Wide)
            from bh in Generators.Tensor([6], Wide)
            select new OpSample([x, h, wi, wh, bi, bh], xs => F.GruCell(xs[0], xs[1], xs[2], xs[3], xs[4], xs[5]), "F.GruCell")) { MaxTest = 6 },
        new("LstmCell", "[h', c'] of F.LstmCell(x, (h, c), W_ih, W_hh, b_ih, b_hh)",
            from x in Generators.Tensor([2, 3], Wide)
            from h in Generators.Tensor([2, 2], Wide)
            from c in Generators.Tensor([2, 2], Wide)
            from wi in Generators.Tensor([8, 3], Wide)
            from wh in Generators.Tensor([8, 2], Wide)
            from bi in Generators.Tensor([8], Wide)
            from bh in Generators.Tensor([8], Wide)
            select new OpSample([x, h, c, wi, wh, bi, bh], xs =>
            {
                var (hNext, cNext) = F.LstmCell(xs[0], (xs[1], xs[2]), xs[3], xs[4], xs[5], xs[6]);
                return hNext.Concat(cNext, axis: 1);
            }, "F.LstmCell")) { MaxTest = 6 },
    ];
}
