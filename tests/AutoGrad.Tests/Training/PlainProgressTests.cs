using System.Globalization;
using AutoGrad.Data;
using AutoGrad.Training;
using static AutoGrad.Tests.Training.TrainingFixtures;

namespace AutoGrad.Tests.Training;

public class PlainProgressTests
{
    [Fact]
    public void Text_has_a_batch_line_every_quarter_epoch_and_one_line_per_epoch()
    {
        // 8 examples in batches of 1 → 8 batches, batch lines at 2, 4, 6. The clock advances 1 s per reading: the epoch starts at
        // reading 0, batch b is read at b s, so after batch b: b samples in b s = 1 sample/s, and b·(8 − b)/b = 8 − b seconds left.
        var (train, validation) = Iris();
        var text = new StringWriter();
        var trainer = Trainer(Mlp(1), progress: text);
        trainer.Clock = new SteppingClock();
        var batches = new List<BatchRecord>();
        trainer.Callbacks.Add(new LambdaCallback { BatchEnd = (_, b) => batches.Add(b) });
        using var loader = new DataLoader(train.Subset(Enumerable.Range(0, 8).ToArray()), 1);
        trainer.Fit(loader, 2, validation);

        var expected = new List<string>();
        foreach (var epoch in new[] { 1, 2 })
        {
            foreach (var b in batches.Where(b => b.Epoch == epoch && b.Batch % 2 == 0 && b.Batch < 8))
                expected.Add(string.Create(CultureInfo.InvariantCulture,
                    $"epoch {epoch}/2 batch {b.Batch}/8: loss {b.EpochLoss:0.0000}, accuracy {b.EpochAccuracy:0.0000}, 1 samples/s, 0:0{8 - b.Batch} left"));
            var e = trainer.History.Epochs[epoch - 1];
            expected.Add(string.Create(CultureInfo.InvariantCulture,
                $"epoch {epoch}/2: loss {e.TrainLoss:0.0000}, accuracy {e.TrainAccuracy:0.0000}, val_loss {e.ValidationLoss:0.0000}, val_accuracy {e.ValidationAccuracy:0.0000}, lr 0.05, 9.00 s"));
        }
        Assert.Equal(expected, text.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(9.0, trainer.History.Epochs[0].Seconds);
    }

    [Fact]
    public void Short_epochs_print_only_epoch_lines_and_explicit_intervals_are_kept()
    {
        var (train, _) = Iris();
        var text = new StringWriter();
        var trainer = Trainer(Mlp(1), progress: text);
        using var loader = new DataLoader(train, 40);   // 3 batches: no batch lines by default
        trainer.Fit(loader, 3);
        var lines = text.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Matches(@"^epoch 3/3: loss \d\.\d{4}, accuracy \d\.\d{4}, lr 0\.05, \d+\.\d\d s$", lines[2]);

        text.GetStringBuilder().Clear();
        trainer.Progress = new PlainProgress(text, batchEvery: 1);
        trainer.Fit(loader, 1);
        lines = text.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["epoch 4/4 batch 1/3", "epoch 4/4 batch 2/3", "epoch 4/4: loss"], lines.Select(l => l[..Math.Min(l.Length, l.StartsWith("epoch 4/4 batch") ? 19 : 15)]));
    }

    private static string[] EpochsPrinted(StringWriter text) =>
        text.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Select(l => l[..l.IndexOf(':')]).ToArray();

    [Fact]
    public void Every_N_epochs_prints_multiples_of_N_and_always_the_first_and_last_epoch()
    {
        var (train, _) = Iris();
        var text = new StringWriter();
        var trainer = Trainer(Mlp(1), progress: text);
        trainer.Progress = new PlainProgress(text, batchEvery: 1, epochEvery: 4);
        using var loader = new DataLoader(train.Subset([0, 1, 2, 3]), 2);   // 2 batches: a batch line at batch 1 of printed epochs only
        trainer.Fit(loader, 10);
        Assert.Equal(["epoch 1/10 batch 1/2", "epoch 1/10", "epoch 4/10 batch 1/2", "epoch 4/10", "epoch 8/10 batch 1/2", "epoch 8/10",
            "epoch 10/10 batch 1/2", "epoch 10/10"], EpochsPrinted(text));
        var last = text.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries)[^1];
        Assert.Equal(PlainProgress.EpochLine(trainer.History.Epochs[9], 10), last);

        // A resumed fit starts counting again: its first epoch (11) and its last (13) are printed, and 12 as a multiple of 4.
        text.GetStringBuilder().Clear();
        trainer.Progress = new PlainProgress(text, batchEvery: -1, epochEvery: 4);
        trainer.Fit(loader, 3);
        Assert.Equal(["epoch 11/13", "epoch 12/13", "epoch 13/13"], EpochsPrinted(text));
    }

    [Fact]
    public void Every_N_epochs_still_prints_the_epoch_where_a_callback_stopped_training()
    {
        var (train, _) = Iris();
        var text = new StringWriter();
        var trainer = Trainer(Mlp(1), progress: text);
        trainer.Progress = new PlainProgress(text, batchEvery: -1, epochEvery: 5);
        trainer.Callbacks.Add(new LambdaCallback { EpochEnd = (t, e) => t.StopRequested |= e.Epoch == 7 });
        using var loader = new DataLoader(train.Subset([0, 1, 2, 3]), 4);
        trainer.Fit(loader, 20);
        Assert.Equal(["epoch 1/20", "epoch 5/20", "epoch 7/20"], EpochsPrinted(text));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PlainProgress(text, epochEvery: 0));
    }

    [Theory]
    [InlineData(0, "0:00")]
    [InlineData(59.4, "0:59")]
    [InlineData(61, "1:01")]
    [InlineData(3725, "1:02:05")]
    [InlineData(double.NaN, "?")]
    public void Durations_are_minutes_and_seconds(double seconds, string text) => Assert.Equal(text, PlainProgress.Duration(seconds));
}
