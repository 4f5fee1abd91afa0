using System.Runtime.CompilerServices;
using AutoGrad.Differentiation;
using AutoGrad.Kernels;

namespace AutoGrad;

/// <summary>The hidden-state product of an unrolled recurrent layer, against a hidden weight packed once per weight version.</summary>
internal static class RecurrentOps
{
    // Primitive because: measured speed. An unrolled layer multiplies the same hidden weight W (G·H, H) by a 32-row state at
    // every step, forward (h·Wᵀ) and backward (g·W); MatMul repacks W into the GEMM's panels each time (64 times per
    // sequence each way for the compare `lstm` workload, benchmarks/AutoGrad.Benchmarks/Compare/SequenceWorkloads.cs). Here
    // W's two packed forms (GemmPrepacked) are made once per version of W and reused. The values are MatMul's bit for bit
    // (GemmPrepacked's remarks; RecurrentLayerPathTests), and the rule is MatMul's: with createGraph it is composed of MatMul.
    /// <summary>
    /// <c>h·Wᵀ + bias</c> for h (N, H), W (G·H, H) and bias (N, G·H) or broadcastable to it: <see cref="LinearAlgebraOps.MatMul(Tensor, Tensor, bool, bool, Tensor?)"/>
    /// with <c>transB</c>, recorded as it is.
    /// </summary>
    internal static Tensor HiddenProduct(Tensor h, Tensor w, Tensor bias)
    {
        int m = h.Shape[0], k = w.Rank == 2 ? w.Shape[1] : 0, n = w.Rank == 2 ? w.Shape[0] : 0;
        if (t_disabled || Batching.Any(h, w, bias) || OpTrace.IsActive || h.Rank != 2 || w.Rank != 2 || h.Shape[1] != k
            || h.DType != w.DType || bias.DType != h.DType || h.DType is not (DType.Float32 or DType.Float64)
            || !bias.Shape.CanBroadcastTo(Shape.Wrap([m, n])) || !GemmPrepacked.Pays(m, k, n) || !GemmPrepacked.Pays(m, n, k))
            return LinearAlgebraOps.MatMul(h, w, false, true, bias);
        var packs = Packs.For(w);
        var y = Tensor.Uninitialized(Shape.Wrap([m, n]), h.DType);
        if (h.DType == DType.Float32) GemmPrepacked.Multiply<float>(h.F32, packs.Get<float>(w, forward: true), y.F32, m, k, n, false, false);
        else GemmPrepacked.Multiply<double>(h.F64, packs.Get<double>(w, forward: true), y.F64, m, k, n, false, false);
        Dispatch.AddInPlace(y, bias);
        PackedProducts++;
        return Recorder.Finish("MatMulAddBias", y, h, w, bias, (h, w, bias, packs), static s => Rule(s.h, s.w, s.bias, s.packs));
    }

    [ThreadStatic] private static bool t_disabled;

    /// <summary>On this thread, whether calls take the packed path when they can (off: every call is a plain MatMul; tests compare the two).</summary>
    internal static bool Enabled { get => !t_disabled; set => t_disabled = !value; }

    /// <summary>Products this thread ran on the packed path (tests check that the path they compare was taken).</summary>
    [field: ThreadStatic] internal static int PackedProducts { get; set; }

    // MatMul's rule for (false, true): ∂h = g·W (through the packed W when not recording), ∂W = gᵀ·h (a gradient sink), ∂bias = g.
    private static BackwardRule Rule(Tensor h, Tensor w, Tensor bias, Packs packs) => g =>
    {
        Tensor? gh = null;
        if (h.RequiresGrad)
        {
            if (Recorder.IsEnabled || g.DType != h.DType || g.Shape != Shape.Wrap([h.Shape[0], w.Shape[0]]))
                gh = LinearAlgebraOps.MatMul(g, w, false, false);
            else
            {
                int m = h.Shape[0], k = w.Shape[0], n = w.Shape[1];
                gh = Tensor.Uninitialized(h.Shape, h.DType);
                if (h.DType == DType.Float32) GemmPrepacked.Multiply<float>(g.F32, packs.Get<float>(w, forward: false), gh.F32, m, k, n, false, false);
                else GemmPrepacked.Multiply<double>(g.F64, packs.Get<double>(w, forward: false), gh.F64, m, k, n, false, false);
            }
        }
        var gw = GradientSinks.Product(w, g, h, true, false, static (p, q, transP, transQ) => LinearAlgebraOps.MatMul(p, q, transP, transQ));
        return [gh, gw, bias.RequiresGrad ? g : null];
    };

    // Note [Packed hidden weights]: a weight's packed forms, op(B) = Wᵀ for the forward product and op(B) = W for the backward
    // one, each tagged with the weight's version when packed and repacked when it differs (an optimizer step bumps it). They
    // live as long as the weight (a ConditionalWeakTable), one set per thread, in pinned arrays (GemmPrepacked.Allocate), so
    // a step allocates nothing once they exist. A graph whose W changed before its backward pass is refused by the engine's
    // check of saved versions before any packed form is read, so a stale form is never used.
    private sealed class Packs
    {
        [ThreadStatic] private static ConditionalWeakTable<Tensor, Packs>? t_table;

        private Array? _forward, _backward;
        private int _forwardVersion = -1, _backwardVersion = -1;

        internal static Packs For(Tensor w) => (t_table ??= new()).GetOrCreateValue(w);

        internal T[] Get<T>(Tensor w, bool forward) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            ref Array? slot = ref forward ? ref _forward : ref _backward;
            ref int version = ref forward ? ref _forwardVersion : ref _backwardVersion;
            int k = forward ? w.Shape[1] : w.Shape[0], n = forward ? w.Shape[0] : w.Shape[1];
            if (slot is T[] ready && version == w.Version && ready.Length == GemmPrepacked.PackedLength<T>(k, n)) return ready;
            var packed = slot as T[] is { } old && old.Length == GemmPrepacked.PackedLength<T>(k, n) ? old : GemmPrepacked.Allocate<T>(k, n);
            GemmPrepacked.Pack<T>(w.Span<T>(), k, n, transB: forward, packed);
            (slot, version) = (packed, w.Version);
            return packed;
        }
    }
}
