using System.Runtime.CompilerServices;
using AutoGrad.Differentiation;

namespace AutoGrad.Distributed;

/// <summary>Differentiable collectives: ops whose value depends on every rank's input.</summary>
public static class DistributedOps
{
    /// <summary>
    /// <c>y = Σᵣ xᵣ</c> over all ranks, element-wise; backward sums the incoming gradients the same way, <c>∂L/∂xᵣ = Σₛ ∂Lₛ/∂y</c>,
    /// so with <see cref="DistributedDataParallel"/> (which averages) the ranks' gradients are those of the mean of their losses.
    /// </summary>
    /// <remarks>Every rank must call it, in the same order, in forward and in backward.</remarks>
    public static Tensor AllReduceSum(this Tensor x, Communicator communicator, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(communicator);
        return CustomFunction.Apply("AllReduceSum", x, v => Reduce(v, communicator), (_, _, g) => Reduce(g, communicator), callerFile, callerLine);
    }

    private static Tensor Reduce(Tensor t, Communicator communicator)
    {
        if (t.DType == DType.Float32)
        {
            var f = t.ToFloatArray();
            communicator.AllReduceSum(f);
            return Tensor.FromArray(f, t.Shape.ToArray());
        }
        var d = t.ToDoubleArray();
        communicator.AllReduceSum(d);
        return Tensor.FromArray(d, t.Shape.ToArray());
    }
}
