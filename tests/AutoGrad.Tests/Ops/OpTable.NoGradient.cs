namespace AutoGrad.Tests.Ops;

/// <summary>A call of an op without a gradient ([NoGradient]) on a tensor that requires grad, and the values it must give.</summary>
public sealed record NoGradientCase(string Label, Func<Tensor, Tensor> Call, double[] Expected);

// The [NoGradient] ops: one row per overload (the coverage test matches rows to signatures), each on
// x = [[1, −2, 3], [0.5, −1, 2]] requiring grad.
public static partial class OpTable
{
    public static readonly NoGradientCase[] NoGradient =
    [
        new("Greater(Tensor)", x => x.Greater(x * 0.5), [1, 0, 1, 1, 0, 1]),
        new("GreaterEqual(Tensor)", x => x.GreaterEqual(x * 0.5), [1, 0, 1, 1, 0, 1]),
        new("Less(Tensor)", x => x.Less(x * 0.5), [0, 1, 0, 0, 1, 0]),
        new("LessEqual(Tensor)", x => x.LessEqual(x * 0.5), [0, 1, 0, 0, 1, 0]),
        new("Equal(Tensor)", x => x.Equal(x * 0.5), [0, 0, 0, 0, 0, 0]),
        new("NotEqual(Tensor)", x => x.NotEqual(x * 0.5), [1, 1, 1, 1, 1, 1]),
        new("Greater(c)", x => x.Greater(0), [1, 0, 1, 1, 0, 1]),
        new("Less(c)", x => x.Less(0), [0, 1, 0, 0, 1, 0]),
        new("GreaterEqual(c)", x => x.GreaterEqual(2), [0, 0, 1, 0, 0, 1]),
        new("LessEqual(c)", x => x.LessEqual(-1), [0, 1, 0, 0, 1, 0]),
        new("Equal(c)", x => x.Equal(3), [0, 0, 1, 0, 0, 0]),
        new("Sign", x => x.Sign(), [1, -1, 1, 1, -1, 1]),
        new("ArgMax", x => x.ArgMax(1), [2, 2]),
        new("ArgMin", x => x.ArgMin(), [1]),
        new("OneHot", x => (x * 0.0 + 1.0).OneHot(3).Reshape(-1), [0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0]),
        new("Heaviside", x => x.Heaviside(), [1, 0, 1, 1, 0, 1]),
    ];
}
