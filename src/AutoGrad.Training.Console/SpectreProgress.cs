using System.Globalization;
using AutoGrad.Training;
using Spectre.Console;

namespace AutoGrad.Training.Console;

/// <summary>
/// A live terminal progress display for <see cref="Trainer.Fit"/>: one bar per epoch filled batch by batch, with the running loss and
/// accuracy, samples per second and the estimated time left; finished epochs keep a line with their training and validation statistics.
/// </summary>
/// <remarks>
/// Spectre.Console's progress display runs its render loop inside <c>Progress.Start</c>, while the training loop pushes events; so the
/// display runs on its own thread from <see cref="OnTrainBegin"/> to <see cref="OnTrainEnd"/> and the callbacks update its tasks, which
/// Spectre guards with its own lock.
/// Every row must fit the terminal: Spectre shrinks the description column first, and with its default 40-column bar an 80-column
/// terminal left the description a single "…". Below <see cref="WideColumns"/> columns the bar is narrow and the text compact
/// (<c>epoch 2/10 25/100 loss 0.4321 acc 0.8750</c>, finished: <c>epoch 2/10 loss 0.4000 acc 0.8800 val_loss 0.4500</c>); from it on,
/// the bar is 40 wide and finished epochs show <see cref="PlainProgress.EpochLine"/>.
/// </remarks>
public sealed class SpectreProgress : ITrainingCallback
{
    private readonly IAnsiConsole _console;
    private readonly ManualResetEventSlim _ready = new(), _finished = new();
    private Thread? _thread;
    private ProgressContext? _context;
    private ProgressTask? _task;
    private Exception? _failure;

    /// <summary>A display on <paramref name="console"/> (the process's terminal when null).</summary>
    public SpectreProgress(IAnsiConsole? console = null) => _console = console ?? AnsiConsole.Console;

    /// <summary>The terminal width from which rows use the full text and a 40-column bar.</summary>
    public const int WideColumns = 120;

    private bool Wide => _console.Profile.Width >= WideColumns;

    /// <summary>Starts the live display.</summary>
    public void OnTrainBegin(Trainer trainer)
    {
        _ready.Reset();
        _finished.Reset();
        _thread = new Thread(() =>
        {
            try
            {
                _console.Progress().AutoClear(false).HideCompleted(false)
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = Wide ? 40 : 12 }, new PercentageColumn(),
                        new RemainingTimeColumn())
                    .Start(ctx =>
                    {
                        _context = ctx;
                        _ready.Set();
                        _finished.Wait();
                    });
            }
            catch (Exception e) { _failure = e; }
            finally { _ready.Set(); }
        }) { IsBackground = true, Name = "AutoGrad progress" };
        _thread.Start();
        _ready.Wait();
    }

    /// <summary>Opens the bar of a new epoch (its length is set by the first batch).</summary>
    public void OnEpochBegin(Trainer trainer, int epoch) => _task = null;

    /// <summary>Advances the epoch's bar and shows the running loss, accuracy and throughput.</summary>
    public void OnBatchEnd(Trainer trainer, BatchRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (_context is null) return;
        _task ??= _context.AddTask(Label(record.Epoch, record.TotalEpochs), maxValue: record.BatchCount);
        var acc = double.IsNaN(record.EpochAccuracy) ? "" : string.Create(CultureInfo.InvariantCulture, $" acc {record.EpochAccuracy:0.0000}");
        var speed = Wide ? string.Create(CultureInfo.InvariantCulture, $" {record.SamplesPerSecond:0} samples/s") : "";
        _task.Description = string.Create(CultureInfo.InvariantCulture,
            $"{Label(record.Epoch, record.TotalEpochs)} {record.Batch}/{record.BatchCount} loss {record.EpochLoss:0.0000}{acc}{speed}");
        _task.Value = record.Batch;
    }

    /// <summary>Completes the epoch's bar with the epoch's statistics.</summary>
    public void OnEpochEnd(Trainer trainer, EpochRecord record)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(record);
        if (_task is null) return;
        _task.Description = Markup.Escape(Wide ? PlainProgress.EpochLine(record, trainer.FinalEpoch) : CompactLine(record, trainer.FinalEpoch));
        _task.Value = _task.MaxValue;
        _task.StopTask();
    }

    /// <summary>Stops the live display and waits for its last frame.</summary>
    public void OnTrainEnd(Trainer trainer)
    {
        _finished.Set();
        _thread?.Join();
        (_thread, _context, _task) = (null, null, null);
        if (_failure is { } f) { _failure = null; throw new InvalidOperationException($"SpectreProgress: the display failed: {f.Message}", f); }
    }

    private static string CompactLine(EpochRecord r, int total)
    {
        var acc = double.IsNaN(r.TrainAccuracy) ? "" : string.Create(CultureInfo.InvariantCulture, $" acc {r.TrainAccuracy:0.0000}");
        var val = r.HasValidation ? string.Create(CultureInfo.InvariantCulture, $" val_loss {r.ValidationLoss:0.0000}") : "";
        return string.Create(CultureInfo.InvariantCulture, $"{Label(r.Epoch, total)} loss {r.TrainLoss:0.0000}{acc}{val}");
    }

    private static string Label(int epoch, int total) => string.Create(CultureInfo.InvariantCulture, $"epoch {epoch}/{total}");
}

/// <summary>Chooses the progress display for the current process's standard output.</summary>
public static class TrainingProgress
{
    /// <summary>A live <see cref="SpectreProgress"/> bar when standard output is an interactive terminal, else plain lines (<see cref="PlainProgress"/>) on it.</summary>
    public static ITrainingCallback ForConsole() =>
        !System.Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive ? new SpectreProgress() : new PlainProgress(System.Console.Out);
}
