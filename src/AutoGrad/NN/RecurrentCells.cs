using AutoGrad.Differentiation;

namespace AutoGrad.NN;

/// <summary>
/// The shared parts of a recurrent cell: input weights <c>W_ih</c> (G·H, input), hidden weights <c>W_hh</c> (G·H, H) and biases
/// <c>b_ih</c>, <c>b_hh</c> (G·H) for G gates stacked in PyTorch's order, all drawn from <c>U(−1/√H, 1/√H)</c> as in PyTorch.
/// </summary>
/// <remarks>
/// The layout and the names (<c>weight_ih</c>, <c>weight_hh</c>, <c>bias_ih</c>, <c>bias_hh</c>) are PyTorch's, so a PyTorch cell's
/// state dict loads unchanged; the pre-activations are <c>x·W_ihᵀ + b_ih</c> and <c>h·W_hhᵀ + b_hh</c>.
/// </remarks>
public abstract class RecurrentCell : Module
{
    private protected RecurrentCell(int inputSize, int hiddenSize, int gates, Generator generator, DType dtype)
    {
        var w = RecurrentWeights.Draw(GetType().Name, inputSize, hiddenSize, gates, generator, dtype);
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        RegisterParameter("weight_ih", w.InputWeight);
        RegisterParameter("weight_hh", w.HiddenWeight);
        RegisterParameter("bias_ih", w.InputBias);
        RegisterParameter("bias_hh", w.HiddenBias);
    }

    /// <summary>Input width.</summary>
    public int InputSize { get; }

    /// <summary>Hidden width <c>H</c>.</summary>
    public int HiddenSize { get; }

    /// <summary>Number of state tensors carried between steps (1 for RNN and GRU: h; 2 for LSTM: h and c).</summary>
    public virtual int StateCount => 1;

    /// <summary>Zero initial states, each (batch, H), in the dtype of the weights.</summary>
    public Tensor[] InitialState(int batch) => RecurrentWeights.ZeroState(StateCount, batch, HiddenSize, Parameter("weight_ih").DType);

    /// <summary>One step: from input (batch, input) and the states to the new states (the first is the output h).</summary>
    public Tensor[] Step(Tensor x, Tensor[] state)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(state);
        if (x.Rank != 2 || x.Shape[1] != InputSize)
            throw new ArgumentException($"{GetType().Name}: input must be (batch, {InputSize}), got {x.Shape}.");
        if (state.Length != StateCount)
            throw new ArgumentException($"{GetType().Name}: expected {StateCount} state tensors, got {state.Length}.");
        return Step(x, state, new RecurrentWeights(Parameter("weight_ih"), Parameter("weight_hh"), Parameter("bias_ih"), Parameter("bias_hh")));
    }

    private protected abstract Tensor[] Step(Tensor x, Tensor[] state, RecurrentWeights w);

    /// <summary>One step from zero states: <c>h' = cell(x, 0)</c> for input (batch, input).</summary>
    public override Tensor Forward(Tensor x) => Step(x, InitialState(x.Shape[0]))[0];
}

// The four tensors of one recurrent layer, shared by the cells (names weight_ih …) and the layers (weight_ih_l0 …).
internal readonly record struct RecurrentWeights(Tensor InputWeight, Tensor HiddenWeight, Tensor InputBias, Tensor HiddenBias)
{
    // Drawn in the order W_ih, W_hh, b_ih, b_hh, each weight in the transposed order (input, G·H) of the layout the library used
    // before it took PyTorch's, then stored as (G·H, input): seeded models keep the numbers they had.
    internal static RecurrentWeights Draw(string owner, int inputSize, int hiddenSize, int gates, Generator generator, DType dtype)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (inputSize <= 0 || hiddenSize <= 0)
            throw new ArgumentException($"{owner}: sizes must be positive, got input {inputSize}, hidden {hiddenSize}.");
        double a = 1 / Math.Sqrt(hiddenSize);
        int g = gates * hiddenSize;
        using var _ = Recorder.NoGrad();
        var wih = Tensor.Uniform(new Shape(inputSize, g), generator, -a, a, dtype).Transpose(0, 1);
        var whh = Tensor.Uniform(new Shape(hiddenSize, g), generator, -a, a, dtype).Transpose(0, 1);
        return new(wih, whh, Tensor.Uniform(new Shape(g), generator, -a, a, dtype), Tensor.Uniform(new Shape(g), generator, -a, a, dtype));
    }

    internal static Tensor[] ZeroState(int count, int batch, int hiddenSize, DType dtype) =>
        Enumerable.Range(0, count).Select(_ => Tensor.Zeros(new Shape(batch, hiddenSize), dtype)).ToArray();

    // The input and hidden pre-activations x·W_ihᵀ + b_ih and h·W_hhᵀ + b_hh, each one GEMM with the bias fused.
    internal (Tensor Xi, Tensor Hh) Affine(Tensor x, Tensor h) =>
        (LinearAlgebraOps.MatMul(x, InputWeight, false, true, InputBias), LinearAlgebraOps.MatMul(h, HiddenWeight, false, true, HiddenBias));

    // h·W_hhᵀ + bias, one GEMM with the bias (b_hh, or a step's projected input (N, G·H) with both biases) added in place.
    // Through RecurrentOps, which packs W_hh once per version for all the steps (Note [Packed hidden weights]).
    internal Tensor Recurrent(Tensor h, Tensor bias) => RecurrentOps.HiddenProduct(h, HiddenWeight, bias);
}

/// <summary>Elman cell <c>h' = tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh)</c>.</summary>
/// <param name="inputSize">Input width.</param>
/// <param name="hiddenSize">Hidden width.</param>
/// <param name="generator">Seeded random source for the weights.</param>
/// <param name="dtype">Element type.</param>
public sealed class RnnCell(int inputSize, int hiddenSize, Generator generator, DType dtype = DType.Float32)
    : RecurrentCell(inputSize, hiddenSize, 1, generator, dtype)
{
    private protected override Tensor[] Step(Tensor x, Tensor[] state, RecurrentWeights w) => Compute(x, state, w);

    internal static Tensor[] Compute(Tensor x, Tensor[] state, RecurrentWeights w)
    {
        var (xi, hh) = w.Affine(x, state[0]);
        return [(xi + hh).Tanh()];
    }
}

/// <summary>
/// LSTM cell (gates in PyTorch's order i, f, g, o): <c>i, f, o = σ(·)</c>, <c>g = tanh(·)</c>, <c>c' = f⊙c + i⊙g</c>, <c>h' = o⊙tanh(c')</c>.
/// </summary>
/// <param name="inputSize">Input width.</param>
/// <param name="hiddenSize">Hidden width.</param>
/// <param name="generator">Seeded random source for the weights.</param>
/// <param name="dtype">Element type.</param>
public sealed class LstmCell(int inputSize, int hiddenSize, Generator generator, DType dtype = DType.Float32)
    : RecurrentCell(inputSize, hiddenSize, 4, generator, dtype)
{
    /// <summary>Two states: h and c.</summary>
    public override int StateCount => 2;

    /// <summary>One step from the state <c>(h, c)</c>, returning <c>(h', c')</c> (as PyTorch's <c>LSTMCell</c>); the same as <see cref="RecurrentCell.Step(Tensor, Tensor[])"/> with <c>[h, c]</c>.</summary>
    public (Tensor H, Tensor C) Step(Tensor x, (Tensor H, Tensor C) state)
    {
        var next = Step(x, [state.H, state.C]);
        return (next[0], next[1]);
    }

    private protected override Tensor[] Step(Tensor x, Tensor[] state, RecurrentWeights w) => Compute(x, state, w, HiddenSize);

    internal static Tensor[] Compute(Tensor x, Tensor[] state, RecurrentWeights w, int hiddenSize)
    {
        var (xi, hh) = w.Affine(x, state[0]);
        return Gates(xi + hh, state[1], hiddenSize);
    }

    // From the pre-activations (N, 4H) and c to [h', c'].
    internal static Tensor[] Gates(Tensor pre, Tensor c, int hiddenSize)
    {
        var gates = pre.Split(hiddenSize, axis: 1);
        var i = gates[0].Sigmoid();
        var f = gates[1].Sigmoid();
        var g = gates[2].Tanh();
        var o = gates[3].Sigmoid();
        var next = f * c + i * g;
        return [o * next.Tanh(), next];
    }
}

/// <summary>
/// GRU cell (PyTorch's form, gates r, z, n): <c>r = σ(·)</c>, <c>z = σ(·)</c>, <c>n = tanh(x·W_inᵀ + b_in + r⊙(h·W_hnᵀ + b_hn))</c>,
/// <c>h' = (1 − z)⊙n + z⊙h</c>.
/// </summary>
/// <param name="inputSize">Input width.</param>
/// <param name="hiddenSize">Hidden width.</param>
/// <param name="generator">Seeded random source for the weights.</param>
/// <param name="dtype">Element type.</param>
public sealed class GruCell(int inputSize, int hiddenSize, Generator generator, DType dtype = DType.Float32)
    : RecurrentCell(inputSize, hiddenSize, 3, generator, dtype)
{
    private protected override Tensor[] Step(Tensor x, Tensor[] state, RecurrentWeights w) => Compute(x, state, w, HiddenSize);

    internal static Tensor[] Compute(Tensor x, Tensor[] state, RecurrentWeights w, int hiddenSize)
    {
        var (xi, hh) = w.Affine(x, state[0]);
        return Gates(xi, hh, state[0], hiddenSize);
    }

    // From x·W_ihᵀ + b_ih and h·W_hhᵀ + b_hh (each (N, 3H)) and h to [h'].
    internal static Tensor[] Gates(Tensor xi, Tensor hh, Tensor h, int hiddenSize)
    {
        var xs = xi.Split(hiddenSize, axis: 1);
        var hs = hh.Split(hiddenSize, axis: 1);
        var r = (xs[0] + hs[0]).Sigmoid();
        var z = (xs[1] + hs[1]).Sigmoid();
        var n = (xs[2] + r * hs[2]).Tanh();
        return [(1.0 - z) * n + z * h];
    }
}
