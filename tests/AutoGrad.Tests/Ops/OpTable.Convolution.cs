using AutoGrad.NN;
using FsCheck;
using FsCheck.Fluent;

namespace AutoGrad.Tests.Ops;

public static partial class OpTable
{
    private static readonly OpCase[] ConvolutionRows =
    [
        new("Conv2d", "Conv2d(x, W, b, stride, padding)",
            from stride in Gen.Choose(1, 2)
            from padding in Gen.Choose(0, 1)
            from x in Generators.Tensor([2, 2, 5, 4], Wide)
            from w in Generators.Tensor([3, 2, 3, 2], Wide)
            from b in Generators.Tensor([3], Wide)
            select new OpSample([x, w, b], xs => xs[0].Conv2d(xs[1], xs[2], stride, padding), $"Conv2d s={stride} p={padding}",
                () => NaiveConv(x, w, b, stride, padding))) { MaxTest = 8 },
        new("Conv2d", "Conv2d(x, W, null, 1, Same)",
            from x in Generators.Tensor([1, 2, 4, 4], Wide)
            from w in Generators.Tensor([2, 2, 3, 3], Wide)
            select new OpSample([x, w], xs => xs[0].Conv2d(xs[1], null, 1, PaddingMode.Same), "Conv2d same",
                () => NaiveConv(x, w, null, 1, 1))) { MaxTest = 8 },
        new("Im2Col", "Im2Col(x, 2, 2, stride 2)",
            from x in Generators.Tensor([1, 2, 4, 4], Wide)
            select new OpSample([x], xs => xs[0].Im2Col(2, 2, 2), "Im2Col")) { MaxTest = 8 },
        new("MaxPool2d", "MaxPool2d(x, 2)",
            from x in Generators.DistinctTensor([1, 2, 4, 4])
            select new OpSample([x], xs => xs[0].MaxPool2d(2), "MaxPool2d", () => NaivePool(x, 2, max: true))) { MaxTest = 8 },
        new("MaxPool2d", "MaxPool2d(x, 2, stride 2, padding 1)",
            from x in Generators.DistinctTensor([1, 1, 4, 4])
            select new OpSample([x], xs => xs[0].MaxPool2d(2, 2, 1), "MaxPool2d padded")) { MaxTest = 8 },
        new("AvgPool2d", "AvgPool2d(x, 2)",
            from x in Generators.Tensor([1, 2, 4, 4], Wide)
            select new OpSample([x], xs => xs[0].AvgPool2d(2), "AvgPool2d", () => NaivePool(x, 2, max: false))) { MaxTest = 8 },
        new("AvgPool2d", "AvgPool2d(x, 3, stride 1, padding 1)",
            from x in Generators.Tensor([1, 1, 4, 3], Wide)
            select new OpSample([x], xs => xs[0].AvgPool2d(3, 1, 1), "AvgPool2d padded")) { MaxTest = 8 },
    ];

    // y[n,o,i,j] = b[o] + Σ_{c,u,v} W[o,c,u,v]·x[n,c,i·s+u−p, j·s+v−p], zero outside.
    private static double[] NaiveConv(Tensor x, Tensor w, Tensor? b, int s, int p)
    {
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], wd = x.Shape[3];
        int o = w.Shape[0], kh = w.Shape[2], kw = w.Shape[3];
        int oh = (h + 2 * p - kh) / s + 1, ow = (wd + 2 * p - kw) / s + 1;
        var r = new List<double>();
        for (int a = 0; a < n; a++)
            for (int q = 0; q < o; q++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++)
                    {
                        double acc = b is null ? 0 : b[q];
                        for (int ch = 0; ch < c; ch++)
                            for (int u = 0; u < kh; u++)
                                for (int v = 0; v < kw; v++)
                                {
                                    int yy = i * s + u - p, xx = j * s + v - p;
                                    if (yy >= 0 && yy < h && xx >= 0 && xx < wd) acc += w[q, ch, u, v] * x[a, ch, yy, xx];
                                }
                        r.Add(acc);
                    }
        return [.. r];
    }

    private static double[] NaivePool(Tensor x, int k, bool max)
    {
        var r = new List<double>();
        for (int a = 0; a < x.Shape[0]; a++)
            for (int c = 0; c < x.Shape[1]; c++)
                for (int i = 0; i < x.Shape[2] / k; i++)
                    for (int j = 0; j < x.Shape[3] / k; j++)
                    {
                        var window = Enumerable.Range(0, k * k).Select(t => x[a, c, i * k + t / k, j * k + t % k]).ToArray();
                        r.Add(max ? window.Max() : window.Average());
                    }
        return [.. r];
    }
}
