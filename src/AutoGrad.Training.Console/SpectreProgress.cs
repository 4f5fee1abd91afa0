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
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
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
        _task.Description = string.Create(CultureInfo.InvariantCulture,
            $"{Label(record.Epoch, record.TotalEpochs)} {record.Batch}/{record.BatchCount} loss {record.EpochLoss:0.0000}{acc} {record.SamplesPerSecond:0} samples/s");
        _task.Value = record.Batch;
    }

    /// <summary>Completes the epoch's bar with the epoch's statistics.</summary>
    public void OnEpochEnd(Trainer trainer, EpochRecord record)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(record);
        if (_task is null) return;
        _task.Description = Markup.Escape(PlainProgress.EpochLine(record, trainer.FinalEpoch));
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

    private static string Label(int epoch, int total) => string.Create(CultureInfo.InvariantCulture, $"epoch {epoch}/{total}");
}

/// <summary>Chooses the progress display for the current process's standard output.</summary>
public static class TrainingProgress
{
    /// <summary>A live <see cref="SpectreProgress"/> bar when standard output is an interactive terminal, else plain lines (<see cref="PlainProgress"/>) on it.</summary>
    public static ITrainingCallback ForConsole() =>
        !System.Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive ? new SpectreProgress() : new PlainProgress(System.Console.Out);
}
