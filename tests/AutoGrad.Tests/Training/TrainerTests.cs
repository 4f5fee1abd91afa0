using AutoGrad.Data;
using AutoGrad.Optim;
using AutoGrad.Training;
using static AutoGrad.Tests.Training.TrainingFixtures;

namespace AutoGrad.Tests.Training;

public class TrainerTests
{
    [Fact]
    public void Iris_mlp_with_fixed_seed_reaches_over_93_percent_validation_accuracy()
    {
        var (train, validation) = Iris();
        var trainer = Trainer(Mlp(1));
        using var loader = new DataLoader(train, 16, shuffle: true, generator: new Generator(3));
        var history = trainer.Fit(loader, 30, validation);
        Assert.Equal(30, history.Count);
        Assert.Equal(Enumerable.Range(1, 30), history.Epochs.Select(e => e.Epoch));
        Assert.True(history.Epochs[^1].ValidationAccuracy >= 0.93, $"validation accuracy {history.Epochs[^1].ValidationAccuracy}");
        Assert.True(history.Epochs[^1].TrainLoss < history.Epochs[0].TrainLoss / 3, $"loss {history.Epochs[0].TrainLoss} -> {history.Epochs[^1].TrainLoss}");
        // The epoch's validation numbers are those of a separate evaluation of the final model.
        var eval = trainer.Evaluate(validation);
        Assert.Equal(history.Epochs[^1].ValidationLoss, eval.Loss, 12);
        Assert.Equal(history.Epochs[^1].ValidationAccuracy, eval.Accuracy);
        Assert.Equal(eval.Accuracy, eval.Confusion!.Accuracy, 12);
        Assert.Equal(30, eval.Confusion.Total);
        Assert.True(trainer.Model.Training);
    }

    [Fact]
    public void Epoch_statistics_are_sample_weighted_averages_of_the_batches()
    {
        // 10 examples in batches of 4: sizes 4, 4, 2, so a plain mean of batch losses would differ.
        var (train, _) = Iris();
        var small = train.Subset(Enumerable.Range(0, 10).ToArray());
        var trainer = Trainer(Mlp(2), lr: 0.1);
        var batches = new List<BatchRecord>();
        trainer.Callbacks.Add(new LambdaCallback { BatchEnd = (_, b) => batches.Add(b) });
        using var loader = new DataLoader(small, 4);
        var e = trainer.Fit(loader, 1).Epochs[0];
        Assert.Equal([4, 4, 2], batches.Select(b => b.Size));
        double loss = batches.Sum(b => b.Loss * b.Size) / 10;
        double acc = batches.Sum(b => b.Accuracy * b.Size) / 10;
        Assert.Equal(loss, e.TrainLoss, 12);
        Assert.Equal(acc, e.TrainAccuracy, 12);
        Assert.NotEqual(batches.Average(b => b.Loss), e.TrainLoss, 6);
        Assert.Equal(e.TrainLoss, batches[^1].EpochLoss, 12);
        Assert.True(double.IsNaN(e.ValidationLoss));
    }

    [Fact]
    public void Schedules_set_the_learning_rate_per_epoch_or_per_batch()
    {
        var (train, _) = Iris();
        var data = train.Subset(Enumerable.Range(0, 12).ToArray());
        var perEpoch = Trainer(Mlp(3));
        perEpoch.Schedule = new StepDecay(1.0, 2, 0.5);
        var seen = new List<double>();
        perEpoch.Callbacks.Add(new LambdaCallback { BatchEnd = (_, b) => seen.Add(b.LearningRate) });
        using var loader = new DataLoader(data, 6);
        perEpoch.Fit(loader, 5);
        Assert.Equal([1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25], seen);
        Assert.Equal([1, 1, 0.5, 0.5, 0.25], perEpoch.History.Series(History.LearningRateName));

        var perBatch = Trainer(Mlp(3));
        perBatch.Schedule = new ExponentialDecay(1.0, 0.5);
        perBatch.ScheduleInterval = ScheduleInterval.Batch;
        seen.Clear();
        perBatch.Callbacks.Add(new LambdaCallback { BatchEnd = (_, b) => seen.Add(b.LearningRate) });
        perBatch.Fit(loader, 2);
        Assert.Equal([1, 0.5, 0.25, 0.125], seen);
    }

    [Fact]
    public void Early_stopping_stops_after_patience_and_restores_the_best_epochs_weights()
    {
        // Scripted validation losses (exact binary fractions, so sample-weighted averaging leaves them unchanged):
        // best at epoch 3, no improvement in 4, 5, 6 → with patience 3 training stops after epoch 6.
        double[] script = [1.0, 0.75, 0.5, 0.625, 0.5625, 0.53125, 0.25, 0.125];
        var (trainer, snapshots, early) = Scripted(script, new EarlyStopping(patience: 3));
        Assert.Equal(6, trainer.History.Count);
        Assert.Equal(6, early.StoppedEpoch);
        Assert.Equal(3, early.BestEpoch);
        Assert.Equal(0.5, early.Best);
        Assert.Equal(script[..6], trainer.History.Series(History.ValidationLossName));
        Assert.True(SameValues(snapshots[3], trainer.Model.StateDict()));
        Assert.False(SameValues(snapshots[6], trainer.Model.StateDict()));
    }

    [Fact]
    public void Early_stopping_min_delta_ignores_small_improvements()
    {
        // 0.4375 and 0.40625 improve on 0.5 by less than 0.125, so epoch 2 stays best and patience 2 stops after epoch 4.
        double[] script = [1.0, 0.5, 0.4375, 0.40625, 0.375, 0.25];
        var (trainer, snapshots, early) = Scripted(script, new EarlyStopping(patience: 2, minDelta: 0.125));
        Assert.Equal(4, early.StoppedEpoch);
        Assert.Equal(2, early.BestEpoch);
        Assert.True(SameValues(snapshots[2], trainer.Model.StateDict()));
    }

    [Fact]
    public void Early_stopping_on_accuracy_maximises()
    {
        var e = new EarlyStopping(History.ValidationAccuracyName);
        Assert.True(e.Maximize);
        Assert.False(new EarlyStopping().Maximize);
        Assert.Throws<ArgumentException>(() => new EarlyStopping("val_los"));
    }

    private static (Trainer, Dictionary<int, Dictionary<string, Tensor>>, EarlyStopping) Scripted(double[] script, EarlyStopping early)
    {
        var (train, validation) = Iris();
        Trainer? trainer = null;
        // In evaluation mode (validation) the loss returns the script's value for this epoch; in training it is the real loss.
        LossFunction loss = (y, b) => trainer!.Model.Training ? Objectives.SoftmaxCrossEntropy(y, b) : Tensor.Scalar(script[trainer.CompletedEpochs]);
        trainer = Trainer(Mlp(4), loss: loss);
        var snapshots = new Dictionary<int, Dictionary<string, Tensor>>();
        trainer.Callbacks.Add(new LambdaCallback { EpochEnd = (t, r) => snapshots[r.Epoch] = t.Model.StateDict() });
        trainer.Callbacks.Add(early);
        using var loader = new DataLoader(train, 32, shuffle: true, generator: new Generator(5));
        trainer.Fit(loader, script.Length, validation);
        return (trainer, snapshots, early);
    }

    [Fact]
    public void Predict_gives_softmax_confidences_that_sum_to_one_in_batches()
    {
        var (train, validation) = Iris();
        var trainer = Trainer(Mlp(6));
        trainer.EvaluationBatchSize = 7;   // 30 examples → batches of 7, 7, 7, 7, 2
        using var loader = new DataLoader(train, 16, shuffle: true, generator: new Generator(8));
        trainer.Fit(loader, 10);
        var p = trainer.Predict(validation.Features);
        Assert.Equal([30, 3], p.Probabilities.Shape.ToArray());
        var probs = p.Probabilities.ToArray2D();
        for (int i = 0; i < 30; i++)
        {
            double sum = probs[i, 0] + probs[i, 1] + probs[i, 2];
            Assert.Equal(1.0, sum, 6);
            Assert.Equal(Enumerable.Range(0, 3).MaxBy(j => probs[i, j]), p.Classes[i]);
            Assert.Equal(probs[i, p.Classes[i]], p.Confidences[i]);
            Assert.InRange(p.Confidences[i], 1.0 / 3, 1.0);
        }
        // Same answers as one unbatched pass of the model.
        var whole = trainer.Model.Eval().Forward(validation.Features).Softmax(1).ToDoubleArray();
        trainer.Model.Train();
        Assert.Equal(whole, p.Probabilities.ToDoubleArray());
        Assert.Equal(trainer.Evaluate(validation).Accuracy, p.Classes.Zip(validation.Labels).Count(z => z.First == z.Second) / 30.0);
    }

    [Fact]
    public void Predict_records_nothing_on_the_tape()
    {
        var (_, validation) = Iris();
        var trainer = Trainer(Mlp(6));
        long before = AutoGrad.Differentiation.Recorder.RecordedCount;
        trainer.Predict(validation.Features);
        Assert.Equal(before, AutoGrad.Differentiation.Recorder.RecordedCount);
    }

    [Fact]
    public void Optimizer_over_other_parameters_is_refused()
    {
        var model = Mlp(1);
        var other = Mlp(2);
        var e = Assert.Throws<ArgumentException>(() => new Trainer(model, Objectives.SoftmaxCrossEntropy, new Sgd(other.Parameters(), 0.1)));
        Assert.Contains("not parameters of the model", e.Message);
        // A subset (frozen layers) is fine: only the first layer trains.
        var (train, _) = Iris();
        var frozen = new Trainer(model, Objectives.SoftmaxCrossEntropy, new Sgd(model.Parameters().Take(2), 0.1)) { Progress = null };
        var last = model.Parameters()[3].ToDoubleArray();
        var firstBefore = model.Parameters()[0].ToDoubleArray();
        using var loader = new DataLoader(train, 40);
        frozen.Fit(loader, 1);
        Assert.Equal(last, model.Parameters()[3].ToDoubleArray());
        Assert.NotEqual(firstBefore, model.Parameters()[0].ToDoubleArray());
    }

    [Fact]
    public void Steps_inside_step_scopes_train_bit_identically_and_a_stashed_output_must_be_kept()
    {
        var (train, _) = Iris();
        List<double> Losses(bool scoped, bool keep, List<Tensor> stash)
        {
            LossFunction loss = (z, b) =>
            {
                stash.Add(keep ? z.Keep() : z);
                return Objectives.SoftmaxCrossEntropy(z, b);
            };
            var trainer = Trainer(Mlp(4), loss: loss);
            trainer.UseStepScope = scoped;
            var batches = new List<double>();
            trainer.Callbacks.Add(new LambdaCallback { BatchEnd = (_, r) => batches.Add(r.Loss) });
            using var loader = new DataLoader(train, 16, shuffle: true, generator: new Generator(5));
            trainer.Fit(loader, 3);
            return batches;
        }
        var plainStash = new List<Tensor>();
        var scopedStash = new List<Tensor>();
        var keptStash = new List<Tensor>();
        var plain = Losses(false, false, plainStash);
        Assert.Equal(plain, Losses(true, false, scopedStash));
        Assert.Equal(plain, Losses(true, true, keptStash));
        Assert.Equal(plainStash[^1].ToDoubleArray(), keptStash[^1].ToDoubleArray());
        var e = Assert.Throws<InvalidOperationException>(() => scopedStash[^1].ToDoubleArray());
        Assert.Contains("Keep()", e.Message);
    }
}
