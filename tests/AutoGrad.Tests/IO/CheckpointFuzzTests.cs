using AutoGrad.IO;
using FsCheck;
using FsCheck.Fluent;
using ResumeTraining;
using Xunit.Abstractions;

namespace AutoGrad.Tests.IO;

// The checkpoint reader on damaged files: only InvalidDataException, and a failed load changes nothing.
public class CheckpointFuzzTests(ITestOutputHelper output)
{
    private static readonly byte[] Valid = MakeValid();

    private static byte[] MakeValid()
    {
        var recipe = new ResumeRecipe(seed: 7);
        recipe.Train(1);
        return Checkpoint.Serialize(recipe.Trainer.Components, recipe.Trainer.CompletedEpochs);
    }

    private int _rejected;

    private bool LoadLeavesStateIntactOnError(byte[] bytes)
    {
        var target = new ResumeRecipe(seed: 11);
        var weights = target.WeightBytes();
        var optimizer = target.OptimizerBytes();
        var shuffle = target.Shuffle.GetState();
        try
        {
            Checkpoint.Apply(SafeTensors.Deserialize(bytes, "fuzz.ckpt"), target.Trainer.Components, "fuzz.ckpt");
        }
        catch (InvalidDataException e)
        {
            _rejected++;
            Assert.StartsWith("fuzz.ckpt", e.Message);
            Assert.Equal(weights, target.WeightBytes());
            Assert.Equal(optimizer, target.OptimizerBytes());
            Assert.Equal(shuffle, target.Shuffle.GetState());
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"checkpoint load threw {e.GetType().Name} on {bytes.Length} bytes: {e.Message}");
        }
        return true;
    }

    [Fact]
    public void Truncated_or_mutated_checkpoints_raise_only_InvalidDataException_and_change_nothing()
    {
        // Most mutations aim at the 8-byte length and the JSON header, where the structure lives.
        int header = (int)Math.Min(Valid.Length - 1, 8 + BitConverter.ToInt64(Valid, 0));
        var gen = from cut in Gen.Choose(0, Valid.Length)
                  from inHeader in Gen.Choose(0, 9)
                  from pos in inHeader < 8 ? Gen.Choose(0, header) : Gen.Choose(0, Valid.Length - 1)
                  from value in Gen.Choose(0, 255)
                  from mutate in ArbMap.Default.GeneratorFor<bool>()
                  select mutate ? Mutated(pos, (byte)value) : Valid[..cut];
        int n = Fuzz.Iterations(150);
        Prop.ForAll(gen.ToArbitrary(), LoadLeavesStateIntactOnError).Check(Config.QuickThrowOnFailure.WithMaxTest(n));
        Assert.True(_rejected > n / 3, $"only {_rejected} of {n} damaged files were rejected: the generator hardly damages the structure");
    }

    [Fact]
    public void Random_bytes_raise_only_InvalidDataException()
    {
        int n = Fuzz.Iterations(100);
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), LoadLeavesStateIntactOnError).Check(Config.QuickThrowOnFailure.WithMaxTest(n));
        Assert.Equal(n, _rejected);
    }

    [Fact]
    public void Damaged_checkpoint_files_through_the_header_first_file_reader_raise_only_InvalidDataException()
    {
        // File-level corruption (truncation anywhere, bit flips in the length and JSON header) through Checkpoint.Load(path);
        // what the values mean is checked by CheckpointValidation and its own tests.
        var dir = Directory.CreateTempSubdirectory("autograd-ckpt-fuzz");
        try
        {
            var path = Path.Combine(dir.FullName, "fuzz.ckpt");
            int header = 8 + (int)BitConverter.ToInt64(Valid, 0);
            var gen = Gen.Frequency((1, Fuzz.Truncations(Valid)), (2, Fuzz.BitFlips(Valid, header)));
            var t = Fuzz.Run(output, "checkpoint files: truncations and header bit flips", gen, 300, "fuzz.ckpt", bytes =>
            {
                File.WriteAllBytes(path, bytes);
                var target = new ResumeRecipe(seed: 11);
                var weights = target.WeightBytes();
                try { Checkpoint.Load(path, target.Trainer.Components); }
                catch (InvalidDataException) { Assert.Equal(weights, target.WeightBytes()); throw; }
            });
            Assert.True(t.Rejected > t.Total / 2, t.ToString());
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void The_undamaged_checkpoint_loads()
    {
        var target = new ResumeRecipe(seed: 11);
        var info = Checkpoint.Apply(SafeTensors.Deserialize(Valid, "ok.ckpt"), target.Trainer.Components, "ok.ckpt");
        Assert.Equal(1, info.Epoch);
    }

    private static byte[] Mutated(int pos, byte value)
    {
        var b = (byte[])Valid.Clone();
        b[pos] = value;
        return b;
    }
}
