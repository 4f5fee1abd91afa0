namespace AutoGrad.Data;

/// <summary>
/// Deterministic geometric transforms of image batches <c>[N, C, H, W]</c> or <c>[N, H, W]</c>; pixels that come
/// from outside the image are 0, and non-integer source positions are sampled bilinearly.
/// </summary>
public static class ImageTransforms
{
    /// <summary>Moves every image down by <paramref name="dy"/> and right by <paramref name="dx"/> pixels: <c>y[r, c] = x[r − dy, c − dx]</c>.</summary>
    public static Tensor Shift(Tensor images, int dy, int dx) => Map(images, "Shift", (_, _) => new Affine(0, dy, dx, false, false));

    /// <summary>Rotates every image counter-clockwise by <paramref name="degrees"/> about its centre.</summary>
    public static Tensor Rotate(Tensor images, double degrees) => Map(images, "Rotate", (_, _) => new Affine(degrees, 0, 0, false, false));

    /// <summary>Mirrors every image left–right: <c>y[r, c] = x[r, W − 1 − c]</c>.</summary>
    public static Tensor FlipHorizontal(Tensor images) => Map(images, "FlipHorizontal", (_, _) => new Affine(0, 0, 0, true, false));

    /// <summary>Mirrors every image top–bottom: <c>y[r, c] = x[H − 1 − r, c]</c>.</summary>
    public static Tensor FlipVertical(Tensor images) => Map(images, "FlipVertical", (_, _) => new Affine(0, 0, 0, false, true));

    /// <summary>The <paramref name="height"/>×<paramref name="width"/> window at the centre of every image (offset <c>⌊(H − h)/2⌋</c>).</summary>
    public static Tensor CenterCrop(Tensor images, int height, int width)
    {
        var (_, _, h, w) = Layout(images, "CenterCrop");
        CheckCrop(h, w, height, width, "CenterCrop");
        return Crop(images, height, width, _ => ((h - height) / 2, (w - width) / 2));
    }

    /// <summary>A <paramref name="height"/>×<paramref name="width"/> window at a uniformly random offset, drawn per image.</summary>
    public static Tensor RandomCrop(Tensor images, int height, int width, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        var (_, _, h, w) = Layout(images, "RandomCrop");
        CheckCrop(h, w, height, width, "RandomCrop");
        return Crop(images, height, width, _ => (generator.NextInt(h - height + 1), generator.NextInt(w - width + 1)));
    }

    internal readonly record struct Affine(double Degrees, double Dy, double Dx, bool FlipX, bool FlipY);

    internal static (int N, int C, int H, int W) Layout(Tensor images, string op)
    {
        ArgumentNullException.ThrowIfNull(images);
        return images.Rank switch
        {
            3 => (images.Shape[0], 1, images.Shape[1], images.Shape[2]),
            4 => (images.Shape[0], images.Shape[1], images.Shape[2], images.Shape[3]),
            _ => throw new ArgumentException($"{op}: images must be [N, H, W] or [N, C, H, W], got shape {images.Shape}."),
        };
    }

    // One Affine per image (all channels share it). Output pixel p maps back to source q = R⁻¹(p − c − t) + c,
    // then a flip; inverse mapping leaves no holes in the output.
    internal static Tensor Map(Tensor images, string op, Func<int, Generator?, Affine> parameters, Generator? generator = null)
    {
        var (n, ch, h, w) = Layout(images, op);
        var x = images.ToDoubleArray();
        var y = new double[x.Length];
        double cy = (h - 1) / 2.0, cx = (w - 1) / 2.0;
        for (int i = 0; i < n; i++)
        {
            var a = parameters(i, generator);
            double rad = a.Degrees * Math.PI / 180, cos = Math.Cos(rad), sin = Math.Sin(rad);
            for (int r = 0; r < h; r++)
                for (int c = 0; c < w; c++)
                {
                    double py = r - cy - a.Dy, px = c - cx - a.Dx;
                    // Counter-clockwise on screen (rows grow downwards): inverse rotation of (px, −py).
                    double sx = cos * px - sin * py + cx;
                    double sy = sin * px + cos * py + cy;
                    if (a.FlipX) sx = w - 1 - sx;
                    if (a.FlipY) sy = h - 1 - sy;
                    for (int k = 0; k < ch; k++)
                    {
                        int plane = (i * ch + k) * h * w;
                        y[plane + r * w + c] = Bilinear(x, plane, h, w, sy, sx);
                    }
                }
        }
        return FromLike(y, images);
    }

    internal static Tensor FromLike(double[] values, Tensor like) =>
        like.DType == DType.Float64 ? Tensor.FromArray(values, like.Shape.ToArray()) : Tensor.FromArray(values.Select(v => (float)v).ToArray(), like.Shape.ToArray());

    private static double Bilinear(double[] x, int plane, int h, int w, double sy, double sx)
    {
        // Snap near-integers so exact shifts, flips and right-angle rotations copy pixels instead of blending.
        sy = SnapNearInteger(sy); sx = SnapNearInteger(sx);
        int y0 = (int)Math.Floor(sy), x0 = (int)Math.Floor(sx);
        double fy = sy - y0, fx = sx - x0, sum = 0;
        for (int dy = 0; dy <= 1; dy++)
            for (int dx = 0; dx <= 1; dx++)
            {
                double weight = (dy == 0 ? 1 - fy : fy) * (dx == 0 ? 1 - fx : fx);
                int yy = y0 + dy, xx = x0 + dx;
                if (weight != 0 && yy >= 0 && yy < h && xx >= 0 && xx < w) sum += weight * x[plane + yy * w + xx];
            }
        return sum;
    }

    private static double SnapNearInteger(double v)
    {
        double r = Math.Round(v);
        return Math.Abs(v - r) < 1e-9 ? r : v;
    }

    private static void CheckCrop(int h, int w, int height, int width, string op)
    {
        if (height < 1 || width < 1 || height > h || width > w)
            throw new ArgumentException($"{op}: a {height}×{width} window does not fit images of {h}×{w}.");
    }

    private static Tensor Crop(Tensor images, int height, int width, Func<int, (int Top, int Left)> offset)
    {
        var (n, ch, h, w) = Layout(images, "Crop");
        var x = images.ToDoubleArray();
        var y = new double[n * ch * height * width];
        for (int i = 0; i < n; i++)
        {
            var (top, left) = offset(i);
            for (int k = 0; k < ch; k++)
                for (int r = 0; r < height; r++)
                    for (int c = 0; c < width; c++)
                        y[((i * ch + k) * height + r) * width + c] = x[((i * ch + k) * h + top + r) * w + left + c];
        }
        var dims = images.Shape.ToArray();
        dims[^2] = height; dims[^1] = width;
        return images.DType == DType.Float64 ? Tensor.FromArray(y, dims) : Tensor.FromArray(y.Select(v => (float)v).ToArray(), dims);
    }
}
