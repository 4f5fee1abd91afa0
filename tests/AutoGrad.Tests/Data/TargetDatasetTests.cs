using AutoGrad.Data;

namespace AutoGrad.Tests.Data;

// Data sets whose targets are tensors (regression, several outputs, token sequences) and TokenSequenceDataset.
public sealed class TargetDatasetTests
{
    private static Dataset Regression(int n)
    {
        var x = Tensor.FromArray(Enumerable.Range(0, n).Select(i => (double)i).ToArray(), n, 1);
        var y = Tensor.FromArray(Enumerable.Range(0, n).SelectMany(i => new[] { 2.0 * i, -i }).ToArray(), n, 2);
        return new Dataset(x, y, "line");
    }

    [Fact]
    public void Batches_carry_the_target_rows_of_their_examples()
    {
        var data = Regression(7);
        Assert.False(data.HasClassLabels);
        Assert.Equal(7, data.Count);
        Assert.Equal(0, data.ClassCount);
        var loader = new DataLoader(data, 3, shuffle: true, generator: new Generator(4));
        var seen = new List<int>();
        foreach (var b in loader)
        {
            Assert.Empty(b.Labels);
            Assert.Equal(b.Indices.Length, b.Count);
            var x = b.Features.ToDoubleArray();
            var y = b.Targets!.ToDoubleArray();
            for (int i = 0; i < b.Count; i++)
            {
                Assert.Equal(b.Indices[i], x[i]);
                Assert.Equal([2.0 * x[i], -x[i]], y[(2 * i)..(2 * i + 2)]);
            }
            seen.AddRange(b.Indices);
        }
        Assert.Equal(Enumerable.Range(0, 7), seen.Order());
        var sub = data.Subset([5, 1]);
        Assert.Equal([10.0, -5, 2, -1], sub.Targets!.ToDoubleArray());
        Assert.Equal(data.Targets, data.WithFeatures(data.Features.Detach().Clone()).Targets);
        Assert.Equal("Dataset 'line': 7 examples of shape (1), targets of shape (2)", data.ToString().Replace("(1,)", "(1)").Replace("(2,)", "(2)"));
    }

    [Fact]
    public void Labels_asked_of_a_target_data_set_are_a_clear_error()
    {
        var data = Regression(4);
        Assert.Contains("LabelTensor needs class labels, but this data set has target tensors", Assert.Throws<InvalidOperationException>(() => data.LabelTensor()).Message);
        Assert.Throws<InvalidOperationException>(() => data.ClassCounts());
        Assert.Throws<InvalidOperationException>(() => data[0]);
        var batch = new DataLoader(data, 2).First();
        Assert.Contains("not class labels", Assert.Throws<InvalidOperationException>(() => batch.LabelTensor()).Message);
        Assert.Contains("stratifying needs class labels", Assert.Throws<InvalidOperationException>(() => Splits.TrainTest(data, 0.5, new Generator(1), stratify: true)).Message);
        Assert.Equal(2, Splits.TrainTest(data, 0.5, new Generator(1)).Test.Count);
        Assert.Contains("4 examples (features shape (4, 1)) but 3 targets",
            Assert.Throws<ArgumentException>(() => new Dataset(data.Features, Tensor.Zeros(new Shape(3)))).Message);
    }

    [Fact]
    public void Token_windows_predict_the_next_token_and_the_split_is_contiguous()
    {
        int[] tokens = [5, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5];
        var w = TokenSequenceDataset.Windows(tokens, 3);
        Assert.Equal(new Shape(3, 3), w.Features.Shape);   // starts 0, 3, 6 (a start at 9 lacks a next token for its window)
        Assert.Equal([5.0, 1, 4, 1, 5, 9, 2, 6, 5], w.Features.ToDoubleArray());
        Assert.Equal([1.0, 4, 1, 5, 9, 2, 6, 5, 3], w.Targets!.ToDoubleArray());
        var overlapping = TokenSequenceDataset.Windows(tokens, 3, stride: 1);
        Assert.Equal(8, overlapping.Count);
        Assert.Equal([5.0, 3, 5], overlapping.Targets!.ToDoubleArray()[^3..]);   // the window at 7: x = 6 5 3, y = 5 3 5
        var (train, validation) = TokenSequenceDataset.Split(Enumerable.Range(0, 100).ToArray(), 4, 0.2);
        Assert.Equal(19, train.Count);   // tokens 0..79: starts 0, 4, …, 72
        Assert.Equal(4, validation.Count);   // tokens 80..99: starts 80, 84, 88, 92
        Assert.Equal(80.0, validation.Features.ToDoubleArray()[0]);
        Assert.Equal(76.0, train.Targets!.ToDoubleArray().Max());   // the last window, at 72, predicts 73..76; nothing reaches past 79
        Assert.Throws<ArgumentException>(() => TokenSequenceDataset.Windows([1, 2, 3], 3));
        Assert.Contains("token 1 has id -2", Assert.Throws<ArgumentException>(() => TokenSequenceDataset.Windows([1, -2, 3, 4], 2)).Message);
    }
}
