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
    /// (Note [Saved values] in Differentiation/Node.cs).
    /// </remarks>
    public void CopyFrom(Tensor source, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        ArgumentNullException.ThrowIfNull(source);
        CheckWritable("CopyFrom");
        if (source.Shape != Shape)
            throw new ArgumentException($"CopyFrom: source shape {source.Shape} differs from target shape {Shape}.");
        if (ReferenceEquals(source.Storage, Storage)) return;
        var s = source.DType == DType ? source : source.Detach().To(DType);
        if (DType == DType.Float32) s.F32.CopyTo(F32); else s.F64.CopyTo(F64);
        BumpVersion();
    }

    /// <summary>Sets every element to <paramref name="value"/>, in place (same rules as <see cref="CopyFrom"/>).</summary>
    public void Fill(double value, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        CheckWritable("Fill");
        if (DType == DType.Float32) F32.Fill((float)value); else F64.Fill(value);
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
