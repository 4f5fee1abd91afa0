namespace AutoGrad.Data;

internal static class Scaling
{
    // The one check of a fitted scaler's statistics, run by LoadState and by checkpoint validation (IO/CheckpointValidation.cs):
    // offsets finite, scales finite and > 0 (Fit stores 1 where a feature was constant, so 0 never comes from fitting).
    public static List<string> Problems(string offsetName, Tensor offset, string scaleName, Tensor scale)
    {
        var problems = new List<string>();
        if (offset.Shape != scale.Shape) problems.Add($"{offsetName} {offset.Shape} and {scaleName} {scale.Shape} differ in shape");
        var o = Differentiation.TensorStats.Of(offset);
        if (!o.IsFinite) problems.Add($"{offsetName} has {o.NaNs} NaN and {o.Infinities} infinite values");
        var values = scale.ToDoubleArray();
        int bad = Array.FindIndex(values, v => !(v > 0 && double.IsFinite(v)));
        if (bad >= 0)
            problems.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{scaleName} must be finite and > 0 for every feature, got {values[bad]:R} at feature {bad} ({values.Count(v => !(v > 0 && double.IsFinite(v)))} bad)"));
        return problems;
    }

    /// <summary>The problems of <paramref name="state"/> for the library's scalers; null for other preprocessors (their LoadState decides).</summary>
    public static List<string>? StateProblems(IPreprocessor preprocessor, IReadOnlyDictionary<string, Tensor> state) => preprocessor switch
    {
        StandardScaler when state.TryGetValue("mean", out var m) && state.TryGetValue("std", out var s) => Problems("mean", m, "std", s),
        MinMaxScaler when state.TryGetValue("min", out var m) && state.TryGetValue("range", out var r) => Problems("min", m, "range", r),
        _ => null,
    };

    public static void CheckFitInput(Tensor x, string owner)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank < 1 || x.Shape[0] == 0)
            throw new ArgumentException($"{owner}.Fit: needs at least one example along axis 0, got shape {x.Shape}.");
    }

    public static void CheckTransformInput(Tensor x, Tensor parameter, string owner)
    {
        ArgumentNullException.ThrowIfNull(x);
        var example = new Shape(x.Rank == 0 ? [] : x.Shape.ToArray()[1..]);
        if (example != parameter.Shape)
            throw new ArgumentException($"{owner}.Transform: examples of shape {example} (input {x.Shape}) but the scaler was fitted on examples of shape {parameter.Shape}.");
    }
}
