using AutoGrad.Differentiation;
using AutoGrad.NN;

namespace AutoGrad.Transforms;

public static partial class ModuleTransforms
{
    // The per-sample gradients of an MLP without Vmap: the examples' rows never mix in a Sequential of Linear layers and
    // row-wise activations, so one backward pass over the batch, seeded with each example's own loss gradient (the loss
    // alone vmapped), leaves every Linear output's gradient row b equal to example b's. Then ∂ℓ_b/∂W is the outer product
    // of the layer's input row and that gradient row, and ∂ℓ_b/∂bias the row itself. Null when the model is not of that kind.
    private static Dictionary<string, Tensor>? LinearShortcut(Module model, Func<Tensor, Tensor, Tensor> loss, Tensor inputs, Tensor targets)
    {
        if (LinearFactors(model, loss, inputs, targets) is not { } factors) return null;
        var result = new Dictionary<string, Tensor>();
        using (Recorder.NoGrad())
            foreach (var f in factors)
            {
                result[f.Prefix + "weight"] = f.PerExampleWeight();
                if (f.Layer.HasBias) result[f.Prefix + "bias"] = f.OutputGradient;
            }
        // In the model's parameter order, as the Vmap path returns them.
        return model.NamedParameters().ToDictionary(p => p.Key, p => result[p.Key]);
    }

    /// <summary>
    /// One Linear layer's per-sample gradient in factored form: example b's weight gradient is the outer product of row b of
    /// <see cref="Input"/> (B, in) and row b of <see cref="OutputGradient"/> (B, out), laid out as the weight is
    /// (<see cref="InOut"/>: (in, out), else PyTorch's (out, in)); its bias gradient is row b of <see cref="OutputGradient"/>.
    /// </summary>
    internal sealed record LinearFactor(string Prefix, Linear Layer, bool InOut, Tensor Input, Tensor OutputGradient)
    {
        // Every example's weight gradient, (B, weight shape). One multiplication per element, each written once
        // (Batching.RowOuter): a batched GEMM with an inner dimension of 1 does the same work slower.
        internal Tensor PerExampleWeight() => InOut ? Batching.RowOuter(Input, OutputGradient) : Batching.RowOuter(OutputGradient, Input);
    }

    // The factors of every Linear layer of an MLP (see LinearShortcut), in the model's order; null when the model is not a
    // Sequential of Linear layers and parameter-free row-wise modules on 2-D inputs.
    internal static List<LinearFactor>? LinearFactors(Module model, Func<Tensor, Tensor, Tensor> loss, Tensor inputs, Tensor targets)
    {
        var layers = model is Sequential s ? s.Children().Select(c => (c.Name, c.Module)).ToList() : model is Linear ? [("", model)] : null;
        if (layers is null || inputs.Rank != 2) return null;
        foreach (var (_, m) in layers)
            if (m is not Linear && m.NamedParameters().Count > 0) return null;
        if (!layers.Any(l => l.Module is Linear)) return null;

        var saved = new List<(string Prefix, Linear Layer, Tensor Input, Tensor Output)>();
        Tensor output;
        using (Recorder.EnableGrad())
        {
            // The layers run on detached parameters (FunctionalCall), so the backward pass below computes only the output
            // gradients it is asked for: no weight gradient of the batch, and no gradient of the first layer's input (the
            // engine runs every rule on the way from the root, Engine.Collect). The first Linear's output is the leaf
            // the walk stops at.
            var h = inputs.Detach();
            bool first = true;
            foreach (var (name, m) in layers)
            {
                var input = h;
                var detached = m.NamedParameters().ToDictionary(p => p.Key, p => p.Value.Detach());
                h = detached.Count == 0 ? m.Forward(h) : FunctionalCall(m, detached, null, h);
                if (m is Linear lin)
                {
                    if (h.Rank != 2) return null;
                    if (first) h = h.Detach().RequireGrad();
                    first = false;
                    saved.Add((name.Length == 0 ? "" : name + ".", lin, input, h));
                }
            }
            output = h;
        }
        // Each example's ∂ℓ_b/∂output_b: only the loss is vmapped (a batch of one per example, as the Vmap path calls it).
        var seed = Functional.Vmap(Functional.Grad(xs => loss(xs[0].Unsqueeze(0), xs[1].Unsqueeze(0)), [0]), [0, 0], [0])([output.Detach(), targets.Detach()])[0];
        var outputs = saved.Select(l => l.Output).ToArray();
        var g = Functional.Grad([output], outputs, [seed], allowUnused: true);

        var factors = new List<LinearFactor>(saved.Count);
        using (Recorder.NoGrad())
            for (int i = 0; i < saved.Count; i++)
            {
                var (prefix, layer, input, _) = saved[i];
                factors.Add(new LinearFactor(prefix, layer, WeightIsInOut(layer), input.Detach(), g[i] ?? Tensor.ZerosLike(saved[i].Output)));
            }
        return factors;
    }

    /// <summary>
    /// Per-sample weight gradients of a Linear layer from its input rows <c>a</c> (B, in) and output-gradient rows <c>g</c> (B, out):
    /// <c>aᵀg</c> per row, laid out as the layer's weight is, (in, out) or PyTorch's (out, in), told apart by the layer's own forward.
    /// </summary>
    internal static Tensor LinearWeightGradient(Linear layer, Tensor a, Tensor g) => new LinearFactor("", layer, WeightIsInOut(layer), a, g).PerExampleWeight();

    // Whether a Linear layer's weight is laid out (in, out) rather than PyTorch's (out, in), told apart by its own forward.
    private static bool WeightIsInOut(Linear layer)
    {
        var w = layer.Weight.Shape;
        int inF = layer.InFeatures, outF = layer.OutFeatures;
        bool inOut = w == new Shape(inF, outF);
        if (inOut && inF == outF)
        {
            // Square: ask the forward. Row 0 of x·W is W's row 0 for (in, out), its column 0 for (out, in).
            Tensor probe;
            using (Recorder.NoGrad())
            {
                var e = Tensor.Zeros(new Shape(1, inF), layer.Weight.DType);
                e.SetFlat(0, 1);
                probe = layer.Forward(e) - (layer.Bias ?? Tensor.Zeros(new Shape(outF), layer.Weight.DType));
            }
            var row0 = layer.Weight.Detach().Select(0, 0).ToDoubleArray();
            inOut = probe.ToDoubleArray().Zip(row0).All(p => p.First == p.Second);
        }
        else if (!inOut && w != new Shape(outF, inF))
            throw new InvalidOperationException($"PerSampleGradients: Linear weight {w} is neither (in, out) nor (out, in) for {inF} → {outF}.");
        return inOut;
    }
}
