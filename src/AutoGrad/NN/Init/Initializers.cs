namespace AutoGrad.NN.Init;

/// <summary>Weight initialisation schemes (Glorot and Bengio 2010; He et al. 2015; LeCun et al. 1998); every one takes a seeded <see cref="Generator"/>.</summary>
/// <remarks>
/// Course notes disagree on He scaling: some print <c>√(2/(in·out))</c>, others "twice Xavier". These use
/// the standard He form <c>Var = 2/n_in</c> (He et al. 2015). Biases start at zero, see <see cref="Zeros"/>.
/// </remarks>
public static class Initializers
{
    /// <summary>Glorot/Xavier uniform: <c>U(−a, a)</c> with <c>a = gain·√(6/(n_in + n_out))</c>, so <c>Var = 2/(n_in + n_out)</c>.</summary>
    public static Tensor GlorotUniform(Shape shape, int fanIn, int fanOut, Generator generator, DType dtype = DType.Float32)
    {
        double a = Math.Sqrt(6.0 / (fanIn + fanOut));
        return Tensor.Uniform(shape, generator, -a, a, dtype);
    }

    /// <summary>Glorot/Xavier normal: <c>N(0, 2/(n_in + n_out))</c> (Glorot and Bengio 2010).</summary>
    public static Tensor GlorotNormal(Shape shape, int fanIn, int fanOut, Generator generator, DType dtype = DType.Float32) =>
        Tensor.Normal(shape, generator, 0, Math.Sqrt(2.0 / (fanIn + fanOut)), dtype);

    /// <summary>He/Kaiming uniform: <c>U(−a, a)</c> with <c>a = √(6/n_in)</c>, so <c>Var = 2/n_in</c>.</summary>
    public static Tensor HeUniform(Shape shape, int fanIn, int fanOut, Generator generator, DType dtype = DType.Float32)
    {
        double a = Math.Sqrt(6.0 / fanIn);
        return Tensor.Uniform(shape, generator, -a, a, dtype);
    }

    /// <summary>He/Kaiming normal: <c>N(0, 2/n_in)</c>, since ReLU halves the variance (He et al. 2015).</summary>
    public static Tensor HeNormal(Shape shape, int fanIn, int fanOut, Generator generator, DType dtype = DType.Float32) =>
        Tensor.Normal(shape, generator, 0, Math.Sqrt(2.0 / fanIn), dtype);

    /// <summary>LeCun normal: <c>N(0, 1/n_in)</c>, i.e. weights scaled by <c>1/√n_in</c> (LeCun et al. 1998, "Efficient BackProp").</summary>
    public static Tensor LeCunNormal(Shape shape, int fanIn, int fanOut, Generator generator, DType dtype = DType.Float32) =>
        Tensor.Normal(shape, generator, 0, Math.Sqrt(1.0 / fanIn), dtype);

    /// <summary>The ad-hoc <c>N(0, 1)</c> (Nielsen's <c>np.random.randn</c>, "Neural Networks and Deep Learning" ch. 1).</summary>
    public static Tensor StandardNormal(Shape shape, int fanIn, int fanOut, Generator generator, DType dtype = DType.Float32) =>
        Tensor.Normal(shape, generator, 0, 1, dtype);

    /// <summary>
    /// Orthogonal: the <c>Q</c> of a Gram–Schmidt QR of an <c>N(0,1)</c> matrix (with <c>R</c>'s diagonal positive), viewed as
    /// <c>(d₀, ∏ other dims)</c>; rows (or columns, whichever are fewer) are orthonormal.
    /// </summary>
    public static Tensor Orthogonal(Shape shape, int fanIn, int fanOut, Generator generator, DType dtype = DType.Float32)
    {
        if (shape.Rank < 2) throw new ArgumentException($"Orthogonal: needs a shape of rank ≥ 2, got {shape}.");
        int rows = shape[0], cols = shape.Size / rows;
        bool transpose = rows < cols;
        int m = transpose ? cols : rows, n = transpose ? rows : cols;   // m ≥ n: orthonormalise n columns of length m
        var a = new double[m, n];
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) a[i, j] = generator.NextNormal();
        // Modified Gram–Schmidt: R's diagonal (the norms) comes out positive, which fixes Q's signs and makes it Haar-distributed.
        for (int j = 0; j < n; j++)
        {
            for (int k = 0; k < j; k++)
            {
                double dot = 0;
                for (int i = 0; i < m; i++) dot += a[i, k] * a[i, j];
                for (int i = 0; i < m; i++) a[i, j] -= dot * a[i, k];
            }
            double norm = 0;
            for (int i = 0; i < m; i++) norm += a[i, j] * a[i, j];
            norm = Math.Sqrt(norm);
            if (norm == 0) throw new InvalidOperationException("Orthogonal: a drawn column was linearly dependent; use another seed.");
            for (int i = 0; i < m; i++) a[i, j] /= norm;
        }
        var values = new double[rows * cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) values[r * cols + c] = transpose ? a[c, r] : a[r, c];
        return dtype == DType.Float64 ? Tensor.FromArray(values, shape.ToArray()) : Tensor.FromArray(Array.ConvertAll(values, v => (float)v), shape.ToArray());
    }

    /// <summary>All zeros (the default for biases).</summary>
    public static Tensor Zeros(Shape shape, int fanIn, int fanOut, Generator generator, DType dtype = DType.Float32) =>
        Tensor.Zeros(shape, dtype);

    /// <summary>An initializer that fills with the constant <paramref name="value"/>.</summary>
    public static Initializer Constant(double value) => (shape, _, _, _, dtype) => Tensor.Full(shape, value, dtype);
}
