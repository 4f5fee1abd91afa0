using AutoGrad.Differentiation;

namespace AutoGrad.Checking;

/// <summary>Tolerances and switches for <see cref="GradCheck"/>; the defaults are PyTorch's <c>gradcheck</c> defaults.</summary>
/// <param name="Eps">Finite-difference step ε: <c>(f(x + ε) − f(x − ε)) / 2ε</c>.</param>
/// <param name="Atol">Absolute tolerance.</param>
/// <param name="Rtol">Relative tolerance: an element passes when <c>|analytical − numerical| ≤ atol + rtol·|numerical|</c>.</param>
/// <param name="CheckReentrant">Run backward twice and require bit-identical gradients.</param>
/// <param name="CheckZeroSeed">Require that a zero output gradient gives zero input gradients.</param>
/// <param name="Fast">
/// Compare one random projection <c>vᵀJu</c> (unit <c>u</c>, <c>v</c>) with the directional difference
/// <c>vᵀ(f(x + εu) − f(x − εu))/2ε</c> instead of the whole Jacobian; on failure the full check runs and is reported.
/// </param>
/// <param name="Seed">Seed for the random directions of <paramref name="Fast"/> mode.</param>
public sealed record GradCheckOptions(double Eps = 1e-6, double Atol = 1e-5, double Rtol = 1e-3, bool CheckReentrant = true, bool CheckZeroSeed = true,
    bool Fast = false, ulong Seed = 0);

/// <summary>What a gradient check found.</summary>
public enum GradCheckKind
{
    /// <summary>Every compared derivative is within tolerance.</summary>
    Passed,

    /// <summary>The analytical gradient disagrees with the finite difference at a point where <c>f</c> is smooth.</summary>
    WrongGradient,

    /// <summary>
    /// The only disagreements are at non-differentiable points (kinks, such as ReLU at 0), where the one-sided slopes
    /// <c>(f(x+ε) − f(x))/ε</c> and <c>(f(x) − f(x−ε))/ε</c> differ; the central difference is meaningless there.
    /// </summary>
    Kink,

    /// <summary>A structural failure: wrong dtype, non-reentrant backward, or non-zero gradient for a zero seed.</summary>
    Failed,
}

/// <summary>The outcome of a gradient check; <see cref="Report"/> explains a failure.</summary>
public sealed class GradCheckResult
{
    internal GradCheckResult(bool passed, string report, int input, int element, int output, double analytical, double numerical,
        GradCheckKind kind, double leftSlope, double rightSlope)
    {
        Passed = passed; Report = report; InputIndex = input; ElementIndex = element; OutputIndex = output;
        Analytical = analytical; Numerical = numerical; Kind = kind; LeftSlope = leftSlope; RightSlope = rightSlope;
    }

    /// <summary>True when every Jacobian entry is within tolerance and the reentrancy and zero-seed checks hold.</summary>
    public bool Passed { get; }

    /// <summary>What was found: passed, a wrong gradient, only kinks, or a structural failure.</summary>
    public GradCheckKind Kind { get; }

    /// <summary>True when the check failed only at non-differentiable points (<see cref="GradCheckKind.Kink"/>).</summary>
    public bool IsKink => Kind == GradCheckKind.Kink;

    /// <summary>At a kink, the left slope <c>(f(x) − f(x−ε))/ε</c> of the reported element; NaN otherwise.</summary>
    public double LeftSlope { get; }

    /// <summary>At a kink, the right slope <c>(f(x+ε) − f(x))/ε</c> of the reported element; NaN otherwise.</summary>
    public double RightSlope { get; }

    /// <summary>A readable account: the worst element with both values and the Jacobian column around it.</summary>
    public string Report { get; }

    /// <summary>Which input holds the worst element (−1 when no element was compared).</summary>
    public int InputIndex { get; }

    /// <summary>Flat index of the worst element within its input.</summary>
    public int ElementIndex { get; }

    /// <summary>Flat index of the output element whose derivative was worst.</summary>
    public int OutputIndex { get; }

    /// <summary>The analytical (backward) value <c>∂yₒ/∂xₑ</c> at the worst element.</summary>
    public double Analytical { get; }

    /// <summary>The central-difference value at the worst element.</summary>
    public double Numerical { get; }

    internal GradCheckResult WithPrefix(string prefix) =>
        new(Passed, prefix + Report, InputIndex, ElementIndex, OutputIndex, Analytical, Numerical, Kind, LeftSlope, RightSlope);

    /// <inheritdoc/>
    public override string ToString() => Report;
}

/// <summary>Thrown by <see cref="GradCheck.Assert"/> when analytical and numerical gradients disagree.</summary>
public sealed class GradCheckException(GradCheckResult result) : Exception(result.Report)
{
    /// <summary>The failed check, with the worst element's values.</summary>
    public GradCheckResult Result { get; } = result;
}
