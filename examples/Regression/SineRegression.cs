using System.Diagnostics;
using System.Globalization;
using AutoGrad;
using AutoGrad.Differentiation;
using AutoGrad.Losses;
using AutoGrad.Metrics;
using AutoGrad.NN;
using AutoGrad.Optim;
using AutoGrad.Training;

namespace RegressionExample;

/// <summary>Noisy samples of <c>y = sin(2πx) + σ_noise·ε</c>, <c>x ~ U(0, 1)</c>, <c>ε ~ N(0, 1)</c>.</summary>
/// <param name="X">Inputs, shape [n, 1].</param>
/// <param name="Y">Noisy targets, shape [n, 1].</param>
/// <param name="Clean">The noise-free <c>sin(2πx)</c>, shape [n, 1].</param>
public sealed record SineData(Tensor X, Tensor Y, Tensor Clean)
{
    /// <summary><paramref name="n"/> seeded samples with noise standard deviation <paramref name="noise"/>.</summary>
    public static SineData Sample(int n, double noise, ulong seed)
    {
        var g = new Generator(seed);
        var x = new float[n];
        var y = new float[n];
        var clean = new float[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = (float)g.NextDouble();
            clean[i] = (float)Math.Sin(2 * Math.PI * x[i]);
            y[i] = (float)(clean[i] + noise * g.NextNormal());
        }
        return new SineData(Tensor.FromArray(x).Reshape(n, 1), Tensor.FromArray(y).Reshape(n, 1), Tensor.FromArray(clean).Reshape(n, 1));
    }
}

/// <summary>The fitted sine and its scores on held-out samples.</summary>
/// <param name="History">Per epoch: training MSE and regression accuracy, test MSE and accuracy (against the noisy targets).</param>
/// <param name="Mse">Test mean squared error against the noisy targets.</param>
/// <param name="Mae">Test mean absolute error against the noisy targets.</param>
/// <param name="MseClean">Test mean squared error against the noise-free sine.</param>
/// <param name="Accuracy">Regression accuracy (notes 000) against the noisy targets, <c>mean(|ŷ − y| &lt; σ(y)/λ)</c>.</param>
/// <param name="AccuracyClean">The same against the noise-free sine.</param>
/// <param name="Ceiling">The accuracy a perfect model <c>ŷ = sin(2πx)</c> expects against noisy targets, <c>erf(ρ/(σ_noise√2))</c>.</param>
/// <param name="Rho">The allowance <c>ρ = σ(y)/λ</c> on the test targets.</param>
/// <param name="GridX">Evenly spaced inputs on [0, 1] for plotting.</param>
/// <param name="GridPrediction">The model's output on <see cref="GridX"/>.</param>
/// <param name="Seconds">Wall time of training.</param>
public sealed record RegressionResult(History History, double Mse, double Mae, double MseClean, double Accuracy, double AccuracyClean,
    double Ceiling, double Rho, double[] GridX, double[] GridPrediction, double Seconds);

/// <summary>
/// Regression as in notes 000: a 1 → 64 → 64 → 1 ReLU network with a linear output, mean squared error, Adam with 1/t decay, scored by MSE,
/// MAE and the notes' regression accuracy <c>mean(|ŷ − y| &lt; σ(y)/λ)</c> with λ = 250 (the nnfs value; the notes leave λ open).
/// </summary>
public static class SineRegression
{
    /// <summary>The standard deviation of the noise added to the sine.</summary>
    public const double Noise = 0.1;

    /// <summary>1 → 64 → 64 → 1, ReLU hidden layers, linear output.</summary>
    public static Sequential Model(Generator generator) => new(
        new Linear(1, 64, generator), new Relu(), new Linear(64, 64, generator), new Relu(), new Linear(64, 1, generator));

    /// <summary>Trains on <paramref name="trainCount"/> noisy samples for <paramref name="epochs"/> epochs of shuffled mini-batches, tests on 1,000 others.</summary>
    public static RegressionResult Run(int epochs = 200, int trainCount = 1000, int batchSize = 50, double lambda = RegressionMetrics.DefaultPrecisionDivisor,
        ulong seed = 1, TextWriter? output = null, int printEvery = 20)
    {
        var train = SineData.Sample(trainCount, Noise, seed);
        var test = SineData.Sample(1000, Noise, seed + 1);
        var model = Model(new Generator(seed + 2));
        var optimizer = new Adam(model.Parameters(), 0.005);
        var schedule = new InverseTimeDecay(0.005, 1e-3);
        var shuffle = new Generator(seed + 3);
        var history = new History();
        var clock = Stopwatch.StartNew();
        var order = Enumerable.Range(0, trainCount).ToArray();
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            var start = clock.Elapsed.TotalSeconds;
            shuffle.Shuffle<int>(order);
            for (int s = 0; s < trainCount; s += batchSize)
            {
                using var step = Tensor.StepScope();   // the step's activations return to a pool when it ends
                var rows = Tensor.FromArray(order[s..Math.Min(s + batchSize, trainCount)].Select(i => (float)i).ToArray());
                schedule.Apply(optimizer, optimizer.StepCount);
                optimizer.ZeroGrad();
                var loss = model.Forward(train.X.IndexSelect(0, rows)).MseLoss(train.Y.IndexSelect(0, rows));
                loss.Backward();
                optimizer.Step();
            }
            var (trainMse, trainAcc) = Score(model, train.X, train.Y, lambda);
            var (testMse, testAcc) = Score(model, test.X, test.Y, lambda);
            history.Add(new EpochRecord(epoch, trainMse, trainAcc, testMse, testAcc, optimizer.LearningRate, clock.Elapsed.TotalSeconds - start));
            if (output is not null && (epoch % printEvery == 0 || epoch == 1))
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"epoch {epoch,4}/{epochs}: train MSE {trainMse:0.00000}, accuracy {trainAcc:0.000}; test MSE {testMse:0.00000}, accuracy {testAcc:0.000}; lr {optimizer.LearningRate:0.00000}"));
        }
        double seconds = clock.Elapsed.TotalSeconds;
        var prediction = Predict(model, test.X);
        double rho = test.Y.To(DType.Float64).Std().Item() / lambda;
        double ceiling = Tensor.Scalar(rho / (Noise * Math.Sqrt(2)), DType.Float64).Erf().Item();
        var gridX = Enumerable.Range(0, 201).Select(i => i / 200.0).ToArray();
        var grid = Predict(model, Tensor.FromArray(gridX.Select(v => (float)v).ToArray()).Reshape(gridX.Length, 1)).ToDoubleArray();
        // The clean targets' accuracy uses the same ρ (from the noisy test targets) so both columns measure the same allowance.
        double accClean = (prediction - test.Clean).Abs().Less(Tensor.Scalar(rho, DType.Float32)).Mean().Item();
        return new RegressionResult(history, RegressionMetrics.MeanSquaredError(prediction, test.Y), RegressionMetrics.MeanAbsoluteError(prediction, test.Y),
            RegressionMetrics.MeanSquaredError(prediction, test.Clean), RegressionMetrics.Accuracy(prediction, test.Y, lambda), accClean, ceiling, rho, gridX, grid, seconds);
    }

    private static (double Mse, double Accuracy) Score(Module model, Tensor x, Tensor y, double lambda)
    {
        var p = Predict(model, x);
        return (RegressionMetrics.MeanSquaredError(p, y), RegressionMetrics.Accuracy(p, y, lambda));
    }

    private static Tensor Predict(Module model, Tensor x)
    {
        using (Recorder.NoGrad()) return model.Forward(x);
    }
}
