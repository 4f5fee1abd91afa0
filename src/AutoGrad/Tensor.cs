using System.Numerics;
using AutoGrad.Differentiation;
using AutoGrad.Memory;

namespace AutoGrad;

/// <summary>
/// A dense, contiguous, row-major array of float32 or float64 values that records the operations made
/// on it, so that <see cref="Backward"/> can compute gradients by reverse-mode differentiation.
/// </summary>
/// <remarks>
/// Tensors are compared by reference (element-wise comparison is a named op such as
/// <see cref="ComparisonOps.Equal(Tensor, Tensor, string, int)"/>), which keeps them usable as keys in gradient maps.
/// </remarks>
public sealed partial class Tensor
{
    internal readonly Storage Storage;
    private bool _requiresGrad;

    internal Tensor(Storage storage, Shape shape, DType dtype)
    {
        Storage = storage;
        Shape = shape;
        DType = dtype;
    }

    /// <summary>The dimensions <c>(d₀, …, d_{r−1})</c>.</summary>
    public Shape Shape { get; }

    /// <summary>The element type.</summary>
    public DType DType { get; }

    /// <summary>Number of dimensions <c>r</c>.</summary>
    public int Rank => Shape.Rank;

    /// <summary>Number of elements <c>∏ dᵢ</c>.</summary>
    public int Size => Shape.Size;

    /// <summary>
    /// Whether gradients flow to this tensor. Set it on leaves (parameters, inputs) you differentiate with
    /// respect to; results of ops on such tensors require gradients automatically.
    /// </summary>
    public bool RequiresGrad
    {
        get => _requiresGrad;
        set
        {
            if (!value && GradFn is not null)
                throw new InvalidOperationException(
                    $"RequiresGrad: this tensor was made by '{GradFn.Op}' and is part of a graph; use Detach() to get a tensor that does not require gradients.");
            _requiresGrad = value;
            if (value && GradFn is null) Keep();   // a leaf that needs gradients is state (a parameter), even if an op made it in a StepScope
        }
    }

    /// <summary>The node that recorded the op which made this tensor, or null for a leaf.</summary>
    public Node? GradFn { get; internal set; }

    /// <summary>True for tensors not made by a recorded op (created by the user, or made with gradients off).</summary>
    public bool IsLeaf => GradFn is null;

    /// <summary>An optional name, shown in error messages and graph views.</summary>
    public string? Name { get; set; }

    internal bool RetainsGrad { get; private set; }

    // Where the op that made this tensor was called, also when it was not recorded (see Note [Call sites]).
    internal CallSite Site { get; set; }

    /// <summary>Asks a non-leaf tensor to keep its gradient in <see cref="Grad"/> during backward.</summary>
    public Tensor RetainGrad()
    {
        if (!RequiresGrad) throw new InvalidOperationException("RetainGrad: the tensor does not require gradients, so it will never receive one.");
        RetainsGrad = true;
        return this;
    }

    /// <summary>Makes this tensor a leaf that requires gradients; returns it, for chaining.</summary>
    public Tensor RequireGrad()
    {
        RequiresGrad = true;
        return this;
    }

    /// <summary>Clears the accumulated gradient: sets <see cref="Grad"/> to null, or with <paramref name="setToNone"/> false fills it with 0 in place.</summary>
    /// <remarks>
    /// Keeping the buffer (as PyTorch's <c>zero_grad(set_to_none=False)</c>) lets the next backward add into it instead of
    /// allocating a new gradient each step; whoever holds the old <see cref="Grad"/> then sees it change.
    /// </remarks>
    public void ZeroGrad(bool setToNone = true)
    {
        if (setToNone || Grad is null) { Grad = null; return; }
        using (Differentiation.Recorder.NoGrad()) Grad.Fill(0);
    }

    /// <summary>Number of in-place writes made to this tensor's storage so far.</summary>
    public int Version => Storage.Version;

    internal Span<T> Span<T>() => new((T[])Data, 0, Size);

    internal Span<float> F32 => new((float[])Data, 0, Size);

    internal Span<double> F64 => new((double[])Data, 0, Size);

    // Every read and write of the values comes through here; a buffer a StepScope took back is gone (Note [Step scopes]).
    private Array Data => Storage.Data ?? throw ReleasedError();

    /// <summary>
    /// Computes <c>∂this/∂x</c> for every leaf <c>x</c> that requires gradients and adds it to <c>x.Grad</c>.
    /// </summary>
    /// <param name="gradient">The seed <c>∂L/∂this</c>; may be omitted only for a scalar (then it is 1).</param>
    /// <param name="retainGraph">Keep the graph so that backward can run through it again.</param>
    /// <param name="createGraph">Record the backward pass itself, so gradients can be differentiated again.</param>
    public void Backward(Tensor? gradient = null, bool retainGraph = false, bool createGraph = false) =>
        Engine.Backward(this, gradient, retainGraph, createGraph);

    /// <summary>
    /// The accumulated gradient <c>∂L/∂x</c> after <see cref="Backward"/>; null until a backward pass reaches
    /// this tensor. Summed across passes until <see cref="ZeroGrad"/>.
    /// </summary>
    public Tensor? Grad
    {
        get => _grad;
        set
        {
            value?.Keep();   // a gradient outlives the step that made it (Note [Step scopes])
            _grad = value;
        }
    }

    private Tensor? _grad;

    /// <summary>A tensor sharing this one's values that is not part of any graph and does not require gradients.</summary>
    public Tensor Detach() => new(Storage, Shape, DType);

    /// <summary>A new tensor with a copy of the values and no graph history.</summary>
    public Tensor Clone()
    {
        var y = Empty(Shape, DType);
        if (DType == DType.Float32) F32.CopyTo(y.F32); else F64.CopyTo(y.F64);
        return y;
    }

    // Every in-place write comes through here, so the version and the writer's site stay together (Note [Saved values]).
    internal void BumpVersion() => BumpVersion(Differentiation.CallSite.Current);

    // For a caller that already holds the current site (the engine, once per pass).
    internal void BumpVersion(Differentiation.CallSite writer)
    {
        Storage.Version++;
        Storage.LastWriter = new WriteSite(writer.File, writer.Line, writer.Member);
    }

    internal static void CheckSameDType(string op, Tensor a, Tensor b)
    {
        if (a.DType != b.DType)
            throw Diagnostics.OperandError(op, $"{op}: dtypes differ ({a.DType.Name()} {a.Shape} and {b.DType.Name()} {b.Shape}); convert one with To(DType) first.", a, b);
    }

    internal static T Cast<T>(double v) where T : IFloatingPointIeee754<T> => T.CreateTruncating(v);
}
