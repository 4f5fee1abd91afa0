using AutoGrad.Differentiation;
using AutoGrad.NN;
using System.Runtime.CompilerServices;
namespace AutoGrad.Losses;

/// <summary>
/// Loss functions as extension methods on the prediction, composed from differentiable ops. The first argument is
/// the prediction <c>ŷ</c> (or logits <c>z</c>), the second the target <c>y</c>.
/// </summary>
public static class LossFunctions
{
    /// <summary>Clipping bound for probabilities: <c>ŷ ∈ [ε, 1 − ε]</c> with ε = 1e-7 (both sides clipped, as in Kinsley and Kukieła, "Neural Networks from Scratch in Python").</summary>
    public const double ProbabilityEpsilon = 1e-7;

    /// <summary>Mean squared error <c>ℓᵢ = (yᵢ − ŷᵢ)²</c>, averaged over every element by default.</summary>
    public static Tensor MseLoss(this Tensor prediction, Tensor target, Reduction reduction = Reduction.Mean, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        CheckSameShape("MseLoss", prediction, target);
        return Reduce((prediction - target).Square(), reduction);
    }

    /// <summary>Mean absolute error <c>ℓᵢ = |yᵢ − ŷᵢ|</c>.</summary>
    /// <remarks>The subgradient at <c>ŷ = y</c> is 0. ∂ℓ/∂ŷ = −sign(y − ŷ) (some course notes print the opposite sign).</remarks>
    public static Tensor MaeLoss(this Tensor prediction, Tensor target, Reduction reduction = Reduction.Mean, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        CheckSameShape("MaeLoss", prediction, target);
        return Reduce((prediction - target).Abs(), reduction);
    }

    /// <summary>Huber loss <c>ℓᵢ = ½e²</c> if <c>|e| &lt; δ</c>, else <c>δ|e| − ½δ²</c>, with <c>e = ŷ − y</c> (Huber 1964; δ = 1 by default).</summary>
    public static Tensor HuberLoss(this Tensor prediction, Tensor target, double delta = 1.0, Reduction reduction = Reduction.Mean, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        CheckSameShape("HuberLoss", prediction, target);
        if (!(delta > 0)) throw new ArgumentOutOfRangeException(nameof(delta), $"HuberLoss: delta must be positive, got {delta}.");
        // With a = min(|e|, δ): ½a² + δ(|e| − a) is ½e² inside and δ|e| − ½δ² outside, with no unused branch.
        var abs = (prediction - target).Abs();
        var a = abs.Clamp(max: delta);
        return Reduce(a.Square() * 0.5 + (abs - a) * delta, reduction);
    }

    /// <summary>
    /// Binary cross-entropy on probabilities <c>ℓᵢ = −[yᵢ ln ŷᵢ + (1 − yᵢ) ln(1 − ŷᵢ)]</c>, with <c>ŷ</c> clipped to
    /// <c>[1e-7, 1 − 1e-7]</c>.
    /// </summary>
    /// <remarks>Where clipping is active the gradient is 0. Prefer <see cref="BinaryCrossEntropyWithLogits"/> after a sigmoid.</remarks>
    public static Tensor BinaryCrossEntropy(this Tensor prediction, Tensor target, Reduction reduction = Reduction.Mean, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        CheckSameShape("BinaryCrossEntropy", prediction, target);
        var p = prediction.Clamp(ProbabilityEpsilon, 1 - ProbabilityEpsilon);
        return Reduce(-(target * p.Log() + (1.0 - target) * (1.0 - p).Log()), reduction);
    }

    /// <summary>
    /// Binary cross-entropy on logits <c>ℓᵢ = BCE(σ(zᵢ), yᵢ)</c>, computed stably as <c>max(z, 0) − z·y + ln(1 + e^{−|z|})</c>;
    /// its gradient is <c>σ(z) − y</c>.
    /// </summary>
    public static Tensor BinaryCrossEntropyWithLogits(this Tensor logits, Tensor target, Reduction reduction = Reduction.Mean, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        CheckSameShape("BinaryCrossEntropyWithLogits", logits, target);
        // max's tie rule halves the gradient at z = 0, which makes the total gradient there exactly σ(0) − y.
        // ln(1 + e^{−|z|}) as Softplus(−|z|), exact where 1 + e^{−|z|} rounds to 1 (|z| > 17 in float32: the loss of z = 20, y = 1
        // was 0 instead of 2.1e-9).
        var l = logits.Maximum(Tensor.Scalar(0, logits.DType)) - logits * target + (-logits.Abs()).Softplus();
        return Reduce(l, reduction);
    }

    /// <summary>
    /// Categorical cross-entropy on probabilities <c>Lᵢ = −Σⱼ yᵢⱼ ln ŷᵢⱼ</c> over the last axis, <c>ŷ</c> clipped to <c>[1e-7, 1 − 1e-7]</c>
    /// The target is one-hot (same shape as the prediction) or class indices (the prediction's shape without the last axis).
    /// </summary>
    /// <remarks>Reduction applies to the per-sample losses <c>Lᵢ</c> (so Mean is <c>(1/N)ΣLᵢ</c>).</remarks>
    public static Tensor CategoricalCrossEntropy(this Tensor prediction, Tensor target, Reduction reduction = Reduction.Mean, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        var y = Targets("CategoricalCrossEntropy", prediction, target);
        var p = prediction.Clamp(ProbabilityEpsilon, 1 - ProbabilityEpsilon);
        return Reduce(-(y * p.Log()).Sum(-1), reduction);
    }

    /// <summary>
    /// Softmax cross-entropy from logits <c>Lᵢ = −Σⱼ yᵢⱼ log softmax(zᵢ)ⱼ = logsumexp(zᵢ)·Σⱼ yᵢⱼ − Σⱼ yᵢⱼ zᵢⱼ</c>, computed in one fused
    /// pass shifted by the row maximum so it never overflows; its gradient is <c>softmax(z) − y</c> per sample.
    /// Targets as in <see cref="CategoricalCrossEntropy"/>; class indices are never expanded to a one-hot tensor.
    /// </summary>
    public static Tensor SoftmaxCrossEntropy(this Tensor logits, Tensor target, Reduction reduction = Reduction.Mean, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        bool indices = IsIndexTarget("SoftmaxCrossEntropy", logits, target);
        // A scalar or an empty class axis keeps the composed form, and with it the errors LogSoftmax and OneHot give there.
        if (logits.Rank == 0 || logits.Shape[-1] == 0)
            return Reduce(-(Targets("SoftmaxCrossEntropy", logits, target) * logits.LogSoftmax(-1)).Sum(-1), reduction);
        if (reduction is not (Reduction.Mean or Reduction.Sum or Reduction.None))
            throw new ArgumentOutOfRangeException(nameof(reduction), $"Loss: unknown reduction {reduction}.");
        var y = indices || target.DType == logits.DType ? target : target.Detach().To(logits.DType);
        return CrossEntropyOps.SoftmaxCrossEntropy(logits, y, indices, perRow: reduction == Reduction.None, mean: reduction == Reduction.Mean);
    }

    /// <summary>Negative log-likelihood <c>Lᵢ = −logProbᵢ[classᵢ]</c> from log-probabilities (N, C) and class indices (N).</summary>
    public static Tensor NllLoss(this Tensor logProbabilities, Tensor classes, Reduction reduction = Reduction.Mean, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        if (logProbabilities.Rank < 1 || classes.Rank != logProbabilities.Rank - 1)
            throw new ArgumentException($"NllLoss: expected log-probabilities (…, C) and class indices (…), got {logProbabilities.Shape} and {classes.Shape}.");
        IndexingOps.CheckClasses("NllLoss", classes, logProbabilities.Shape[-1]);
        var idx = classes.Detach().To(logProbabilities.DType).Unsqueeze(-1);
        return Reduce(-logProbabilities.Gather(-1, idx).Squeeze(-1), reduction);
    }

    /// <summary>The quadratic cost <c>C = (1/2n) Σₓ ‖y(x) − a‖²</c> over the <c>n</c> samples on axis 0 (Nielsen, "Neural Networks and Deep Learning" ch. 1).</summary>
    public static Tensor QuadraticCost(this Tensor prediction, Tensor target, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        CheckSameShape("QuadraticCost", prediction, target);
        int n = prediction.Rank == 0 ? 1 : prediction.Shape[0];
        return (target - prediction).Square().Sum() * (0.5 / n);
    }

    private static Tensor Targets(string op, Tensor prediction, Tensor target)
    {
        if (!IsIndexTarget(op, prediction, target)) return target.DType == prediction.DType ? target : target.Detach().To(prediction.DType);
        IndexingOps.CheckClasses(op, target, prediction.Rank == 0 ? 0 : prediction.Shape[-1]);
        return target.Detach().OneHot(prediction.Shape[-1]).To(prediction.DType);
    }

    // False for a target of the prediction's shape (one-hot or probabilities), true for class indices (the shape without the
    // class axis); anything else is an error.
    private static bool IsIndexTarget(string op, Tensor prediction, Tensor target)
    {
        if (target.Shape == prediction.Shape) return false;
        if (prediction.Rank >= 1 && target.Rank == prediction.Rank - 1)
        {
            bool ok = true;
            for (int i = 0; i < target.Rank; i++) ok &= target.Shape[i] == prediction.Shape[i];
            if (ok) return true;
        }
        throw new ArgumentException($"{op}: target shape {target.Shape} is neither the prediction's {prediction.Shape} (one-hot) nor its shape without the class axis (indices).");
    }

    // Class indices are checked here, under the loss's own name, before the inner ops (OneHot, Gather, the fused kernel) would
    // report them under theirs. No allocation: this runs every training step. An empty class axis is left to those ops' errors.
    private static void CheckSameShape(string op, Tensor prediction, Tensor target)
    {
        if (prediction.Shape != target.Shape)
            throw new ArgumentException($"{op}: prediction shape {prediction.Shape} differs from target shape {target.Shape}.");
    }

    internal static Tensor Reduce(Tensor l, Reduction reduction) => reduction switch
    {
        Reduction.Mean => l.Mean(),
        Reduction.Sum => l.Sum(),
        Reduction.None => l,
        _ => throw new ArgumentOutOfRangeException(nameof(reduction), $"Loss: unknown reduction {reduction}."),
    };
}
