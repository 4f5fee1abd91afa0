using AutoGrad.Differentiation;
using AutoGrad.NN;

namespace AutoGrad.Distributed;

/// <summary>
/// Batch normalisation <c>y = γ·(x − μ)/√(σ² + ε) + β</c> per channel (axis 1) whose training statistics <c>μ</c>, <c>σ²</c> are those of
/// the union of every rank's batch, so N ranks with batch b normalise as one process with batch N·b does.
/// </summary>
/// <remarks>
/// The choice between local and synchronised statistics: <see cref="DistributedDataParallel"/> leaves an ordinary
/// <see cref="BatchNorm"/> local (each rank normalises by its own shard — cheap, and the usual choice when b is large); this layer
/// adds two differentiable all-reduces per forward (<c>Σx</c>, then <c>Σ(x − μ)²</c>, C values each) and two in backward, for small
/// per-rank batches. Statistics follow <see cref="BatchNorm"/>: biased variance to normalise, unbiased <c>M/(M − 1)·σ²</c> (M values
/// per channel over all ranks) in the running variance, which is then equal on every rank. Inputs are (N, C), (N, C, L) or (N, C, H, W).
/// </remarks>
public sealed class SyncBatchNorm : Module
{
    private readonly Communicator _communicator;

    /// <summary>A synchronised batch norm over <paramref name="numFeatures"/> channels across <paramref name="communicator"/>'s ranks.</summary>
    public SyncBatchNorm(int numFeatures, Communicator communicator, double eps = 1e-5, double momentum = 0.1, DType dtype = DType.Float32)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numFeatures, 1);
        _communicator = communicator ?? throw new ArgumentNullException(nameof(communicator));
        (NumFeatures, Eps, Momentum) = (numFeatures, eps, momentum);
        RegisterParameter("weight", Tensor.Ones(new Shape(numFeatures), dtype));
        RegisterParameter("bias", Tensor.Zeros(new Shape(numFeatures), dtype));
        RegisterBuffer("running_mean", Tensor.Zeros(new Shape(numFeatures), dtype));
        RegisterBuffer("running_var", Tensor.Ones(new Shape(numFeatures), dtype));
    }

    /// <summary>Number of channels <c>C</c>.</summary>
    public int NumFeatures { get; }

    /// <summary>The <c>ε</c> added to the variance.</summary>
    public double Eps { get; }

    /// <summary>The running-statistics momentum.</summary>
    public double Momentum { get; }

    /// <summary>Running mean used in evaluation.</summary>
    public Tensor RunningMean => Buffer("running_mean");

    /// <summary>Running (unbiased) variance used in evaluation.</summary>
    public Tensor RunningVar => Buffer("running_var");

    /// <summary><c>y = γ·(x − μ)/√(σ² + ε) + β</c> with all ranks' batch statistics in training, running statistics in evaluation.</summary>
    public override Tensor Forward(Tensor x)
    {
        if (x.Rank < 2 || x.Rank > 4 || x.Shape[1] != NumFeatures)
            throw new ArgumentException($"SyncBatchNorm: expected (N, {NumFeatures}), (N, {NumFeatures}, L) or (N, {NumFeatures}, H, W), got {x.Shape}.");
        var axes = Enumerable.Range(0, x.Rank).Where(a => a != 1).ToArray();
        var bshape = Enumerable.Repeat(1, x.Rank).ToArray();
        bshape[1] = NumFeatures;
        Tensor xhat;
        if (Training)
        {
            var count = new[] { (double)(x.Size / NumFeatures) };
            _communicator.AllReduceSum(count);
            double m = count[0];
            if (m < 2) throw new ArgumentException($"SyncBatchNorm: training needs more than one value per channel over all ranks, got {m}.");
            var mean = x.Sum(axes, keepDims: true).AllReduceSum(_communicator) / m;
            var centred = x - mean;
            var variance = centred.Square().Sum(axes, keepDims: true).AllReduceSum(_communicator) / m;
            xhat = centred / (variance + Eps).Sqrt();
            using (Recorder.NoGrad())
            {
                RunningMean.CopyFrom(RunningMean * (1 - Momentum) + mean.Detach().Reshape(NumFeatures) * Momentum);
                RunningVar.CopyFrom(RunningVar * (1 - Momentum) + variance.Detach().Reshape(NumFeatures) * (m / (m - 1.0) * Momentum));
            }
        }
        else
        {
            xhat = (x - RunningMean.Reshape(bshape)) / (RunningVar.Reshape(bshape) + Eps).Sqrt();
        }
        return xhat * Parameter("weight").Reshape(bshape) + Parameter("bias").Reshape(bshape);
    }
}
