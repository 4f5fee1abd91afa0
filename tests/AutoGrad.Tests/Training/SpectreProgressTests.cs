using AutoGrad.Data;
using AutoGrad.Training;
using AutoGrad.Training.Console;
using Spectre.Console;
using Spectre.Console.Testing;
using static AutoGrad.Tests.Training.TrainingFixtures;

namespace AutoGrad.Tests.Training;

public class SpectreProgressTests
{
    [Fact]
    public void Live_display_ends_with_each_epochs_statistics()
    {
        var (train, validation) = Iris();
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.Yes, Out = new AnsiConsoleOutput(text),
        });
        console.Profile.Width = 200;
        var trainer = Trainer(Mlp(1));
        trainer.Progress = new SpectreProgress(console);
        using var loader = new DataLoader(train, 16);
        trainer.Fit(loader, 2, validation);
        var output = text.ToString();
        // Intermediate frames depend on Spectre's 100 ms refresh timer, so only the final frame is asserted.
        foreach (var e in trainer.History.Epochs)
            Assert.Contains(PlainProgress.EpochLine(e, 2)[..^7], output);   // the line without its trailing "x.xx s"
    }

    [Fact]
    public void At_80_columns_every_row_shows_its_epoch_and_loss()
    {
        var (train, validation) = Iris();
        using var console = new TestConsole().Width(80).Interactive();
        var trainer = Trainer(Mlp(1));
        trainer.Progress = new SpectreProgress(console);
        using var loader = new DataLoader(train, 16);
        trainer.Fit(loader, 2, validation);
        var output = console.Output;
        foreach (var e in trainer.History.Epochs)
        {
            Assert.Contains(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"epoch {e.Epoch}/2"), output);
            Assert.Contains(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"loss {e.TrainLoss:0.0000}"), output);
        }
        // With 0.49 and a 40-column bar every row read "…"; now each fits (Spectre pads some blank lines with spaces beyond the width).
        Assert.DoesNotContain("…", output);
        Assert.All(console.Lines, l => Assert.True(l.TrimEnd().Length <= 80, $"{l.TrimEnd().Length} columns: '{l}'"));
    }

    [Fact]
    public void A_failing_fit_still_stops_the_display()
    {
        var (train, _) = Iris();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, Interactive = InteractionSupport.No, Out = new AnsiConsoleOutput(new StringWriter()) });
        var model = Mlp(1);
        var trainer = new Trainer(model, (y, b) => y.Sum(1), new AutoGrad.Optim.Sgd(model.Parameters(), 0.1)) { Progress = new SpectreProgress(console) };
        using var loader = new DataLoader(train, 16);
        var e = Assert.Throws<InvalidOperationException>(() => trainer.Fit(loader, 1));
        Assert.Contains("the loss must be a scalar", e.Message);
    }
}
