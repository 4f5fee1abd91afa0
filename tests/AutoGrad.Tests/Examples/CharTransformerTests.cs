using AutoGrad.Tests.Autograd;
using CharTransformerExample;

namespace AutoGrad.Tests.Examples;

public class CharTransformerTests
{
    private const string Install = "apt-get install wamerican";

    [FactWhenFileExists(Words.DebianPath, Install)]
    public void Words_are_lower_cased_wrapped_and_split_90_10()
    {
        var w = Words.Load(take: 1000);
        Assert.Equal((900, 100), (w.Train.Length, w.Validation.Length));
        Assert.Equal('.', w.Vocabulary[0]);
        Assert.All(w.Train, word => Assert.Equal(word.ToLowerInvariant(), word));
        Assert.Equal(w.Train.Sum(x => x.Length + 1) + 1, w.TrainStream.Length);
        Assert.Equal(0, w.TrainStream[0]);
        Assert.Equal(w.Train[0], new string([.. w.TrainStream.Skip(1).Take(w.Train[0].Length).Select(i => w.Vocabulary[i])]));
        Assert.Equal(Words.Load(take: 1000).Train, w.Train);   // the shuffle is seeded
    }

    [Fact]
    public void A_missing_word_list_says_how_to_install_it()
    {
        var e = Assert.Throws<FileNotFoundException>(() => Words.Load("/nonexistent/words"));
        Assert.Contains("apt-get install wamerican", e.Message);
    }

    [FactWhenFileExists(Words.DebianPath, Install)]
    public void A_small_model_on_a_slice_of_the_words_learns()
    {
        var words = Words.Load(take: 3000);
        var config = new CharConfig(DModel: 32, Heads: 2, Layers: 1, FeedForward: 64, Dropout: 0, Context: 8);
        var run = CharTraining.Run(words, config, steps: 60, batch: 32, learningRate: 3e-3, warmup: 5, evalEvery: 30, evalBatches: 5);
        Assert.Equal([30, 60], run.Points.Select(p => p.Step));
        double uniform = Math.Log(words.Vocabulary.Length);
        Assert.True(run.Points[1].ValidationLoss < run.Points[0].ValidationLoss, $"validation {run.Points[0].ValidationLoss} then {run.Points[1].ValidationLoss}");
        Assert.True(run.Points[1].ValidationLoss < uniform - 0.4, $"validation {run.Points[1].ValidationLoss} against uniform {uniform}");
        Assert.True(run.Points[1].TrainLoss < run.Points[0].TrainLoss);
        Assert.Equal(20, run.Samples.Length);
        Assert.All(run.Samples, s => Assert.All(s, c => Assert.Contains(c, words.Vocabulary.Skip(1))));
    }
}
