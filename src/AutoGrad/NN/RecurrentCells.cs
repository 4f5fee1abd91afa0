namespace AutoGrad.NN;

/// <summary>
/// The shared parts of a recurrent cell: input weights <c>W_ih</c> (input, G·H), hidden weights <c>W_hh</c> (H, G·H) and biases
/// <c>b_ih</c>, <c>b_hh</c> (G·H) for G gates, all drawn from <c>U(−1/√H, 1/√H)</c> as in PyTorch.
/// </summary>
/// <remarks>Weights use the row-vector layout <c>x·W</c> of <see cref="Linear"/> (so <c>W_ih</c> is (input, G·H), the transpose of PyTorch's).</remarks>
public abstract class RecurrentCell : Module
{
    private protected RecurrentCell(int inputSize, int hiddenSize, int gates, Generator generator, DType dtype)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (inputSize <= 0 || hiddenSize <= 0)
            throw new ArgumentException($"{GetType().Name}: sizes must be positive, got input {inputSize}, hidden {hiddenSize}.");
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        double a = 1 / Math.Sqrt(hiddenSize);
        RegisterParameter("weight_ih", Tensor.Uniform(new Shape(inputSize, gates * hiddenSize), generator, -a, a, dtype));
        RegisterParameter("weight_hh", Tensor.Uniform(new Shape(hiddenSize, gates * hiddenSize), generator, -a, a, dtype));
        RegisterParameter("bias_ih", Tensor.Uniform(new Shape(gates * hiddenSize), generator, -a, a, dtype));
        RegisterParameter("bias_hh", Tensor.Uniform(new Shape(gates * hiddenSize), generator, -a, a, dtype));
    }

    /// <summary>Input width.</summary>
    public int InputSize { get; }

    /// <summary>Hidden width <c>H</c>.</summary>
    public int HiddenSize { get; }

    /// <summary>Number of state tensors carried between steps (1 for RNN and GRU: h; 2 for LSTM: h and c).</summary>
    public virtual int StateCount => 1;

    /// <summary>Zero initial states, each (batch, H), in the dtype of the weights.</summary>
    public Tensor[] InitialState(int batch) =>
        Enumerable.Range(0, StateCount).Select(_ => Tensor.Zeros(new Shape(batch, HiddenSize), Parameter("weight_ih").DType)).ToArray();

    /// <summary>One step: from input (batch, input) and the states to the new states (the first is the output h).</summary>
    public abstract Tensor[] Step(Tensor x, Tensor[] state);

    /// <summary>One step from zero states: <c>h' = cell(x, 0)</c> for input (batch, input).</summary>
    public override Tensor Forward(Tensor x) => Step(x, InitialState(x.Shape[0]))[0];

    /// <summary>The input and hidden pre-activations <c>(x·W_ih + b_ih, h·W_hh + b_hh)</c>.</summary>
    private protected (Tensor Xi, Tensor Hh) Affine(Tensor x, Tensor h)
    {
        if (x.Rank != 2 || x.Shape[1] != InputSize)
            throw new ArgumentException($"{GetType().Name}: input must be (batch, {InputSize}), got {x.Shape}.");
        return (x.MatMul(Parameter("weight_ih")) + Parameter("bias_ih"), h.MatMul(Parameter("weight_hh")) + Parameter("bias_hh"));
    }
}

/// <summary>Elman cell <c>h' = tanh(x·W_ih + b_ih + h·W_hh + b_hh)</c>.</summary>
/// <param name="inputSize">Input width.</param>
/// <param name="hiddenSize">Hidden width.</param>
/// <param name="generator">Seeded random source for the weights.</param>
/// <param name="dtype">Element type.</param>
public sealed class RnnCell(int inputSize, int hiddenSize, Generator generator, DType dtype = DType.Float32)
    : RecurrentCell(inputSize, hiddenSize, 1, generator, dtype)
{
    /// <summary><c>h' = tanh(x·W_ih + b_ih + h·W_hh + b_hh)</c>.</summary>
    public override Tensor[] Step(Tensor x, Tensor[] state)
    {
        var (xi, hh) = Affine(x, state[0]);
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

    /// <summary>One step: returns <c>[h', c']</c>.</summary>
    public override Tensor[] Step(Tensor x, Tensor[] state)
    {
        var (xi, hh) = Affine(x, state[0]);
        var gates = (xi + hh).Split(HiddenSize, axis: 1);
        var i = gates[0].Sigmoid();
        var f = gates[1].Sigmoid();
        var g = gates[2].Tanh();
        var o = gates[3].Sigmoid();
        var c = f * state[1] + i * g;
        return [o * c.Tanh(), c];
    }
}

/// <summary>
/// GRU cell (PyTorch's form, gates r, z, n): <c>r = σ(·)</c>, <c>z = σ(·)</c>, <c>n = tanh(x·W_in + b_in + r⊙(h·W_hn + b_hn))</c>,
/// <c>h' = (1 − z)⊙n + z⊙h</c>.
/// </summary>
/// <param name="inputSize">Input width.</param>
/// <param name="hiddenSize">Hidden width.</param>
/// <param name="generator">Seeded random source for the weights.</param>
/// <param name="dtype">Element type.</param>
public sealed class GruCell(int inputSize, int hiddenSize, Generator generator, DType dtype = DType.Float32)
    : RecurrentCell(inputSize, hiddenSize, 3, generator, dtype)
{
    /// <summary>One step: returns <c>[h']</c>.</summary>
    public override Tensor[] Step(Tensor x, Tensor[] state)
    {
        var h = state[0];
        var (xi, hh) = Affine(x, h);
        var xs = xi.Split(HiddenSize, axis: 1);
        var hs = hh.Split(HiddenSize, axis: 1);
        var r = (xs[0] + hs[0]).Sigmoid();
        var z = (xs[1] + hs[1]).Sigmoid();
        var n = (xs[2] + r * hs[2]).Tanh();
        return [(1.0 - z) * n + z * h];
    }
}
