using AutoGrad.Differentiation;

namespace AutoGrad;

/// <summary>Inverted dropout's mask and product: F.Dropout's entry point below the public API (ArchitectureTests).</summary>
internal static class DropoutOps
{
    // Note [Dropout masks under Vmap]
    // The loop over a batch calls dropout once per example, each call drawing that example's mask from the shared generator
    // after the previous example's: example e (the batch axes row-major, the outer vmap level first) gets the e-th run of
    // draws. Drawing one mask of the example's shape under Vmap instead gave every example the same mask, silently unlike
    // the loop (the op table's dropout row makes a fresh generator per call, so the loop gave equal masks there too and did
    // not see it). Under Vmap the mask is drawn over the real tensor's shape, whose leading axes are the batch axes in level
    // order, so its draws run in the loop's order, and wrapped with x's levels: exactly the loop's masks
    // (VmapDropoutTests). As for attention's dropout (Note [Dropout seeds per example] in AttentionOps.cs), only the levels
    // x varies along count.

    /// <summary>
    /// <c>(x ⊙ mask, mask)</c> with <c>mask = r/(1 − p)</c>, <c>rᵢ ~ Bernoulli(1 − p)</c>; under Vmap one mask per example and no
    /// mask returned (the per-example masks exist only inside the call).
    /// </summary>
    internal static (Tensor Y, Tensor? Mask) Apply(Tensor x, double p, Generator generator)
    {
        if (!x.DType.IsFloatingPoint())
        {
            var m = Tensor.Bernoulli(x.Shape, 1 - p, generator, x.DType) * (1 / (1 - p));
            return (x * m, m);
        }
        // Outside Vmap, Real is x itself, x has no levels and Wrap returns the mask as drawn.
        var levels = Batching.Levels(x);
        var mask = Batching.Wrap(Tensor.DropoutMask(Batching.Real(x).Shape, p, generator, x.DType), levels);
        return (x * mask, levels.Length == 0 ? mask : null);
    }
}
