using AutoGrad.Data;
using AutoGrad.NN;
using AutoGrad.Optim;
using AutoGrad.Training;

namespace AutoGrad.Tests.Training;

// The trainer with target tensors: the loss reads Batch.Targets, accuracy is tracked only for class labels (or a counter of one's own),
// and parameter groups and frozen layers go through Fit.
public sealed class TargetTrainingTests
{
    private sealed class TokenModel : Module
    {
        public TokenModel(int vocabulary, int d)
        {
            Emb = RegisterModule("emb", new Embedding(vocabulary, d, new Generator(1)));
            Head = RegisterModule("head", new Linear(d, vocabulary, new Generator(2)));
        }

        public Embedding Emb { get; }

        public Linear Head { get; }

        public override Tensor Forward(Tensor x) => Head.Forward(Emb.Forward(x));   // (B, T) ids → (B, T, V) logits
    }

    [Fact]
    public void A_regression_fit_lowers_the_loss_and_reports_no_accuracy()
    {
        var g = new Generator(3);
        var x = Tensor.Randn(new Shape(64, 2), g);
        var y = CombineOps.Concat([x.Select(1, 0).Unsqueeze(1) * 2 - x.Select(1, 1).Unsqueeze(1), x.Select(1, 1).Unsqueeze(1) + 0.5], 1);   // two outputs
        var data = new Dataset(x.Detach(), y.Detach(), "linear");
        var model = new Sequential(new Linear(2, 2, new Generator(4)));
        var trainer = new Trainer(model, Objectives.Mse, new Adam(model.Parameters(), 0.05)) { Progress = null };
        var history = trainer.Fit(new DataLoader(data, 16, shuffle: true, generator: new Generator(5)), 30, validation: data);
        Assert.True(history.Epochs[^1].TrainLoss < 0.05 * history.Epochs[0].TrainLoss, $"{history.Epochs[0].TrainLoss} → {history.Epochs[^1].TrainLoss}");
        Assert.True(double.IsNaN(history.Epochs[^1].TrainAccuracy));
        Assert.True(double.IsNaN(history.Epochs[^1].ValidationAccuracy));
        var eval = trainer.Evaluate(data);
        Assert.Null(eval.Confusion);
        Assert.Equal(history.Epochs[^1].ValidationLoss, eval.Loss, 12);
    }

    [Fact]
    public void A_token_model_learns_a_repeating_sequence_with_groups_and_a_counter_of_its_own()
    {
        int[] corpus = [.. Enumerable.Range(0, 400).Select(i => i % 5)];   // 0 1 2 3 4 0 1 …: the next token is (t + 1) mod 5
        var (train, validation) = TokenSequenceDataset.Split(corpus, 8);
        var model = new TokenModel(5, 8);
        var opt = new AdamW(ParameterGroups.DecayAndNoDecay(model, 0.01), 0.05);
        var trainer = new Trainer(model, Objectives.TokenCrossEntropy, opt)
        {
            Progress = null,
            CorrectCount = (z, b) => ArgMax(z).Zip(b.Targets!.ToDoubleArray()).Count(p => p.First == p.Second) / z.Shape[1],   // whole windows
        };
        var history = trainer.Fit(new DataLoader(train, 8, shuffle: true, generator: new Generator(6)), 15, validation);
        Assert.True(history.Epochs[^1].ValidationLoss < 0.1, $"validation loss {history.Epochs[^1].ValidationLoss}");   // ln 5 = 1.61 at chance
        Assert.True(history.Epochs[0].TrainLoss > history.Epochs[^1].TrainLoss);
        Assert.Equal(1.0, history.Epochs[^1].ValidationAccuracy);
    }

    private static int[] ArgMax(Tensor z)
    {
        int v = z.Shape[-1];
        var flat = z.ToDoubleArray();
        return [.. Enumerable.Range(0, flat.Length / v).Select(r => Enumerable.Range(0, v).MaxBy(j => flat[r * v + j]))];
    }

    [Fact]
    public void Fit_leaves_a_frozen_layer_unchanged()
    {
        var (trainSet, _) = TrainingFixtures.Iris();
        var model = TrainingFixtures.Mlp(1);
        model[0].RequiresGrad(false);
        var frozen = model[0].Parameters().Select(p => p.ToDoubleArray()).ToList();
        var head = model[2].Parameters().Select(p => p.ToDoubleArray()).ToList();
        var trainer = TrainingFixtures.Trainer(model);
        trainer.Fit(new DataLoader(trainSet, 32), 2);
        Assert.Equal(frozen, model[0].Parameters().Select(p => p.ToDoubleArray()).ToList());
        Assert.NotEqual(head, model[2].Parameters().Select(p => p.ToDoubleArray()).ToList());
        Assert.False(double.IsNaN(trainer.History.Epochs[^1].TrainAccuracy));   // class labels: accuracy as before
    }
}
