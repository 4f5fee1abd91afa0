using AutoGrad.Optim;

namespace AutoGrad.Tests.Optim;

public class OptimizerTests
{
    private static readonly double[] Theta0 = [1.0, -2.0];
    private static readonly double[] G1 = [0.5, -0.25];
    private static readonly double[] G2 = [-0.3, 0.8];

    // Runs two steps with the fixed gradients G1 then G2 and returns θ after each.
    private static (double[] After1, double[] After2) TwoSteps(Func<Tensor, Optimizer> make)
    {
        var p = Tensor.FromArray((double[])Theta0.Clone()).RequireGrad();
        var opt = make(p);
        p.Grad = Tensor.FromArray(G1);
        opt.Step();
        var a1 = p.ToDoubleArray();
        p.Grad = Tensor.FromArray(G2);
        opt.Step();
        return (a1, p.ToDoubleArray());
    }

    private static void Expect(Func<Tensor, Optimizer> make, Func<double, double, double, (double, double)> byHand)
    {
        var (a1, a2) = TwoSteps(make);
        for (int i = 0; i < 2; i++)
        {
            var (e1, e2) = byHand(Theta0[i], G1[i], G2[i]);
            Assert.Equal(e1, a1[i], 14);
            Assert.Equal(e2, a2[i], 14);
        }
    }

    [Fact]
    public void Sgd_with_inverse_time_decay() => Expect(p => new Sgd([p], 0.1, decay: 0.5), (t, g1, g2) =>
    {
        double t1 = t - 0.1 / (1 + 0.5 * 0) * g1;
        return (t1, t1 - 0.1 / (1 + 0.5 * 1) * g2);
    });

    [Fact]
    public void Sgd_heavy_ball_momentum() => Expect(p => new Sgd([p], 0.1, momentum: 0.9), (t, g1, g2) =>
    {
        double v1 = 0.1 * g1, t1 = t - v1;
        double v2 = 0.9 * v1 + 0.1 * g2;
        return (t1, t1 - v2);
    });

    [Fact]
    public void Sgd_nesterov() => Expect(p => new Sgd([p], 0.1, momentum: 0.9, nesterov: true), (t, g1, g2) =>
    {
        double v1 = 0.1 * g1, t1 = t - (0.9 * v1 + 0.1 * g1);
        double v2 = 0.9 * v1 + 0.1 * g2;
        return (t1, t1 - (0.9 * v2 + 0.1 * g2));
    });

    [Fact]
    public void Sgd_ewma_momentum() => Expect(p => new Sgd([p], 0.1, momentum: 0.9, style: MomentumStyle.Ewma), (t, g1, g2) =>
    {
        double v1 = 0.1 * g1, t1 = t - 0.1 * v1;
        double v2 = 0.9 * v1 + 0.1 * g2;
        return (t1, t1 - 0.1 * v2);
    });

    [Fact]
    public void Sgd_coupled_weight_decay() => Expect(p => new Sgd([p], 0.1, weightDecay: 0.01), (t, g1, g2) =>
    {
        double t1 = t - 0.1 * (g1 + 0.01 * t);
        return (t1, t1 - 0.1 * (g2 + 0.01 * t1));
    });

    [Fact]
    public void AdaGrad_update() => Expect(p => new AdaGrad([p], 0.5, 1e-7), (t, g1, g2) =>
    {
        double v1 = g1 * g1, t1 = t - 0.5 * g1 / (Math.Sqrt(v1) + 1e-7);
        double v2 = v1 + g2 * g2;
        return (t1, t1 - 0.5 * g2 / (Math.Sqrt(v2) + 1e-7));
    });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RmsProp_update(bool inside) => Expect(p => new RmsProp([p], 0.01, 0.9, 1e-7, epsilonInsideSqrt: inside), (t, g1, g2) =>
    {
        double D(double v) => inside ? Math.Sqrt(v + 1e-7) : Math.Sqrt(v) + 1e-7;
        double v1 = 0.1 * g1 * g1, t1 = t - 0.01 * g1 / D(v1);
        double v2 = 0.9 * v1 + 0.1 * g2 * g2;
        return (t1, t1 - 0.01 * g2 / D(v2));
    });

    private static (double, double) AdamByHand(double t, double g1, double g2, double lr, double decoupled)
    {
        double m1 = 0.1 * g1, s1 = 0.001 * g1 * g1;
        double t1 = t * (1 - lr * decoupled) - lr * (m1 / 0.1) / (Math.Sqrt(s1 / (1 - 0.999)) + 1e-8);
        double m2 = 0.9 * m1 + 0.1 * g2, s2 = 0.999 * s1 + 0.001 * g2 * g2;
        double t2 = t1 * (1 - lr * decoupled) - lr * (m2 / (1 - 0.81)) / (Math.Sqrt(s2 / (1 - 0.999 * 0.999)) + 1e-8);
        return (t1, t2);
    }

    [Fact]
    public void Adam_bias_corrected_update() => Expect(p => new Adam([p], 0.01), (t, g1, g2) => AdamByHand(t, g1, g2, 0.01, 0));

    [Fact]
    public void AdamW_decoupled_weight_decay() => Expect(p => new AdamW([p], 0.01, weightDecay: 0.1), (t, g1, g2) => AdamByHand(t, g1, g2, 0.01, 0.1));

    [Fact]
    public void Step_is_in_place_bumps_version_and_records_nothing()
    {
        var p = Tensor.FromArray([1.0]).RequireGrad();
        var opt = new Sgd([p], 0.1);
        p.Grad = Tensor.FromArray([1.0]);
        int v = p.Version;
        long nodes = AutoGrad.Differentiation.Recorder.RecordedCount;
        opt.Step();
        Assert.Equal(0.9, p.Item(), 15);
        Assert.True(p.Version > v);
        Assert.Equal(nodes, AutoGrad.Differentiation.Recorder.RecordedCount);
        Assert.True(p.IsLeaf);
    }

    [Fact]
    public void A_plain_sgd_step_allocates_nothing_and_a_graph_gradient_is_still_detached()
    {
        var ps = Enumerable.Range(0, 4).Select(i => Tensor.Full(new Shape(3, 2), i, DType.Float64).RequireGrad()).ToArray();
        var opt = new Sgd(ps, 0.5);
        foreach (var p in ps) p.Grad = Tensor.Ones(new Shape(3, 2), DType.Float64);
        for (int i = 0; i < 5; i++) opt.Step();
        long b0 = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) opt.Step();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - b0);
        Assert.Equal(3 - 25 * 0.5, ps[3][0, 0], 12);
        // A gradient made with createGraph is part of a graph: the step reads its values and records nothing.
        var x = Tensor.FromArray([2.0]).RequireGrad();
        var w = Tensor.FromArray([1.0]).RequireGrad();
        w.Grad = AutoGrad.Differentiation.Functional.Grad([(x * x * w).Sum()], [x], createGraph: true)[0];   // 2xw = 4, with a GradFn
        long nodes = AutoGrad.Differentiation.Recorder.RecordedCount;
        new Sgd([w], 0.25).Step();
        Assert.Equal(0.0, w.Item(), 15);
        Assert.Equal(nodes, AutoGrad.Differentiation.Recorder.RecordedCount);
    }

    [Fact]
    public void Parameters_without_gradients_are_skipped()
    {
        var a = Tensor.FromArray([1.0]).RequireGrad();
        var b = Tensor.FromArray([2.0]).RequireGrad();
        var opt = new Adam([a, b], 0.1);
        a.Grad = Tensor.FromArray([1.0]);
        opt.Step();
        Assert.Equal(2.0, b.Item());
        Assert.NotEqual(1.0, a.Item());
    }

    [Fact]
    public void Momentum_approaches_terminal_speed_eta_g_over_1_minus_gamma()
    {
        // Heavy ball (terminal speed η·g/(1 − γ)): γ = 0.9 multiplies the maximum speed by 10 under a constant gradient.
        var p = Tensor.FromArray([0.0]).RequireGrad();
        var opt = new Sgd([p], 0.01, momentum: 0.9);
        double prev = 0, step = 0;
        for (int i = 0; i < 300; i++)
        {
            p.Grad = Tensor.FromArray([1.0]);
            opt.Step();
            step = prev - p.Item();
            prev = p.Item();
        }
        Assert.Equal(0.1, step, 9);
    }

    public static TheoryData<string> Kinds => ["Sgd", "Nesterov", "AdaGrad", "RmsProp", "Adam", "AdamW"];

    private static Optimizer Make(string kind, IEnumerable<Tensor> ps) => kind switch
    {
        "Sgd" => new Sgd(ps, 0.05, momentum: 0.9, decay: 0.01),
        "Nesterov" => new Sgd(ps, 0.05, momentum: 0.9, nesterov: true),
        "AdaGrad" => new AdaGrad(ps, 0.1),
        "RmsProp" => new RmsProp(ps, 0.01),
        "Adam" => new Adam(ps, 0.01),
        "AdamW" => new AdamW(ps, 0.01),
        _ => throw new ArgumentException(kind),
    };

    [Theory, MemberData(nameof(Kinds))]
    public void Save_and_restore_continues_bit_identically(string kind)
    {
        static void Grad(Tensor p, int step)
        {
            var v = p.ToDoubleArray().Select((x, i) => Math.Sin(x * 3 + step + i)).ToArray();
            p.Grad = Tensor.FromArray(v, p.Shape.ToArray()).To(p.DType);
        }
        var a = Tensor.FromArray(new float[] { 1, -2, 0.5f, 3 }, 2, 2).RequireGrad();
        var optA = Make(kind, [a]);
        for (int s = 0; s < 3; s++) { Grad(a, s); optA.Step(); }
        var saved = optA.StateDict();
        var b = a.Detach().Clone().RequireGrad();
        var optB = Make(kind, [b]);
        optB.LoadStateDict(saved);
        for (int s = 3; s < 6; s++) { Grad(a, s); optA.Step(); Grad(b, s); optB.Step(); }
        Assert.Equal(a.ToFloatArray(), b.ToFloatArray());
        Assert.Equal(6, optB.StepCount);
    }

    [Fact]
    public void Restoring_a_mismatched_state_throws()
    {
        var opt = new Adam([Tensor.Zeros(new Shape(2)).RequireGrad()]);
        var s = new OptimizerState();
        s.Scalars["step"] = 1;
        s.Scalars["lr"] = 0.1;
        s.Tensors["0.exp_avg"] = Tensor.Zeros(new Shape(3));
        Assert.Throws<ArgumentException>(() => opt.LoadStateDict(s));
    }

    [Fact]
    public void Clip_by_global_norm_and_by_value()
    {
        var a = Tensor.Zeros(new Shape(2), DType.Float64).RequireGrad();
        var b = Tensor.Zeros(new Shape(1), DType.Float64).RequireGrad();
        a.Grad = Tensor.FromArray([3.0, 0.0]);
        b.Grad = Tensor.FromArray([4.0]);
        Assert.Equal(5.0, GradientClipping.ClipByGlobalNorm([a, b], 1.0), 12);
        Assert.Equal([0.6, 0.0], a.Grad.ToDoubleArray().Select(v => Math.Round(v, 12)));
        Assert.Equal(0.8, b.Grad.Item(), 12);
        Assert.Equal(1.0, GradientClipping.ClipByGlobalNorm([a, b], 2.0), 12);   // below the bound: unchanged
        Assert.Equal(0.8, b.Grad.Item(), 12);
        a.Grad = Tensor.FromArray([3.0, -0.2]);
        GradientClipping.ClipByValue([a], 0.5);
        Assert.Equal([0.5, -0.2], a.Grad.ToDoubleArray());
    }
}
