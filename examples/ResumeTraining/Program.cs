// Resumes training from a checkpoint in a fresh process: the tests run this program to check that
// "1 epoch, save, load here, 1 more epoch" equals "2 epochs" byte for byte.
//   ResumeTraining train  <epochs> <checkpoint-out>
//   ResumeTraining resume <checkpoint> <epochs> <weights-out> [<optimizer-out>]
//   ResumeTraining        (demo: both halves in this process, prints whether they match)
using ResumeTraining;

if (args.Length >= 3 && args[0] == "train")
{
    var r = new ResumeRecipe(seed: 42);
    r.Train(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture));
    r.Trainer.SaveCheckpoint(args[2]);
    return 0;
}
if (args.Length >= 4 && args[0] == "resume")
{
    // A different seed: everything that matters must come from the checkpoint.
    var r = new ResumeRecipe(seed: 999);
    var info = r.Trainer.LoadCheckpoint(args[1]);
    r.Train(int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
    File.WriteAllBytes(args[3], r.WeightBytes());
    if (args.Length >= 5) File.WriteAllBytes(args[4], r.OptimizerBytes());
    Console.WriteLine($"resumed after epoch {info.Epoch} (step {info.Step}); now at epoch {r.Trainer.CompletedEpochs}");
    return 0;
}
if (args.Length == 0)
{
    var straight = new ResumeRecipe(seed: 42, Console.Out);
    straight.Train(2);
    var path = Path.Combine(Path.GetTempPath(), $"resume-demo-{Environment.ProcessId}.safetensors");
    var first = new ResumeRecipe(seed: 42);
    first.Train(1);
    first.Trainer.SaveCheckpoint(path);
    var second = new ResumeRecipe(seed: 999);
    second.Trainer.LoadCheckpoint(path);
    second.Train(1);
    File.Delete(path);
    bool same = straight.WeightBytes().AsSpan().SequenceEqual(second.WeightBytes());
    Console.WriteLine(same ? "resumed weights equal the uninterrupted run's, bit for bit" : "MISMATCH between resumed and uninterrupted runs");
    return same ? 0 : 1;
}
Console.Error.WriteLine("usage: ResumeTraining [train <epochs> <checkpoint-out> | resume <checkpoint> <epochs> <weights-out> [<optimizer-out>]]");
return 2;
