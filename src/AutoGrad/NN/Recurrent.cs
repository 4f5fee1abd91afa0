using AutoGrad.Differentiation;

namespace AutoGrad.NN;

/// <summary>
/// A recurrent layer: unrolls its cell over a batch-first sequence (N, T, input) of any length T and returns the hidden
/// outputs (N, T, H).
/// </summary>
/// <remarks>
/// The parameters carry PyTorch's names and layouts for a one-layer module built with <c>batch_first=True</c>:
/// <c>weight_ih_l0</c> (G·H, input), <c>weight_hh_l0</c> (G·H, H), <c>bias_ih_l0</c> and <c>bias_hh_l0</c> (G·H), gates stacked in
/// PyTorch's order, so its state dict loads unchanged. They are drawn as the matching cell draws them.
/// </remarks>
public abstract class Recurrent : Module
{
    private protected Recurrent(int inputSize, int hiddenSize, int gates, Generator generator, DType dtype)
    {
        var w = RecurrentWeights.Draw(GetType().Name, inputSize, hiddenSize, gates, generator, dtype);
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        RegisterParameter("weight_ih_l0", w.InputWeight);
        RegisterParameter("weight_hh_l0", w.HiddenWeight);
        RegisterParameter("bias_ih_l0", w.InputBias);
        RegisterParameter("bias_hh_l0", w.HiddenBias);
    }

    /// <summary>Input width.</summary>
    public int InputSize { get; }

    /// <summary>Hidden width <c>H</c>.</summary>
    public int HiddenSize { get; }

    /// <summary>Number of state tensors carried between steps (1 for RNN and GRU: h; 2 for LSTM: h and c).</summary>
    public virtual int StateCount => 1;

    /// <summary>The outputs <c>h₁ … h_T</c> stacked to (N, T, H), from zero initial states.</summary>
    public override Tensor Forward(Tensor x) => Forward(x, null).Output;

    /// <summary>
    /// Unrolls the cell from <paramref name="initialState"/> (zeros if null), each state (N, H); returns the outputs (N, T, H) and
    /// the final states (for an LSTM: h and c).
    /// </summary>
    public (Tensor Output, Tensor[] State) Forward(Tensor x, Tensor[]? initialState)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank != 3 || x.Shape[2] != InputSize)
            throw new ArgumentException($"{GetType().Name}: input must be (batch, time, {InputSize}), got {x.Shape}.");
        if (x.Shape[1] == 0) throw new ArgumentException($"{GetType().Name}: the sequence is empty (shape {x.Shape}).");
        var w = new RecurrentWeights(Parameter("weight_ih_l0"), Parameter("weight_hh_l0"), Parameter("bias_ih_l0"), Parameter("bias_hh_l0"));
        var state = initialState ?? RecurrentWeights.ZeroState(StateCount, x.Shape[0], HiddenSize, w.InputWeight.DType);
        if (state.Length != StateCount)
            throw new ArgumentException($"{GetType().Name}: expected {StateCount} initial state tensors, got {state.Length}.");
        foreach (var s in state)
            if (s.Shape != new Shape(x.Shape[0], HiddenSize))
                throw new ArgumentException($"{GetType().Name}: each initial state must be ({x.Shape[0]}, {HiddenSize}), got {s.Shape}.");
        // Note [Input projection once]: x_t·W_ihᵀ for every t is one (T·N, in)·(in, G·H) product over the time-major rows, made
        // before the loop, so each step runs only the h·W_hhᵀ product; its gradient is one product too (∂W_ih and ∂x over all
        // T·N rows), the same sums as the per-step products added in another order.
        int n = x.Shape[0], steps = x.Shape[1], gh = w.HiddenWeight.Shape[0];
        var rows = x.Transpose(0, 1).Reshape(steps * n, InputSize);
        var projected = LinearAlgebraOps.MatMul(rows, w.InputWeight, false, true, InputBias(w)).Reshape(steps, n, gh);
        var outputs = new Tensor[steps];
        for (int t = 0; t < steps; t++)
        {
            state = Step(projected.Select(0, t), state, w);
            outputs[t] = state[0];
        }
        var output = CombineOps.Stack(outputs, axis: 1);
        if (OpTrace.IsActive)
        {
            // Note [Op traces] in src/AutoGrad/OpTrace.cs: the whole unrolled loop as one op, so an exporter can write ONNX's own
            // RNN, LSTM or GRU node; the initial states only when the caller gave them (absent, ONNX starts from zeros too). The
            // final h is the last output, so it is described as that slice; an LSTM's final c is the node's third output.
            OpTrace.Describe(output, GetType().Name, [x, w.InputWeight, w.HiddenWeight, w.InputBias, w.HiddenBias, .. initialState ?? []],
                ("hidden", HiddenSize));
            OpTrace.Describe(state[0], "Select", [output], ("axis", 1), ("index", outputs.Length - 1));
            if (state.Length == 2) OpTrace.Describe(state[1], "LstmFinalCell", [output]);
        }
        return (output, state);
    }

    // The bias added to the input projection: b_ih + b_hh where the cell adds the two pre-activations whole (RNN, LSTM), so
    // each step's h·W_hhᵀ takes the projected row as its fused bias; b_ih alone for the GRU, whose n gate scales h·W_hnᵀ + b_hn.
    private protected virtual Tensor InputBias(RecurrentWeights w) => w.InputBias + w.HiddenBias;

    // One step from the projected input xi = x_t·W_ihᵀ + InputBias (N, G·H) and the states.
    private protected abstract Tensor[] Step(Tensor xi, Tensor[] state, RecurrentWeights w);
}

/// <summary>Elman RNN layer: <c>h_t = tanh(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh)</c>, as <see cref="RnnCell"/> at every step.</summary>
/// <param name="inputSize">Input width.</param>
/// <param name="hiddenSize">Hidden width.</param>
/// <param name="generator">Seeded random source for the weights.</param>
/// <param name="dtype">Element type.</param>
public sealed class Rnn(int inputSize, int hiddenSize, Generator generator, DType dtype = DType.Float32)
    : Recurrent(inputSize, hiddenSize, 1, generator, dtype)
{
    private protected override Tensor[] Step(Tensor xi, Tensor[] state, RecurrentWeights w) => [w.Recurrent(state[0], xi).Tanh()];
}

/// <summary>LSTM layer: <see cref="LstmCell"/>'s step (gates i, f, g, o) at every time step.</summary>
/// <param name="inputSize">Input width.</param>
/// <param name="hiddenSize">Hidden width.</param>
/// <param name="generator">Seeded random source for the weights.</param>
/// <param name="dtype">Element type.</param>
public sealed class Lstm(int inputSize, int hiddenSize, Generator generator, DType dtype = DType.Float32)
    : Recurrent(inputSize, hiddenSize, 4, generator, dtype)
{
    /// <summary>Two states: h and c.</summary>
    public override int StateCount => 2;

    private protected override Tensor[] Step(Tensor xi, Tensor[] state, RecurrentWeights w) =>
        LstmCell.Gates(w.Recurrent(state[0], xi), state[1], HiddenSize);
}

/// <summary>GRU layer: <see cref="GruCell"/>'s step (PyTorch's form, gates r, z, n) at every time step.</summary>
/// <param name="inputSize">Input width.</param>
/// <param name="hiddenSize">Hidden width.</param>
/// <param name="generator">Seeded random source for the weights.</param>
/// <param name="dtype">Element type.</param>
public sealed class Gru(int inputSize, int hiddenSize, Generator generator, DType dtype = DType.Float32)
    : Recurrent(inputSize, hiddenSize, 3, generator, dtype)
{
    private protected override Tensor InputBias(RecurrentWeights w) => w.InputBias;

    private protected override Tensor[] Step(Tensor xi, Tensor[] state, RecurrentWeights w) =>
        GruCell.Gates(xi, w.Recurrent(state[0], w.HiddenBias), state[0], HiddenSize);
}
