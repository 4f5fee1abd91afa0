namespace AutoGrad.Data;

/// <summary>
/// A data set: examples <c>xᵢ</c> stacked along axis 0 of <see cref="Features"/> and either their class indices
/// <c>yᵢ ∈ {0, …, k−1}</c> (classification) or their target tensors stacked along axis 0 of <see cref="Targets"/> (regression,
/// several outputs, token sequences).
/// </summary>
/// <remarks>
/// A data set with targets has no class labels: <see cref="Labels"/> is empty, <see cref="ClassCount"/> is 0, and what needs labels
/// (<see cref="LabelTensor"/>, <see cref="ClassCounts"/>, stratified splits) says so. Its batches carry <see cref="Batch.Targets"/>, and the
/// trainer tracks no accuracy for them unless given a <c>CorrectCount</c> of its own.
/// </remarks>
public sealed class Dataset
{
    private readonly int[] _labels;
    private readonly string[] _classNames;
    private readonly Tensor? _targets;

    /// <summary>Pairs examples <c>x[i, …]</c> with class indices <c>y[i]</c>; class names default to "0" … "k−1".</summary>
    /// <exception cref="ArgumentException">The label count differs from <c>x.Shape[0]</c>, or a label is outside <c>[0, k)</c>.</exception>
    public Dataset(Tensor features, IReadOnlyList<int> labels, IReadOnlyList<string>? classNames = null, string name = "dataset")
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        if (features.Rank < 1)
            throw new ArgumentException($"Dataset '{name}': features need at least one axis (the example axis), got a scalar.");
        if (features.Shape[0] != labels.Count)
            throw new ArgumentException($"Dataset '{name}': {features.Shape[0]} examples (features shape {features.Shape}) but {labels.Count} labels.");
        _labels = labels.ToArray();
        int maxLabel = _labels.Length == 0 ? -1 : _labels.Max();
        _classNames = classNames?.ToArray() ?? Enumerable.Range(0, maxLabel + 1).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        for (int i = 0; i < _labels.Length; i++)
            if (_labels[i] < 0 || _labels[i] >= _classNames.Length)
                throw new ArgumentException($"Dataset '{name}': label {_labels[i]} of example {i} is outside [0, {_classNames.Length}) for {_classNames.Length} classes.");
        Features = features;
        Name = name;
    }

    /// <summary>
    /// Pairs examples <c>x[i, …]</c> with target tensors <c>y[i, …]</c> (any dtype and shape after axis 0): regression values, several
    /// outputs, the next tokens of a sequence.
    /// </summary>
    /// <exception cref="ArgumentException">Either tensor is a scalar, or their example counts (axis 0) differ.</exception>
    public Dataset(Tensor features, Tensor targets, string name = "dataset")
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        if (features.Rank < 1 || targets.Rank < 1)
            throw new ArgumentException($"Dataset '{name}': features and targets need an example axis, got shapes {features.Shape} and {targets.Shape}.");
        if (features.Shape[0] != targets.Shape[0])
            throw new ArgumentException($"Dataset '{name}': {features.Shape[0]} examples (features shape {features.Shape}) but {targets.Shape[0]} targets (shape {targets.Shape}).");
        _labels = [];
        _classNames = [];
        _targets = targets;
        Features = features;
        Name = name;
    }

    /// <summary>The target tensors, shape <c>[n, …]</c>; null for a data set of class labels.</summary>
    public Tensor? Targets => _targets;

    /// <summary>True when the examples have class labels (<see cref="Labels"/>), false when they have <see cref="Targets"/>.</summary>
    public bool HasClassLabels => _targets is null;

    /// <summary>The examples, shape <c>[n, …]</c> (axis 0 indexes examples).</summary>
    public Tensor Features { get; }

    /// <summary>The class index <c>yᵢ</c> of each example (empty for a data set with <see cref="Targets"/>).</summary>
    public IReadOnlyList<int> Labels => _labels;

    /// <summary>The class names; <c>ClassNames[c]</c> names class index <c>c</c>.</summary>
    public IReadOnlyList<string> ClassNames => _classNames;

    /// <summary>A short name used in error messages and reports.</summary>
    public string Name { get; }

    /// <summary>The number of examples <c>n</c>.</summary>
    public int Count => _targets is null ? _labels.Length : Features.Shape[0];

    /// <summary>The number of classes <c>k</c>.</summary>
    public int ClassCount => _classNames.Length;

    /// <summary>The shape of one example, <c>Features.Shape</c> without axis 0.</summary>
    public Shape ExampleShape => new(Features.Shape.ToArray()[1..]);

    /// <summary>Example <c>i</c>: its features (shape <see cref="ExampleShape"/>) and its label.</summary>
    /// <exception cref="InvalidOperationException">The data set has <see cref="Targets"/>, not labels (use <see cref="Subset"/>).</exception>
    public (Tensor Features, int Label) this[int index]
    {
        get
        {
            RequireLabels("the indexer");
            if ((uint)index >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(index), $"Dataset '{Name}': index {index} is outside [0, {Count}).");
            return (TakeRows(Features, [index]).Reshape(ExampleShape), _labels[index]);
        }
    }

    /// <summary>The examples at <paramref name="indices"/>, in that order (repeats allowed).</summary>
    public Dataset Subset(IReadOnlyList<int> indices, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var idx = indices.ToArray();
        foreach (var i in idx)
            if ((uint)i >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(indices), $"Dataset '{Name}': subset index {i} is outside [0, {Count}).");
        if (_targets is not null) return new Dataset(TakeRows(Features, idx), TakeRows(_targets, idx), name ?? Name);
        var labels = new int[idx.Length];
        for (int j = 0; j < idx.Length; j++) labels[j] = _labels[idx[j]];
        return new Dataset(TakeRows(Features, idx), labels, _classNames, name ?? Name);
    }

    /// <summary>The same labels (or targets) with new features, e.g. after preprocessing; <c>x.Shape[0]</c> must equal <see cref="Count"/>.</summary>
    public Dataset WithFeatures(Tensor features) => _targets is null ? new(features, _labels, _classNames, Name) : new(features, _targets, Name);

    /// <summary>The number of examples of each class, <c>n_c = |{i : yᵢ = c}|</c>.</summary>
    public int[] ClassCounts()
    {
        RequireLabels(nameof(ClassCounts));
        var counts = new int[ClassCount];
        foreach (var y in _labels) counts[y]++;
        return counts;
    }

    /// <summary>The labels as a 1-D tensor of class indices, <c>[y₀, …, y_{n−1}]</c>.</summary>
    public Tensor LabelTensor(DType dtype = DType.Float32)
    {
        RequireLabels(nameof(LabelTensor));
        return LabelsToTensor(_labels, dtype);
    }

    /// <summary>The labels one-hot encoded, <c>Y[i, c] = 1(yᵢ = c)</c>, shape <c>[n, k]</c>.</summary>
    public Tensor OneHotLabels(DType dtype = DType.Float32) => LabelTensor(dtype).OneHot(ClassCount);

    /// <inheritdoc/>
    public override string ToString() => _targets is null ? $"Dataset '{Name}': {Count} examples of shape {ExampleShape}, {ClassCount} classes"
        : $"Dataset '{Name}': {Count} examples of shape {ExampleShape}, targets of shape {new Shape(_targets.Shape.ToArray()[1..])}";

    private void RequireLabels(string what)
    {
        if (_targets is not null)
            throw new InvalidOperationException($"Dataset '{Name}': {what} needs class labels, but this data set has target tensors (Targets, shape {_targets.Shape}).");
    }

    internal int[] LabelArray => _labels;

    internal static Tensor LabelsToTensor(IReadOnlyList<int> labels, DType dtype)
    {
        if (dtype == DType.Float32) return Tensor.FromArray(labels.Select(v => (float)v).ToArray());
        return Tensor.FromArray(labels.Select(v => (double)v).ToArray());
    }

    // The rows as one IndexSelect (a block copy per row), detached so a data set never records, and kept past any StepScope
    // because data sets and batches outlive a step (Note [Step scopes] in StepScope.cs).
    internal static Tensor TakeRows(Tensor x, int[] rows) => x.Detach().IndexSelect(0, rows).Keep();
}
