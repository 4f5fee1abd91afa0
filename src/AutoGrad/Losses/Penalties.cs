using System.Runtime.CompilerServices;
using AutoGrad.Differentiation;

namespace AutoGrad.Losses;

/// <summary>Regularisation terms over a parameter list (<c>Q = L + L₁ + L₂</c>), added to the data loss.</summary>
/// <remarks>Nielsen ("Neural Networks and Deep Learning" ch. 3) writes L2 as <c>(λ/2n)Σw²</c>: pass <c>λ/(2n)</c> as <c>lambda</c> for that form. Pass only weights to leave biases unregularised.</remarks>
public static class Penalties
{
    /// <summary>L1 penalty <c>λ Σ_m |θ_m|</c> (subgradient 0 at θ = 0).</summary>
    public static Tensor L1(IEnumerable<Tensor> parameters, double lambda, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return Sum("L1", parameters, p => p.Abs().Sum()) * lambda;
    }

    /// <summary>L2 penalty <c>λ Σ_m θ_m²</c>; its gradient is <c>2λθ</c>.</summary>
    public static Tensor L2(IEnumerable<Tensor> parameters, double lambda, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return Sum("L2", parameters, p => p.Square().Sum()) * lambda;
    }

    private static Tensor Sum(string op, IEnumerable<Tensor> parameters, Func<Tensor, Tensor> term)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Tensor? total = null;
        foreach (var p in parameters) total = total is null ? term(p) : total + term(p);
        return total ?? throw new ArgumentException($"{op}: the parameter list is empty.");
    }
}
