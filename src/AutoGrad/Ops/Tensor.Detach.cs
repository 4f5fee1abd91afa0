using AutoGrad.Differentiation;

namespace AutoGrad;

// Detach and Clone keep a batched tensor batched (Note [Batched tensors] in Ops/Batching.cs), so they live beside the
// batching rules rather than in Tensor.cs, which sits below the ops (CONTRIBUTING.md, "Layering").
public sealed partial class Tensor
{
    /// <summary>A tensor sharing this one's values that is not part of any graph and does not require gradients.</summary>
    public Tensor Detach() => Storage is BatchedStorage b ? Batching.Wrap(b.Real.Detach(), b.Levels) : Recorder.Detached(new(Storage, Shape, DType), this);

    /// <summary>A new tensor with a copy of the values and no graph history.</summary>
    public Tensor Clone()
    {
        if (Storage is BatchedStorage b) return Batching.Wrap(b.Real.Clone(), b.Levels);
        var y = Empty(Shape, DType);
        Array.Copy(Data, y.Data, Size);
        return y;
    }
}
