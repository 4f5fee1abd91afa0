using System.Runtime.CompilerServices;

namespace AutoGrad.Differentiation;

/// <summary>
/// Defines a new differentiable op from a forward function and its backward rule; the result is recorded on the tape
/// like a built-in op and can be checked with <see cref="Checking.GradCheck"/> and <see cref="Checking.GradGradCheck"/>.
/// </summary>
/// <remarks>
/// The forward runs with recording off. Write the backward in Tensor ops if second derivatives are wanted: with
/// <c>createGraph</c> it is recorded like any other computation.
/// </remarks>
public static class CustomFunction
{
    /// <summary>Applies a one-input op: <c>y = forward(x)</c>, with <c>∂L/∂x = backward(x, y, ∂L/∂y)</c>.</summary>
    public static Tensor Apply(string name, Tensor x, Func<Tensor, Tensor> forward, Func<Tensor, Tensor, Tensor, Tensor> backward,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        ArgumentNullException.ThrowIfNull(forward);
        ArgumentNullException.ThrowIfNull(backward);
        Tensor y;
        using (Recorder.NoGrad()) y = Own(forward(x), x);
        return Recorder.Record(name, y, [x], g => [Checked(name, 0, backward(x, y, g), x)]);
    }

    /// <summary>
    /// Applies a two-input op: <c>y = forward(a, b)</c>, with <c>(∂L/∂a, ∂L/∂b) = backward(a, b, y, ∂L/∂y)</c>; return null
    /// for an input that gets no gradient.
    /// </summary>
    public static Tensor Apply(string name, Tensor a, Tensor b, Func<Tensor, Tensor, Tensor> forward,
        Func<Tensor, Tensor, Tensor, Tensor, (Tensor? A, Tensor? B)> backward, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        ArgumentNullException.ThrowIfNull(forward);
        ArgumentNullException.ThrowIfNull(backward);
        Tensor y;
        using (Recorder.NoGrad()) y = Own(forward(a, b), a, b);
        return Recorder.Record(name, y, [a, b], g =>
        {
            var (ga, gb) = backward(a, b, y, g);
            return [ga is null ? null : Checked(name, 0, ga, a), gb is null ? null : Checked(name, 1, gb, b)];
        });
    }

    // The forward may return one of its inputs unchanged; the recorded output must be a tensor of its own.
    private static Tensor Own(Tensor y, params Tensor[] inputs) => inputs.Any(x => ReferenceEquals(x, y)) ? y.Clone() : y;

    private static Tensor Checked(string name, int i, Tensor g, Tensor x)
    {
        if (g.DType != x.DType)
            throw new InvalidOperationException($"{name}: backward returned a {g.DType.Name()} gradient for {x.DType.Name()} input {i}.");
        if (g.Shape != x.Shape && !x.Shape.CanBroadcastTo(g.Shape))
            throw new InvalidOperationException($"{name}: backward returned a gradient of shape {g.Shape} for input {i} of shape {x.Shape}.");
        return g;
    }
}
