namespace AutoGrad.Data;

/// <summary>
/// A preprocessing step <c>x ↦ T(x)</c> whose parameters are fitted on training data only and then applied
/// unchanged to validation and test data; its state round-trips through a dictionary of tensors.
/// </summary>
/// <remarks>Any preprocessing transformation must be fitted on the training data only, so nothing leaks from validation or test data.</remarks>
public interface IPreprocessor
{
    /// <summary>True once <see cref="Fit"/> or <see cref="LoadState"/> has set the parameters.</summary>
    bool IsFitted { get; }

    /// <summary>Learns the parameters from training examples <c>x</c> of shape <c>[n, …]</c>.</summary>
    void Fit(Tensor x);

    /// <summary>Applies the fitted map to examples of shape <c>[m, …]</c> (same trailing shape as the fit).</summary>
    Tensor Transform(Tensor x);

    /// <summary>The fitted parameters by name, e.g. for <c>SafeTensors.Save</c>.</summary>
    IReadOnlyDictionary<string, Tensor> GetState();

    /// <summary>Restores parameters produced by <see cref="GetState"/>.</summary>
    void LoadState(IReadOnlyDictionary<string, Tensor> state);
}

/// <summary>Convenience members for <see cref="IPreprocessor"/>.</summary>
public static class PreprocessorExtensions
{
    /// <summary>Fits on <c>x</c> and returns <c>T(x)</c>.</summary>
    public static Tensor FitTransform(this IPreprocessor preprocessor, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(preprocessor);
        preprocessor.Fit(x);
        return preprocessor.Transform(x);
    }

    /// <summary>The data set with its features mapped through <c>T</c>; labels are unchanged.</summary>
    public static Dataset Transform(this IPreprocessor preprocessor, Dataset data)
    {
        ArgumentNullException.ThrowIfNull(preprocessor);
        ArgumentNullException.ThrowIfNull(data);
        return data.WithFeatures(preprocessor.Transform(data.Features));
    }

    internal static Tensor Need(IReadOnlyDictionary<string, Tensor> state, string key, string owner)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.TryGetValue(key, out var t) ? t
            : throw new ArgumentException($"{owner}.LoadState: the state has no '{key}' entry (keys: {string.Join(", ", state.Keys)}).");
    }
}
