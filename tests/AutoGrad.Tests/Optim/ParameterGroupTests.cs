using AutoGrad.NN;
using AutoGrad.Optim;

namespace AutoGrad.Tests.Optim;

// Parameter groups (Note [Parameter groups] in src/AutoGrad/Optim/Optimizer.Groups.cs): each group is updated with its own options,
// and one group is exactly the optimizer of a plain list.
public sealed class ParameterGroupTests
{
    private static Tensor[] Params(ulong seed) =>
        [Tensor.Randn(new Shape(3, 2), new Generator(seed), DType.Float64).RequireGrad(), Tensor.Randn(new Shape(2), new Generator(seed + 1), DType.Float64).RequireGrad()];

    // Runs `steps` steps with fixed seeded gradients (the k-th step's gradient depends only on k and the parameter's size), setting the default
    // learning rate from `schedule` before each; returns the parameters' values.
    private static double[][] Run(Tensor[] ps, Optimizer opt, int steps = 4, LearningRateSchedule? schedule = null)
    {
        for (int k = 0; k < steps; k++)
        {
            schedule?.Apply(opt, k);
            for (int i = 0; i < ps.Length; i++) ps[i].Grad = Tensor.Randn(ps[i].Shape, new Generator((ulong)(100 * k + ps[i].Size)), DType.Float64);
            opt.Step();
        }
        return ps.Select(p => p.ToDoubleArray()).ToArray();
    }

    public static TheoryData<string> Kinds => new() { "sgd", "nesterov", "ewma", "adam", "adamw", "adagrad", "rmsprop" };

    private static Optimizer Make(string kind, object parameters, double lr = 0.05) => (kind, parameters) switch
    {
        ("sgd", IEnumerable<Tensor> p) => new Sgd(p, lr, momentum: 0.5, decay: 0.1, weightDecay: 0.01),
        ("sgd", IEnumerable<ParameterGroup> g) => new Sgd(g, lr, momentum: 0.5, decay: 0.1, weightDecay: 0.01),
        ("nesterov", IEnumerable<Tensor> p) => new Sgd(p, lr, momentum: 0.9, nesterov: true),
        ("nesterov", IEnumerable<ParameterGroup> g) => new Sgd(g, lr, momentum: 0.9, nesterov: true),
        ("ewma", IEnumerable<Tensor> p) => new Sgd(p, lr, momentum: 0.9, style: MomentumStyle.Ewma),
        ("ewma", IEnumerable<ParameterGroup> g) => new Sgd(g, lr, momentum: 0.9, style: MomentumStyle.Ewma),
        ("adam", IEnumerable<Tensor> p) => new Adam(p, lr, weightDecay: 0.01, decoupledWeightDecay: 0.02),
        ("adam", IEnumerable<ParameterGroup> g) => new Adam(g, lr, weightDecay: 0.01, decoupledWeightDecay: 0.02),
        ("adamw", IEnumerable<Tensor> p) => new AdamW(p, lr, weightDecay: 0.1),
        ("adamw", IEnumerable<ParameterGroup> g) => new AdamW(g, lr, weightDecay: 0.1),
        ("adagrad", IEnumerable<Tensor> p) => new AdaGrad(p, lr, weightDecay: 0.01),
        ("adagrad", IEnumerable<ParameterGroup> g) => new AdaGrad(g, lr, weightDecay: 0.01),
        ("rmsprop", IEnumerable<Tensor> p) => new RmsProp(p, lr, weightDecay: 0.01),
        ("rmsprop", IEnumerable<ParameterGroup> g) => new RmsProp(g, lr, weightDecay: 0.01),
        _ => throw new ArgumentException(kind),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void One_group_gives_the_plain_optimizers_trajectory_bit_for_bit(string kind)
    {
        var schedule = new Warmup(new CosineDecay(0.05, 10), 2);
        var a = Params(1);
        var b = Params(1);
        var plain = Run(a, Make(kind, a), schedule: schedule);
        var grouped = Run(b, Make(kind, new[] { new ParameterGroup(b) }), schedule: schedule);
        Assert.Equal(plain, grouped);
        Assert.NotEqual(Params(1)[0].ToDoubleArray(), plain[0]);   // the steps did move θ
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Two_groups_with_their_own_options_equal_two_optimizers_each_over_its_group(string kind)
    {
        var a = Params(2);
        var b = Params(2);
        // Group 1 sets its own rate and decay; the reference is a separate optimizer built with those values as its defaults.
        var groups = new[] { new ParameterGroup([b[0]]), new ParameterGroup([b[1]]) { LearningRate = 0.2, WeightDecay = 0.3 } };
        var together = Run(b, Make(kind, groups));
        var first = Run([a[0]], Make(kind, new[] { a[0] }));
        var second = Run([a[1]], kind switch
        {
            "sgd" => new Sgd([a[1]], 0.2, momentum: 0.5, decay: 0.1, weightDecay: 0.3),
            "nesterov" => new Sgd([a[1]], 0.2, momentum: 0.9, nesterov: true, weightDecay: 0.3),
            "ewma" => new Sgd([a[1]], 0.2, momentum: 0.9, style: MomentumStyle.Ewma, weightDecay: 0.3),
            "adam" => new Adam([a[1]], 0.2, weightDecay: 0.3, decoupledWeightDecay: 0.02),
            "adamw" => new AdamW([a[1]], 0.2, weightDecay: 0.3),
            "adagrad" => new AdaGrad([a[1]], 0.2, weightDecay: 0.3),
            _ => new RmsProp([a[1]], 0.2, weightDecay: 0.3),
        });
        Assert.Equal(first[0], together[0]);
        Assert.Equal(second[0], together[1]);
    }

    [Fact]
    public void A_groups_own_momentum_and_betas_are_used()
    {
        var a = Params(3);
        var b = Params(3);
        var sgd = Run(b, new Sgd([new ParameterGroup([b[0]]), new ParameterGroup([b[1]]) { Momentum = 0 }], 0.1, momentum: 0.9));
        Run([a[1]], new Sgd([a[1]], 0.1));
        Assert.Equal(a[1].ToDoubleArray(), sgd[1]);
        var c = Params(4);
        var d = Params(4);
        var adam = Run(d, new Adam([new ParameterGroup([d[0]]) { Beta1 = 0.5, Beta2 = 0.9, Epsilon = 1e-3 }, new ParameterGroup([d[1]])], 0.01));
        Run([c[0]], new Adam([c[0]], 0.01, beta1: 0.5, beta2: 0.9, epsilon: 1e-3));
        Assert.Equal(c[0].ToDoubleArray(), adam[0]);
    }

    [Fact]
    public void A_parameter_in_two_groups_is_a_clear_error()
    {
        var p = Params(5);
        var e = Assert.Throws<ArgumentException>(() => new AdamW([new ParameterGroup(p, "decay"), new ParameterGroup([p[1]], "no_decay")]));
        Assert.Contains("AdamW: a parameter is in two groups: position 0 of parameter group 1 'no_decay' is position 1 of parameter group 0 'decay'", e.Message);
        var twice = Assert.Throws<ArgumentException>(() => new Sgd([new ParameterGroup([p[0], p[0]])], 0.1));
        Assert.Contains("appears twice in parameter group 0 (positions 0 and 1)", twice.Message);
        Assert.Contains("a parameter appears twice", Assert.Throws<ArgumentException>(() => new Sgd([p[0], p[0]], 0.1)).Message);
    }

    [Fact]
    public void Options_the_optimizer_does_not_have_and_bad_values_are_refused_naming_the_group()
    {
        var p = Params(6);
        var e = Assert.Throws<ArgumentException>(() => new Sgd([new ParameterGroup(p, "head") { Beta1 = 0.5 }], 0.1));
        Assert.Contains("Sgd: parameter group 0 'head' sets Beta1, which Sgd does not have (its options: LearningRate, WeightDecay, Momentum, Nesterov, Decay)", e.Message);
        Assert.Contains("sets DecoupledWeightDecay", Assert.Throws<ArgumentException>(() => new AdamW([new ParameterGroup(p) { DecoupledWeightDecay = 0.1 }])).Message);
        Assert.Contains("momentum must be in [0, 1), got 1.5 (parameter group 1)",
            Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd([new ParameterGroup([p[0]]), new ParameterGroup([p[1]]) { Momentum = 1.5 }], 0.1)).Message);
        Assert.Contains("learning rate must be finite", Assert.Throws<ArgumentOutOfRangeException>(() => new ParameterGroup(p) { LearningRate = -1 }).Message);
        Assert.Contains("weight decay must be finite and ≥ 0, got -1 (parameter group 0)",
            Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([new ParameterGroup(p) { WeightDecay = -1 }])).Message);
        Assert.Contains("every parameter group is empty", Assert.Throws<ArgumentException>(() => new Adam([new ParameterGroup([])])).Message);
    }

    [Fact]
    public void Schedules_scale_each_groups_own_base_rate()
    {
        var p = Params(7);
        var opt = new Sgd([new ParameterGroup([p[0]]), new ParameterGroup([p[1]]) { LearningRate = 0.3 }], 0.1);
        var schedule = new StepDecay(0.1, 1, 0.5);
        schedule.Apply(opt, 2);   // η = 0.1·0.25
        Assert.Equal(0.025, opt.LearningRate);
        Assert.Equal(0.025, opt.ParamGroups[0].LearningRate);
        Assert.Equal(0.025 * 3, opt.ParamGroups[1].LearningRate!.Value, 15);
        Assert.Equal(0.3, opt.ParamGroups[1].InitialLearningRate);
        // A rate set by hand lasts until the next scaling.
        opt.ParamGroups[1].LearningRate = 0.7;
        Assert.Equal(0.7, opt.ParamGroups[1].LearningRate);
        Assert.Throws<ArgumentOutOfRangeException>(() => opt.ParamGroups[1].LearningRate = null);
        // Plateau reduces every group.
        var plateau = new ReduceOnPlateau(opt, factor: 0.5, patience: 0);
        plateau.Step(1.0);
        Assert.True(plateau.Step(2.0));
        Assert.Equal(0.0125, opt.LearningRate);
        Assert.Equal(0.35, opt.ParamGroups[1].LearningRate);
    }

    [Fact]
    public void A_rate_the_scaling_would_push_out_of_range_changes_nothing()
    {
        var p = Params(8);
        var opt = new Sgd([new ParameterGroup([p[0]]), new ParameterGroup([p[1]]) { LearningRate = 10 }], 1e-3);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => opt.LearningRate = 200);   // group 1 would get 2e6
        Assert.Contains("Sgd: parameter group 1: learning rate must be finite and in [0, ", e.Message);
        Assert.Contains("got 2000000", e.Message);
        Assert.Equal(1e-3, opt.LearningRate);
        Assert.Equal(10, opt.ParamGroups[1].LearningRate);
    }

    [Fact]
    public void Frozen_parameters_are_skipped()
    {
        var p = Params(9);
        var before = p[0].ToDoubleArray();
        var opt = new Adam(p, 0.1);
        p[0].RequiresGrad = false;
        var after = Run(p, opt, steps: 2);
        Assert.Equal(before, after[0]);
        Assert.NotEqual(Params(9)[1].ToDoubleArray(), after[1]);
    }

    [Fact]
    public void DecayAndNoDecay_decays_weight_matrices_only()
    {
        var model = new Sequential(new Embedding(5, 4, new Generator(1)), new Linear(4, 4, new Generator(2)), new LayerNorm([2, 2]), new Flatten(), new Linear(4, 3, new Generator(3)));
        var groups = ParameterGroups.DecayAndNoDecay(model, 0.01);
        Assert.Equal(["decay", "no_decay"], groups.Select(g => g.Name));
        var name = model.NamedParameters().ToDictionary(kv => (object)kv.Value, kv => kv.Key, ReferenceEqualityComparer.Instance);
        Assert.Equal(["0.weight", "1.weight", "4.weight"], groups[0].Parameters.Select(p => name[p]));
        Assert.Equal(["1.bias", "2.weight", "2.bias", "4.bias"], groups[1].Parameters.Select(p => name[p]));   // LayerNorm's 2-D weight too
        Assert.Equal(0.01, groups[0].WeightDecay);
        Assert.Equal(0.0, groups[1].WeightDecay);
        var opt = new AdamW(groups, 3e-4);
        Assert.Equal(model.Parameters().Count, opt.Parameters.Count);
        Assert.Single(ParameterGroups.DecayAndNoDecay(new Sequential(new Linear(2, 2, new Generator(1), bias: false)), 0.1));
    }
}
