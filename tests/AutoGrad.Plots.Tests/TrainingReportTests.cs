using System.Text.RegularExpressions;
using AutoGrad.Training;

namespace AutoGrad.Plots.Tests;

public class TrainingReportTests
{
    [Fact]
    public void The_report_holds_hyper_parameters_layers_epochs_charts_and_environment()
    {
        var dir = Directory.CreateTempSubdirectory("autograd-report-");
        try
        {
            var path = Path.Combine(dir.FullName, "sub", "report.html");
            var report = ReportRun.Train(path);
            var html = File.ReadAllText(path);
            Assert.StartsWith("<!DOCTYPE html>", html);
            Assert.Contains("<title>Iris, 4-8-3 tanh</title>", html);
            Assert.Contains("<td>batch size</td><td>16</td>", html);
            Assert.Contains("<td>loss</td><td>Objectives.SoftmaxCrossEntropy</td>", html);
            Assert.Contains("<td>optimizer.LearningRate</td><td>0.01</td>", html);
            Assert.Contains("<td>0</td><td>Linear</td><td>weight (8, 4), bias (8,)</td><td>40</td>", html);
            Assert.Contains("<td>1</td><td>Tanh</td><td></td><td>0</td>", html);
            Assert.Contains("<td>total</td><td>Sequential</td><td></td><td>67</td>", html);
            Assert.Equal(3, Regex.Matches(html, "<tr><td>[123]</td><td>[0-9.]+</td><td>0\\.[0-9]{4}</td>").Count);   // one row per epoch
            // loss, accuracy, loss per batch, gradient norms, weights, activations
            Assert.Equal(6, Regex.Matches(html, "<svg ").Count);
            Assert.Contains("<figcaption>Activations on a sample batch</figcaption>", html);
            Assert.Contains("<td>seed</td><td>5</td>", html);
            Assert.Contains($"<td>logical processors (threads)</td><td>{Environment.ProcessorCount}</td>", html);
            Assert.Contains(".NET", html);
            Assert.DoesNotContain("src=\"http", html);   // self-contained

            report.Figures.Add(Gallery.Confusion());
            report.Write();
            Assert.Equal(7, Regex.Matches(File.ReadAllText(path), "<svg ").Count);
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public void Writing_before_any_training_is_refused()
    {
        var report = new TrainingReport(Path.Combine(Path.GetTempPath(), "never.html"));
        Assert.Contains("no training seen yet", Assert.Throws<InvalidOperationException>(() => report.Write()).Message);
    }

    [Fact]
    public void Recorded_gradient_norms_are_the_layers_two_norms()
    {
        var g = new Generator(1);
        var model = new AutoGrad.NN.Sequential(new AutoGrad.NN.Linear(4, 5, g), new AutoGrad.NN.Tanh(), new AutoGrad.NN.Linear(5, 3, g));
        var trainer = new Trainer(model, Objectives.SoftmaxCrossEntropy, new AutoGrad.Optim.Sgd(model.Parameters(), 0.1)) { Progress = null };
        var recorder = new TrainingRecorder(gradientEvery: 1);
        var direct = new List<double>();
        trainer.Callbacks.Add(recorder);
        trainer.Callbacks.Add(new LambdaCallback
        {
            // one running sum over the layer's gradients in registration order, as the recorder adds them (a sum per tensor first
            // rounds differently in the last bit)
            BatchEnd = (_, _) => direct.Add(Math.Sqrt(model.Layers[2].Parameters().SelectMany(p => p.Grad!.ToDoubleArray()).Aggregate(0.0, (s, v) => s + v * v))),
        });
        var data = AutoGrad.Data.Datasets.Iris();
        trainer.Fit(new AutoGrad.Data.DataLoader(data, 50), 2);
        Assert.Equal(6, recorder.BatchLosses.Count);   // 150 rows, batches of 50, 2 epochs
        Assert.Equal([1.0, 2, 3, 4, 5, 6], recorder.GradientSteps);
        Assert.Equal(["0 Linear", "2 Linear"], recorder.GradientNorms.Select(l => l.Layer));
        Assert.Equal(direct, recorder.GradientNorms[1].Norms);
        Assert.All(recorder.GradientNorms[0].Norms, v => Assert.True(v > 0));
    }
}
