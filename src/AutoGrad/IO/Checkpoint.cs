using System.Globalization;
using AutoGrad.Data;
using AutoGrad.NN;
using AutoGrad.Optim;

namespace AutoGrad.IO;

/// <summary>What a full checkpoint saves and restores: a model, and optionally its optimizer, named random generators and named fitted preprocessors.</summary>
/// <param name="Model">The model whose parameters and buffers are saved.</param>
/// <param name="Optimizer">The optimizer whose state (moments, step count, learning rate) is saved, or null.</param>
/// <param name="Generators">Random sources by name (data-loader shuffling, dropout, augmentation), or null.</param>
/// <param name="Preprocessors">Fitted preprocessing by name (scalers), or null.</param>
public sealed record CheckpointComponents(Module Model, Optimizer? Optimizer = null, IReadOnlyDictionary<string, Generator>? Generators = null,
    IReadOnlyDictionary<string, IPreprocessor>? Preprocessors = null);

/// <summary>The scalars of a checkpoint: the completed epoch, the optimizer step <c>t</c> and the caller's metadata.</summary>
/// <param name="Epoch">Epochs completed when the checkpoint was written.</param>
/// <param name="Step">Optimizer steps taken (0 when no optimizer was saved).</param>
/// <param name="Metadata">The caller's string metadata (e.g. the training history as JSON).</param>
public sealed record CheckpointInfo(int Epoch, long Step, IReadOnlyDictionary<string, string> Metadata);

/// <summary>
/// Full training checkpoints in one safetensors file, so training resumes bit for bit (also in a fresh process).
/// </summary>
/// <remarks>
/// Layout (format version 1). Tensors: <c>model.{name}</c> for every parameter and buffer (as in <c>Module.StateDict</c>),
/// <c>optim.{index}.{name}</c> for optimizer state, <c>pre.{name}.{key}</c> for preprocessing state. <c>__metadata__</c> (strings):
/// <c>format = "autograd-checkpoint"</c> (the magic), <c>version = "1"</c>, <c>epoch</c>, <c>optimizer</c> (type name),
/// <c>optim.scalar.{name}</c> (step, lr; round-trip decimal), <c>generator.{name}</c> (six hex words of <c>Generator.GetState</c>),
/// <c>preprocessors</c> (comma-separated names), <c>user.{key}</c> (the caller's metadata), <c>checksum</c> (<c>sha256:</c> and the hex
/// SHA-256 of the tensors and the other metadata, Note [Checkpoint checksum] in <c>IO/CheckpointChecksum.cs</c>; files written before it
/// existed have none and still load). Model tensors are plain safetensors, so other tools can read the weights after stripping the
/// <c>model.</c> prefix.
/// Loading checks everything before writing anything: the checksum; format, version, names, shapes and dtypes; the optimizer's type,
/// its exact set of state tensors per parameter and its step count and learning rate (through the optimizer's own checks); finite
/// values and the ranges of statistics (second moments and BatchNorm running variances ≥ 0, scaler σ and ranges &gt; 0); generator
/// states. A bad file raises <see cref="InvalidDataException"/> naming the file and listing every fault, and leaves every component as
/// it was; so does a component that still refuses its state while being restored (see <see cref="Apply"/>).
/// </remarks>
public static class Checkpoint
{
    /// <summary>The value of <c>__metadata__["format"]</c> that marks an AutoGrad checkpoint.</summary>
    public const string FormatMarker = "autograd-checkpoint";

    /// <summary>The layout version written and read.</summary>
    public const int Version = 1;

    private const string ModelPrefix = "model.", OptimPrefix = "optim.", PrePrefix = "pre.", ScalarPrefix = "optim.scalar.", GeneratorPrefix = "generator.", UserPrefix = "user.";

    /// <summary>Writes the state of <paramref name="components"/> after <paramref name="epoch"/> epochs to <paramref name="path"/>, atomically:
    /// a uniquely named temporary file in the same folder, flushed to disk, then renamed over <paramref name="path"/>, so a crash or a
    /// concurrent save never leaves a partial checkpoint (Note [Atomic saves] in <c>IO/AtomicFile.cs</c>).</summary>
    public static void Save(string path, CheckpointComponents components, int epoch, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        AtomicFile.WriteAllBytes(path, Serialize(components, epoch, metadata));
    }

    /// <summary>The checkpoint bytes (see the remarks of <see cref="Checkpoint"/> for the layout).</summary>
    public static byte[] Serialize(CheckpointComponents components, int epoch, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(components);
        ArgumentNullException.ThrowIfNull(components.Model);
        if (epoch < 0) throw new ArgumentOutOfRangeException(nameof(epoch), $"Checkpoint.Save: epoch must be ≥ 0, got {epoch}.");
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var meta = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = FormatMarker,
            ["version"] = Version.ToString(CultureInfo.InvariantCulture),
            ["epoch"] = epoch.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (k, v) in components.Model.StateDict()) tensors[ModelPrefix + k] = v;
        if (components.Optimizer is { } opt)
        {
            var s = opt.StateDict();
            meta["optimizer"] = opt.GetType().Name;
            foreach (var (k, v) in s.Tensors) tensors[OptimPrefix + k] = v;
            foreach (var (k, v) in s.Scalars) meta[ScalarPrefix + k] = v.ToString("R", CultureInfo.InvariantCulture);
        }
        foreach (var (name, g) in components.Generators ?? new Dictionary<string, Generator>())
        {
            CheckName(name, "generator");
            meta[GeneratorPrefix + name] = string.Join(',', g.GetState().Select(w => w.ToString("x16", CultureInfo.InvariantCulture)));
        }
        var pre = components.Preprocessors ?? new Dictionary<string, IPreprocessor>();
        foreach (var (name, p) in pre)
        {
            CheckName(name, "preprocessor");
            if (!p.IsFitted) throw new InvalidOperationException($"Checkpoint.Save: preprocessor '{name}' is not fitted; fit it on the training data first.");
            foreach (var (k, v) in p.GetState()) tensors[$"{PrePrefix}{name}.{k}"] = v;
        }
        meta["preprocessors"] = string.Join(',', pre.Keys);
        foreach (var (k, v) in metadata ?? new Dictionary<string, string>()) meta[UserPrefix + k] = v;
        meta[CheckpointChecksum.Key] = CheckpointChecksum.Compute(tensors, meta);   // Note [Checkpoint checksum]
        return SafeTensors.Serialize(tensors, meta);
    }

    /// <summary>Restores <paramref name="components"/> from the checkpoint at <paramref name="path"/>; on any error nothing is changed.</summary>
    /// <exception cref="InvalidDataException">The file is malformed, not a checkpoint, or does not fit the components; the message names the file and every mismatch.</exception>
    public static CheckpointInfo Load(string path, CheckpointComponents components) => Apply(Read(path), components, path);

    /// <summary>Parses a checkpoint file without applying it (safetensors-level checks only).</summary>
    public static SafeTensorsContent Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Checkpoint: no file at '{path}'.", path);
        return SafeTensors.LoadWithMetadata(path);   // header first, bounded (see SafeTensors.Deserialize)
    }

    /// <summary>Checks <paramref name="content"/> against <paramref name="components"/> completely, then restores them; <paramref name="source"/> names the file in errors.</summary>
    /// <remarks>
    /// Validate, then commit: nothing is written until every check has passed (<c>IO/CheckpointValidation.cs</c>). The commit then
    /// snapshots each component before changing it, and if anything throws on the way (a custom preprocessor's <c>LoadState</c>,
    /// whatever its exception type) every component already changed is put back, in reverse order, before the error is reported.
    /// A load that throws is taken to have changed nothing itself (the library's own loads check before they write); a preprocessor
    /// that was not fitted before has no state to go back to, so those load last among the preprocessors.
    /// </remarks>
    /// <exception cref="InvalidDataException">Any mismatch, or a component that refused its state; nothing has been changed.</exception>
    public static CheckpointInfo Apply(SafeTensorsContent content, CheckpointComponents components, string source = "checkpoint")
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(components);
        var file = Path.GetFileName(source);
        var plan = CheckpointValidation.Validate(content, components, file);

        var undo = new Stack<(string What, Action Restore)>();
        string step = "";
        try
        {
            // Preprocessors first: only their LoadState is user code that may still refuse its state. Those that were not fitted
            // before have no previous state to return to, so they go last among them.
            foreach (var (p, state) in plan.Preprocessors.OrderBy(x => x.Preprocessor.IsFitted ? 0 : 1))
            {
                step = $"preprocessor '{NameOf(components, p)}'";
                var previous = p.IsFitted ? p.GetState().ToDictionary(kv => kv.Key, kv => kv.Value) : null;
                p.LoadState(state);
                if (previous is not null) undo.Push((step, () => p.LoadState(previous)));
            }
            step = "the model";
            var model = components.Model.StateDict();
            components.Model.LoadStateDict(plan.Model);
            undo.Push((step, () => components.Model.LoadStateDict(model)));
            if (components.Optimizer is { } opt)
            {
                step = "the optimizer";
                var previous = opt.StateDict();
                opt.LoadStateDict(plan.Optimizer!);
                undo.Push((step, () => opt.LoadStateDict(previous)));
            }
            foreach (var (g, state) in plan.Generators)
            {
                step = "a generator";
                var previous = g.GetState();
                g.SetState(state);
                undo.Push((step, () => g.SetState(previous)));
            }
        }
        catch (Exception e)
        {
            var failed = new List<string>();
            while (undo.TryPop(out var u))
            {
                try { u.Restore(); }
                catch (Exception r) { failed.Add($"{u.What} ({r.GetType().Name}: {r.Message})"); }
            }
            var outcome = failed.Count == 0 ? "every component was restored to its previous state; nothing was changed"
                : $"rolling back also failed for {string.Join(", ", failed)}";
            throw new InvalidDataException($"{file}: {step} rejected its state ({e.GetType().Name}: {e.Message}); {outcome}.", e);
        }
        return new CheckpointInfo(plan.Epoch, plan.Step, plan.User);
    }

    private static string NameOf(CheckpointComponents components, IPreprocessor p) =>
        components.Preprocessors?.FirstOrDefault(kv => ReferenceEquals(kv.Value, p)).Key ?? "?";

    internal static void CheckName(string name, string what)
    {
        if (string.IsNullOrEmpty(name) || name.Contains(',') || name.Contains('.'))
            throw new ArgumentException($"Checkpoint: {what} name '{name}' must be non-empty without ',' or '.'.");
    }

    internal static (string Model, string Optim, string Pre, string Scalar, string Generator, string User) Prefixes =>
        (ModelPrefix, OptimPrefix, PrePrefix, ScalarPrefix, GeneratorPrefix, UserPrefix);
}
