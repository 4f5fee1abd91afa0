using AutoGrad.Data;
using AutoGrad.IO;
using AutoGrad.NN;
using AutoGrad.Optim;
using ResumeTraining;

namespace AutoGrad.Tests.IO;

// Restoring is all-or-nothing and checked by meaning for components the resume recipe does not have (BatchNorm, SGD momentum),
// and damaged bytes are caught by the checksum (Note [Checkpoint checksum] in src/AutoGrad/IO/CheckpointChecksum.cs).
public sealed class CheckpointRestoreTests
{
    private static (Sequential Model, Sgd Optimizer) BatchNormNet(double momentum, ulong seed)
    {
        var model = new Sequential(new Linear(3, 4, new Generator(seed)), new BatchNorm1d(4), new Linear(4, 2, new Generator(seed + 1)));
        var sgd = new Sgd(model.Parameters(), 0.1, momentum: momentum);
        var x = Tensor.Randn(new Shape(8, 3), new Generator(seed + 2));
        for (int i = 0; i < 2; i++)
        {
            sgd.ZeroGrad();
            model.Forward(x).Square().Mean().Backward();
            sgd.Step();
        }
        return (model, sgd);
    }

    private static byte[] Bytes(Module m, Optimizer o) => Checkpoint.Serialize(new CheckpointComponents(m, o), 2);

    private static SafeTensorsContent Without(byte[] bytes, string checksumKey, Action<Dictionary<string, Tensor>>? edit = null)
    {
        var c = SafeTensors.Deserialize(bytes);
        var t = new Dictionary<string, Tensor>(c.Tensors);
        var m = new Dictionary<string, string>(c.Metadata);
        m.Remove(checksumKey);
        edit?.Invoke(t);
        return SafeTensors.Deserialize(SafeTensors.Serialize(t, m));
    }

    private static string State(Module m, Optimizer o)
    {
        var s = o.StateDict();
        return Convert.ToHexString(SafeTensors.Serialize(m.StateDict())) + Convert.ToHexString(SafeTensors.Serialize(s.Tensors)) + s.Scalars["step"];
    }

    [Fact]
    public void A_momentum_checkpoint_restored_into_a_momentum_free_optimizer_is_refused()
    {
        var (source, withMomentum) = BatchNormNet(0.9, 1);
        var (target, plain) = BatchNormNet(0, 10);
        var before = State(target, plain);
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Apply(SafeTensors.Deserialize(Bytes(source, withMomentum)), new CheckpointComponents(target, plain), "m.ckpt"));
        Assert.Contains("state 'optim.0.momentum' is unexpected: Sgd (momentum 0) keeps no state", e.Message);
        Assert.Equal(before, State(target, plain));
        // The same words from the optimizer's own LoadStateDict, which runs the same check.
        var direct = Assert.Throws<ArgumentException>(() => plain.LoadStateDict(withMomentum.StateDict()));
        Assert.Contains("state '0.momentum' is unexpected: Sgd (momentum 0) keeps no state", direct.Message);
        Assert.Equal(before, State(target, plain));
        // And the other way: steps without any momentum buffer cannot feed an optimizer that keeps one.
        var again = Assert.Throws<InvalidDataException>(() => Checkpoint.Apply(SafeTensors.Deserialize(Bytes(target, plain)), new CheckpointComponents(source, withMomentum), "p.ckpt"));
        Assert.Contains("the state holds no per-parameter tensors after 2 steps, but Sgd (momentum 0.9) keeps 'momentum' per parameter", again.Message);
    }

    [Fact]
    public void A_negative_BatchNorm_running_variance_is_refused()
    {
        var (source, sgd) = BatchNormNet(0.9, 1);
        var (target, targetSgd) = BatchNormNet(0.9, 10);
        var before = State(target, targetSgd);
        var content = Without(Bytes(source, sgd), "checksum", t => t["model.1.running_var"] = Tensor.FromArray(new float[] { 1, -0.5f, 2, 1 }));
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Apply(content, new CheckpointComponents(target, targetSgd), "bn.ckpt"));
        Assert.Contains("'1.running_var' holds the negative variance -0.5; a variance is ≥ 0", e.Message);
        Assert.Equal(before, State(target, targetSgd));
        // The unedited file restores exactly.
        Checkpoint.Apply(SafeTensors.Deserialize(Bytes(source, sgd)), new CheckpointComponents(target, targetSgd), "bn.ckpt");
        Assert.Equal(State(source, sgd), State(target, targetSgd));
    }

    [Fact]
    public void A_flipped_bit_in_a_tensor_fails_the_checksum_before_anything_changes()
    {
        var (source, sgd) = BatchNormNet(0.9, 1);
        var bytes = Bytes(source, sgd);
        var (target, targetSgd) = BatchNormNet(0.9, 10);
        var before = State(target, targetSgd);
        var flipped = (byte[])bytes.Clone();
        flipped[^3] ^= 0x10;   // inside the last tensor's data: still a valid float, so only the checksum can notice
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Apply(SafeTensors.Deserialize(flipped), new CheckpointComponents(target, targetSgd), "flip.ckpt"));
        Assert.StartsWith("flip.ckpt: checksum mismatch: the file records sha256:", e.Message);
        Assert.Equal(before, State(target, targetSgd));
        Assert.Matches("^sha256:[0-9a-f]{64}$", SafeTensors.Deserialize(bytes).Metadata["checksum"]);
    }

    [Fact]
    public void A_checkpoint_without_a_checksum_still_loads_and_a_malformed_one_is_refused()
    {
        var (source, sgd) = BatchNormNet(0.9, 1);
        var (target, targetSgd) = BatchNormNet(0.9, 10);
        Checkpoint.Apply(Without(Bytes(source, sgd), "checksum"), new CheckpointComponents(target, targetSgd), "old.ckpt");
        Assert.Equal(State(source, sgd), State(target, targetSgd));

        var c = SafeTensors.Deserialize(Bytes(source, sgd));
        var m = new Dictionary<string, string>(c.Metadata) { ["checksum"] = "md5:00" };
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Apply(SafeTensors.Deserialize(SafeTensors.Serialize(c.Tensors, m)), new CheckpointComponents(target, targetSgd), "x.ckpt"));
        Assert.Contains("the checksum 'md5:00' is not of the form 'sha256:<64 hex digits>'", e.Message);
    }

    [Fact]
    public void A_preprocessor_whose_LoadState_throws_KeyNotFoundException_leaves_every_component_as_it_was()
    {
        var source = new ResumeRecipe(seed: 42);
        source.Train(1);
        source.Trainer.Preprocessors["zz"] = new KeyHungryPreprocessor();   // loads after 'scaler' (fitted first, in order)
        var bytes = Checkpoint.Serialize(source.Trainer.Components, 1);
        var target = new ResumeRecipe(seed: 5);
        target.Train(1);
        target.Trainer.Preprocessors["zz"] = new KeyHungryPreprocessor();
        target.Scaler.LoadState(new Dictionary<string, Tensor> { ["mean"] = Tensor.FromArray(new float[] { 1, 2, 3, 4 }), ["std"] = Tensor.Ones(new Shape(4)) });
        var mean = target.Scaler.Mean.ToDoubleArray();
        var weights = target.WeightBytes();
        var optimizer = target.OptimizerBytes();
        var shuffle = target.Shuffle.GetState();
        Assert.NotEqual(source.Scaler.Mean.ToDoubleArray(), mean);
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Apply(SafeTensors.Deserialize(bytes), target.Trainer.Components, "k.ckpt"));
        Assert.Contains("k.ckpt: preprocessor 'zz' rejected its state (KeyNotFoundException: no 'w')", e.Message);
        Assert.Contains("every component was restored to its previous state", e.Message);
        Assert.Equal(mean, target.Scaler.Mean.ToDoubleArray());   // the scaler loaded before 'zz' failed is back
        Assert.Equal(weights, target.WeightBytes());
        Assert.Equal(optimizer, target.OptimizerBytes());
        Assert.Equal(shuffle, target.Shuffle.GetState());
    }

    [Fact]
    public void Optimizer_LoadStateDict_lists_every_problem_and_changes_nothing()
    {
        var p = Tensor.FromArray(new double[] { 1, 2, 3 }).RequireGrad();
        var rms = new RmsProp([p], 0.01);
        p.Grad = Tensor.FromArray(new double[] { 1, -1, 2 });
        rms.Step();
        var before = rms.StateDict();
        var bad = new OptimizerState();
        bad.Scalars["step"] = 2.5;
        bad.Scalars["lr"] = -1;
        bad.Tensors["0.square_avg"] = Tensor.FromArray(new double[] { 1, -2, 3 });
        bad.Tensors["0.sum"] = Tensor.FromArray(new double[] { 1, 2, 3 });
        var e = Assert.Throws<ArgumentException>(() => rms.LoadStateDict(bad));
        Assert.Contains("the step count 2.5 is not an integer in [0, 2147483646]", e.Message);
        Assert.Contains("learning rate must be finite and in [0, 1000000], got -1", e.Message);
        Assert.Contains("state '0.square_avg' is a second moment but has the negative value -2", e.Message);
        Assert.Contains("state '0.sum' is unexpected: RmsProp keeps 'square_avg' per parameter", e.Message);
        Assert.Equal(before.Tensors["0.square_avg"].ToDoubleArray(), rms.StateDict().Tensors["0.square_avg"].ToDoubleArray());
        Assert.Equal(1, rms.StepCount);
        Assert.Equal(0.01, rms.LearningRate);
    }

    private sealed class KeyHungryPreprocessor : IPreprocessor
    {
        public bool IsFitted => true;
        public void Fit(Tensor x) { }
        public Tensor Transform(Tensor x) => x;
        public IReadOnlyDictionary<string, Tensor> GetState() => new Dictionary<string, Tensor> { ["v"] = Tensor.FromArray(new float[] { 1 }) };
        public void LoadState(IReadOnlyDictionary<string, Tensor> state) => throw new KeyNotFoundException("no 'w'");
    }
}
