using AutoGrad.Data;
using AutoGrad.NN;
using AutoGrad.Optim;
using AutoGrad.Training;

namespace AutoGrad.Plots.Tests;

// A small seeded training run with a report attached: iris, 4→8→3, Adam, 3 epochs with validation.
internal static class ReportRun
{
    public static TrainingReport Train(string path, int epochs = 3)
    {
        var g = new Generator(5);
        var iris = Datasets.Iris();
        var (train, test) = Splits.TrainTest(iris, 0.2, new Generator(2), stratify: true);
        var model = new Sequential(new Linear(4, 8, g), new Tanh(), new Linear(8, 3, g));
        var trainer = new Trainer(model, Objectives.SoftmaxCrossEntropy, new Adam(model.Parameters(), 0.01)) { Progress = null };
        var report = new TrainingReport(path, "Iris, 4-8-3 tanh", seed: 5, activationSample: test.Features, gradientEvery: 2);
        report.HyperParameters["batch size"] = "16";
        trainer.Callbacks.Add(report);
        trainer.Fit(new DataLoader(train, 16, shuffle: true, generator: new Generator(3)), epochs, test);
        return report;
    }
}
