using AutoGrad.Losses;
using AutoGrad.NN;
using AutoGrad.Optim;

namespace AutoGrad.Tests.Autograd;

// Shape and index errors name the op the user called, not an inner op of a composite (Diagnostics.UserOp, Note [Call sites]).
public class ErrorOpNameTests
{
    [Fact]
    public void One_dimensional_MatMul_errors_name_MatMul_not_Dot()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Zeros(new Shape(3)).MatMul(Tensor.Zeros(new Shape(4))));
        Assert.StartsWith("MatMul: needs two 1-D tensors of equal length, got shapes (3,) and (4,).", e.Message);
        Assert.Contains("\n  MatMul called at ErrorOpNameTests.cs:", e.Message);
        Assert.Contains("(the error arose in its inner Dot)", e.Message);
        // Called directly, Dot is still Dot.
        Assert.StartsWith("Dot: needs two 1-D tensors", Assert.Throws<ArgumentException>(() => Tensor.Zeros(new Shape(3)).Dot(Tensor.Zeros(new Shape(4)))).Message);
    }

    [Fact]
    public void A_bad_class_in_cross_entropy_names_the_loss_not_OneHot()
    {
        var z = Tensor.Zeros(new Shape(2, 3));
        Assert.Equal("SoftmaxCrossEntropy: class 5 at flat position 1 is outside 0..2.",
            Assert.Throws<IndexOutOfRangeException>(() => z.SoftmaxCrossEntropy(Tensor.FromArray([0f, 5f]))).Message);
        Assert.Equal("CategoricalCrossEntropy: class -1 at flat position 0 is outside 0..2.",
            Assert.Throws<IndexOutOfRangeException>(() => z.Softmax(-1).CategoricalCrossEntropy(Tensor.FromArray([-1f, 0f]))).Message);
        Assert.Equal("SoftmaxCrossEntropy: class index 1.5 at flat position 1 is not an integer.",
            Assert.Throws<ArgumentException>(() => z.SoftmaxCrossEntropy(Tensor.FromArray([0f, 1.5f]))).Message);
    }

    [Fact]
    public void NllLoss_errors_name_NllLoss_not_Gather()
    {
        var logp = Tensor.Zeros(new Shape(2, 3)).LogSoftmax(-1);
        Assert.Equal("NllLoss: class 5 at flat position 1 is outside 0..2.",
            Assert.Throws<IndexOutOfRangeException>(() => logp.NllLoss(Tensor.FromArray([0f, 5f]))).Message);
    }

    [Fact]
    public void PRelu_errors_name_PRelu_not_Multiply()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Zeros(new Shape(2, 3)).PRelu(Tensor.Zeros(new Shape(4))));
        Assert.StartsWith("PRelu: shapes (2, 3) and (4,) cannot be broadcast", e.Message);
        Assert.Contains("\n  PRelu called at ErrorOpNameTests.cs:", e.Message);
        Assert.Contains("(the error arose in its inner Multiply)", e.Message);
    }

    [Fact]
    public void Optimizer_errors_name_the_optimizer_not_InPlaceUpdate_and_change_nothing()
    {
        var p = Tensor.FromArray(new float[] { 1, 2, 3 }).RequireGrad();
        var q = Tensor.FromArray(new float[] { 4, 5 }).RequireGrad();
        var adam = new Adam([p, q], 0.1);
        p.Grad = Tensor.Ones(new Shape(3));
        q.Grad = Tensor.Ones(new Shape(3));
        var e = Assert.Throws<ArgumentException>(() => adam.Step());
        Assert.Equal("Adam.Step: parameter 1 is (2,) float32 but its gradient is (3,) float32; no parameter was changed.", e.Message);
        Assert.Equal([1f, 2f, 3f], p.ToFloatArray());   // parameter 0, before the bad one, is untouched too
        Assert.Equal(0, adam.StepCount);
        q.Grad = Tensor.Ones(new Shape(2), DType.Float64);
        Assert.Contains("Adam.Step: parameter 1 is (2,) float32 but its gradient is (2,) float64",
            Assert.Throws<ArgumentException>(() => adam.Step()).Message);
        var sgd = new Sgd([p, q], 0.1);
        Assert.StartsWith("Sgd.Step: parameter 1", Assert.Throws<ArgumentException>(() => sgd.Step()).Message);
    }
}
