using AutoGrad.Differentiation;
using AutoGrad.Losses;
using AutoGrad.NN;
using AutoGrad.Optim;

namespace AutoGrad.Tests.Autograd;

// Note [Step scopes]: a StepScope takes back the buffers of recorded ops' outputs when it ends. Training inside scopes must
// give bit-identical results to training without them, and a released tensor must refuse to be read.
public class StepScopeTests
{
    private static Tensor Data(Generator g, params int[] shape) => Tensor.Rand(new Shape(shape), g, DType.Float32);

    internal static Tensor Labels(int n, int classes) => Tensor.FromArray(Enumerable.Range(0, n).Select(i => (float)(i * 7 % classes)).ToArray());

    // Trains `steps` steps, each inside a StepScope or not, and returns every parameter and buffer after the last one.
    private static List<double[]> Train(Func<Generator, (Module Model, Tensor X)> build, Func<IEnumerable<Tensor>, Optimizer> optimizer,
        bool scoped, bool keepGradBuffers, int steps = 4)
    {
        var g = new Generator(11);
        var (model, x) = build(g);
        var y = Labels(x.Shape[0], 5);
        var opt = optimizer(model.Parameters());
        for (int s = 0; s < steps; s++)
        {
            using var scope = scoped ? Tensor.StepScope() : default;
            opt.ZeroGrad(setToNone: !keepGradBuffers);
            var loss = model.Forward(x).SoftmaxCrossEntropy(y);
            loss.Backward();
            opt.Step();
            Assert.True(double.IsFinite(loss.Item()));
        }
        return [.. model.NamedParameters().Concat(model.NamedBuffers()).Select(p => p.Value.ToDoubleArray())];
    }

    public static TheoryData<string> Models => new() { "mlp", "norms", "conv", "recurrent", "embedding" };

    private static Func<Generator, (Module, Tensor)> Build(string name) => name switch
    {
        "mlp" => g => (new Sequential(new Linear(12, 32, g), new Relu(), new Dropout(0.3, new Generator(3)), new Linear(32, 5, g)), Data(g, 16, 12)),
        "norms" => g => (new Sequential(new Linear(12, 32, g), new BatchNorm1d(32), new Gelu(), new LayerNorm(32), new Tanh(), new Linear(32, 5, g)), Data(g, 16, 12)),
        "conv" => g => (new Sequential(new Conv2d(2, 4, 3, g), new BatchNorm2d(4), new Relu(), new MaxPool2d(2), new Flatten(), new Linear(4 * 3 * 3, 5, g)), Data(g, 8, 2, 8, 8)),
        "recurrent" => g => (new Sequential(new Lstm(6, 8, g), new Gru(8, 8, g), new Flatten(), new Linear(8 * 5, 5, g)), Data(g, 8, 5, 6)),
        "embedding" => g => (new Sequential(new Embedding(20, 16, g), new Flatten(), new Linear(16 * 4, 5, g)),
            Tensor.FromArray(Enumerable.Range(0, 32).Select(i => (float)(i * 3 % 20)).ToArray(), [8, 4])),
        _ => throw new ArgumentException(name),
    };

    private static readonly Func<IEnumerable<Tensor>, Optimizer>[] Optimizers =
    [
        p => new Sgd(p, 0.05, momentum: 0.9, nesterov: true),
        p => new Adam(p, 0.01),
        p => new AdamW(p, 0.01),
        p => new RmsProp(p, 0.01),
        p => new AdaGrad(p, 0.1),
    ];

    [Theory]
    [MemberData(nameof(Models))]
    public void Training_inside_step_scopes_gives_bit_identical_parameters(string model)
    {
        foreach (var opt in Optimizers)
            foreach (bool keep in new[] { false, true })
            {
                var plain = Train(Build(model), opt, scoped: false, keepGradBuffers: keep);
                var scoped = Train(Build(model), opt, scoped: true, keepGradBuffers: keep);
                Assert.Equal(plain.Count, scoped.Count);
                for (int i = 0; i < plain.Count; i++) Assert.Equal(plain[i], scoped[i]);
            }
    }

    [Fact]
    public void A_released_intermediate_throws_naming_its_op_and_line_and_Keep_or_Clone_saves_it()
    {
        var w = Tensor.Rand(new Shape(64, 64), new Generator(1)).RequireGrad();
        Tensor h, kept, copy, loss;
        double inside;
        using (Tensor.StepScope())
        {
            h = w.Tanh();
            kept = (w * 2.0).Keep();
            copy = h.Clone();
            loss = h.Sum();
            loss.Backward();
            inside = h.Sum().Item();
        }
        var e = Assert.Throws<InvalidOperationException>(() => h.ToFloatArray());
        Assert.Contains("'Tanh'", e.Message);
        Assert.Contains("StepScopeTests.cs:", e.Message);
        Assert.Contains("Keep()", e.Message);
        Assert.Throws<InvalidOperationException>(() => h.Detach().GetFlat(0));   // a view of a released buffer is released too
        Assert.Equal(inside, copy.Sum().Item(), 1e-3);
        Assert.Equal(2.0 * w.GetFlat(5), kept.GetFlat(5), 1e-6);
        // The gradient made inside the scope is .Grad and survives: 1 − tanh²(w).
        double t = Math.Tanh(w.GetFlat(7));
        Assert.Equal(1 - t * t, w.Grad!.GetFlat(7), 1e-6);
    }

    [Fact]
    public void Leaves_factories_and_views_of_leaves_made_inside_a_scope_live_on_and_op_results_do_not()
    {
        Tensor leaf, view, zeros, noGrad, unrecorded, cloned, mask, arg;
        var g = new Generator(2);
        using (Tensor.StepScope())
        {
            leaf = Tensor.Rand(new Shape(16, 16), g).RequireGrad();
            view = leaf.Reshape(256);                      // recorded, but a view of the leaf's buffer
            (view * view).Sum().Backward();
            zeros = Tensor.Zeros(new Shape(300));
            using (Recorder.NoGrad()) noGrad = leaf.Exp();     // not recorded, but still an op's result
            unrecorded = zeros + 1.0;                      // no input requires gradients
            cloned = unrecorded.Clone();
            mask = unrecorded.Greater(zeros);              // an op without a gradient
            arg = unrecorded.Reshape(3, 100).ArgMax(1);
        }
        Assert.Equal(leaf.GetFlat(9), view.GetFlat(9));
        Assert.Equal(2 * leaf.GetFlat(9), leaf.Grad!.GetFlat(9), 1e-6);
        Assert.Equal(0.0, zeros.GetFlat(299));
        Assert.Throws<InvalidOperationException>(() => noGrad.GetFlat(3));
        Assert.Throws<InvalidOperationException>(() => unrecorded.GetFlat(3));
        Assert.Equal(1.0, cloned.GetFlat(299));
        Assert.Throws<InvalidOperationException>(() => mask.GetFlat(0));
        Assert.Throws<InvalidOperationException>(() => arg.GetFlat(0));
    }

    [Fact]
    public void Nested_scopes_release_their_own_values_and_disposing_twice_does_nothing()
    {
        var w = Tensor.Rand(new Shape(100), new Generator(5)).RequireGrad();
        Tensor a, b;
        var outer = Tensor.StepScope();
        a = w.Exp();
        using (Tensor.StepScope()) b = w.Tanh();
        Assert.Throws<InvalidOperationException>(() => b.GetFlat(0));
        Assert.Equal(Math.Exp(w.GetFlat(0)), a.GetFlat(0), 1e-5);   // the outer scope is still open
        outer.Dispose();
        outer.Dispose();
        Assert.Throws<InvalidOperationException>(() => a.GetFlat(0));
        using (Tensor.StepScope())
        {
            var c = w.Sqrt();
            outer.Dispose();                                         // a stale handle must not end the new scope
            Assert.Equal(Math.Sqrt(w.GetFlat(1)), c.GetFlat(1), 1e-5);
        }
    }

    [Fact]
    public void Closing_an_outer_scope_closes_the_inner_one_left_open()
    {
        var w = Tensor.Rand(new Shape(100), new Generator(6)).RequireGrad();
        Tensor inner;
        using (Tensor.StepScope())
        {
            Tensor.StepScope();   // never disposed, as when an exception skips a Dispose
            inner = w.Exp();
        }
        Assert.Throws<InvalidOperationException>(() => inner.GetFlat(0));
        var after = w.Exp();                                         // no scope is open any more: this value stays
        Assert.Equal(Math.Exp(w.GetFlat(2)), after.GetFlat(2), 1e-5);
    }

    [Fact]
    public void Gradients_made_with_createGraph_inside_a_scope_can_be_differentiated_there_and_Grad_survives()
    {
        var w = Tensor.FromArray(Enumerable.Range(0, 80).Select(i => 0.01 * i - 0.4).ToArray()).RequireGrad();
        using (Tensor.StepScope())
        {
            var y = (w * w * w).Sum();
            var dy = Functional.Grad([y], [w], createGraph: true)[0]!;   // 3w²
            (dy * dy).Sum().Backward();                                 // ∂/∂w Σ 9w⁴ = 36 w³
        }
        for (int i = 0; i < 80; i += 13)
        {
            double v = 0.01 * i - 0.4;
            Assert.Equal(36 * v * v * v, w.Grad!.GetFlat(i), 1e-12);
        }
        // Backward with createGraph records the gradient itself; as .Grad it must outlive the scope.
        var u = Tensor.FromArray(Enumerable.Range(0, 80).Select(i => 0.02 * i).ToArray()).RequireGrad();
        using (Tensor.StepScope()) (u.Exp() * 2.0).Sum().Backward(createGraph: true);
        Assert.NotNull(u.Grad!.GradFn);
        Assert.Equal(2 * Math.Exp(0.02 * 40), u.Grad.GetFlat(40), 1e-12);
    }

    [Fact]
    public void A_retained_graph_run_again_after_its_scope_ended_throws_instead_of_reading_reused_buffers()
    {
        var x = Tensor.Rand(new Shape(2, 4, 32, 32), new Generator(7)).RequireGrad();
        Tensor loss;
        using (Tensor.StepScope())
        {
            loss = x.MaxPool2d(2).Sum();
            loss.Backward(retainGraph: true);
        }
        Assert.Equal(2 * 4 * 16 * 16, x.Grad!.ToFloatArray().Count(v => v == 1f));   // one maximum per window got the gradient
        var e = Assert.Throws<InvalidOperationException>(() => loss.Backward());
        Assert.Contains("MaxPool2d", e.Message);
        Assert.Contains("StepScope", e.Message);
    }

    [Fact]
    public void A_scope_ended_on_another_thread_is_refused_and_stays_open_on_its_own()
    {
        var w = Tensor.Rand(new Shape(100), new Generator(8)).RequireGrad();
        var scope = Tensor.StepScope();
        var y = w.Exp();
        Exception? error = null;
        var other = new Thread(() => { try { scope.Dispose(); } catch (Exception ex) { error = ex; } });
        other.Start();
        other.Join();
        Assert.IsType<InvalidOperationException>(error);
        Assert.Contains("must end on the thread that opened it", error!.Message);
        Assert.Equal(Math.Exp(w.GetFlat(4)), y.GetFlat(4), 1e-5);
        scope.Dispose();
        Assert.Throws<InvalidOperationException>(() => y.GetFlat(4));
    }

    [Fact]
    public void A_scaler_fitted_inside_a_scope_keeps_its_statistics()
    {
        var x = Tensor.FromArray(Enumerable.Range(0, 200).Select(i => (float)(i % 17)).ToArray(), [100, 2]);
        var scaler = new AutoGrad.Data.StandardScaler();
        using (Tensor.StepScope()) scaler.Fit(x);
        var z = scaler.Transform(x);
        Assert.Equal(0.0, z.Mean().Item(), 1e-5);
    }

    [Fact]
    public void A_parameter_made_by_an_op_inside_a_scope_and_a_loaded_scaler_live_on()
    {
        var g = new Generator(9);
        Tensor w;
        Sgd opt;
        var scaler = new AutoGrad.Data.StandardScaler();
        using (Tensor.StepScope())
        {
            w = (Tensor.Randn(new Shape(8, 8), g) * 0.1).RequireGrad();   // an op's result, then a leaf that needs gradients
            opt = new Sgd([w], 0.1);
            w.Square().Sum().Backward();
            opt.Step();
            scaler.LoadState(new Dictionary<string, Tensor> { ["mean"] = Tensor.Zeros(new Shape(100)) + 1.0, ["std"] = Tensor.Ones(new Shape(100)) * 2.0 });
        }
        double before = w.GetFlat(3);
        using (Tensor.StepScope())
        {
            opt.ZeroGrad();
            w.Square().Sum().Backward();
            opt.Step();
        }
        Assert.Equal(before * 0.8, w.GetFlat(3), 1e-6);                      // w ← w − 0.1·2w
        Assert.Equal(1.0, scaler.Transform(Tensor.Full(new Shape(1, 100), 3.0)).GetFlat(7), 1e-6);   // (3 − 1) / 2
    }

    [Fact]
    public void A_backward_refused_for_an_in_place_change_leaves_this_threads_allocations_untracked()
    {
        var x = Tensor.Rand(new Shape(100), new Generator(10)).RequireGrad();
        var y = x.Exp();
        var loss = (y * 2.0).Sum();
        y.Detach().Fill(0);                                                 // the Exp rule needs y as it was
        Assert.Throws<InvalidOperationException>(() => loss.Backward());
        Tensor h;
        using (Tensor.StepScope()) h = x.Tanh();                            // must be a scope's buffer, not the refused pass's
        Assert.Throws<InvalidOperationException>(() => h.GetFlat(0));
    }
}
