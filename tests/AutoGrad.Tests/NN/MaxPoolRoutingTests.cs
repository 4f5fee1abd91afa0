using AutoGrad.NN;

namespace AutoGrad.Tests.NN;

// The pooling primitive picks the first maximal element of each window (row-major), lets NaN win, and routes the
// gradient there, adding where overlapping windows pick the same element.
public class MaxPoolRoutingTests
{
    [Fact]
    public void Ties_go_to_the_first_element_and_NaN_wins()
    {
        var x = Tensor.FromArray(new float[]
        {
            3, 3, 1, float.NaN,
            3, 0, 2, 5,
        }, 1, 1, 2, 4).RequireGrad();
        var y = x.MaxPool2d(2);
        var v = y.ToFloatArray();
        Assert.Equal(3f, v[0]);
        Assert.True(float.IsNaN(v[1]));
        (y * Tensor.FromArray(new float[] { 10, 20 }, 1, 1, 1, 2)).Sum().Backward();
        Assert.Equal(new float[] { 10, 0, 0, 20, 0, 0, 0, 0 }, x.Grad!.ToFloatArray());
    }

    [Fact]
    public void Overlapping_windows_add_their_gradients()
    {
        // Stride 1, kernel 2 on one row pair: the 9 is the maximum of both windows, so it receives 1 + 1.
        var x = Tensor.FromArray(new float[] { 1, 9, 2, 0, 0, 0 }, 1, 1, 2, 3).RequireGrad();
        var y = x.MaxPool2d(2, stride: 1);
        Assert.Equal(new float[] { 9, 9 }, y.ToFloatArray());
        y.Sum().Backward();
        Assert.Equal(new float[] { 0, 2, 0, 0, 0, 0 }, x.Grad!.ToFloatArray());
    }

    [Fact]
    public void Negative_values_and_signed_zero_keep_the_first_maximum()
    {
        var x = Tensor.FromArray(new float[] { -0f, 0f, -1f, -2f }, 1, 1, 2, 2).RequireGrad();
        var y = x.MaxPool2d(2);
        Assert.True(float.IsNegative(y.ToFloatArray()[0]));   // −0 comes first and +0 is not greater
        y.Sum().Backward();
        Assert.Equal(new float[] { 1, 0, 0, 0 }, x.Grad!.ToFloatArray());
    }
}
