using System.Numerics;
using AutoGrad.Kernels;

namespace AutoGrad.Tests.Kernels;

/// <summary>
/// Every vectorized kernel against its scalar reference at every length 1…130, in float32 and float64: full Vector512,
/// Vector256 and Vector128 blocks and every tail (the op table's tensors are at most 60 elements, so it never reaches the
/// 512-bit paths with a tail).
/// </summary>
public class KernelLengthSweepTests
{
    private const int MaxLength = 130;

    private delegate void Map<T>(ReadOnlySpan<T> x, Span<T> y);

    private static T[] Values<T>(int n, ulong seed, double lo, double hi) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var g = new Generator(seed);
        var v = Tensor.Uniform(new Shape(n), g, lo, hi, DType.Float64).ToDoubleArray();
        return v.Select(T.CreateTruncating).ToArray();
    }

    // y = kernel(x) at every length, each element within rtol·(1 + |ref|) of the reference computed in float64 from the
    // element's own (already rounded) value, the reference then rounded to T.
    private static void SweepUnary<T>(string name, Map<T> kernel, Func<double, double> reference, double lo, double hi, double rtol)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int n = 1; n <= MaxLength; n++)
        {
            var x = Values<T>(n, (ulong)n, lo, hi);
            var y = new T[n];
            kernel(x, y);
            for (int i = 0; i < n; i++)
            {
                double expected = double.CreateTruncating(T.CreateTruncating(reference(double.CreateTruncating(x[i]))));
                double got = double.CreateTruncating(y[i]);
                Assert.True(Math.Abs(got - expected) <= rtol * (1 + Math.Abs(expected)),
                    $"{name}<{typeof(T).Name}> at length {n}, element {i}: x = {x[i]}, got {got}, expected {expected}");
            }
        }
    }

    public static TheoryData<string> UnaryNames => ["Negate", "Exp", "Log", "Sqrt", "Abs", "Tanh", "Sigmoid", "Relu", "Sign", "PowScalar3",
        "PowScalar2", "Clamp", "InRangeMask", "AddScalar", "MultiplyScalar", "Erf", "Gelu"];

    private static (IUnaryKernel Kernel, Func<double, double> Reference, double Lo, double Hi) Unary(string name) => name switch
    {
        "Negate" => (new NegateKernel(), v => -v, -3, 3),
        "Exp" => (new ExpKernel(), Math.Exp, -5, 5),
        "Log" => (new LogKernel(), Math.Log, 0.01, 10),
        "Sqrt" => (new SqrtKernel(), Math.Sqrt, 0, 10),
        "Abs" => (new AbsKernel(), Math.Abs, -3, 3),
        "Tanh" => (new TanhKernel(), Math.Tanh, -4, 4),
        "Sigmoid" => (new SigmoidKernel(), v => 1 / (1 + Math.Exp(-v)), -8, 8),
        "Relu" => (new ReluKernel(), v => Math.Max(v, 0), -3, 3),
        "Sign" => (new SignKernel(), v => Math.Sign(v), -3, 3),
        "PowScalar3" => (new PowScalarKernel(3), v => v * v * v, 0.1, 3),
        "PowScalar2" => (new PowScalarKernel(2), v => v * v, -3, 3),
        "Clamp" => (new ClampKernel(-0.5, 0.5), v => Math.Clamp(v, -0.5, 0.5), -1, 1),
        "InRangeMask" => (new InRangeMaskKernel(-0.5, 0.5), v => v >= -0.5 && v <= 0.5 ? 1 : 0, -1, 1),
        "AddScalar" => (new AddScalarKernel(0.25), v => v + 0.25, -3, 3),
        "MultiplyScalar" => (new MultiplyScalarKernel(-1.5), v => v * -1.5, -3, 3),
        "Erf" => (new ErfKernel(), SpecialFunctions.Erf, -3, 3),
        "Gelu" => (new GeluKernel(), v => 0.5 * v * (1 + SpecialFunctions.ErfReference(v / Math.Sqrt(2))), -8, 8),
        _ => throw new ArgumentException(name),
    };

    [Theory, MemberData(nameof(UnaryNames))]
    public void Unary_kernels_match_their_scalar_reference_at_every_length(string name)
    {
        var (k, reference, lo, hi) = Unary(name);
        SweepUnary<float>(name, (x, y) => k.Apply(x, y), reference, lo, hi, 4e-6);
        SweepUnary<double>(name, (x, y) => k.Apply(x, y), reference, lo, hi, 1e-13);
    }

    public static TheoryData<string> BinaryNames => ["Add", "Subtract", "Multiply", "Divide", "Pow", "Maximum", "Minimum", "Greater"];

    private static (IBinaryKernel Kernel, Func<double, double, double> Reference) Binary(string name) => name switch
    {
        "Add" => (new AddKernel(), (a, b) => a + b),
        "Subtract" => (new SubtractKernel(), (a, b) => a - b),
        "Multiply" => (new MultiplyKernel(), (a, b) => a * b),
        "Divide" => (new DivideKernel(), (a, b) => a / b),
        "Pow" => (new PowKernel(), Math.Pow),
        "Maximum" => (new MaximumKernel(), Math.Max),
        "Minimum" => (new MinimumKernel(), Math.Min),
        "Greater" => (new CompareKernel(Comparison.Greater), (a, b) => a > b ? 1 : 0),
        _ => throw new ArgumentException(name),
    };

    // Both span operands, and each with the other a repeated scalar: the three forms of IBinaryKernel.
    [Theory, MemberData(nameof(BinaryNames))]
    public void Binary_kernels_match_their_scalar_reference_at_every_length_in_all_three_forms(string name)
    {
        var (k, reference) = Binary(name);
        SweepBinary<float>(name, k, reference, 4e-6);
        SweepBinary<double>(name, k, reference, 1e-13);
    }

    private static void SweepBinary<T>(string name, IBinaryKernel k, Func<double, double, double> reference, double rtol)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int n = 1; n <= MaxLength; n++)
        {
            var a = Values<T>(n, (ulong)n, 0.2, 3);
            var b = Values<T>(n, (ulong)n + 1000, 0.2, 3);
            T sa = a[0], sb = b[0];
            var y1 = new T[n]; var y2 = new T[n]; var y3 = new T[n];
            k.Apply<T>(a, b, y1);
            k.Apply<T>(a, sb, y2);
            k.Apply<T>(sa, b, y3);
            for (int i = 0; i < n; i++)
            {
                Check(y1[i], a[i], b[i], "span, span");
                Check(y2[i], a[i], sb, "span, scalar");
                Check(y3[i], sa, b[i], "scalar, span");
            }

            void Check(T got, T x1, T x2, string form)
            {
                double expected = double.CreateTruncating(T.CreateTruncating(reference(double.CreateTruncating(x1), double.CreateTruncating(x2))));
                Assert.True(Math.Abs(double.CreateTruncating(got) - expected) <= rtol * (1 + Math.Abs(expected)),
                    $"{name}<{typeof(T).Name}> ({form}) at length {n}: ({x1}, {x2}) gave {got}, expected {expected}");
            }
        }
    }

    // g·GELU'(x) = g·(Φ(x) + x·e^{−x²/2}/√(2π)) against the series erf, x on both sides of the float32 lanes' ±4√2 cut-off.
    [Fact]
    public void GeluBackward_matches_its_float64_reference_at_every_length()
    {
        Sweep<float>(4e-6);
        Sweep<double>(1e-13);

        static void Sweep<T>(double rtol) where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int n = 1; n <= MaxLength; n++)
            {
                var x = Values<T>(n, (ulong)n, -8, 8);
                var g = Values<T>(n, (ulong)n + 11, -2, 2);
                var dx = new T[n];
                GeluKernels.Backward<T>(g, x, dx);
                for (int i = 0; i < n; i++)
                {
                    double v = double.CreateTruncating(x[i]);
                    double d = 0.5 * (1 + SpecialFunctions.ErfReference(v / Math.Sqrt(2))) + v * Math.Exp(-v * v / 2) / Math.Sqrt(2 * Math.PI);
                    double expected = double.CreateTruncating(T.CreateTruncating(double.CreateTruncating(g[i]) * d));
                    double got = double.CreateTruncating(dx[i]);
                    Assert.True(Math.Abs(got - expected) <= rtol * (1 + Math.Abs(expected)),
                        $"GeluBackward<{typeof(T).Name}> at length {n}, element {i}: x = {x[i]}, g = {g[i]}, got {got}, expected {expected}");
                }
            }
        }
    }

    [Fact]
    public void PassWherePositive_matches_its_scalar_reference_bit_for_bit_at_every_length()
    {
        Sweep<float>();
        Sweep<double>();

        static void Sweep<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int n = 1; n <= MaxLength; n++)
            {
                var x = Values<T>(n, (ulong)n, -1, 1);
                for (int i = 0; i < n; i += 7) x[i] = T.Zero;   // ReLU'(0) = 0
                var g = Values<T>(n, (ulong)n + 7, -2, 2);
                var y = new T[n];
                MaskKernels.PassWherePositive<T>(g, x, y);
                for (int i = 0; i < n; i++) Assert.Equal(x[i] > T.Zero ? g[i] : T.Zero, y[i]);
            }
        }
    }

    [Fact]
    public void SubtractScaled_matches_its_scalar_reference_bit_for_bit_at_every_length()
    {
        Sweep<float>();
        Sweep<double>();

        static void Sweep<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            T c = T.CreateTruncating(0.037);
            for (int n = 1; n <= MaxLength; n++)
            {
                var theta = Values<T>(n, (ulong)n, -1, 1);
                var g = Values<T>(n, (ulong)n + 3, -2, 2);
                var expected = theta.Select((t, i) => t - g[i] * c).ToArray();
                OptimizerKernels.SubtractScaled<T>(theta, g, c);
                Assert.Equal(expected, theta);
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Adam_matches_its_scalar_reference_bit_for_bit_at_every_length(bool decay)
    {
        Sweep<float>(decay);
        Sweep<double>(decay);

        static void Sweep<T>(bool decay) where T : unmanaged, IFloatingPointIeee754<T>
        {
            T b1 = T.CreateTruncating(0.9), ob1 = T.CreateTruncating(0.1), b2 = T.CreateTruncating(0.999), ob2 = T.CreateTruncating(0.001);
            T c1 = T.CreateTruncating(1 / (1 - 0.9 * 0.9)), c2 = T.CreateTruncating(1 / (1 - 0.999 * 0.999));
            T lr = T.CreateTruncating(1e-3), eps = T.CreateTruncating(1e-8), d = T.CreateTruncating(0.99);
            for (int n = 1; n <= MaxLength; n++)
            {
                var theta = Values<T>(n, (ulong)n, -1, 1);
                var g = Values<T>(n, (ulong)n + 1, -2, 2);
                var m = Values<T>(n, (ulong)n + 2, -0.1, 0.1);
                var s = Values<T>(n, (ulong)n + 3, 0, 0.01);
                var (et, em, es) = ((T[])theta.Clone(), (T[])m.Clone(), (T[])s.Clone());
                for (int i = 0; i < n; i++)
                {
                    em[i] = m[i] * b1 + g[i] * ob1;
                    es[i] = s[i] * b2 + (g[i] * g[i]) * ob2;
                    T t = decay ? theta[i] * d : theta[i];
                    et[i] = t - (em[i] * c1 * lr) / (T.Sqrt(es[i] * c2) + eps);
                }
                OptimizerKernels.Adam<T>(theta, g, m, s, b1, ob1, b2, ob2, c1, c2, lr, eps, d, decay);
                Assert.Equal(em, m);
                Assert.Equal(es, s);
                Assert.Equal(et, theta);
            }
        }
    }

    // Softmax and log-softmax over 3 rows of every length, against the float64 formula per row.
    [Fact]
    public void Softmax_rows_match_the_formula_at_every_row_length()
    {
        Sweep<float>(2e-6);
        Sweep<double>(1e-14);

        static void Sweep<T>(double rtol) where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int n = 1; n <= MaxLength; n++)
            {
                var x = Values<T>(3 * n, (ulong)n, -4, 4);
                var p = new T[3 * n];
                var lp = new T[3 * n];
                SoftmaxKernels.Softmax<T>(x, p, n);
                SoftmaxKernels.LogSoftmax<T>(x, lp, n);
                for (int r = 0; r < 3; r++)
                {
                    var row = x.Skip(r * n).Take(n).Select(double.CreateTruncating).ToArray();
                    double max = row.Max(), sum = row.Sum(v => Math.Exp(v - max));
                    for (int j = 0; j < n; j++)
                    {
                        double ep = Math.Exp(row[j] - max) / sum, elp = row[j] - max - Math.Log(sum);
                        Assert.True(Math.Abs(double.CreateTruncating(p[r * n + j]) - ep) <= rtol * (1 + ep), $"Softmax<{typeof(T).Name}> n = {n}, row {r}, column {j}");
                        Assert.True(Math.Abs(double.CreateTruncating(lp[r * n + j]) - elp) <= 4 * rtol * (1 + Math.Abs(elp)), $"LogSoftmax<{typeof(T).Name}> n = {n}, row {r}, column {j}");
                    }
                }
            }
        }
    }
}
