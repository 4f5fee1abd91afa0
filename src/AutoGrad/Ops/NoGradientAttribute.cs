namespace AutoGrad;

/// <summary>
/// Marks a public op whose result carries no gradient (comparisons, sign, argmax, one-hot); every other public op
/// returning a tensor is differentiable and must have a row in the test suite's op table.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NoGradientAttribute : Attribute;
