namespace AutoGrad.Metrics;

/// <summary>Error and "accuracy" measures for real-valued predictions ŷ against targets y.</summary>
public static class RegressionMetrics
{
    /// <summary>The λ used when none is given: 250, the value in Kinsley and Kukieła, "Neural Networks from Scratch in Python".</summary>
    public const double DefaultPrecisionDivisor = 250;

    /// <summary>Mean squared error <c>(1/J) Σⱼ (ŷⱼ − yⱼ)²</c>.</summary>
    public static double MeanSquaredError(Tensor predicted, Tensor target)
    {
        Check(predicted, target, nameof(MeanSquaredError));
        return (predicted - target).Square().Mean().Item();
    }

    /// <summary>Mean absolute error <c>(1/J) Σⱼ |ŷⱼ − yⱼ|</c>.</summary>
    public static double MeanAbsoluteError(Tensor predicted, Tensor target)
    {
        Check(predicted, target, nameof(MeanAbsoluteError));
        return (predicted - target).Abs().Mean().Item();
    }

    /// <summary>
    /// The regression "accuracy" of Kinsley and Kukieła ("Neural Networks from Scratch in Python"): the fraction of predictions within ρ of the target,
    /// <c>(1/J) Σⱼ 1(|ŷⱼ − yⱼ| &lt; ρ)</c> with <c>ρ = σ(y)/λ</c> and σ the population standard deviation.
    /// </summary>
    /// <param name="predicted">Predictions ŷ.</param>
    /// <param name="target">Targets y (same shape).</param>
    /// <param name="precisionDivisor">λ; larger is stricter. 250 follows Kinsley and Kukieła, "Neural Networks from Scratch in Python".</param>
    public static double Accuracy(Tensor predicted, Tensor target, double precisionDivisor = DefaultPrecisionDivisor)
    {
        Check(predicted, target, nameof(Accuracy));
        if (!(precisionDivisor > 0)) throw new ArgumentOutOfRangeException(nameof(precisionDivisor), $"RegressionMetrics.Accuracy: λ must be positive, got {precisionDivisor}.");
        double rho = target.To(DType.Float64).Std().Item() / precisionDivisor;
        return (predicted - target).Abs().Less(Tensor.Scalar(rho, predicted.DType)).To(predicted.DType).Mean().Item();
    }

    private static void Check(Tensor predicted, Tensor target, string op)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(target);
        if (predicted.Shape != target.Shape)
            throw new ArgumentException($"RegressionMetrics.{op}: predictions {predicted.Shape} and targets {target.Shape} differ in shape.");
        if (predicted.Size == 0) throw new ArgumentException($"RegressionMetrics.{op}: no values.");
    }
}
