namespace AutoGrad.Distributed.Tests;

// The README's example under mpirun: Trainer unchanged on a DDP model, progress on rank 0 only, both ranks learn.
public sealed class DistributedMnistTests
{
    [FactWithMpi]
    public void Two_ranks_train_the_digits_with_one_progress_log()
    {
        var (code, output) = MpiRun.Ranks(2, Path.Combine(AppContext.BaseDirectory, "DistributedMnist.dll"), ["--digits", "--epochs", "2"]);
        Assert.True(code == 0, output);
        Assert.Contains("digits: 1438 training, 359 test examples; MLP 64-128-10; 2 ranks × batch 64; 38,440 gradient bytes per step in 1 bucket(s)", output);
        Assert.Equal(1, Count(output, "epoch 1/2:"));   // rank 0 alone logs
        Assert.Equal(1, Count(output, "epoch 2/2:"));
        var line = output.Split('\n').Single(l => l.StartsWith("test accuracy", StringComparison.Ordinal));
        double accuracy = double.Parse(line.Split(' ')[2].TrimEnd(','), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(accuracy > 0.5, line);   // 10 classes: chance is 0.1
    }

    private static int Count(string text, string part) => (text.Length - text.Replace(part, "").Length) / part.Length;
}
