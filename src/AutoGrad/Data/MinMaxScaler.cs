using AutoGrad.Differentiation;

namespace AutoGrad.Data;

/// <summary>
/// Min–max scaling per feature to <c>[a, b]</c>: <c>x' = a + (x − min)·(b − a)/(max − min)</c>, with min and max
/// taken over the training examples; <c>[0, 1]</c> by default, <c>[−1, 1]</c> with <c>(−1, 1)</c>.
/// </summary>
/// <remarks>A constant training feature (max = min) maps to <c>a</c>. Test values outside the training range map outside <c>[a, b]</c>.</remarks>
public sealed class MinMaxScaler : IPreprocessor
{
    private Tensor? _min, _range;

    /// <summary>Scales to <c>[low, high]</c>; needs low &lt; high.</summary>
    public MinMaxScaler(double low = 0, double high = 1)
    {
        if (!(low < high)) throw new ArgumentException($"MinMaxScaler: low ({low}) must be < high ({high}).");
        (Low, High) = (low, high);
    }

    /// <summary>The lower end <c>a</c> of the target interval.</summary>
    public double Low { get; }

    /// <summary>The upper end <c>b</c> of the target interval.</summary>
    public double High { get; }

    /// <summary>The fitted per-feature minimum.</summary>
    public Tensor Min => _min ?? throw NotFitted();

    /// <summary>The fitted per-feature range <c>max − min</c> (1 where it was 0).</summary>
    public Tensor Range => _range ?? throw NotFitted();

    /// <inheritdoc/>
    public bool IsFitted => _min is not null;

    /// <summary>min and max over axis 0.</summary>
    public void Fit(Tensor x)
    {
        Scaling.CheckFitInput(x, nameof(MinMaxScaler));
        using var _ = Recorder.NoGrad();
        var min = x.Min(0);
        var range = x.Max(0) - min;
        _range = (range + range.Equal(Tensor.ZerosLike(range))).Keep();   // fitted state outlives any StepScope
        _min = min.Keep();
    }

    /// <summary><c>a + (x − min)·(b − a)/(max − min)</c>.</summary>
    public Tensor Transform(Tensor x)
    {
        Scaling.CheckTransformInput(x, Min, nameof(MinMaxScaler));
        return (x - _min!.To(x.DType)) / _range!.To(x.DType) * (High - Low) + Low;
    }

    /// <summary>The inverse map <c>x = min + (x' − a)·(max − min)/(b − a)</c>.</summary>
    public Tensor InverseTransform(Tensor y)
    {
        Scaling.CheckTransformInput(y, Min, nameof(MinMaxScaler));
        return (y - Low) / (High - Low) * _range!.To(y.DType) + _min!.To(y.DType);
    }

    /// <summary>Entries <c>min</c>, <c>range</c> and <c>interval</c> = [a, b].</summary>
    public IReadOnlyDictionary<string, Tensor> GetState() => new Dictionary<string, Tensor>
    {
        ["min"] = Min, ["range"] = Range, ["interval"] = Tensor.FromArray(new[] { Low, High }),
    };

    /// <summary>Reads entries <c>min</c> and <c>range</c> (min finite, range finite and &gt; 0); <c>interval</c> must match this scaler's [a, b].</summary>
    public void LoadState(IReadOnlyDictionary<string, Tensor> state)
    {
        var min = PreprocessorExtensions.Need(state, "min", nameof(MinMaxScaler));
        var range = PreprocessorExtensions.Need(state, "range", nameof(MinMaxScaler));
        if (Scaling.Problems("min", min, "range", range) is { Count: > 0 } bad) throw new ArgumentException($"MinMaxScaler.LoadState: {string.Join("; ", bad)}.");
        if (state.TryGetValue("interval", out var iv) && (iv.Size != 2 || iv.ToDoubleArray()[0] != Low || iv.ToDoubleArray()[1] != High))
            throw new ArgumentException($"MinMaxScaler.LoadState: the state was fitted for interval {iv} but this scaler maps to [{Low}, {High}].");
        (_min, _range) = (min.Keep(), range.Keep());
    }

    private static InvalidOperationException NotFitted() => new("MinMaxScaler: call Fit on training data (or LoadState) first.");
}
