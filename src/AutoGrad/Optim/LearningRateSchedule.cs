namespace AutoGrad.Optim;

/// <summary>A learning-rate schedule <c>η(t)</c> of the step or epoch count <c>t</c>.</summary>
public abstract class LearningRateSchedule
{
    /// <summary>The learning rate <c>η(t)</c> at step (or epoch) <paramref name="t"/> ≥ 0.</summary>
    public abstract double At(int t);

    /// <summary>Sets <paramref name="optimizer"/>'s learning rate to <c>η(t)</c>; each parameter group gets <c>η(t)</c> scaled by its own initial rate's ratio to the optimizer's (Note [Parameter groups] in <c>Optim/Optimizer.Groups.cs</c>).</summary>
    public void Apply(Optimizer optimizer, int t)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        optimizer.LearningRate = At(t);
    }

    private protected static void CheckT(int t)
    {
        if (t < 0) throw new ArgumentOutOfRangeException(nameof(t), $"LearningRateSchedule: t must be ≥ 0, got {t}.");
    }
}

/// <summary>Inverse-time (1/t) decay <c>η = η₀/(1 + βt)</c>.</summary>
/// <param name="initial">η₀.</param>
/// <param name="decay">β.</param>
public sealed class InverseTimeDecay(double initial, double decay) : LearningRateSchedule
{
    /// <summary><c>η₀/(1 + βt)</c>.</summary>
    public override double At(int t) { CheckT(t); return initial / (1 + decay * t); }
}

/// <summary>Step decay <c>η = η₀·γ^⌊t/s⌋</c> (e.g. η₀ = 1, s = 10, γ = 0.1 gives 1 for epochs 0–9, 0.1 for 10–19).</summary>
/// <param name="initial">η₀.</param>
/// <param name="stepSize">s, the number of epochs between drops.</param>
/// <param name="gamma">γ, the factor per drop.</param>
public sealed class StepDecay(double initial, int stepSize, double gamma = 0.1) : LearningRateSchedule
{
    /// <summary><c>η₀·γ^⌊t/s⌋</c>.</summary>
    public override double At(int t)
    {
        CheckT(t);
        if (stepSize <= 0) throw new ArgumentException($"StepDecay: stepSize must be positive, got {stepSize}.");
        return initial * Math.Pow(gamma, t / stepSize);
    }
}

/// <summary>Exponential decay <c>η = η₀·γᵗ</c>.</summary>
/// <param name="initial">η₀.</param>
/// <param name="gamma">γ.</param>
public sealed class ExponentialDecay(double initial, double gamma) : LearningRateSchedule
{
    /// <summary><c>η₀·γᵗ</c>.</summary>
    public override double At(int t) { CheckT(t); return initial * Math.Pow(gamma, t); }
}

/// <summary>Linear decay <c>η = η₀ + (η_end − η₀)·min(t, T)/T</c>.</summary>
/// <param name="initial">η₀.</param>
/// <param name="final">η_end, reached at t = T and kept after.</param>
/// <param name="totalSteps">T.</param>
public sealed class LinearDecay(double initial, double final, int totalSteps) : LearningRateSchedule
{
    /// <summary><c>η₀ + (η_end − η₀)·min(t, T)/T</c>.</summary>
    public override double At(int t)
    {
        CheckT(t);
        if (totalSteps <= 0) throw new ArgumentException($"LinearDecay: totalSteps must be positive, got {totalSteps}.");
        return initial + (final - initial) * Math.Min(t, totalSteps) / totalSteps;
    }
}

/// <summary>Inverse square-root decay <c>η = η₀·√(w / max(t, w))</c>: constant for <c>t ≤ w</c>, then ∝ 1/√t.</summary>
/// <param name="initial">η₀.</param>
/// <param name="timescale">w ≥ 1.</param>
public sealed class InverseSqrtDecay(double initial, int timescale = 1) : LearningRateSchedule
{
    /// <summary><c>η₀·√(w / max(t, w))</c>.</summary>
    public override double At(int t)
    {
        CheckT(t);
        if (timescale <= 0) throw new ArgumentException($"InverseSqrtDecay: timescale must be positive, got {timescale}.");
        return initial * Math.Sqrt((double)timescale / Math.Max(t, timescale));
    }
}

/// <summary>Cosine annealing <c>η = η_min + ½(η₀ − η_min)(1 + cos(π·min(t, T)/T))</c>.</summary>
/// <param name="initial">η₀.</param>
/// <param name="totalSteps">T.</param>
/// <param name="minimum">η_min.</param>
public sealed class CosineDecay(double initial, int totalSteps, double minimum = 0) : LearningRateSchedule
{
    /// <summary><c>η_min + ½(η₀ − η_min)(1 + cos(π·min(t, T)/T))</c>.</summary>
    public override double At(int t)
    {
        CheckT(t);
        if (totalSteps <= 0) throw new ArgumentException($"CosineDecay: totalSteps must be positive, got {totalSteps}.");
        return minimum + 0.5 * (initial - minimum) * (1 + Math.Cos(Math.PI * Math.Min(t, totalSteps) / totalSteps));
    }
}

/// <summary>Linear warm-up wrapping another schedule: <c>η = η_inner(0)·(t + 1)/w</c> for <c>t &lt; w</c>, then <c>η_inner(t − w)</c>.</summary>
/// <param name="inner">The schedule that follows the warm-up.</param>
/// <param name="warmupSteps">w.</param>
public sealed class Warmup(LearningRateSchedule inner, int warmupSteps) : LearningRateSchedule
{
    /// <summary><c>η_inner(0)·(t + 1)/w</c> for t &lt; w, else <c>η_inner(t − w)</c>.</summary>
    public override double At(int t)
    {
        CheckT(t);
        ArgumentNullException.ThrowIfNull(inner);
        if (warmupSteps <= 0) throw new ArgumentException($"Warmup: warmupSteps must be positive, got {warmupSteps}.");
        return t < warmupSteps ? inner.At(0) * (t + 1) / warmupSteps : inner.At(t - warmupSteps);
    }
}
