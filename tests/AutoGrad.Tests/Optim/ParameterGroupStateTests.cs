using AutoGrad.IO;
using AutoGrad.NN;
using AutoGrad.Optim;

namespace AutoGrad.Tests.Optim;

// State dictionaries and checkpoints keep the groups' learning rates and sizes (Note [Parameter groups]); single-group states keep the
// format they had before groups existed.
public sealed class ParameterGroupStateTests
{
    private static Sequential Model(ulong seed) => new(new Linear(3, 4, new Generator(seed)), new LayerNorm(4), new Linear(4, 2, new Generator(seed + 1)));

    private static AdamW Grouped(Module m) => new(ParameterGroups.DecayAndNoDecay(m, 0.05), 0.01);

    private static void Train(Module m, Optimizer o, int steps, ulong seed)
    {
        var x = Tensor.Randn(new Shape(8, 3), new Generator(seed));
        for (int i = 0; i < steps; i++)
        {
            o.ZeroGrad();
            m.Forward(x).Square().Mean().Backward();
            o.Step();
        }
    }

    private static double[] Flat(Module m) => m.Parameters().SelectMany(p => p.ToDoubleArray()).ToArray();

    [Fact]
    public void A_single_group_state_has_only_step_and_lr_and_old_states_load()
    {
        var m = Model(1);
        var sgd = new Sgd(m.Parameters(), 0.1, momentum: 0.9);
        Train(m, sgd, 2, 5);
        Assert.Equal(["lr", "step"], sgd.StateDict().Scalars.Keys.Order());
        var grouped = new Sgd([new ParameterGroup(Model(1).Parameters())], 0.1, momentum: 0.9);
        grouped.LoadStateDict(sgd.StateDict());   // a state from before groups, into a one-group optimizer
        Assert.Equal(2, grouped.StepCount);
    }

    [Fact]
    public void Group_rates_and_sizes_round_trip_and_training_resumes_bit_identically()
    {
        var straight = Model(2);
        var optStraight = Grouped(straight);
        Train(straight, optStraight, 5, 7);

        var first = Model(2);
        var opt = Grouped(first);
        Train(first, opt, 3, 7);
        opt.ParamGroups[1].LearningRate = 0.02;   // a hand-set rate is state too
        var state = opt.StateDict();
        Assert.Equal(0.02, state.Scalars["group.1.lr"]);
        Assert.Equal(2, state.Scalars["group.0.params"]);   // the two Linear weights
        Assert.Equal(4, state.Scalars["group.1.params"]);

        var resumed = Model(99);
        resumed.LoadStateDict(first.StateDict());
        var opt2 = Grouped(resumed);
        opt2.LoadStateDict(state);
        Assert.Equal(0.02, opt2.ParamGroups[1].LearningRate);
        opt2.ParamGroups[1].LearningRate = 0.01;
        opt.ParamGroups[1].LearningRate = 0.01;
        Train(resumed, opt2, 2, 7);
        Train(first, opt, 2, 7);
        Assert.Equal(Flat(first), Flat(resumed));
        Assert.Equal(Flat(straight), Flat(resumed));
    }

    [Fact]
    public void A_state_of_other_groups_is_refused_with_every_reason_and_nothing_changes()
    {
        var m = Model(3);
        var opt = Grouped(m);
        Train(m, opt, 1, 1);
        var plain = new AdamW(m.Parameters(), 0.01);
        var e = Assert.Throws<ArgumentException>(() => plain.LoadStateDict(opt.StateDict()));
        Assert.Contains("the state has 2 parameter groups but this optimizer has 1", e.Message);
        Assert.Contains("parameter group 0 has 2 parameters in the state but 6 in this optimizer", e.Message);
        Assert.Equal(0, plain.StepCount);

        var single = new AdamW(m.Parameters(), 0.01);
        Train(m, single, 1, 1);
        var e2 = Assert.Throws<ArgumentException>(() => Grouped(Model(3)).LoadStateDict(single.StateDict()));
        Assert.Contains("the state has no group scalars (it was saved by an optimizer with one parameter group) but this optimizer has 2 parameter groups", e2.Message);

        var bad = opt.StateDict();
        bad.Scalars["group.1.lr"] = double.NaN;
        bad.Scalars.Remove("group.0.params");
        var problems = Grouped(Model(3)).StateProblems(bad);
        Assert.Contains(problems, p => p.StartsWith("parameter group 1: learning rate must be finite", StringComparison.Ordinal) && p.EndsWith("got NaN", StringComparison.Ordinal));
        Assert.Contains("the scalar 'group.0.params' is missing", problems);
    }

    [Fact]
    public void A_checkpoint_keeps_the_groups_and_refuses_an_optimizer_with_other_groups()
    {
        var m = Model(4);
        var opt = Grouped(m);
        Train(m, opt, 2, 3);
        opt.LearningRate = 0.005;
        var bytes = Checkpoint.Serialize(new CheckpointComponents(m, opt), 1);
        Assert.Equal("0.005", SafeTensors.Deserialize(bytes).Metadata["optim.scalar.group.0.lr"]);

        var target = Model(40);
        var targetOpt = Grouped(target);
        Checkpoint.Apply(SafeTensors.Deserialize(bytes), new CheckpointComponents(target, targetOpt), "g.ckpt");
        Assert.Equal(Flat(m), Flat(target));
        Assert.Equal(0.005, targetOpt.ParamGroups[1].LearningRate);
        Assert.Equal(2, targetOpt.StepCount);

        var other = Model(41);
        var before = Flat(other);
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Apply(SafeTensors.Deserialize(bytes), new CheckpointComponents(other, new AdamW(other.Parameters())), "g.ckpt"));
        Assert.Contains("optimizer: the state has 2 parameter groups but this optimizer has 1", e.Message);
        Assert.Equal(before, Flat(other));
    }
}
