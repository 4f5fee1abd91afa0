namespace AutoGrad.Tests.Ops;

/// <summary>Bad input gets an exception that names the op and says what is wrong.</summary>
public class OpErrorTests
{
    private static readonly Tensor M = Tensor.Arange(6).Reshape(2, 3);

    public static TheoryData<string, string> BadAxes => new()
    {
        { "Sum", "Sum: axis 2 is out of range for shape (2, 3)" },
        { "Mean", "Mean: axis -3 is out of range for shape (2, 3)" },
        { "Max", "Max: axis 5 is out of range for shape (2, 3)" },
        { "ArgMax", "ArgMax: axis 2 is out of range" },
        { "Softmax", "Max: axis 2 is out of range" },
        { "Concat", "Concat: axis 2 is out of range" },
        { "Stack", "Stack: axis 4 is out of range for shape (2, 3) (rank 3" },
        { "Slice", "Slice: axis -3 is out of range" },
        { "Select", "Select: axis 2 is out of range" },
        { "Gather", "Gather: axis 2 is out of range" },
        { "Transpose", "Transpose: axis 2 is out of range" },
        { "Unsqueeze", "Unsqueeze: axis 4 is out of range for shape (2, 3) (rank 3" },
        { "Squeeze", "Squeeze: axis 2 is out of range" },
        { "Flatten", "Flatten: axis 3 is out of range" },
        { "Split", "Split: axis 2 is out of range" },
    };

    [Theory, MemberData(nameof(BadAxes))]
    public void Bad_axes_name_the_op_the_axis_and_the_shape(string op, string message)
    {
        Action call = op switch
        {
            "Sum" => () => M.Sum(2),
            "Mean" => () => M.Mean(-3),
            "Max" => () => M.Max(5),
            "ArgMax" => () => M.ArgMax(2),
            "Softmax" => () => M.Softmax(2),
            "Concat" => () => CombineOps.Concat([M, M], 2),
            "Stack" => () => CombineOps.Stack([M, M], 4),
            "Slice" => () => M.Slice(-3, 0, 1),
            "Select" => () => M.Select(2, 0),
            "Gather" => () => M.Gather(2, Tensor.Zeros(new Shape(2, 3))),
            "Transpose" => () => M.Transpose(0, 2),
            "Unsqueeze" => () => M.Unsqueeze(4),
            "Squeeze" => () => M.Squeeze(2),
            "Flatten" => () => M.Flatten(0, 3),
            "Split" => () => M.Split([1, 1], 2),
            _ => throw new ArgumentException(op),
        };
        var ex = Assert.Throws<ArgumentOutOfRangeException>(call);
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void Repeated_axes_are_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => M.Sum([0, -2]));
        Assert.Contains("Sum: axes (0, -2) repeat an axis of shape (2, 3)", ex.Message);
    }

    [Fact]
    public void Gather_index_out_of_range_names_index_axis_and_size()
    {
        var index = Tensor.FromArray(new float[] { 0, 3 }, 2, 1);
        var ex = Assert.Throws<IndexOutOfRangeException>(() => M.Gather(1, index));
        Assert.Contains("Gather: index 3 is out of range for axis 1 of size 3 (shape (2, 3))", ex.Message);
        var neg = Assert.Throws<IndexOutOfRangeException>(() => M.Gather(0, Tensor.FromArray(new float[] { -1 }, 1, 1)));
        Assert.Contains("Gather: index -1", neg.Message);
        var frac = Assert.Throws<ArgumentException>(() => M.Gather(0, Tensor.FromArray(new float[] { 0.5f }, 1, 1)));
        Assert.Contains("Gather: index tensor holds 0.5", frac.Message);
        var rank = Assert.Throws<ArgumentException>(() => M.Gather(0, Tensor.FromArray(new float[] { 0 })));
        Assert.Contains("Gather: index has shape (1,) but the input has shape (2, 3)", rank.Message);
    }

    [Fact]
    public void ScatterAdd_checks_source_shape_and_indices()
    {
        var ex = Assert.Throws<ArgumentException>(() => M.ScatterAdd(0, Tensor.Zeros(new Shape(1, 3)), Tensor.Zeros(new Shape(1, 2))));
        Assert.Contains("ScatterAdd: source shape (1, 2) differs from index shape (1, 3)", ex.Message);
        var range = Assert.Throws<IndexOutOfRangeException>(() => M.ScatterAdd(0, Tensor.Full(new Shape(1, 3), 2), Tensor.Zeros(new Shape(1, 3))));
        Assert.Contains("ScatterAdd: index 2 is out of range for axis 0 of size 2", range.Message);
    }

    [Fact]
    public void Select_index_out_of_range()
    {
        var ex = Assert.Throws<IndexOutOfRangeException>(() => M.Select(1, 3));
        Assert.Contains("Select: index 3 is out of range for axis 1 of size 3 (shape (2, 3))", ex.Message);
        Assert.Contains("Select: index -3", Assert.Throws<IndexOutOfRangeException>(() => M.Select(0, -3)).Message);
        Assert.Equal([3.0, 4, 5], M.Select(0, -1).ToDoubleArray());
    }

    [Fact]
    public void IndexSelect_index_out_of_range()
    {
        var ex = Assert.Throws<IndexOutOfRangeException>(() => M.IndexSelect(0, [1, 2]));
        Assert.Contains("IndexSelect: index 2 is out of range for axis 0 of size 2 (shape (2, 3))", ex.Message);
        Assert.Contains("IndexSelect: index -1", Assert.Throws<IndexOutOfRangeException>(() => M.IndexSelect(1, [-1])).Message);
        var rank = Assert.Throws<ArgumentException>(() => M.IndexSelect(0, Tensor.Zeros(new Shape(1, 1))));
        Assert.Contains("IndexSelect: indices must be 1-D, got shape (1, 1)", rank.Message);
    }

    [Fact]
    public void OneHot_class_out_of_range()
    {
        var ex = Assert.Throws<IndexOutOfRangeException>(() => Tensor.FromArray(new float[] { 0, 4, 1 }).OneHot(3));
        Assert.Contains("OneHot: class 4 at flat position 1 is outside 0..2", ex.Message);
        Assert.Contains("OneHot: numClasses must be positive", Assert.Throws<ArgumentException>(() => Tensor.FromArray(new float[] { 0 }).OneHot(0)).Message);
        Assert.Equal([0.0, 1, 0, 1, 0, 0], Tensor.FromArray(new float[] { 1, 0 }).OneHot(3).ToDoubleArray());
    }

    [Fact]
    public void MatMul_inner_dimension_mismatch_names_both_shapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => Tensor.Zeros(new Shape(2, 3)).MatMul(Tensor.Zeros(new Shape(4, 5))));
        Assert.Contains("MatMul: inner dimensions differ: shapes (2, 3) and (4, 5)", ex.Message);
        Assert.Contains("[2×3]·[4×5]", ex.Message);
        var batch = Assert.Throws<ArgumentException>(() => Tensor.Zeros(new Shape(2, 1, 3)).MatMul(Tensor.Zeros(new Shape(3, 3, 1))));
        Assert.Contains("MatMul (batch axes): shapes (2,) and (3,) cannot be broadcast", batch.Message);
        Assert.Contains("MatMul: operands must have rank ≥ 1", Assert.Throws<ArgumentException>(() => Tensor.Scalar(1).MatMul(M)).Message);
        Assert.Contains("Dot: needs two 1-D tensors of equal length, got shapes (2,) and (3,)",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(new Shape(2)).Dot(Tensor.Zeros(new Shape(3)))).Message);
    }

    [Fact]
    public void Reshape_size_mismatch_names_both_shapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => M.Reshape(4, 2));
        Assert.Contains("Reshape: shape (2, 3) (6 elements) cannot become (4, 2) (8 elements)", ex.Message);
        Assert.Contains("Reshape: cannot infer the -1 in (4, -1) for 6 elements", Assert.Throws<ArgumentException>(() => M.Reshape(4, -1)).Message);
        Assert.Contains("only one dimension may be -1", Assert.Throws<ArgumentException>(() => M.Reshape(-1, -1)).Message);
    }

    [Fact]
    public void Concat_and_Stack_mismatches_name_the_shapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => CombineOps.Concat([M, Tensor.Zeros(new Shape(2, 4))], 0));
        Assert.Contains("Concat: shapes (2, 3) and (2, 4) differ outside axis 0", ex.Message);
        Assert.Contains("Concat: shapes (2, 3) and (6,) differ", Assert.Throws<ArgumentException>(() => CombineOps.Concat([M, Tensor.Zeros(new Shape(6))], 0)).Message);
        Assert.Contains("Concat: dtypes differ", Assert.Throws<ArgumentException>(() => CombineOps.Concat([M, M.To(DType.Float64)], 0)).Message);
        Assert.Contains("Concat: no tensors given", Assert.Throws<ArgumentException>(() => CombineOps.Concat([], 0)).Message);
        Assert.Contains("Stack: shapes (2, 3) and (3, 2) differ", Assert.Throws<ArgumentException>(() => CombineOps.Stack([M, M.Transpose()])).Message);
        Assert.Equal([0.0, 1, 2, 0, 0, 0, 0, 3, 4, 5, 0, 0, 0, 0], CombineOps.Concat([M, Tensor.Zeros(new Shape(2, 4))], 1).ToDoubleArray());
    }

    [Fact]
    public void Broadcast_and_dtype_mismatches_in_element_wise_ops()
    {
        var ex = Assert.Throws<ArgumentException>(() => M + Tensor.Zeros(new Shape(2)));
        Assert.Contains("Add: shapes (2, 3) and (2,) cannot be broadcast", ex.Message);
        Assert.Contains("Multiply: dtypes differ (float32 (2, 3) and float64 (2, 3))", Assert.Throws<ArgumentException>(() => M * M.To(DType.Float64)).Message);
        Assert.Contains("BroadcastTo: shape (2, 3) cannot be broadcast to (3, 3)", Assert.Throws<ArgumentException>(() => M.BroadcastTo(new Shape(3, 3))).Message);
        Assert.Contains("SumTo: shape (2, 3) cannot be summed down to (4,)", Assert.Throws<ArgumentException>(() => M.SumTo(new Shape(4))).Message);
    }

    [Fact]
    public void Split_Pad_Permute_and_Clamp_check_their_arguments()
    {
        Assert.Contains("Split: sizes (1, 1) must be ≥ 0 and add up to 3", Assert.Throws<ArgumentException>(() => M.Split([1, 1], 1)).Message);
        Assert.Contains("Pad: 1 (before, after) pairs given for shape (2, 3) of rank 2", Assert.Throws<ArgumentException>(() => M.Pad([(1, 1)])).Message);
        Assert.Contains("Permute: axes (0, 0) repeat an axis", Assert.Throws<ArgumentException>(() => M.Permute(0, 0)).Message);
        Assert.Contains("Clamp: min (2) is greater than max (1)", Assert.Throws<ArgumentException>(() => M.Clamp(2, 1)).Message);
        Assert.Contains("Slice: step must be positive, got 0", Assert.Throws<ArgumentException>(() => M.Slice(0, 0, 2, 0)).Message);
    }
}
