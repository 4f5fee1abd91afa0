using System.Runtime.CompilerServices;
using AutoGrad.Differentiation;

namespace AutoGrad;

/// <summary>
/// PyTorch's method spellings of ops whose AutoGrad form is a static call, so they are found after <c>t.</c>:
/// <c>x.Concat(y)</c> (<c>torch.cat([x, y])</c>), <c>x.Stack(y)</c>, <c>x.Where(condition, other)</c> (<c>Tensor.where</c>) and
/// <c>x.Numel()</c>. Each is exactly its static form (<see cref="CombineOps"/>); those keep working.
/// </summary>
public static class TensorMethods
{
    /// <summary>Joins <paramref name="first"/> and <paramref name="second"/> along <paramref name="axis"/>: <c>CombineOps.Concat([first, second], axis)</c>.</summary>
    public static Tensor Concat(this Tensor first, Tensor second, int axis = 0, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return CombineOps.Concat([first, second], axis);
    }

    /// <summary>Joins <paramref name="first"/> and the <paramref name="others"/> along <paramref name="axis"/> (<c>torch.cat([first, *others], axis)</c>).</summary>
    public static Tensor Concat(this Tensor first, IReadOnlyList<Tensor> others, int axis = 0, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        ArgumentNullException.ThrowIfNull(others);
        return CombineOps.Concat([first, .. others], axis);
    }

    /// <summary>Stacks <paramref name="first"/> and <paramref name="second"/> (same shape) along a new axis: <c>CombineOps.Stack([first, second], axis)</c>.</summary>
    public static Tensor Stack(this Tensor first, Tensor second, int axis = 0, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return CombineOps.Stack([first, second], axis);
    }

    /// <summary>
    /// PyTorch's <c>x.where(condition, other)</c>: <c>x</c> where <paramref name="condition"/> ≠ 0, else <paramref name="other"/>, all broadcast together;
    /// the same as <c>CombineOps.Where(condition, x, other)</c> (note the order: the tensor the method is called on is the "true" branch).
    /// </summary>
    public static Tensor Where(this Tensor x, Tensor condition, Tensor other, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        using var site = CallSite.Enter(callerFile, callerLine);
        return CombineOps.Where(condition, x, other);
    }

    /// <summary>The number of elements, PyTorch's <c>numel()</c>; the same as <see cref="Tensor.Size"/> (which in PyTorch is the shape, here <see cref="Tensor.Shape"/>).</summary>
    public static int Numel(this Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Size;
    }
}
