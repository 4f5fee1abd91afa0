using AutoGrad.Data;

namespace AutoGrad.Tests.Data;

public class ImageTransformsTests
{
    // One 3×3 image 1…9, as [N, H, W].
    private static readonly Tensor Img = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, 1, 3, 3);

    [Fact]
    public void Shift_moves_pixels_and_fills_with_zero()
    {
        Assert.Equal([0f, 0f, 0f, 0f, 1f, 2f, 0f, 4f, 5f], ImageTransforms.Shift(Img, 1, 1).ToFloatArray());
        Assert.Equal([2f, 3f, 0f, 5f, 6f, 0f, 8f, 9f, 0f], ImageTransforms.Shift(Img, 0, -1).ToFloatArray());
    }

    [Fact]
    public void Flips_mirror_columns_or_rows()
    {
        Assert.Equal([3f, 2f, 1f, 6f, 5f, 4f, 9f, 8f, 7f], ImageTransforms.FlipHorizontal(Img).ToFloatArray());
        Assert.Equal([7f, 8f, 9f, 4f, 5f, 6f, 1f, 2f, 3f], ImageTransforms.FlipVertical(Img).ToFloatArray());
    }

    [Fact]
    public void Rotating_90_degrees_counter_clockwise_sends_the_right_column_to_the_top()
    {
        Assert.Equal([3f, 6f, 9f, 2f, 5f, 8f, 1f, 4f, 7f], ImageTransforms.Rotate(Img, 90).ToFloatArray());
        Assert.Equal(Img.ToFloatArray(), ImageTransforms.Rotate(Img, 360).ToFloatArray());
    }

    [Fact]
    public void Crops_take_windows_of_every_channel()
    {
        var x = Tensor.Arange(2 * 2 * 4 * 4).Reshape(2, 2, 4, 4);
        var c = ImageTransforms.CenterCrop(x, 2, 2);
        Assert.Equal(new Shape(2, 2, 2, 2), c.Shape);
        Assert.Equal([5f, 6f, 9f, 10f], c.ToFloatArray()[..4]);
        var r = ImageTransforms.RandomCrop(x, 3, 3, new Generator(1));
        Assert.Equal(new Shape(2, 2, 3, 3), r.Shape);
        Assert.Equal(r.ToFloatArray(), ImageTransforms.RandomCrop(x, 3, 3, new Generator(1)).ToFloatArray());
        Assert.Throws<ArgumentException>(() => ImageTransforms.CenterCrop(x, 5, 1));
    }

    [Fact]
    public void Augmenter_is_reproducible_with_a_seed_and_keeps_shape()
    {
        var data = Datasets.Digits().Subset(Enumerable.Range(0, 16).ToArray());
        var images = data.Features.Reshape(16, 1, 8, 8);
        var aug = new ImageAugmenter { MaxShift = 1, MaxRotationDegrees = 15, NoiseStd = 0.1 };
        var a = aug.Apply(images, new Generator(7));
        var b = aug.Apply(images, new Generator(7));
        Assert.Equal(images.Shape, a.Shape);
        Assert.Equal(a.ToFloatArray(), b.ToFloatArray());
        Assert.NotEqual(images.ToFloatArray(), a.ToFloatArray());
        Assert.NotEqual(a.ToFloatArray(), aug.Apply(images, new Generator(8)).ToFloatArray());
    }

    [Fact]
    public void Noise_only_augmentation_has_the_requested_spread()
    {
        var zeros = Tensor.Zeros(new Shape(50, 20, 20), DType.Float64);
        var y = new ImageAugmenter { NoiseStd = 0.3 }.Apply(zeros, new Generator(3));
        Assert.Equal(0.0, y.Mean().Item(), 2);
        Assert.Equal(0.3, y.Std().Item(), 2);
    }
}
