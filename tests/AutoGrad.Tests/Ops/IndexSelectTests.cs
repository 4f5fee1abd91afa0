using AutoGrad.Data;

namespace AutoGrad.Tests.Ops;

/// <summary>IndexSelect and its adjoint IndexAdd as primitives: errors, private index copies, and Dataset's use of them.</summary>
public class IndexSelectTests
{
    private static Tensor M => Tensor.FromArray(new double[] { 1, 2, 3, 4, 5, 6 }, 2, 3);

    [Fact]
    public void IndexSelect_picks_slices_in_order_with_repeats_and_adds_gradients_back()
    {
        var x = M.RequireGrad();
        var y = x.IndexSelect(1, [2, 0, 2]);
        Assert.Equal([3.0, 1, 3, 6, 4, 6], y.ToDoubleArray());
        (y * Tensor.FromArray(new double[] { 1, 10, 100, 1000, 10000, 100000 }, 2, 3)).Sum().Backward();
        Assert.Equal([10.0, 0, 101, 10000, 0, 101000], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void IndexSelect_reads_its_own_copy_of_the_indices()
    {
        var x = M.RequireGrad();
        int[] idx = [0];
        var y = x.IndexSelect(0, idx);
        idx[0] = 1;   // the caller reuses its array before backward
        y.Sum().Backward();
        Assert.Equal([1.0, 1, 1, 0, 0, 0], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void IndexSelect_and_IndexAdd_name_the_bad_index_and_shape()
    {
        var sel = Assert.Throws<IndexOutOfRangeException>(() => M.IndexSelect(1, [0, 3]));
        Assert.Contains("IndexSelect: index 3 is out of range for axis 1 of size 3 (shape (2, 3))", sel.Message);
        var add = Assert.Throws<IndexOutOfRangeException>(() => M.IndexAdd(0, [-1], Tensor.Zeros(new Shape(1, 3), DType.Float64)));
        Assert.Contains("IndexAdd: index -1 is out of range for axis 0 of size 2", add.Message);
        var shape = Assert.Throws<ArgumentException>(() => M.IndexAdd(0, [1], Tensor.Zeros(new Shape(2, 3), DType.Float64)));
        Assert.Contains("IndexAdd: source shape (2, 3) should be (1, 3)", shape.Message);
    }

    [Fact]
    public void IndexAdd_accumulates_repeated_positions()
    {
        var y = M.IndexAdd(0, [1, 1], Tensor.FromArray(new double[] { 1, 1, 1, 10, 10, 10 }, 2, 3));
        Assert.Equal([1.0, 2, 3, 15, 16, 17], y.ToDoubleArray());
    }

    [Fact]
    public void Dataset_subsets_made_inside_a_step_scope_stay_readable_after_it()
    {
        var data = new Dataset(Tensor.FromArray(Enumerable.Range(0, 200).Select(i => (float)i).ToArray(), 100, 2), Enumerable.Range(0, 100).Select(i => i % 3).ToArray());
        Dataset subset;
        using (Tensor.StepScope()) subset = data.Subset(Enumerable.Range(0, 40).Reverse().ToArray());
        using (Tensor.StepScope()) _ = (Tensor.Ones(new Shape(80)) * 2).Sum().Item();   // a later scope reuses pooled buffers
        Assert.Equal([78f, 79f, 76f, 77f], subset.Features.ToFloatArray()[..4]);
        Assert.False(subset.Features.RequiresGrad);
    }
}
