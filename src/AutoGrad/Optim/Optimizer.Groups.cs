using System.Globalization;

namespace AutoGrad.Optim;

// Note [Parameter groups]
// An optimizer holds one or more groups (PyTorch's param_groups). The constructor's hyper-parameters are the defaults; each
// ParameterGroup may override any option the optimizer has, and the optimizer keeps a resolved copy of each group with every option
// filled in (ParamGroups), read by Step for that group's parameters. A plain parameter list is one group built from the defaults, so
// a single-group optimizer computes exactly what it did before groups existed (same operations on the same doubles).
//
// Learning rates. Optimizer.LearningRate is the default rate η; setting it (as LearningRateSchedule.Apply and the Trainer do) sets
// each group's rate to η·(η_g⁰/η⁰), η_g⁰ being the group's rate at construction and η⁰ the constructor's. A group whose initial rate
// equals the default gets η itself, bit for bit (no multiply), so schedules "scale each group's own base rate" as PyTorch's schedulers
// scale each group's initial_lr. A group's rate may also be set directly (ParamGroups[g].LearningRate) until the next such scaling.
//
// State. Per-parameter tensors are keyed by the parameter's index in Parameters (group after group), as PyTorch's state_dict numbers
// them. The scalars are step and lr (the default rate) as before; with several groups, or a single group whose rate is not the
// default, also group.{g}.lr and group.{g}.params (its parameter count, checked on load so state never lands in the wrong group).
// A state without group scalars (every checkpoint written before groups existed) loads into a single-group optimizer: its group
// gets lr scaled as above.
public abstract partial class Optimizer
{
    private const string GroupPrefix = "group.";

    private static IEnumerable<ParameterGroup> PlainGroup(IEnumerable<Tensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return new[] { new ParameterGroup(parameters) };
    }

    private static string GroupKey(int group, string what) => string.Create(CultureInfo.InvariantCulture, $"{GroupPrefix}{group}.{what}");

    // Parses "group.{g}.lr" / "group.{g}.params".
    private static bool TryParseGroupKey(string key, out int group, out string what)
    {
        (group, what) = (-1, "");
        if (!key.StartsWith(GroupPrefix, StringComparison.Ordinal)) return false;
        var rest = key.AsSpan(GroupPrefix.Length);
        int dot = rest.IndexOf('.');
        if (dot <= 0 || !int.TryParse(rest[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out group)) return false;
        what = rest[(dot + 1)..].ToString();
        return what is "lr" or "params";
    }

    private static bool IsGroupKey(string key) => TryParseGroupKey(key, out _, out _);

    // ", parameter group 1 'no_decay'" for messages about a group's option; empty for an optimizer built from a plain list.
    private protected string InGroup(int group) =>
        _plain ? "" : string.Create(CultureInfo.InvariantCulture, $" (parameter group {group}{_groups[group].Label})");

    // Fills in the subclass's own options of every group (its constructor defaults where the group set none).
    private protected void ResolveGroups(Func<ParameterGroup, ParameterGroup> fill)
    {
        for (int g = 0; g < _groups.Length; g++) _groups[g] = fill(_groups[g]);
    }

    // Each group's rate for the default rate η (Note [Parameter groups]); problem set (and nothing to apply) when one is out of range.
    private double[] ScaledRates(double eta, out string? problem)
    {
        problem = null;
        var rates = new double[_groups.Length];
        for (int g = 0; g < _groups.Length; g++)
        {
            double initial = _groups[g].InitialLearningRate!.Value;
            if (initial == InitialLearningRate) { rates[g] = eta; continue; }
            if (InitialLearningRate == 0)
            {
                problem = $"cannot scale parameter group {g}'s learning rate: the optimizer's initial learning rate is 0, so its ratio to the group's {initial.ToString("R", CultureInfo.InvariantCulture)} is undefined";
                return rates;
            }
            rates[g] = eta * (initial / InitialLearningRate);
            if (LearningRateProblem(rates[g]) is { } bad) { problem = $"parameter group {g}: {bad}"; return rates; }
        }
        return rates;
    }

    // The group rates a valid state restores: its group.{g}.lr scalars, or the scaled lr when it has none.
    private double[] RestoredRates(OptimizerState state, out string? problem)
    {
        problem = null;
        if (!state.Scalars.Keys.Any(IsGroupKey))
            return state.Scalars.TryGetValue("lr", out var lr) && LearningRateProblem(lr) is null ? ScaledRates(lr, out problem) : new double[_groups.Length];
        var rates = new double[_groups.Length];
        for (int g = 0; g < _groups.Length; g++) rates[g] = state.Scalars.GetValueOrDefault(GroupKey(g, "lr"));
        return rates;
    }

    private void GroupProblems(OptimizerState state, List<string> problems)
    {
        string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        int count = 0;
        foreach (var k in state.Scalars.Keys)
            if (TryParseGroupKey(k, out int g, out _)) count = Math.Max(count, g + 1);
        if (count == 0)
        {
            if (_groups.Length > 1)
                problems.Add($"the state has no group scalars (it was saved by an optimizer with one parameter group) but this optimizer has {_groups.Length} parameter groups");
            else
            {
                RestoredRates(state, out var problem);
                if (problem is not null) problems.Add(problem);
            }
            return;
        }
        if (count != _groups.Length) problems.Add($"the state has {count} parameter groups but this optimizer has {_groups.Length}");
        for (int g = 0; g < count; g++)
        {
            if (!state.Scalars.TryGetValue(GroupKey(g, "lr"), out var lr)) problems.Add($"the scalar '{GroupKey(g, "lr")}' is missing");
            else if (LearningRateProblem(lr) is { } bad) problems.Add($"parameter group {g}: {bad}");
            if (!state.Scalars.TryGetValue(GroupKey(g, "params"), out var n)) problems.Add($"the scalar '{GroupKey(g, "params")}' is missing");
            else if (g < _groups.Length && n != _groups[g].Parameters.Count)
                problems.Add($"parameter group {g} has {F(n)} parameters in the state but {_groups[g].Parameters.Count} in this optimizer");
        }
    }
}
