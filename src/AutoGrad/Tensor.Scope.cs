using System.Runtime.CompilerServices;
using AutoGrad.Memory;

namespace AutoGrad;

public sealed partial class Tensor
{
    /// <summary>
    /// Opens a <see cref="AutoGrad.StepScope"/>: until it is disposed, the buffers of op results made on this thread come from a
    /// pool and return to it at the end, so a training loop reuses its activations instead of allocating new ones.
    /// </summary>
    /// <param name="callerFile">Filled in by the compiler: named in the warning a forgotten scope gives.</param>
    /// <param name="callerLine">Filled in by the compiler.</param>
    /// <example><code>
    /// using (Tensor.StepScope())
    /// {
    ///     opt.ZeroGrad(setToNone: false);
    ///     var loss = model.Forward(x).SoftmaxCrossEntropy(y);
    ///     loss.Backward();
    ///     opt.Step();
    ///     total += loss.Item();   // read inside the scope: loss is released when it ends
    /// }
    /// </code></example>
    public static StepScope StepScope([CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) =>
        AutoGrad.StepScope.Begin(callerFile, callerLine);

    /// <summary>
    /// Keeps this tensor's values alive past the end of the <see cref="AutoGrad.StepScope"/> it was made in (it is then the garbage
    /// collector's, as outside any scope); returns this tensor. Views and detached copies share the values and are kept too.
    /// </summary>
    public Tensor Keep()
    {
        if (Storage is PooledStorage s) s.Owner = 0;   // nobody may give it back (Note [Pooled buffers] in Memory/BufferPool.cs)
        return this;
    }

    private InvalidOperationException ReleasedError()
    {
        string made = GradFn is { } n ? $" made by '{n.Op}'" : "";
        string at = Site.IsKnown ? $" at {Site}" : "";
        return new InvalidOperationException(
            $"This tensor {Shape}{made}{at} was an intermediate value of a StepScope that has ended, and its buffer has been reused. " +
            "Read what you need inside the scope, or call Keep() or Clone() on the tensor there.");
    }
}
