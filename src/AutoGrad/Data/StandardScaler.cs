using AutoGrad.Differentiation;

namespace AutoGrad.Data;

/// <summary>Standardization per feature, <c>z = (x − μ) / σ</c>, with μ and the population σ taken over the training examples.</summary>
/// <remarks>A feature that is constant in training (σ = 0) is only centred: its σ is stored as 1.</remarks>
public sealed class StandardScaler : IPreprocessor
{
    private Tensor? _mean, _std;

    /// <summary>The fitted per-feature mean μ, shape of one example.</summary>
    public Tensor Mean => _mean ?? throw NotFitted();

    /// <summary>The fitted per-feature standard deviation σ (1 where σ was 0), shape of one example.</summary>
    public Tensor Std => _std ?? throw NotFitted();

    /// <inheritdoc/>
    public bool IsFitted => _mean is not null;

    /// <summary>μ = mean over axis 0, σ = √(mean((x − μ)²)) over axis 0.</summary>
    public void Fit(Tensor x)
    {
        Scaling.CheckFitInput(x, nameof(StandardScaler));
        using var _ = Recorder.NoGrad();
        var mean = x.Mean(0);
        var std = (x - mean).Square().Mean(0).Sqrt();
        // σ = 0 → 1 keeps constant features finite: (x − μ)/1 = 0 on the training data.
        _std = (std + std.Equal(Tensor.ZerosLike(std))).Keep();   // fitted state outlives any StepScope
        _mean = mean.Keep();
    }

    /// <summary><c>(x − μ) / σ</c>, broadcast over the example axis.</summary>
    public Tensor Transform(Tensor x)
    {
        Scaling.CheckTransformInput(x, Mean, nameof(StandardScaler));
        return (x - _mean!.To(x.DType)) / _std!.To(x.DType);
    }

    /// <summary>The inverse map <c>x = z·σ + μ</c>.</summary>
    public Tensor InverseTransform(Tensor z)
    {
        Scaling.CheckTransformInput(z, Mean, nameof(StandardScaler));
        return z * _std!.To(z.DType) + _mean!.To(z.DType);
    }

    /// <summary>Entries <c>mean</c> and <c>std</c>.</summary>
    public IReadOnlyDictionary<string, Tensor> GetState() => new Dictionary<string, Tensor> { ["mean"] = Mean, ["std"] = Std };

    /// <summary>Reads entries <c>mean</c> and <c>std</c> (same shape; μ finite, σ finite and &gt; 0).</summary>
    public void LoadState(IReadOnlyDictionary<string, Tensor> state)
    {
        var mean = PreprocessorExtensions.Need(state, "mean", nameof(StandardScaler));
        var std = PreprocessorExtensions.Need(state, "std", nameof(StandardScaler));
        if (Scaling.Problems("mean", mean, "std", std) is { Count: > 0 } bad) throw new ArgumentException($"StandardScaler.LoadState: {string.Join("; ", bad)}.");
        (_mean, _std) = (mean.Keep(), std.Keep());
    }

    private static InvalidOperationException NotFitted() => new("StandardScaler: call Fit on training data (or LoadState) first.");
}
