using System.Globalization;
using AutoGrad.Differentiation;
using AutoGrad.Data;
using AutoGrad.NN;
using AutoGrad.Optim;

namespace AutoGrad.IO;

/// <summary>Everything a checkpoint will write, collected only after every check has passed.</summary>
internal sealed record CheckpointPlan(int Epoch, long Step, Dictionary<string, Tensor> Model, OptimizerState? Optimizer,
    List<(Generator Generator, ulong[] State)> Generators, List<(IPreprocessor Preprocessor, Dictionary<string, Tensor> State)> Preprocessors,
    Dictionary<string, string> User);

// Validation is separate from Checkpoint.Apply so that "check everything, then write" is visible in the structure: this file
// reads only, and collects every problem so one error message lists them all. It checks meaning, not only form: the same rules
// the components apply to themselves (Optimizer.StateProblems is what LoadStateDict runs; a generator state goes through
// Generator.SetState on a scratch generator), finite values, and the ranges statistics must lie in (Note [Checkpoint checksum]
// in CheckpointChecksum.cs covers damage that stays in range).
internal static class CheckpointValidation
{
    public static CheckpointPlan Validate(SafeTensorsContent content, CheckpointComponents components, string file)
    {
        var (modelP, optimP, preP, scalarP, generatorP, userP) = Checkpoint.Prefixes;
        var meta = content.Metadata;
        InvalidDataException Bad(string problem) => new($"{file}: {problem} Nothing was changed.");

        if (!meta.TryGetValue("format", out var format) || format != Checkpoint.FormatMarker)
            throw Bad($"not an AutoGrad checkpoint: __metadata__ has format '{format ?? "(none)"}', expected '{Checkpoint.FormatMarker}' (a plain weights file loads with SafeTensors.Load and Module.LoadStateDict).");
        if (!meta.TryGetValue("version", out var version) || version != Checkpoint.Version.ToString(CultureInfo.InvariantCulture))
            throw Bad($"checkpoint format version '{version ?? "(none)"}' is not supported (this library reads version {Checkpoint.Version}).");
        if (CheckpointChecksum.Problem(content) is { } damaged) throw Bad(damaged + ".");
        if (!meta.TryGetValue("epoch", out var epochText) || !int.TryParse(epochText, NumberStyles.None, CultureInfo.InvariantCulture, out int epoch)
            || epoch == int.MaxValue)
            throw Bad($"the epoch '{epochText ?? "(none)"}' is not an integer in [0, {int.MaxValue - 1}].");

        var errors = new List<string>();
        var model = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var optimTensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var preTensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (k, v) in content.Tensors)
        {
            if (k.StartsWith(modelP, StringComparison.Ordinal)) model[k[modelP.Length..]] = v;
            else if (k.StartsWith(optimP, StringComparison.Ordinal)) optimTensors[k[optimP.Length..]] = v;
            else if (k.StartsWith(preP, StringComparison.Ordinal)) preTensors[k[preP.Length..]] = v;
            else errors.Add($"unexpected tensor '{k}' (not model., optim. or pre.)");
        }

        // Model: the same names, shapes and dtypes, so a checkpoint of another architecture is refused as a whole; finite values,
        // and what a layer needs of its statistics (BatchNorm: running_var ≥ 0).
        var targets = components.Model.NamedParameters().Concat(components.Model.NamedBuffers()).ToList();
        foreach (var (k, t) in targets)
        {
            if (!model.TryGetValue(k, out var s)) errors.Add($"the model's '{k}' ({t.DType.Name()} {t.Shape}) is missing from the checkpoint");
            else if (s.Shape != t.Shape || s.DType != t.DType) errors.Add($"'{k}' is {s.DType.Name()} {s.Shape} in the checkpoint but {t.DType.Name()} {t.Shape} in the model");
            else if (TensorStats.Of(s) is { IsFinite: false } st) errors.Add($"the model's '{k}' has {st.NaNs} NaN and {st.Infinities} infinite values");
        }
        var known = targets.Select(t => t.Key).ToHashSet(StringComparer.Ordinal);
        errors.AddRange(model.Keys.Where(k => !known.Contains(k)).Select(k => $"the checkpoint's '{k}' is not in the model"));
        CheckLayers(components.Model, "", model, errors);

        OptimizerState? optimState = null;
        long step = 0;
        if (components.Optimizer is { } opt)
        {
            meta.TryGetValue("optimizer", out var type);
            optimState = new OptimizerState();
            foreach (var (k, v) in meta.Where(m => m.Key.StartsWith(scalarP, StringComparison.Ordinal)))
            {
                if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) optimState.Scalars[k[scalarP.Length..]] = d;
                else errors.Add($"optimizer scalar '{k}' = '{v}' is not a number");
            }
            foreach (var (k, v) in optimTensors) optimState.Tensors[k] = v;
            if (type != opt.GetType().Name) errors.Add($"the checkpoint's optimizer is '{type ?? "(none)"}' but the optimizer given is '{opt.GetType().Name}'");
            else errors.AddRange(opt.StateProblems(optimState).Select(p => $"optimizer: {p.Replace("state '", "state 'optim.", StringComparison.Ordinal)}"));
            if (optimState.Scalars.TryGetValue("step", out var st)) step = (long)Math.Clamp(st, 0, Optimizer.MaxStepCount);
        }

        var generators = new List<(Generator, ulong[])>();
        var scratch = new Generator(0);
        foreach (var (name, g) in components.Generators ?? new Dictionary<string, Generator>())
        {
            if (!meta.TryGetValue(generatorP + name, out var text)) { errors.Add($"generator '{name}' is not in the checkpoint"); continue; }
            var words = text.Split(',');
            var state = new ulong[words.Length];
            bool ok = words.Length == 6;
            for (int i = 0; ok && i < words.Length; i++) ok = ulong.TryParse(words[i], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out state[i]);
            if (!ok) { errors.Add($"generator '{name}' state '{text}' is not six hexadecimal words"); continue; }
            // xoshiro256** with all four state words zero only ever returns zero, and Randn's rejection loop never ends; then
            // whatever else the generator's own SetState refuses (run on a scratch instance, so nothing real changes).
            if (state[0] == 0 && state[1] == 0 && state[2] == 0 && state[3] == 0) { errors.Add($"generator '{name}' state is all zero (a xoshiro generator would return 0 forever)"); continue; }
            try { scratch.SetState(state); }
            catch (Exception e) { errors.Add($"generator '{name}' state is rejected: {e.Message}"); continue; }
            generators.Add((g, state));
        }

        var preprocessors = new List<(IPreprocessor, Dictionary<string, Tensor>)>();
        var savedPre = (meta.TryGetValue("preprocessors", out var list) ? list : "").Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, p) in components.Preprocessors ?? new Dictionary<string, IPreprocessor>())
        {
            if (!savedPre.Contains(name)) { errors.Add($"preprocessor '{name}' is not in the checkpoint"); continue; }
            var state = preTensors.Where(t => t.Key.StartsWith(name + ".", StringComparison.Ordinal)).ToDictionary(t => t.Key[(name.Length + 1)..], t => t.Value);
            if (p.IsFitted)
                foreach (var (k, v) in p.GetState())
                    if (!state.TryGetValue(k, out var s)) errors.Add($"preprocessor '{name}' state '{k}' is missing");
                    else if (s.Shape != v.Shape || s.DType != v.DType) errors.Add($"preprocessor '{name}' state '{k}' is {s.DType.Name()} {s.Shape} in the checkpoint but {v.DType.Name()} {v.Shape} now");
            // The scalers' range checks (σ > 0, max − min > 0, finite) live in their LoadState, which Checkpoint.Apply runs first
            // and rolls back; they are repeated here so the message lists them with everything else.
            if (Scaling.StateProblems(p, state) is { } scalerProblems) errors.AddRange(scalerProblems.Select(q => $"preprocessor '{name}': {q}"));
            preprocessors.Add((p, state));
        }

        if (errors.Count > 0) throw Bad($"the checkpoint does not fit: {string.Join("; ", errors)}.");
        var user = meta.Where(m => m.Key.StartsWith(userP, StringComparison.Ordinal)).ToDictionary(m => m.Key[userP.Length..], m => m.Value);
        return new CheckpointPlan(epoch, step, model, optimState, generators, preprocessors, user);
    }

    // Layer-specific ranges, found by walking the module tree with the same qualified names as Module.NamedBuffers.
    private static void CheckLayers(Module module, string prefix, Dictionary<string, Tensor> model, List<string> errors)
    {
        if (module is BatchNorm bn) errors.AddRange(bn.StateProblems(prefix, model));
        foreach (var (name, child) in module.Children()) CheckLayers(child, prefix + name + ".", model, errors);
    }
}
