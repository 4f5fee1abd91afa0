namespace AutoGrad.Data;

/// <summary>
/// Seeded random image augmentation for <c>[N, C, H, W]</c> or <c>[N, H, W]</c> batches: per image a shift
/// <c>dy, dx ~ U{−s…s}</c>, a rotation <c>θ ~ U[−r, r]</c> degrees, optional flips, then Gaussian noise <c>N(0, σ²)</c>.
/// </summary>
/// <remarks>Apply to training batches only (e.g. as a <see cref="DataLoader"/> transform); evaluation data stay as they are.</remarks>
public sealed class ImageAugmenter
{
    /// <summary>The largest shift <c>s</c> in pixels along each axis (0 = none).</summary>
    public int MaxShift { get; init; }

    /// <summary>The largest rotation <c>r</c> in degrees, either direction (0 = none).</summary>
    public double MaxRotationDegrees { get; init; }

    /// <summary>The probability of a left–right mirror (0 for digits, where it changes the class).</summary>
    public double HorizontalFlipProbability { get; init; }

    /// <summary>The probability of a top–bottom mirror.</summary>
    public double VerticalFlipProbability { get; init; }

    /// <summary>The standard deviation σ of additive Gaussian pixel noise (0 = none).</summary>
    public double NoiseStd { get; init; }

    /// <summary>Augmented copies of <paramref name="images"/>; the same generator state gives the same result.</summary>
    public Tensor Apply(Tensor images, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        Validate();
        var y = ImageTransforms.Map(images, "ImageAugmenter", (_, g) => new ImageTransforms.Affine(
            MaxRotationDegrees > 0 ? (2 * g!.NextDouble() - 1) * MaxRotationDegrees : 0,
            MaxShift > 0 ? g!.NextInt(2 * MaxShift + 1) - MaxShift : 0,
            MaxShift > 0 ? g!.NextInt(2 * MaxShift + 1) - MaxShift : 0,
            HorizontalFlipProbability > 0 && g!.NextDouble() < HorizontalFlipProbability,
            VerticalFlipProbability > 0 && g!.NextDouble() < VerticalFlipProbability), generator);
        if (NoiseStd == 0) return y;
        var noisy = y.ToDoubleArray();
        for (int i = 0; i < noisy.Length; i++) noisy[i] += NoiseStd * generator.NextNormal();
        return ImageTransforms.FromLike(noisy, y);
    }

    /// <summary>A batch with augmented features and the same labels, for use as a <see cref="DataLoader"/> transform.</summary>
    public Batch Apply(Batch batch, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return batch with { Features = Apply(batch.Features, generator) };
    }

    private void Validate()
    {
        if (MaxShift < 0 || !(MaxRotationDegrees >= 0) || !(NoiseStd >= 0)
            || !(HorizontalFlipProbability is >= 0 and <= 1) || !(VerticalFlipProbability is >= 0 and <= 1))
            throw new ArgumentException($"ImageAugmenter: shift {MaxShift}, rotation {MaxRotationDegrees}, noise {NoiseStd} must be ≥ 0 and flip probabilities in [0, 1].");
    }
}
