using AutoGrad;
using AutoGrad.Differentiation;

namespace GradientLab;

/// <summary>
/// A user-defined op, softsign <c>y = x/(1 + |x|)</c>, registered on the tape with <see cref="CustomFunction.Apply(string, Tensor, Func{Tensor, Tensor}, Func{Tensor, Tensor, Tensor, Tensor})"/>:
/// once with the right backward <c>g/(1 + |x|)²</c> and once with a deliberately wrong one that forgets the square.
/// </summary>
public static class Softsign
{
    /// <summary>Softsign with the correct backward <c>∂y/∂x = 1/(1 + |x|)²</c>, written in tensor ops so it can be differentiated again.</summary>
    public static Tensor Apply(Tensor x) =>
        CustomFunction.Apply("Softsign", x,
            forward: t => t / (t.Abs() + 1.0),
            backward: (t, _, g) => g / (t.Abs() + 1.0).Square());

    /// <summary>Softsign with a wrong backward <c>g/(1 + |x|)</c> (the square forgotten), which a gradient check must catch.</summary>
    public static Tensor ApplyWithWrongBackward(Tensor x) =>
        CustomFunction.Apply("SoftsignWrong", x,
            forward: t => t / (t.Abs() + 1.0),
            backward: (t, _, g) => g / (t.Abs() + 1.0));
}
