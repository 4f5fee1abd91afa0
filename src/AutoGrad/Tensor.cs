using System.Numerics;
using AutoGrad.Differentiation;
using AutoGrad.Memory;

namespace AutoGrad;

/// <summary>
/// A dense, contiguous, row-major array of values (float32, float64, int32, int64 or bool; see <see cref="AutoGrad.DType"/>)
/// that records the operations made on it, so that <see cref="Backward"/> can compute gradients by reverse-mode
/// differentiation. Only floating-point tensors take part in gradients.
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
            if (value && !DType.IsFloatingPoint())
                throw new InvalidOperationException(GradFn is not null
                    ? $"{GradFn.Op}: cannot record a gradient for its {DType.Name()} result; integer and bool tensors carry no gradient (detach the float inputs, or convert with To(DType.Float32) first)."
                    : $"RequiresGrad: a {DType.Name()} tensor {Shape} cannot require gradients; only float32 and float64 tensors carry gradients (convert with To(DType.Float32) first).");
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

    /// <summary>Number of in-place writes made to this tensor's storage so far.</summary>
    public int Version => Storage.Version;

    internal Span<T> Span<T>() => new(Data as T[] ?? throw WrongType(typeof(T)), 0, Size);

    // The whole backing array (possibly longer than the tensor: a pooled buffer), for kernels that take arrays rather than
    // spans because they share the work out over threads; a released tensor throws as Span does.
    internal T[] Buffer<T>() => Data as T[] ?? throw WrongType(typeof(T));

    // The float views are what every float op reads; an integer or bool tensor that reaches one gets the op's name
    // (Note [Integer tensors] in Tensor.Convert.cs) instead of an InvalidCastException.
    internal Span<float> F32 => new(Data as float[] ?? throw WrongType(typeof(float)), 0, Size);

    internal Span<double> F64 => new(Data as double[] ?? throw WrongType(typeof(double)), 0, Size);

    internal Span<int> I32 => new(Data as int[] ?? throw WrongType(typeof(int)), 0, Size);

    internal Span<long> I64 => new(Data as long[] ?? throw WrongType(typeof(long)), 0, Size);

    internal Span<bool> B8 => new(Data as bool[] ?? throw WrongType(typeof(bool)), 0, Size);

    private Exception WrongType(Type wanted)
    {
        if (Storage.Data is null) return ReleasedError();
        string op = Differentiation.CallSite.Current.Member is { Length: > 0 } m ? m : "this op";
        return wanted == typeof(float) || wanted == typeof(double)
            ? new ArgumentException($"{op}: needs a floating-point tensor (float32 or float64), got {DType.Name()} {Shape}; convert it with To(DType.Float32) first.")
            : new InvalidOperationException($"{op}: internal error, a {DType.Name()} tensor {Shape} was read as {wanted.Name}.");
    }

    // Throws the same message as a float view would, before an op does any work (for ops that read values by GetFlat).
    internal void RequireFloat(string op)
    {
        if (!DType.IsFloatingPoint())
            throw new ArgumentException($"{Differentiation.Diagnostics.UserOp(op)}: needs a floating-point tensor (float32 or float64), got {DType.Name()} {Shape}; convert it with To(DType.Float32) first.");
    }

    // Every read and write of the values comes through here; a buffer a StepScope took back is gone (Note [Step scopes]).
    private Array Data => Storage.Data ?? throw ReleasedError();

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

    // Copies `count` elements from this tensor's flat position `from` to `to` in y (same dtype; checked by the caller).
    internal void CopyBlockTo(int from, Tensor y, int to, int count) => Array.Copy(Data, from, y.Data, to, count);

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
