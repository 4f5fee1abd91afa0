using System.Text;

namespace AutoGrad.Differentiation;

/// <summary>
/// Thrown inside <see cref="Diagnostics.DetectAnomaly"/> by the first op (forward) or backward rule whose result holds
/// NaN or ±∞; the message names the op, the user's line that recorded it, and statistics of its inputs.
/// </summary>
public sealed class AnomalyException : Exception
{
    internal AnomalyException(string op, CallSite site, bool backward, Tensor result, Tensor[] inputs, (int Input, Tensor G)? grad)
        : base(Format(op, site, backward, result, inputs, grad))
    {
        Op = op;
        Site = site;
        IsBackward = backward;
        ResultStats = TensorStats.Of(result);
        InputStats = inputs.Select(TensorStats.Of).ToArray();
    }

    /// <summary>The op that produced the non-finite values (for a backward anomaly, the op whose rule did).</summary>
    public string Op { get; }

    /// <summary>Where the op was called (see <see cref="CallSite"/>).</summary>
    public CallSite Site { get; }

    /// <summary>True when the anomaly arose in a backward rule rather than in the forward pass.</summary>
    public bool IsBackward { get; }

    /// <summary>Statistics of the offending result (the op's output, or the input gradient the rule returned).</summary>
    public TensorStats ResultStats { get; }

    /// <summary>Statistics of each of the op's inputs, in order.</summary>
    public IReadOnlyList<TensorStats> InputStats { get; }

    private static string Format(string op, CallSite site, bool backward, Tensor result, Tensor[] inputs, (int Input, Tensor G)? grad)
    {
        var where = site.IsKnown ? $" recorded at {site}" : "";
        var sb = new StringBuilder();
        if (backward)
            sb.Append($"Anomaly: in the backward of {op}{where}, the gradient for input {grad!.Value.Input} {result.Shape} holds non-finite values ({TensorStats.Of(result)}).");
        else
            sb.Append($"Anomaly: {op}{(site.IsKnown ? $" at {site}" : "")} produced an output {result.Shape} with non-finite values ({TensorStats.Of(result)}).");
        for (int i = 0; i < inputs.Length; i++)
            sb.Append($"\n  input {i}: {Diagnostics.Operand(((char)('a' + Math.Min(i, 25))).ToString(), inputs[i])}; {TensorStats.Of(inputs[i])}");
        if (grad is { } gg) sb.Append($"\n  incoming gradient ∂L/∂output {gg.G.Shape}: {TensorStats.Of(gg.G)}");
        return sb.ToString();
    }
}
