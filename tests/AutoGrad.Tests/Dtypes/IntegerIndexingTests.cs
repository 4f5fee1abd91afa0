using AutoGrad.Checking;
using AutoGrad.Losses;
using AutoGrad.NN;

namespace AutoGrad.Tests.Dtypes;

/// <summary>Indexing ops and losses take int64 and int32 index tensors; float ones only with whole-number values.</summary>
public class IntegerIndexingTests
{
    private static readonly Tensor X = Tensor.FromArray(new[] { 1.0, 2.0, 3.0, 4.0, 5.0, 6.0 }, 2, 3);

    [Fact]
    public void ArgMax_and_ArgMin_return_int64()
    {
        var m = X.ArgMax(1);
        Assert.Equal(DType.Int64, m.DType);
        Assert.Equal(new long[] { 2, 2 }, m.ToInt64Array());
        Assert.Equal(new long[] { 0 }, X.ArgMin().Reshape(1).ToInt64Array());
    }

    [Fact]
    public void Gather_and_ScatterAdd_take_int64_and_int32_indices_and_check_gradients()
    {
        var idx = Tensor.FromArray(new long[] { 2, 0, 1, 1 }, 2, 2);
        Assert.Equal(new[] { 3.0, 1.0, 5.0, 5.0 }, X.Gather(1, idx).ToDoubleArray());
        Assert.Equal(new[] { 3.0, 1.0, 5.0, 5.0 }, X.Gather(1, Tensor.FromArray(new[] { 2, 0, 1, 1 }, 2, 2)).ToDoubleArray());
        Assert.Equal(new[] { 3.0, 1.0, 5.0, 5.0 }, X.Gather(1, idx.To(DType.Float64)).ToDoubleArray());   // whole-number floats still work
        var s = Tensor.Zeros(new Shape(2, 3), DType.Float64).ScatterAdd(1, idx, Tensor.FromArray(new[] { 1.0, 2.0, 3.0, 4.0 }, 2, 2));
        Assert.Equal(new[] { 2.0, 0, 1.0, 0, 7.0, 0 }, s.ToDoubleArray());
        Assert.True(GradCheck.Check(xs => xs[0].Gather(1, idx).Square(), [X.Clone().RequireGrad()]).Passed);
    }

    [Fact]
    public void IndexSelect_Embedding_and_OneHot_take_integer_tensors()
    {
        Assert.Equal(new[] { 4.0, 5.0, 6.0, 1.0, 2.0, 3.0 }, X.IndexSelect(0, Tensor.FromArray(new long[] { 1, 0 })).ToDoubleArray());
        var emb = new Embedding(4, 2, new Generator(3));
        var tokens = Tensor.FromArray(new long[] { 3, 0, 3 }, 1, 3);
        var y = emb.Forward(tokens);
        Assert.Equal(new Shape(1, 3, 2), y.Shape);
        Assert.Equal(emb.Weight.Select(0, 3).ToDoubleArray(), y.Select(1, 2).Reshape(2).ToDoubleArray());
        var oh = Tensor.FromArray(new long[] { 2, 0 }).OneHot(3);
        Assert.Equal(DType.Int64, oh.DType);   // as PyTorch's one_hot
        Assert.Equal(new long[] { 0, 0, 1, 1, 0, 0 }, oh.ToInt64Array());
    }

    [Fact]
    public void Losses_take_int64_labels_and_give_the_same_value_and_gradient_as_float_labels()
    {
        var logits = Tensor.FromArray(new[] { 0.2, -1.0, 2.0, 0.5, 0.1, -0.3 }, 2, 3);
        var asLong = Tensor.FromArray(new long[] { 2, 1 });
        var asFloat = Tensor.FromArray(new[] { 2.0, 1.0 });
        var a = logits.Clone().RequireGrad();
        var la = a.SoftmaxCrossEntropy(asLong);
        la.Backward();
        var b = logits.Clone().RequireGrad();
        var lb = b.SoftmaxCrossEntropy(asFloat);
        lb.Backward();
        Assert.Equal(lb.Item(), la.Item(), 15);
        Assert.Equal(b.Grad!.ToDoubleArray(), a.Grad!.ToDoubleArray());
        Assert.Equal(logits.LogSoftmax().NllLoss(asFloat).Item(), logits.LogSoftmax().NllLoss(asLong).Item(), 15);
        Assert.Equal(logits.LogSoftmax().NllLoss(asFloat).Item(), logits.LogSoftmax().NllLoss(asLong.To(DType.Int32)).Item(), 15);
    }

    [Fact]
    public void Bad_index_tensors_get_errors_naming_the_op()
    {
        Assert.Contains("Gather: index tensor holds 0.5 at flat position 1, which is not an integer",
            Assert.Throws<ArgumentException>(() => X.Gather(1, Tensor.FromArray(new[] { 0.0, 0.5 }, 2, 1))).Message);
        Assert.Contains("IndexSelect: the index tensor is bool",
            Assert.Throws<ArgumentException>(() => X.IndexSelect(0, Tensor.FromArray(new[] { true }))).Message);
        Assert.Contains("index 5000000000 at flat position 0 is out of range",
            Assert.Throws<IndexOutOfRangeException>(() => X.IndexSelect(0, Tensor.FromArray(new[] { 5_000_000_000L }))).Message);
        Assert.Contains("SoftmaxCrossEntropy: class 3 at flat position 1 is outside 0..2",
            Assert.Throws<IndexOutOfRangeException>(() => X.SoftmaxCrossEntropy(Tensor.FromArray(new long[] { 0, 3 }))).Message);
        Assert.Contains("NllLoss: class indices are bool",
            Assert.Throws<ArgumentException>(() => X.NllLoss(Tensor.FromArray(new[] { true, false }))).Message);
    }
}
