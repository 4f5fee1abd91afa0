using AutoGrad.Differentiation;
using AutoGrad.NN;

namespace AutoGrad.Tests.NN;

// The fused LayerNorm (Note [Fused LayerNorm] in src/AutoGrad.Kernels/LayerNormKernels.cs) and exact GELU (Note [Fused GELU] in
// src/AutoGrad.Kernels/GeluKernels.cs) against their composed forms, the old path, in value and gradient.
public sealed class FusedNormActivationTests
{
    private static Tensor R(ulong seed, DType dt, params int[] shape) => Tensor.Randn(new Shape(shape), new Generator(seed), dt);

    private static void Close(double[] expected, double[] actual, double atol, double rtol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= atol + rtol * Math.Abs(expected[i]),
                $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
    }

    public static TheoryData<int[], int[], bool, bool> LayerNormCases => new()
    {
        { [4, 5, 128], [128], true, true },     // the transformer's rows (several Vector512 blocks)
        { [3, 2, 3], [2, 3], true, true },      // two normalized axes
        { [7, 37], [37], true, false },         // odd width (vector tails), weight only
        { [2, 3, 9], [9], false, true },        // bias only
        { [6, 10], [10], false, false },        // no affine parameters
    };

    [Theory, MemberData(nameof(LayerNormCases))]
    public void Fused_LayerNorm_equals_the_composed_form_in_float64_value_and_gradients(int[] shape, int[] normalized, bool hasWeight, bool hasBias)
    {
        var ns = new Shape(normalized);
        var x = (R(1, DType.Float64, shape) * 3.0 + 0.5).Detach().RequireGrad();
        var w = hasWeight ? R(2, DType.Float64, normalized).RequireGrad() : null;
        var b = hasBias ? R(3, DType.Float64, normalized).RequireGrad() : null;
        var seed = R(4, DType.Float64, shape);
        var inputs = new[] { x, w, b }.Where(t => t is not null).Select(t => t!).ToArray();

        var fused = F.LayerNorm(x, normalized, w, b);
        var gf = Functional.Grad([fused], inputs, [seed]);
        var composed = F.LayerNormComposed(x, ns, w, b, 1e-5);
        var gc = Functional.Grad([composed], inputs, [seed]);

        Close(composed.ToDoubleArray(), fused.ToDoubleArray(), 1e-13, 1e-12, "value");
        for (int i = 0; i < inputs.Length; i++) Close(gc[i]!.ToDoubleArray(), gf[i]!.ToDoubleArray(), 1e-12, 1e-10, $"gradient {i}");
    }

    [Fact]
    public void Fused_LayerNorm_in_float32_is_within_float32_rounding_of_the_float64_composed_form()
    {
        var x64 = R(5, DType.Float64, 64, 128) * 2.0 + 1.0;
        var w64 = R(6, DType.Float64, 128);
        var b64 = R(7, DType.Float64, 128);
        var g64 = R(8, DType.Float64, 64, 128);
        var x = x64.To(DType.Float32).Detach().RequireGrad();
        var w = w64.To(DType.Float32).Detach().RequireGrad();
        var b = b64.To(DType.Float32).Detach().RequireGrad();
        var y = F.LayerNorm(x, [128], w, b);
        var got = Functional.Grad([y], [x, w, b], [g64.To(DType.Float32)]);

        var xr = x.To(DType.Float64).Detach().RequireGrad();
        var wr = w.To(DType.Float64).Detach().RequireGrad();
        var br = b.To(DType.Float64).Detach().RequireGrad();
        var yr = F.LayerNormComposed(xr, new Shape(128), wr, br, 1e-5);
        var want = Functional.Grad([yr], [xr, wr, br], [g64.To(DType.Float32).To(DType.Float64)]);
        Close(yr.ToDoubleArray(), y.ToDoubleArray(), 2e-5, 2e-5, "value");
        Close(want[0]!.ToDoubleArray(), got[0]!.ToDoubleArray(), 2e-5, 2e-5, "∂x");
        Close(want[1]!.ToDoubleArray(), got[1]!.ToDoubleArray(), 1e-4, 2e-5, "∂γ");   // a sum over 64 rows
        Close(want[2]!.ToDoubleArray(), got[2]!.ToDoubleArray(), 1e-4, 2e-5, "∂β");
    }

    [Fact]
    public void Fused_LayerNorm_second_derivative_equals_the_composed_forms()
    {
        var x = R(9, DType.Float64, 3, 6).RequireGrad();
        var w = R(10, DType.Float64, 6).RequireGrad();
        var b = R(11, DType.Float64, 6).RequireGrad();
        Tensor[] Hess(Func<Tensor, Tensor> f)
        {
            var y = f(x).Square().Sum();
            var g = Functional.Grad([y], [x], createGraph: true)[0]!;
            return Functional.Grad([g.Square().Sum()], [x, w, b], allowUnused: true).Select(t => t!).ToArray();
        }
        var fused = Hess(t => F.LayerNorm(t, [6], w, b));
        var composed = Hess(t => F.LayerNormComposed(t, new Shape(6), w, b, 1e-5));
        for (int i = 0; i < 3; i++) Close(composed[i].ToDoubleArray(), fused[i].ToDoubleArray(), 1e-10, 1e-9, $"second derivative {i}");
    }

    [Fact]
    public void LayerNorm_refuses_a_weight_of_another_dtype_naming_the_op()
    {
        var x = R(12, DType.Float32, 2, 4);
        var w = R(13, DType.Float64, 4);
        var e = Assert.ThrowsAny<Exception>(() => F.LayerNorm(x, [4], w));
        Assert.Contains("LayerNorm", e.Message);
    }

    [Theory]
    [InlineData(DType.Float32, 1e-6)]
    [InlineData(DType.Float64, 1e-14)]
    public void Fused_Gelu_equals_the_composed_form_in_value_and_gradient(DType dt, double tol)
    {
        // the transformer's activation width, several Vector512 blocks and a tail, x on both sides of the float32 lanes' cut-off
        var x = (R(14, dt, 3, 517) * 3.0).Detach().RequireGrad();
        var seed = R(15, dt, 3, 517);
        var y = x.Gelu();
        var g = Functional.Grad([y], [x], [seed])[0]!;
        var xc = x.Detach().RequireGrad();
        var yc = xc * ((xc * (1 / Math.Sqrt(2))).Erf() + 1.0) * 0.5;
        var gc = Functional.Grad([yc], [xc], [seed])[0]!;
        Close(yc.ToDoubleArray(), y.ToDoubleArray(), tol, 4 * tol, "value");
        Close(gc.ToDoubleArray(), g.ToDoubleArray(), tol, 4 * tol, "gradient");
    }
}
