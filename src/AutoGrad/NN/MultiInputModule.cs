namespace AutoGrad.NN;

/// <summary>
/// A module without a one-tensor forward: it takes several inputs or returns several outputs through its own typed <c>Forward</c>
/// overloads (an encoder-decoder's <c>Forward(source, target)</c>), or holds modules for its owner to call (<see cref="ModuleList"/>,
/// <see cref="ModuleDict"/>).
/// </summary>
/// <remarks>
/// Everything of <see cref="Module"/> applies (parameters, buffers, names, modes, <see cref="Module.Apply"/>, freezing, state dictionaries);
/// only <see cref="Forward(Tensor)"/> throws, naming the module, and <see cref="Sequential"/> refuses such a module when it is added.
/// A module that has a natural one-input use (self-attention: query = key = value = x) derives from <see cref="Module"/> instead and
/// implements <see cref="Module.Forward(Tensor)"/> as that use, next to its typed overloads, so it can sit in a <see cref="Sequential"/>.
/// </remarks>
public abstract class MultiInputModule : Module
{
    /// <summary>Not available: throws <see cref="NotSupportedException"/> naming this module; call its own <c>Forward</c> overloads.</summary>
    public sealed override Tensor Forward(Tensor x) =>
        throw new NotSupportedException($"{GetType().Name} has no one-tensor Forward(x); call its own Forward overloads (it is a {nameof(MultiInputModule)}).");
}
