using AutoGrad.Differentiation;

namespace AutoGrad.Optim;

/// <summary>Gradient clipping, applied to <c>Grad</c> between backward and the optimizer step.</summary>
public static class GradientClipping
{
    /// <summary>
    /// Scales every gradient by <c>min(1, maxNorm/‖g‖)</c> where <c>‖g‖ = √(Σ_p Σ gₚ²)</c> is the global norm over all parameters;
    /// returns the norm before clipping.
    /// </summary>
    public static double ClipByGlobalNorm(IEnumerable<Tensor> parameters, double maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(maxNorm > 0)) throw new ArgumentOutOfRangeException(nameof(maxNorm), $"ClipByGlobalNorm: maxNorm must be positive, got {maxNorm}.");
        var ps = parameters.Where(p => p.Grad is not null).ToList();
        using var _ = Recorder.NoGrad();
        double total = Math.Sqrt(ps.Sum(p => p.Grad!.Detach().Square().Sum().Item()));
        if (total > maxNorm)
            foreach (var p in ps) p.Grad = p.Grad!.Detach() * (maxNorm / total);
        return total;
    }

    /// <summary>Clips every gradient element to <c>[−clip, clip]</c>.</summary>
    public static void ClipByValue(IEnumerable<Tensor> parameters, double clip)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(clip > 0)) throw new ArgumentOutOfRangeException(nameof(clip), $"ClipByValue: clip must be positive, got {clip}.");
        using var _ = Recorder.NoGrad();
        foreach (var p in parameters)
            if (p.Grad is not null) p.Grad = p.Grad.Detach().Clamp(-clip, clip);
    }
}
