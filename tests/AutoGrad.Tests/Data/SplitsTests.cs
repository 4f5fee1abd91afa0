using AutoGrad.Data;

namespace AutoGrad.Tests.Data;

public class SplitsTests
{
    private static Dataset Imbalanced()
    {
        // 80 of class 0, 20 of class 1; feature = original index so parts can be traced back.
        var labels = Enumerable.Range(0, 100).Select(i => i < 80 ? 0 : 1).ToArray();
        return new Dataset(Tensor.Arange(100).Reshape(100, 1), labels);
    }

    private static int[] Ids(Dataset d) => d.Features.ToFloatArray().Select(v => (int)v).ToArray();

    [Fact]
    public void Three_way_split_partitions_the_examples_with_the_requested_sizes()
    {
        var s = Splits.TrainValidationHoldout(Imbalanced(), 0.2, 0.1, new Generator(1));
        Assert.Equal((70, 20, 10), (s.Train.Count, s.Validation.Count, s.Holdout.Count));
        Assert.Equal(Enumerable.Range(0, 100), Ids(s.Train).Concat(Ids(s.Validation)).Concat(Ids(s.Holdout)).Order());
    }

    [Fact]
    public void Stratified_split_keeps_the_class_proportions_in_every_part()
    {
        var s = Splits.TrainValidationHoldout(Imbalanced(), 0.2, 0.1, new Generator(2), stratify: true);
        Assert.Equal([56, 14], s.Train.ClassCounts());
        Assert.Equal([16, 4], s.Validation.ClassCounts());
        Assert.Equal([8, 2], s.Holdout.ClassCounts());
    }

    [Fact]
    public void Same_seed_same_split()
    {
        var a = Splits.TrainTest(Imbalanced(), 0.25, new Generator(9));
        var b = Splits.TrainTest(Imbalanced(), 0.25, new Generator(9));
        Assert.Equal(Ids(a.Test), Ids(b.Test));
        Assert.Equal(25, a.Test.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void K_fold_validation_parts_partition_the_data(bool stratify)
    {
        var folds = Splits.KFold(Imbalanced(), 10, new Generator(3), stratify);
        Assert.Equal(10, folds.Count);
        Assert.Equal(Enumerable.Range(0, 100), folds.SelectMany(f => f.ValidationIndices).Order());
        foreach (var f in folds)
        {
            Assert.Equal(10, f.Validation.Count);
            Assert.Equal(90, f.Train.Count);
            Assert.Empty(f.TrainIndices.Intersect(f.ValidationIndices));
            Assert.Equal(f.ValidationIndices, Ids(f.Validation));
            if (stratify) Assert.Equal([8, 2], f.Validation.ClassCounts());
        }
    }
}
