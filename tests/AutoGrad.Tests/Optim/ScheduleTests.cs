using AutoGrad.Optim;

namespace AutoGrad.Tests.Optim;

public class ScheduleTests
{
    private static readonly int[] Steps = [0, 1, 5, 9, 10, 11, 19, 20, 37];

    private static void Expect(LearningRateSchedule s, Func<int, double> formula)
    {
        foreach (var t in Steps) Assert.Equal(formula(t), s.At(t), 14);
    }

    [Fact]
    public void Inverse_time() => Expect(new InverseTimeDecay(1.0, 0.01), t => 1.0 / (1 + 0.01 * t));

    [Fact]
    public void Step_decay_matches_notes_002_worked_numbers()
    {
        var s = new StepDecay(1.0, 10, 0.1);
        Assert.Equal(1.0, s.At(0));
        Assert.Equal(1.0, s.At(9));
        Assert.Equal(0.1, s.At(10), 14);
        Assert.Equal(0.1, s.At(11), 14);
        Assert.Equal(0.1, s.At(19), 14);
        Assert.Equal(0.01, s.At(20), 14);
        Expect(s, t => Math.Pow(0.1, t / 10));
    }

    [Fact]
    public void Exponential() => Expect(new ExponentialDecay(0.5, 0.95), t => 0.5 * Math.Pow(0.95, t));

    [Fact]
    public void Linear() => Expect(new LinearDecay(1.0, 0.1, 20), t => 1.0 - 0.9 * Math.Min(t, 20) / 20.0);

    [Fact]
    public void Inverse_sqrt() => Expect(new InverseSqrtDecay(1.0, 4), t => t <= 4 ? 1.0 : 2.0 / Math.Sqrt(t));

    [Fact]
    public void Cosine()
    {
        Expect(new CosineDecay(1.0, 20, 0.1), t => 0.1 + 0.45 * (1 + Math.Cos(Math.PI * Math.Min(t, 20) / 20)));
        Assert.Equal(0.55, new CosineDecay(1.0, 20, 0.1).At(10), 14);
    }

    [Fact]
    public void Warmup_ramps_then_follows_the_inner_schedule() =>
        Expect(new Warmup(new ExponentialDecay(0.5, 0.9), 5), t => t < 5 ? 0.5 * (t + 1) / 5 : 0.5 * Math.Pow(0.9, t - 5));

    [Fact]
    public void Apply_sets_the_optimizer_rate()
    {
        var opt = new Sgd([Tensor.Zeros(new Shape(1)).RequireGrad()], 1.0);
        new StepDecay(1.0, 10).Apply(opt, 25);
        Assert.Equal(0.01, opt.LearningRate, 14);
    }

    [Fact]
    public void Reduce_on_plateau_cuts_after_patience_epochs_without_improvement()
    {
        var opt = new Sgd([Tensor.Zeros(new Shape(1)).RequireGrad()], 1.0);
        var r = new ReduceOnPlateau(opt, factor: 0.5, patience: 2);
        Assert.False(r.Step(1.0));
        Assert.False(r.Step(0.5));   // improvement
        Assert.False(r.Step(0.5));   // 1 bad
        Assert.False(r.Step(0.6));   // 2 bad
        Assert.True(r.Step(0.5));    // 3 bad > patience
        Assert.Equal(0.5, opt.LearningRate);
        Assert.False(r.Step(0.4));
        Assert.Equal(0.4, r.Best);
    }
}
