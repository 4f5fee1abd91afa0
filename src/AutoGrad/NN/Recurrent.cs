namespace AutoGrad.NN;

/// <summary>
/// A recurrent layer: unrolls its cell over a batch-first sequence (N, T, input) of any length T and returns the hidden
/// outputs (N, T, H).
/// </summary>
public abstract class Recurrent : Module
{
    private protected Recurrent(RecurrentCell cell) => Cell = RegisterModule("cell", cell);

    /// <summary>The cell applied at every time step.</summary>
    public RecurrentCell Cell { get; }

    /// <summary>The outputs <c>h₁ … h_T</c> stacked to (N, T, H), from zero initial states.</summary>
    public override Tensor Forward(Tensor x) => Forward(x, null).Output;

    /// <summary>
    /// Unrolls the cell from <paramref name="initialState"/> (zeros if null); returns the outputs (N, T, H) and the final states
    /// (for an LSTM: h and c).
    /// </summary>
    public (Tensor Output, Tensor[] State) Forward(Tensor x, Tensor[]? initialState)
    {
        if (x.Rank != 3 || x.Shape[2] != Cell.InputSize)
            throw new ArgumentException($"{GetType().Name}: input must be (batch, time, {Cell.InputSize}), got {x.Shape}.");
        if (x.Shape[1] == 0) throw new ArgumentException($"{GetType().Name}: the sequence is empty (shape {x.Shape}).");
        var state = initialState ?? Cell.InitialState(x.Shape[0]);
        if (state.Length != Cell.StateCount)
            throw new ArgumentException($"{GetType().Name}: expected {Cell.StateCount} initial state tensors, got {state.Length}.");
        var outputs = new Tensor[x.Shape[1]];
        for (int t = 0; t < outputs.Length; t++)
        {
            state = Cell.Step(x.Select(1, t), state);
            outputs[t] = state[0];
        }
        return (CombineOps.Stack(outputs, axis: 1), state);
    }
}

/// <summary>Elman RNN layer unrolling an <see cref="RnnCell"/>: <c>h_t = tanh(x_t·W_ih + b_ih + h_{t−1}·W_hh + b_hh)</c>.</summary>
/// <param name="inputSize">Input width.</param>
/// <param name="hiddenSize">Hidden width.</param>
/// <param name="generator">Seeded random source for the weights.</param>
/// <param name="dtype">Element type.</param>
public sealed class Rnn(int inputSize, int hiddenSize, Generator generator, DType dtype = DType.Float32)
    : Recurrent(new RnnCell(inputSize, hiddenSize, generator, dtype));

/// <summary>LSTM layer unrolling an <see cref="LstmCell"/> over time.</summary>
/// <param name="inputSize">Input width.</param>
/// <param name="hiddenSize">Hidden width.</param>
/// <param name="generator">Seeded random source for the weights.</param>
/// <param name="dtype">Element type.</param>
public sealed class Lstm(int inputSize, int hiddenSize, Generator generator, DType dtype = DType.Float32)
    : Recurrent(new LstmCell(inputSize, hiddenSize, generator, dtype));

/// <summary>GRU layer unrolling a <see cref="GruCell"/> over time.</summary>
/// <param name="inputSize">Input width.</param>
/// <param name="hiddenSize">Hidden width.</param>
/// <param name="generator">Seeded random source for the weights.</param>
/// <param name="dtype">Element type.</param>
public sealed class Gru(int inputSize, int hiddenSize, Generator generator, DType dtype = DType.Float32)
    : Recurrent(new GruCell(inputSize, hiddenSize, generator, dtype));
