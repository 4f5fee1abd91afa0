using AutoGrad.Data;

namespace AutoGrad.Tests.Data;

public class DatasetsTests
{
    [Fact]
    public void Iris_has_150_flowers_4_features_3_balanced_species()
    {
        var d = Datasets.Iris();
        Assert.Equal(new Shape(150, 4), d.Features.Shape);
        Assert.Equal(DType.Float32, d.Features.DType);
        Assert.Equal(["setosa", "versicolor", "virginica"], d.ClassNames);
        Assert.Equal([50, 50, 50], d.ClassCounts());
        var (x0, y0) = d[0];
        Assert.Equal([5.1f, 3.5f, 1.4f, 0.2f], x0.ToFloatArray());
        Assert.Equal(0, y0);
        Assert.Equal(2, d.Labels[149]);
    }

    [Fact]
    public void Breast_cancer_has_569_tumours_30_features_212_malignant()
    {
        var d = Datasets.BreastCancer();
        Assert.Equal(new Shape(569, 30), d.Features.Shape);
        Assert.Equal(["malignant", "benign"], d.ClassNames);
        Assert.Equal([212, 357], d.ClassCounts());
        Assert.Equal(17.99f, d[0].Features.ToFloatArray()[0]);
    }

    [Fact]
    public void Digits_has_1797_images_of_64_pixels_in_0_to_16()
    {
        var d = Datasets.Digits();
        Assert.Equal(new Shape(1797, 64), d.Features.Shape);
        Assert.Equal(10, d.ClassCount);
        Assert.Equal(0, d.Labels[0]);
        Assert.Equal(16.0, d.Features.Max().Item());
        Assert.Equal(0.0, d.Features.Min().Item());
        Assert.Equal(new float[] { 0, 0, 5, 13, 9, 1, 0, 0 }, d[0].Features.ToFloatArray()[..8]);
        Assert.All(d.ClassCounts(), c => Assert.InRange(c, 174, 183));
    }

    [Fact]
    public void Subset_keeps_rows_labels_and_class_names_in_the_given_order()
    {
        var d = Datasets.Iris();
        var s = d.Subset([149, 0, 0]);
        Assert.Equal([2, 0, 0], s.Labels);
        Assert.Equal(d[149].Features.ToFloatArray(), s[0].Features.ToFloatArray());
        Assert.Equal(d.ClassNames, s.ClassNames);
        Assert.Throws<ArgumentOutOfRangeException>(() => d.Subset([150]));
    }

    [Fact]
    public void Labels_outside_the_class_names_are_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new Dataset(Tensor.Zeros(new Shape(2, 1)), [0, 3], ["a", "b"], "toy"));
        Assert.Contains("toy", e.Message);
        Assert.Contains("label 3", e.Message);
    }
}
