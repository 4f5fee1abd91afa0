using AutoGrad.Data;

namespace AutoGrad.Tests.Data;

public sealed class IdxReaderTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("autograd-idx");

    public void Dispose() => _dir.Delete(true);

    private string Write(string name, byte[] bytes)
    {
        var p = Path.Combine(_dir.FullName, name);
        File.WriteAllBytes(p, bytes);
        return p;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_images_and_labels_plain_or_gzipped(bool gzip)
    {
        var img = IdxFiles.Images(2, 3, 4);
        var lab = IdxFiles.Labels(7, 1);
        var x = IdxReader.ReadImages(Write("i", gzip ? IdxFiles.Gzip(img) : img));
        var y = IdxReader.ReadLabels(Write("l", gzip ? IdxFiles.Gzip(lab) : lab));
        Assert.Equal(new Shape(2, 3, 4), x.Shape);
        Assert.Equal(Enumerable.Range(0, 24).Select(i => (float)i), x.ToFloatArray());
        Assert.Equal([7, 1], y);
    }

    [Fact]
    public void Wrong_magic_is_named()
    {
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(Write("labels-as-images", IdxFiles.Labels(1, 2))));
        Assert.Equal("labels-as-images: bad magic number 0x00000801; an IDX image file starts with 0x00000803 (this looks like the other kind of IDX file).", e.Message);
    }

    [Fact]
    public void Truncated_file_reports_the_byte_where_it_ends()
    {
        var img = IdxFiles.Images(2, 3, 4);
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(Write("cut", img[..30])));
        Assert.Equal("cut: truncated at byte 30: dimensions (2 × 3 × 4) need 40 bytes.", e.Message);
        var h = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(Write("cut-header", img[..10])));
        Assert.StartsWith("cut-header: truncated at byte 10", h.Message);
        var gz = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(Write("cut.gz", IdxFiles.Gzip(img)[..25])));
        Assert.StartsWith("cut.gz:", gz.Message);
    }

    [Fact]
    public void Extra_bytes_mean_the_dims_do_not_match_the_length()
    {
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(Write("long", [.. IdxFiles.Labels(1, 2), 9])));
        Assert.Contains("do not match the length", e.Message);
    }

    [Fact]
    public void Label_count_must_equal_image_count()
    {
        IdxFiles.WriteFolder(_dir.FullName, gzip: true, trainCount: 3, trainLabels: [1, 2]);
        var e = Assert.Throws<InvalidDataException>(() => Datasets.Mnist(_dir.FullName));
        Assert.Equal("train-labels-idx1-ubyte.gz: 2 labels but the image file holds 3 images.", e.Message);
    }

    [Fact]
    public void Mnist_folder_loads_train_and_test()
    {
        IdxFiles.WriteFolder(_dir.FullName, gzip: false);
        var (train, test) = Datasets.Mnist(_dir.FullName);
        Assert.Equal(new Shape(3, 28, 28), train.Features.Shape);
        Assert.Equal([0, 1, 2], train.Labels);
        Assert.Equal([9, 8], test.Labels);
    }

    [Fact]
    public void Fashion_mnist_prefers_the_explicit_path_then_the_variable()
    {
        IdxFiles.WriteFolder(_dir.FullName, gzip: true);
        var pair = Datasets.FashionMnist(null, _dir.FullName, "/nonexistent/debian");
        Assert.Equal("Ankle boot", pair.Train.ClassNames[9]);
        Assert.Equal(3, pair.Train.Count);
        var e = Assert.Throws<FileNotFoundException>(() => Datasets.FashionMnist(Path.Combine(_dir.FullName, "nope"), _dir.FullName, "/x"));
        Assert.Contains("nope", e.Message);
    }

    [Fact]
    public void Missing_fashion_mnist_says_how_to_get_it()
    {
        var e = Assert.Throws<FileNotFoundException>(() => Datasets.FashionMnist(null, null, "/nonexistent/fashion"));
        Assert.Contains("sudo apt-get install dataset-fashion-mnist", e.Message);
        Assert.Contains("AUTOGRAD_FASHION_MNIST", e.Message);
    }

    [FactWhenDirectoryExists(Datasets.FashionMnistDebianFolder)]
    public void Debian_fashion_mnist_has_60000_and_10000_images()
    {
        var (train, test) = Datasets.FashionMnist();
        Assert.Equal(new Shape(60000, 28, 28), train.Features.Shape);
        Assert.Equal(10000, test.Count);
        Assert.All(train.ClassCounts(), c => Assert.Equal(6000, c));
    }

    [Fact]
    public void A_zero_size_idx_whose_leading_dimensions_overflow_is_InvalidDataException_not_ArgumentException()
    {
        // Found by the fuzz suite (AUTOGRAD_FUZZ_ITERATIONS=5000): 2147483647 × 2 × 0 images declare no pixels, but Shape's
        // constructor refused them with ArgumentException. Whichever way Shape decides, the result is a load or an InvalidDataException.
        var img = IdxFiles.Images(0, 2, 0);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(img.AsSpan(4), int.MaxValue);
        try { Assert.Equal([int.MaxValue, 2, 0], IdxReader.ReadImages(Write("zero", img)).Shape.ToArray()); }
        catch (InvalidDataException e) { Assert.StartsWith("zero: dimensions (2147483647 × 2 × 0) cannot make a tensor (", e.Message); }
        Assert.Equal(new Shape(0, 2, 0), IdxReader.ReadImages(Write("empty", IdxFiles.Images(0, 2, 0))).Shape);
    }
}
