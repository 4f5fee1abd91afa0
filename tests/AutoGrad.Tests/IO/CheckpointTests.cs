using System.Buffers.Binary;
using System.Diagnostics;
using AutoGrad.Data;
using AutoGrad.IO;
using AutoGrad.NN;
using AutoGrad.Optim;
using AutoGrad.Training;
using ResumeTraining;

namespace AutoGrad.Tests.IO;

public sealed class CheckpointTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("checkpoint");

    public void Dispose() => _dir.Delete(true);

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    [Fact]
    public void Two_epochs_equal_one_epoch_then_resume_in_a_fresh_process_bit_for_bit()
    {
        var straight = new ResumeRecipe(seed: 42);
        straight.Train(2);

        var first = new ResumeRecipe(seed: 42);
        first.Train(1);
        var ckpt = PathOf("epoch1.safetensors");
        first.Trainer.SaveCheckpoint(ckpt);

        // The other process builds the recipe with another seed, loads the checkpoint, trains 1 epoch and writes its state.
        var (code, output) = RunResumeProcess("resume", ckpt, "1", PathOf("weights.safetensors"), PathOf("optimizer.safetensors"));
        Assert.True(code == 0, output);
        Assert.Contains("resumed after epoch 1 (step 8); now at epoch 2", output);
        var resumed = File.ReadAllBytes(PathOf("weights.safetensors"));
        Assert.Equal(straight.WeightBytes(), resumed);
        Assert.Equal(straight.OptimizerBytes(), File.ReadAllBytes(PathOf("optimizer.safetensors")));
        Assert.NotEqual(first.WeightBytes(), resumed);   // the second epoch did change the weights
    }

    [Fact]
    public void Resume_is_only_exact_with_every_random_source_restored()
    {
        // The comparison above can fail: leaving the shuffle generator out of the checkpoint load changes the result.
        var straight = new ResumeRecipe(seed: 42);
        straight.Train(2);
        var first = new ResumeRecipe(seed: 42);
        first.Train(1);
        first.Trainer.SaveCheckpoint(PathOf("c.safetensors"));

        var exact = new ResumeRecipe(seed: 999);
        exact.Trainer.LoadCheckpoint(PathOf("c.safetensors"));
        Assert.Equal(1, exact.Trainer.CompletedEpochs);
        Assert.Equal(first.Trainer.History.Epochs.Select(e => e.TrainLoss), exact.Trainer.History.Epochs.Select(e => e.TrainLoss));
        exact.Train(1);
        Assert.Equal(straight.WeightBytes(), exact.WeightBytes());
        Assert.Equal(2, exact.Trainer.History.Count);

        var partial = new ResumeRecipe(seed: 999);
        partial.Trainer.Generators.Remove("shuffle");
        partial.Trainer.LoadCheckpoint(PathOf("c.safetensors"));
        partial.Train(1);
        Assert.NotEqual(straight.WeightBytes(), partial.WeightBytes());
    }

    [Fact]
    public void Checkpoint_restores_the_scaler_and_generators()
    {
        var a = new ResumeRecipe(seed: 42);
        a.Train(1);
        a.Trainer.SaveCheckpoint(PathOf("c.safetensors"));
        var b = new ResumeRecipe(seed: 3);
        var info = b.Trainer.LoadCheckpoint(PathOf("c.safetensors"));
        Assert.Equal(1, info.Epoch);
        Assert.Equal(8, info.Step);
        Assert.Equal(a.Scaler.Mean.ToDoubleArray(), b.Scaler.Mean.ToDoubleArray());
        Assert.Equal(a.Scaler.Std.ToDoubleArray(), b.Scaler.Std.ToDoubleArray());
        Assert.Equal(a.Shuffle.GetState(), b.Shuffle.GetState());
        Assert.Equal(a.Dropout.GetState(), b.Dropout.GetState());
        Assert.Equal(a.Trainer.Optimizer.LearningRate, b.Trainer.Optimizer.LearningRate);
    }

    [Fact]
    public void Model_tensors_are_plain_safetensors_under_a_model_prefix()
    {
        var a = new ResumeRecipe(seed: 42);
        a.Train(1);
        a.Trainer.SaveCheckpoint(PathOf("c.safetensors"));
        var content = SafeTensors.LoadWithMetadata(PathOf("c.safetensors"));
        Assert.Equal(Checkpoint.FormatMarker, content.Metadata["format"]);
        Assert.Equal("1", content.Metadata["epoch"]);
        Assert.Equal("Adam", content.Metadata["optimizer"]);
        Assert.Equal("8", content.Metadata["optim.scalar.step"]);
        Assert.Equal(a.Model.StateDict()["0.weight"].ToDoubleArray(), content.Tensors["model.0.weight"].ToDoubleArray());
        Assert.Contains("optim.0.exp_avg", content.Tensors.Keys);
        Assert.Contains("pre.scaler.mean", content.Tensors.Keys);
    }

    [Fact]
    public void Checkpoint_callback_saves_every_epoch_or_the_best()
    {
        var r = new ResumeRecipe(seed: 42);
        var every = new ModelCheckpoint(PathOf("run/e{epoch}.safetensors"));
        var best = new ModelCheckpoint(PathOf("best.safetensors"), bestOnly: true, monitor: History.TrainLossName);
        r.Trainer.Callbacks.Add(every);
        r.Trainer.Callbacks.Add(best);
        r.Train(3);
        Assert.Equal([PathOf("run/e1.safetensors"), PathOf("run/e2.safetensors"), PathOf("run/e3.safetensors")], every.Saved);
        Assert.Equal(r.Trainer.History.Series(History.TrainLossName).Min(), best.Best);
        Assert.Equal("3", SafeTensors.LoadWithMetadata(PathOf("run/e3.safetensors")).Metadata["epoch"]);
    }

    // Bad files: each must raise InvalidDataException and leave model, optimizer, generators and scaler exactly as they were.
    public static TheoryData<string, string> BadFiles => new()
    {
        { "truncated", "truncated" },
        { "five bytes", "truncated" },
        { "random bytes", "" },
        { "oversized header", "exceeds the 100000000-byte limit" },
        { "plain weights file", "not an AutoGrad checkpoint" },
        { "future version", "version '2' is not supported" },
        { "wrong shape", "'0.weight' is float32 (4, 15) in the checkpoint but float32 (4, 16) in the model" },
        { "wrong dtype", "'3.bias' is float64 (3,) in the checkpoint but float32 (3,) in the model" },
        { "other architecture", "'0.weight' is float32 (4, 32) in the checkpoint but float32 (4, 16) in the model" },
        { "other optimizer", "the checkpoint's optimizer is 'Sgd' but the optimizer given is 'Adam'" },
        { "bad generator state", "generator 'shuffle' state" },
        { "wrong optimizer state shape", "optimizer: state 'optim.0.exp_avg' is float32 (2, 2) but parameter 0 is float32 (4, 16)" },
        { "missing scaler", "preprocessor 'scaler' is not in the checkpoint" },
    };

    [Theory, MemberData(nameof(BadFiles))]
    public void Bad_files_give_a_clear_error_and_change_nothing(string kind, string message)
    {
        var source = new ResumeRecipe(seed: 42);
        source.Train(1);
        var good = Checkpoint.Serialize(source.Trainer.Components, 1);
        var path = PathOf("bad.safetensors");
        File.WriteAllBytes(path, Corrupt(kind, good, source));

        var target = new ResumeRecipe(seed: 5);
        target.Train(1);   // non-trivial state to preserve: trained weights, Adam moments, fitted scaler, advanced generators
        var before = Snapshot(target);
        var e = Assert.Throws<InvalidDataException>(() => target.Trainer.LoadCheckpoint(path));
        Assert.Contains("bad.safetensors", e.Message);
        Assert.Contains(message, e.Message);
        Assert.Equal(before, Snapshot(target));
        Assert.Equal(1, target.Trainer.CompletedEpochs);
    }

    [Fact]
    public void A_preprocessor_that_rejects_its_state_rolls_back_and_leaves_the_model_untouched()
    {
        var source = new ResumeRecipe(seed: 42);
        source.Train(1);
        source.Trainer.Preprocessors["picky"] = new PickyPreprocessor();
        source.Trainer.SaveCheckpoint(PathOf("c.safetensors"));
        var target = new ResumeRecipe(seed: 5);
        target.Train(1);
        target.Trainer.Preprocessors["picky"] = new PickyPreprocessor();
        var before = Snapshot(target);
        var e = Assert.Throws<InvalidDataException>(() => target.Trainer.LoadCheckpoint(PathOf("c.safetensors")));
        Assert.Contains("preprocessor 'picky' rejected its state (ArgumentException: picky refuses)", e.Message);
        Assert.Equal(before, Snapshot(target));   // the scaler, loaded before 'picky' failed, is rolled back too
    }

    private sealed class PickyPreprocessor : IPreprocessor
    {
        public bool IsFitted => true;
        public void Fit(Tensor x) { }
        public Tensor Transform(Tensor x) => x;
        public IReadOnlyDictionary<string, Tensor> GetState() => new Dictionary<string, Tensor> { ["v"] = Tensor.FromArray(new float[] { 1 }) };
        public void LoadState(IReadOnlyDictionary<string, Tensor> state) => throw new ArgumentException("picky refuses");
    }

    private static string Snapshot(ResumeRecipe r) =>
        Convert.ToHexString(r.WeightBytes()) + "|" + Convert.ToHexString(r.OptimizerBytes()) + "|" + string.Join(",", r.Shuffle.GetState()) + "|" +
        string.Join(",", r.Dropout.GetState()) + "|" + string.Join(",", r.Scaler.Mean.ToDoubleArray()) + string.Join(",", r.Scaler.Std.ToDoubleArray());

    private static byte[] Corrupt(string kind, byte[] good, ResumeRecipe source)
    {
        var content = SafeTensors.Deserialize(good);
        byte[] Rewrite(Action<Dictionary<string, Tensor>, Dictionary<string, string>> edit)
        {
            var t = new Dictionary<string, Tensor>(content.Tensors);
            var m = new Dictionary<string, string>(content.Metadata);
            m.Remove("checksum");   // as written before checksums existed, so the checks of meaning below are what refuses the file
            edit(t, m);
            return SafeTensors.Serialize(t, m);
        }
        switch (kind)
        {
            case "truncated": return good[..(good.Length - 10)];
            case "five bytes": return good[..5];
            case "random bytes":
                var rnd = new byte[4096];
                new Random(1).NextBytes(rnd);
                BinaryPrimitives.WriteUInt64LittleEndian(rnd, 4000);   // plausible length, garbage JSON
                return rnd;
            case "oversized header":
                var big = (byte[])good.Clone();
                BinaryPrimitives.WriteUInt64LittleEndian(big, 1UL << 40);
                return big;
            case "plain weights file": return SafeTensors.Serialize(source.Model.StateDict());
            case "future version": return Rewrite((_, m) => m["version"] = "2");
            case "wrong shape": return Rewrite((t, _) => t["model.0.weight"] = Tensor.Zeros(new Shape(4, 15)));
            case "wrong dtype": return Rewrite((t, _) => t["model.3.bias"] = Tensor.Zeros(new Shape(3), DType.Float64));
            case "bad generator state": return Rewrite((_, m) => m["generator.shuffle"] = "1,2,3");
            case "wrong optimizer state shape": return Rewrite((t, _) => t["optim.0.exp_avg"] = Tensor.Zeros(new Shape(2, 2)));
            case "missing scaler": return Rewrite((t, m) => { m["preprocessors"] = ""; t.Remove("pre.scaler.mean"); t.Remove("pre.scaler.std"); });
            case "other architecture":
                var wide = new Sequential(new Linear(4, 32, new Generator(1)), new Relu(), new Dropout(0.2, new Generator(2)), new Linear(32, 3, new Generator(3)));
                return Checkpoint.Serialize(new CheckpointComponents(wide, new Adam(wide.Parameters()), source.Trainer.Generators, source.Trainer.Preprocessors), 1);
            case "other optimizer":
                return Checkpoint.Serialize(source.Trainer.Components with { Optimizer = new Sgd(source.Model.Parameters(), 0.1) }, 1);
            default: throw new ArgumentException(kind);
        }
    }

    private static (int Code, string Output) RunResumeProcess(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "ResumeTraining.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: the test project references examples/ResumeTraining so it is copied next to the tests.");
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";
        var psi = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("exec");
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000)) { p.Kill(); throw new TimeoutException("ResumeTraining did not finish within 60 s."); }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }
}
