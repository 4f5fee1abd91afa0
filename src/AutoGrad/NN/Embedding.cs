namespace AutoGrad.NN;

/// <summary>A lookup table: <c>y[…] = W[index[…]]</c>, rows of <c>W</c> of shape (numEmbeddings, embeddingDim).</summary>
/// <remarks>Rows start as <c>N(0, 1)</c>, as in PyTorch. The gradient scatters back into the looked-up rows (repeated indices add).</remarks>
public sealed class Embedding : Module
{
    /// <summary>A table of <paramref name="numEmbeddings"/> vectors of length <paramref name="embeddingDim"/>.</summary>
    public Embedding(int numEmbeddings, int embeddingDim, Generator generator, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (numEmbeddings <= 0 || embeddingDim <= 0)
            throw new ArgumentException($"Embedding: sizes must be positive, got {numEmbeddings} × {embeddingDim}.");
        NumEmbeddings = numEmbeddings;
        EmbeddingDim = embeddingDim;
        RegisterParameter("weight", Tensor.Randn(new Shape(numEmbeddings, embeddingDim), generator, dtype));
    }

    /// <summary>Number of rows (vocabulary size).</summary>
    public int NumEmbeddings { get; }

    /// <summary>Length of each vector.</summary>
    public int EmbeddingDim { get; }

    /// <summary>The table <c>W</c>.</summary>
    public Tensor Weight => Parameter("weight");

    /// <summary><c>y[…, :] = W[index[…], :]</c> for a tensor of integer indices of any shape; the result has one more axis.</summary>
    public override Tensor Forward(Tensor x) => F.Embedding(x, Weight);
}
