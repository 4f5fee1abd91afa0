using System.Runtime.CompilerServices;
using AutoGrad.Differentiation;

namespace AutoGrad;

public sealed partial class Tensor
{
    /// <summary>Overwrites this tensor's values with <paramref name="source"/>'s (<c>x ← s</c>), in place.</summary>
    /// <remarks>
    /// Allowed on a leaf that requires gradients only inside <see cref="Recorder.NoGrad"/> (an optimizer step), and never on
    /// a tensor made by a recorded op, whose value a backward rule may still need. A source of the other dtype is
    /// converted. Bumps <see cref="Version"/>, so a backward rule that saved the old values can tell
    /// (Note [Saved values] in Node.cs).
    /// </remarks>
    public void CopyFrom(Tensor source, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        ArgumentNullException.ThrowIfNull(source);
        CheckWritable("CopyFrom");
        if (source.Shape != Shape)
            throw new ArgumentException($"CopyFrom: source shape {source.Shape} differs from target shape {Shape}.");
        if (Batching.Any(this, source))
        {
            // A per-example target takes each example's value (a shared source repeated). A per-example value written into one
            // tensor shared by every example has no batched meaning: Vmap runs such a function as a loop.
            var levels = Batching.Levels(this);
            if (levels.Length == 0 || Batching.Levels(source).Except(levels).Any())
                throw new BatchingUnsupportedException("CopyFrom", "an in-place write of a per-example value into a tensor shared by every example");
            Batching.Real(this).CopyFrom(Batching.Expand(source, levels, [this, source]));
            return;
        }
        if (ReferenceEquals(source.Storage, Storage)) return;
        var s = source;
        if (source.DType != DType)
        {
            // Between float types values round; to or from an integer or bool type they must convert exactly
            // (Note [Integer tensors] in Tensor.Convert.cs): a fraction, NaN or an int64 beyond 2^53 is an error, not truncated.
            if (InexactAt(source, DType) is { } bad)
                throw new ArgumentException($"CopyFrom: the {source.DType.Name()} source holds {bad.Value} at flat position {bad.Index}, which has no exact {DType.Name()} value.");
            s = source.DType.IsFloatingPoint() && DType.IsFloatingPoint() ? source.Detach().To(DType) : Convert(source, DType, "CopyFrom");
        }
        s.CopyBlockTo(0, this, 0, Size);
        BumpVersion();
    }

    /// <summary>Sets every element to <paramref name="value"/>, in place (same rules as <see cref="CopyFrom"/>).</summary>
    public void Fill(double value, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        CheckWritable("Fill");
        switch (DType)
        {
            case DType.Float32: F32.Fill((float)value); break;
            case DType.Float64: F64.Fill(value); break;
            default: for (int i = 0; i < Size; i++) SetFlat(i, value); break;   // an integer or bool value exactly, else an error
        }
        BumpVersion();
    }

    private void CheckWritable(string op)
    {
        if (GradFn is not null)
            throw new InvalidOperationException(
                $"{op}: this tensor was made by '{GradFn.Op}' and is part of a graph; writing it in place would corrupt its gradients. Write to a Detach()ed copy or Clone() instead.");
        if (RequiresGrad && Recorder.IsEnabled)
            throw new InvalidOperationException(
                $"{op}: in-place write to a leaf that requires gradients while recording; do it inside 'using (Recorder.NoGrad())', as an optimizer step does.");
    }
}
