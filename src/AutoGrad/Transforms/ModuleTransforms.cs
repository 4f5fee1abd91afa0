using AutoGrad.Differentiation;
using AutoGrad.NN;

namespace AutoGrad.Transforms;

/// <summary>
/// Function transforms on modules: calling a module with given parameters (PyTorch's <c>functional_call</c>) and per-sample
/// gradients built on <see cref="Functional.Vmap(Func{Tensor[], Tensor[]}, int?[], int[])"/> and <see cref="Functional.Grad(Func{Tensor[], Tensor}, int[], bool)"/>.
/// </summary>
public static partial class ModuleTransforms
{
    /// <summary>
    /// <c>module(input)</c> computed with the given tensors in place of the named parameters and buffers (names as in
    /// <see cref="Module.NamedParameters"/>; any not given keep their current tensor), so transforms can differentiate with
    /// respect to them (batched tensors inside Vmap included).
    /// </summary>
    /// <remarks>
    /// The module is left exactly as it was: parameters are rebound for the call and rebound back afterwards (also when the
    /// forward throws), buffers are copied in and restored. Not for concurrent use of one module from several threads.
    /// </remarks>
    public static Tensor FunctionalCall(Module module, IReadOnlyDictionary<string, Tensor> parameters, IReadOnlyDictionary<string, Tensor>? buffers, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(input);
        var current = module.NamedParameters().ToDictionary(p => p.Key, p => p.Value);
        var currentBuffers = module.NamedBuffers().ToDictionary(p => p.Key, p => p.Value);
        foreach (var name in parameters.Keys)
            if (!current.ContainsKey(name))
                throw new ArgumentException($"FunctionalCall: {module.GetType().Name} has no parameter named '{name}' (it has {string.Join(", ", current.Keys)}).", nameof(parameters));
        if (buffers is not null)
            foreach (var name in buffers.Keys)
                if (!currentBuffers.ContainsKey(name))
                    throw new ArgumentException($"FunctionalCall: {module.GetType().Name} has no buffer named '{name}'.", nameof(buffers));
        var rebound = new List<string>();
        var saved = new List<(Tensor Buffer, Tensor Old)>();
        try
        {
            foreach (var (name, value) in parameters)
            {
                module.Rebind(name, value);
                rebound.Add(name);
            }
            if (buffers is not null)
                using (Recorder.NoGrad())
                    foreach (var (name, value) in buffers)
                    {
                        var b = currentBuffers[name];
                        saved.Add((b, b.Clone()));
                        b.CopyFrom(value);
                    }
            return module.Forward(input);
        }
        finally
        {
            foreach (var name in rebound) module.Rebind(name, current[name]);
            using (Recorder.NoGrad())
                foreach (var (b, old) in saved) b.CopyFrom(old);
        }
    }

    /// <summary>
    /// The gradient of each example's loss with respect to every parameter: for parameter <c>p</c>, a tensor of shape
    /// <c>(B, p's shape)</c> whose row <c>b</c> is <c>∂ loss(model(inputs[b]), targets[b]) / ∂p</c>, each example run as a batch of one.
    /// </summary>
    /// <remarks>
    /// A <see cref="Sequential"/> whose parameters all belong to <see cref="Linear"/> layers on 2-D inputs (an MLP) takes the
    /// known shortcut when <paramref name="shortcuts"/> is on: one forward and one backward pass over the batch, each weight's
    /// per-sample gradient the outer product of the layer's saved input row and its output gradient row. Any other model runs
    /// <c>Vmap(Grad(loss ∘ FunctionalCall))</c>. The model's parameters and <c>.Grad</c> are left untouched.
    /// </remarks>
    /// <param name="model">The model; its parameters are the ones differentiated.</param>
    /// <param name="loss">The loss of a batch of predictions against a batch of targets (called here on batches of one).</param>
    /// <param name="inputs">The batch of inputs, examples along axis 0.</param>
    /// <param name="targets">The batch of targets, examples along axis 0.</param>
    /// <param name="shortcuts">Use the Linear shortcut where it applies.</param>
    public static Dictionary<string, Tensor> PerSampleGradients(Module model, Func<Tensor, Tensor, Tensor> loss, Tensor inputs, Tensor targets, bool shortcuts = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        if (inputs.Rank == 0 || targets.Rank == 0 || inputs.Shape[0] != targets.Shape[0])
            throw new ArgumentException($"PerSampleGradients: inputs {inputs.Shape} and targets {targets.Shape} must have the same number of examples along axis 0.");
        if (shortcuts && LinearShortcut(model, loss, inputs, targets) is { } fast) return fast;
        var named = model.NamedParameters();
        int p = named.Count;
        var perExample = Functional.Grad(xs =>
        {
            var parameters = new Dictionary<string, Tensor>(p);
            for (int i = 0; i < p; i++) parameters[named[i].Key] = xs[i];
            var output = FunctionalCall(model, parameters, null, xs[p].Unsqueeze(0));
            return loss(output, xs[p + 1].Unsqueeze(0));
        }, [.. Enumerable.Range(0, p)]);
        var inDims = new int?[p + 2];
        inDims[p] = 0;
        inDims[p + 1] = 0;
        var grads = Functional.Vmap(perExample, inDims, new int[p])([.. named.Select(n => n.Value.Detach()), inputs.Detach(), targets.Detach()]);
        var result = new Dictionary<string, Tensor>(p);
        for (int i = 0; i < p; i++) result[named[i].Key] = grads[i];
        return result;
    }
}
