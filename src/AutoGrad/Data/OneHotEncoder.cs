namespace AutoGrad.Data;

/// <summary>One-hot encoding of class indices, <c>Y[i, c] = 1(yᵢ = c)</c>, with the class count <c>k</c> fitted on training labels.</summary>
public sealed class OneHotEncoder
{
    /// <summary>An encoder for a known number of classes, or one to be fitted when <paramref name="classCount"/> is null.</summary>
    public OneHotEncoder(int? classCount = null)
    {
        if (classCount is <= 0) throw new ArgumentOutOfRangeException(nameof(classCount), $"OneHotEncoder: class count must be positive, got {classCount}.");
        ClassCount = classCount ?? 0;
    }

    /// <summary>The number of classes <c>k</c> (0 before fitting).</summary>
    public int ClassCount { get; private set; }

    /// <summary>Sets <c>k = max(y) + 1</c> from training labels.</summary>
    public void Fit(IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count == 0) throw new ArgumentException("OneHotEncoder.Fit: no labels.");
        if (labels.Min() < 0) throw new ArgumentException($"OneHotEncoder.Fit: label {labels.Min()} is negative.");
        ClassCount = labels.Max() + 1;
    }

    /// <summary>The <c>[n, k]</c> matrix with a single 1 per row, at column <c>yᵢ</c>.</summary>
    /// <exception cref="ArgumentException">A label is outside <c>[0, k)</c>.</exception>
    public Tensor Transform(IReadOnlyList<int> labels, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (ClassCount == 0) throw new InvalidOperationException("OneHotEncoder: call Fit on training labels (or give the class count) first.");
        for (int i = 0; i < labels.Count; i++)
            if ((uint)labels[i] >= (uint)ClassCount)
                throw new ArgumentException($"OneHotEncoder.Transform: label {labels[i]} at position {i} is outside [0, {ClassCount}).");
        return Dataset.LabelsToTensor(labels, dtype).OneHot(ClassCount);
    }

    /// <summary>The class index of each row, <c>yᵢ = argmax_c Y[i, c]</c>.</summary>
    public static int[] InverseTransform(Tensor oneHot)
    {
        ArgumentNullException.ThrowIfNull(oneHot);
        if (oneHot.Rank != 2) throw new ArgumentException($"OneHotEncoder.InverseTransform: needs [n, k], got {oneHot.Shape}.");
        return oneHot.ArgMax(1).ToDoubleArray().Select(v => (int)v).ToArray();
    }

    /// <summary>Entry <c>class_count</c>: a scalar holding <c>k</c>.</summary>
    public IReadOnlyDictionary<string, Tensor> GetState() => new Dictionary<string, Tensor> { ["class_count"] = Tensor.Scalar(ClassCount, DType.Float64) };

    /// <summary>Reads entry <c>class_count</c>.</summary>
    public void LoadState(IReadOnlyDictionary<string, Tensor> state)
    {
        double k = PreprocessorExtensions.Need(state, "class_count", nameof(OneHotEncoder)).Item();
        if (k < 1 || k != Math.Floor(k)) throw new ArgumentException($"OneHotEncoder.LoadState: class_count {k} is not a positive integer.");
        ClassCount = (int)k;
    }
}
