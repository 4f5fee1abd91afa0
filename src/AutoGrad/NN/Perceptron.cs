using AutoGrad.Differentiation;

namespace AutoGrad.NN;

/// <summary>
/// Rosenblatt's perceptron <c>ŷ = 1(w·x + b &gt; 0)</c>, trained by the perceptron rule <c>w ← w + η(y − ŷ)x</c>,
/// <c>b ← b + η(y − ŷ)</c> (Rosenblatt's perceptron learning rule) rather than by gradients (the step function has none).
/// </summary>
public sealed class Perceptron
{
    /// <summary>A perceptron over <paramref name="inputs"/> features with zero weights and bias.</summary>
    public Perceptron(int inputs, DType dtype = DType.Float64)
    {
        if (inputs <= 0) throw new ArgumentException($"Perceptron: inputs must be positive, got {inputs}.");
        Weights = Tensor.Zeros(new Shape(inputs), dtype);
        Bias = Tensor.Zeros(Shape.Scalar, dtype);
    }

    /// <summary>The weights <c>w</c>.</summary>
    public Tensor Weights { get; private set; }

    /// <summary>The bias <c>b</c>.</summary>
    public Tensor Bias { get; private set; }

    /// <summary><c>ŷ = 1(x·w + b &gt; 0)</c> for each row of <paramref name="x"/> (N, inputs).</summary>
    public Tensor Predict(Tensor x)
    {
        using (Recorder.NoGrad()) return (x.Detach().MatMul(Weights) + Bias).Heaviside();
    }

    /// <summary>
    /// Runs the perceptron rule sample by sample for up to <paramref name="epochs"/> passes; returns true once a pass makes
    /// no mistake (the algorithm converged), false otherwise (e.g. on XOR, which is not linearly separable).
    /// </summary>
    public bool Train(Tensor x, Tensor y, double learningRate = 1.0, int epochs = 100)
    {
        if (x.Rank != 2 || x.Shape[1] != Weights.Size || y.Rank != 1 || y.Shape[0] != x.Shape[0])
            throw new ArgumentException($"Perceptron.Train: expected x (N, {Weights.Size}) and y (N), got {x.Shape} and {y.Shape}.");
        using var _ = Recorder.NoGrad();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            int mistakes = 0;
            for (int i = 0; i < x.Shape[0]; i++)
            {
                var xi = x.Detach().Select(0, i).To(Weights.DType);
                double yhat = (xi.Dot(Weights) + Bias).Heaviside().Item();
                double err = y[i] - yhat;
                if (err == 0) continue;
                mistakes++;
                Weights = Weights + xi * (learningRate * err);
                Bias = Bias + learningRate * err;
            }
            if (mistakes == 0) return true;
        }
        return false;
    }

    /// <summary>Fraction of rows of <paramref name="x"/> whose prediction equals <paramref name="y"/>.</summary>
    public double Accuracy(Tensor x, Tensor y)
    {
        var p = Predict(x);
        int ok = 0;
        for (int i = 0; i < y.Size; i++) if (p[i] == y[i]) ok++;
        return (double)ok / y.Size;
    }
}
