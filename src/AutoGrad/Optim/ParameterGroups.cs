using AutoGrad.NN;

namespace AutoGrad.Optim;

/// <summary>Ready-made splits of a model's parameters into <see cref="ParameterGroup"/>s.</summary>
public static class ParameterGroups
{
    /// <summary>
    /// The usual "no weight decay on biases and norm weights" split: group 0 (<c>"decay"</c>, <see cref="ParameterGroup.WeightDecay"/> =
    /// <paramref name="weightDecay"/>) holds every parameter of rank ≥ 2 (weight matrices, convolution kernels, embedding tables);
    /// group 1 (<c>"no_decay"</c>, weight decay 0) holds every parameter of rank ≤ 1 (biases, scales) and every parameter of a
    /// <see cref="LayerNorm"/> or <see cref="BatchNorm"/> (whatever its rank). Both in <see cref="Module.NamedParameters"/> order; an empty
    /// group is left out.
    /// </summary>
    /// <remarks>
    /// The rule is nanoGPT's (rank ≥ 2 decays) plus the module type, so a LayerNorm over a 2-D shape is not decayed either. Frozen parameters
    /// are kept in their group (the optimizer skips them while frozen, so unfreezing later needs no new optimizer). Pass the result to any
    /// optimizer: <c>new AdamW(ParameterGroups.DecayAndNoDecay(model, 0.01), 3e-4)</c>.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="weightDecay"/> is negative or not finite.</exception>
    public static IReadOnlyList<ParameterGroup> DecayAndNoDecay(Module model, double weightDecay)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!(weightDecay >= 0 && double.IsFinite(weightDecay)))
            throw new ArgumentOutOfRangeException(nameof(weightDecay), $"ParameterGroups.DecayAndNoDecay: weight decay must be finite and ≥ 0, got {weightDecay}.");
        var normParameters = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (_, m) in model.NamedModules())
            if (m is LayerNorm or BatchNorm)
                foreach (var p in m.Parameters()) normParameters.Add(p);
        var decay = new List<Tensor>();
        var noDecay = new List<Tensor>();
        foreach (var (_, p) in model.NamedParameters())
            (p.Rank >= 2 && !normParameters.Contains(p) ? decay : noDecay).Add(p);
        var groups = new List<ParameterGroup>();
        if (decay.Count > 0) groups.Add(new ParameterGroup(decay, "decay") { WeightDecay = weightDecay });
        if (noDecay.Count > 0) groups.Add(new ParameterGroup(noDecay, "no_decay") { WeightDecay = 0 });
        return groups;
    }
}
