using AutoGrad.Differentiation;

namespace AutoGrad.NN;

/// <summary>
/// Batch normalisation <c>y = γ·(x − μ_B)/√(σ²_B + ε) + β</c> per feature/channel (axis 1) (Ioffe and Szegedy 2015).
/// </summary>
/// <remarks>
/// In training, <c>μ_B</c> and the <b>biased</b> <c>σ²_B = (1/m)Σ(x − μ_B)²</c> of the batch normalise (Ioffe and Szegedy 2015, Algorithm 1), and the
/// running statistics are updated as PyTorch does: <c>r ← (1 − momentum)·r + momentum·s</c> with the <b>unbiased</b> variance
/// <c>m/(m − 1)·σ²_B</c>. In evaluation the running statistics normalise.
/// </remarks>
public abstract class BatchNorm : Module
{
    private protected BatchNorm(int numFeatures, double eps, double momentum, bool affine, DType dtype)
    {
        if (numFeatures <= 0) throw new ArgumentException($"{GetType().Name}: numFeatures must be positive, got {numFeatures}.");
        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        Affine = affine;
        if (affine)
        {
            RegisterParameter("weight", Tensor.Ones(new Shape(numFeatures), dtype));
            RegisterParameter("bias", Tensor.Zeros(new Shape(numFeatures), dtype));
        }
        RegisterBuffer("running_mean", Tensor.Zeros(new Shape(numFeatures), dtype));
        RegisterBuffer("running_var", Tensor.Ones(new Shape(numFeatures), dtype));
        RegisterBuffer("num_batches_tracked", Tensor.Zeros(Shape.Scalar, DType.Int64));   // PyTorch's name and type, so its state dicts load as they are
    }

    /// <summary>Number of features (channels) <c>C</c>.</summary>
    public int NumFeatures { get; }

    /// <summary>The <c>ε</c> added to the variance.</summary>
    public double Eps { get; }

    /// <summary>The running-statistics momentum (0.1 as in PyTorch).</summary>
    public double Momentum { get; }

    /// <summary>Whether <c>γ</c> and <c>β</c> are learned.</summary>
    public bool Affine { get; }

    /// <summary>The scale <c>γ</c> (null when not affine).</summary>
    public Tensor? Weight => Affine ? Parameter("weight") : null;

    /// <summary>The shift <c>β</c> (null when not affine).</summary>
    public Tensor? Bias => Affine ? Parameter("bias") : null;

    /// <summary>Running mean used in evaluation.</summary>
    public Tensor RunningMean => Buffer("running_mean");

    /// <summary>Running (unbiased) variance used in evaluation.</summary>
    public Tensor RunningVar => Buffer("running_var");

    /// <summary>The number of training-mode forward passes so far: an int64 scalar, PyTorch's <c>num_batches_tracked</c>.</summary>
    /// <remarks>It only counts: the running statistics always use <see cref="Momentum"/> (PyTorch's cumulative average for <c>momentum=None</c> is not offered).</remarks>
    public Tensor NumBatchesTracked => Buffer("num_batches_tracked");

    private protected abstract void CheckInput(Tensor x);

    // Checkpoint validation (IO/CheckpointValidation.cs): a negative running variance makes √(σ² + ε) NaN in evaluation.
    internal IEnumerable<string> StateProblems(string prefix, IReadOnlyDictionary<string, Tensor> state)
    {
        if (!state.TryGetValue(prefix + "running_var", out var v) || v.Shape != RunningVar.Shape) yield break;
        var s = TensorStats.Of(v);
        if (s.IsFinite && s.Min < 0)
            yield return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"'{prefix}running_var' holds the negative variance {s.Min:R}; a variance is ≥ 0");
    }

    /// <summary><c>y = γ·(x − μ)/√(σ² + ε) + β</c> with batch statistics in training, running statistics in evaluation.</summary>
    public override Tensor Forward(Tensor x)
    {
        CheckInput(x);
        var y = F.BatchNorm(GetType().Name, x, RunningMean, RunningVar, Affine ? Parameter("weight") : null, Affine ? Parameter("bias") : null, Training, Momentum, Eps);
        if (Training)
            using (Recorder.NoGrad()) NumBatchesTracked.Fill(NumBatchesTracked.Item() + 1);
        // see Note [Op traces] in OpTrace.cs: in evaluation, an exporter writes one BatchNormalization instead of the ops above
        if (!Training && OpTrace.IsActive)
            OpTrace.Describe(y, "BatchNorm", [x, Affine ? Parameter("weight") : null, Affine ? Parameter("bias") : null, RunningMean, RunningVar], ("eps", Eps));
        return y;
    }
}

/// <summary>Batch normalisation over (N, C) or (N, C, L) inputs, statistics per feature <c>C</c>.</summary>
/// <param name="numFeatures">The number of features <c>C</c>.</param>
/// <param name="eps">The <c>ε</c> added to the variance.</param>
/// <param name="momentum">The running-statistics momentum.</param>
/// <param name="affine">Whether <c>γ</c> and <c>β</c> are learned.</param>
/// <param name="dtype">Element type of parameters and buffers.</param>
public sealed class BatchNorm1d(int numFeatures, double eps = 1e-5, double momentum = 0.1, bool affine = true, DType dtype = DType.Float32)
    : BatchNorm(numFeatures, eps, momentum, affine, dtype)
{
    private protected override void CheckInput(Tensor x)
    {
        if ((x.Rank != 2 && x.Rank != 3) || x.Shape[1] != NumFeatures)
            throw new ArgumentException($"BatchNorm1d: expected (N, {NumFeatures}) or (N, {NumFeatures}, L), got {x.Shape}.");
    }
}

/// <summary>Batch normalisation over (N, C, H, W) inputs, statistics per channel <c>C</c>.</summary>
/// <param name="numFeatures">The number of channels <c>C</c>.</param>
/// <param name="eps">The <c>ε</c> added to the variance.</param>
/// <param name="momentum">The running-statistics momentum.</param>
/// <param name="affine">Whether <c>γ</c> and <c>β</c> are learned.</param>
/// <param name="dtype">Element type of parameters and buffers.</param>
public sealed class BatchNorm2d(int numFeatures, double eps = 1e-5, double momentum = 0.1, bool affine = true, DType dtype = DType.Float32)
    : BatchNorm(numFeatures, eps, momentum, affine, dtype)
{
    private protected override void CheckInput(Tensor x)
    {
        if (x.Rank != 4 || x.Shape[1] != NumFeatures)
            throw new ArgumentException($"BatchNorm2d: expected (N, {NumFeatures}, H, W), got {x.Shape}.");
    }
}
