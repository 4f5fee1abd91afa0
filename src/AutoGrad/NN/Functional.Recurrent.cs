namespace AutoGrad.NN;

// The recurrent cells as functions, in PyTorch's layouts: weight_ih (G·H, in), weight_hh (G·H, H), biases (G·H), gates stacked in
// PyTorch's order (torch.nn.LSTMCell: i, f, g, o; torch.nn.GRUCell: r, z, n).
public static partial class F
{
    /// <summary>Elman cell <c>h' = tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh)</c>; <paramref name="weightIh"/> is <c>(H, in)</c>, <paramref name="weightHh"/> <c>(H, H)</c>.</summary>
    public static Tensor RnnCell(Tensor x, Tensor h, Tensor weightIh, Tensor weightHh, Tensor? biasIh = null, Tensor? biasHh = null)
    {
        var (xi, hh) = CellAffine("F.RnnCell", 1, x, h, weightIh, weightHh, biasIh, biasHh);
        return (xi + hh).Tanh();
    }

    /// <summary>
    /// LSTM cell: gates <c>x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh</c> split into i, f, g, o; <c>c' = σ(f)·c + σ(i)·tanh(g)</c>, <c>h' = σ(o)·tanh(c')</c>.
    /// <paramref name="weightIh"/> is <c>(4H, in)</c>, <paramref name="weightHh"/> <c>(4H, H)</c>; returns <c>(h', c')</c>.
    /// </summary>
    public static (Tensor H, Tensor C) LstmCell(Tensor x, (Tensor H, Tensor C) state, Tensor weightIh, Tensor weightHh, Tensor? biasIh = null, Tensor? biasHh = null)
    {
        ArgumentNullException.ThrowIfNull(state.C);
        var (xi, hh) = CellAffine("F.LstmCell", 4, x, state.H, weightIh, weightHh, biasIh, biasHh);
        if (state.C.Shape != state.H.Shape) throw new ArgumentException($"F.LstmCell: the cell state must be {state.H.Shape} like h, got {state.C.Shape}.");
        var gates = (xi + hh).Split(state.H.Shape[1], axis: 1);
        var c = gates[1].Sigmoid() * state.C + gates[0].Sigmoid() * gates[2].Tanh();
        return (gates[3].Sigmoid() * c.Tanh(), c);
    }

    /// <summary>
    /// GRU cell: <c>r = σ(x_r + h_r)</c>, <c>z = σ(x_z + h_z)</c>, <c>n = tanh(x_n + r·h_n)</c>, <c>h' = (1 − z)·n + z·h</c>, where <c>x_* , h_*</c>
    /// are the thirds of <c>x·W_ihᵀ + b_ih</c> and <c>h·W_hhᵀ + b_hh</c>. <paramref name="weightIh"/> is <c>(3H, in)</c>, <paramref name="weightHh"/> <c>(3H, H)</c>.
    /// </summary>
    public static Tensor GruCell(Tensor x, Tensor h, Tensor weightIh, Tensor weightHh, Tensor? biasIh = null, Tensor? biasHh = null)
    {
        var (xi, hh) = CellAffine("F.GruCell", 3, x, h, weightIh, weightHh, biasIh, biasHh);
        int hidden = h.Shape[1];
        var xs = xi.Split(hidden, axis: 1);
        var hs = hh.Split(hidden, axis: 1);
        var r = (xs[0] + hs[0]).Sigmoid();
        var z = (xs[1] + hs[1]).Sigmoid();
        var n = (xs[2] + r * hs[2]).Tanh();
        return (1.0 - z) * n + z * h;
    }

    private static (Tensor Xi, Tensor Hh) CellAffine(string name, int gates, Tensor x, Tensor h, Tensor weightIh, Tensor weightHh, Tensor? biasIh, Tensor? biasHh)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(h);
        ArgumentNullException.ThrowIfNull(weightIh);
        ArgumentNullException.ThrowIfNull(weightHh);
        if (h.Rank != 2) throw new ArgumentException($"{name}: the hidden state must be (batch, H), got {h.Shape}.");
        int hidden = h.Shape[1], g = gates * hidden;
        if (x.Rank != 2 || x.Shape[0] != h.Shape[0]) throw new ArgumentException($"{name}: the input must be (batch, in) with batch {h.Shape[0]} as h, got {x.Shape}.");
        if (weightIh.Shape != new Shape(g, x.Shape[1])) throw new ArgumentException($"{name}: weight_ih must be ({g}, {x.Shape[1]}) = ({gates}·H, in), got {weightIh.Shape}.");
        if (weightHh.Shape != new Shape(g, hidden)) throw new ArgumentException($"{name}: weight_hh must be ({g}, {hidden}) = ({gates}·H, H), got {weightHh.Shape}.");
        return (Linear(x, weightIh, biasIh), Linear(h, weightHh, biasHh));
    }
}
