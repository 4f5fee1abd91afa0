namespace AutoGrad.NN;

/// <summary>
/// The fixed sinusoidal positional encoding of Vaswani et al. (2017): <c>y[n, t, :] = x[n, t, :] + PE[t, :]</c> with
/// <c>PE[t, 2i] = sin(t/10000^{2i/d})</c> and <c>PE[t, 2i+1] = cos(t/10000^{2i/d})</c>.
/// </summary>
/// <remarks>The table is a buffer <c>pe</c> (maxLen, d), saved with the state dict and not learned. Inputs are (N, T, d) or (T, d).</remarks>
public sealed class SinusoidalPositionalEncoding : Module
{
    /// <summary>An encoding of width <paramref name="dModel"/> for sequences up to <paramref name="maxLen"/> long.</summary>
    public SinusoidalPositionalEncoding(int dModel, int maxLen = 5000, DType dtype = DType.Float32)
    {
        if (dModel <= 0 || maxLen <= 0)
            throw new ArgumentException($"SinusoidalPositionalEncoding: dModel and maxLen must be positive, got dModel {dModel}, maxLen {maxLen}.");
        (DModel, MaxLen) = (dModel, maxLen);
        var values = new double[maxLen * dModel];
        for (int t = 0; t < maxLen; t++)
            for (int i = 0; i < dModel; i++)
            {
                double angle = t / Math.Pow(10000, 2 * (i / 2) / (double)dModel);
                values[t * dModel + i] = i % 2 == 0 ? Math.Sin(angle) : Math.Cos(angle);
            }
        RegisterBuffer("pe", Tensor.FromArray(values, maxLen, dModel).To(dtype));
    }

    /// <summary>The model width d.</summary>
    public int DModel { get; }

    /// <summary>The longest sequence the table covers.</summary>
    public int MaxLen { get; }

    /// <summary><c>x + PE[:T]</c>, broadcast over the batch (the fixed table converted to x's dtype if it differs).</summary>
    public override Tensor Forward(Tensor x)
    {
        var rows = PositionalTable.Rows("SinusoidalPositionalEncoding", Buffer("pe"), x, MaxLen, DModel);
        return x + (rows.DType == x.DType ? rows : rows.To(x.DType));
    }
}

/// <summary>A learned absolute position embedding (GPT-2's <c>wpe</c>): <c>y[n, t, :] = x[n, t, :] + W[t, :]</c>.</summary>
/// <remarks>The table is a parameter <c>weight</c> (maxLen, d) drawn from N(0, 1) as <c>nn.Embedding</c>'s. Inputs are (N, T, d) or (T, d).</remarks>
public sealed class LearnedPositionalEmbedding : Module
{
    /// <summary>An embedding of width <paramref name="dModel"/> for sequences up to <paramref name="maxLen"/> long.</summary>
    public LearnedPositionalEmbedding(int maxLen, int dModel, Generator generator, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (dModel <= 0 || maxLen <= 0)
            throw new ArgumentException($"LearnedPositionalEmbedding: dModel and maxLen must be positive, got dModel {dModel}, maxLen {maxLen}.");
        (DModel, MaxLen) = (dModel, maxLen);
        RegisterParameter("weight", Tensor.Randn(new Shape(maxLen, dModel), generator, dtype));
    }

    /// <summary>The model width d.</summary>
    public int DModel { get; }

    /// <summary>The longest sequence the table covers.</summary>
    public int MaxLen { get; }

    /// <summary>The table W (maxLen, d).</summary>
    public Tensor Weight => Parameter("weight");

    /// <summary><c>x + W[:T]</c>, broadcast over the batch.</summary>
    public override Tensor Forward(Tensor x) => x + PositionalTable.Rows("LearnedPositionalEmbedding", Weight, x, MaxLen, DModel);
}

internal static class PositionalTable
{
    // The first T rows of the table, T the input's second-to-last axis, after checking the input's shape.
    public static Tensor Rows(string op, Tensor table, Tensor x, int maxLen, int d)
    {
        if (x.Rank < 2 || x.Shape[-1] != d)
            throw new ArgumentException($"{op}: input must be (N, T, {d}) or (T, {d}), got {x.Shape}.");
        int t = x.Shape[-2];
        if (t > maxLen) throw new ArgumentException($"{op}: sequence length {t} of input {x.Shape} exceeds maxLen {maxLen}.");
        return t == maxLen ? table : table.Slice(0, 0, t);
    }
}
