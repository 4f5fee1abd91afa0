using System.Globalization;
using AutoGrad.Plots;
using RegressionExample;

// Regression (notes 000): a linear output with mean squared error on a seeded noisy sine, scored by MSE, MAE and the notes'
// regression accuracy |ŷ − y| < σ(y)/λ. Usage: dotnet run -c Release --project examples/Regression [--epochs N] [--lambda λ] [--out FOLDER]
int epochs = 200;
double lambda = 250;
string output = Path.Combine("artifacts", "regression");
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"Regression: {args[i]} needs a value.");
    switch (args[i])
    {
        case "--epochs": epochs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--lambda": lambda = double.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--out": output = Next(); break;
        default:
            Console.Error.WriteLine("usage: Regression [--epochs N (default 200)] [--lambda λ (default 250)] [--out FOLDER]");
            return 2;
    }
}
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"y = sin(2πx) + {SineRegression.Noise}·N(0, 1), 1000 training and 1000 test samples; 1-64-64-1 ReLU, linear output, MSE, Adam η₀ = 0.005 with 1/t decay 1e-3, batch 50"));
var r = SineRegression.Run(epochs, lambda: lambda, output: Console.Out);
string F(double v, string f = "0.00000") => v.ToString(f, CultureInfo.InvariantCulture);
Console.WriteLine();
Console.WriteLine($"test MSE {F(r.Mse)} (noise variance {F(SineRegression.Noise * SineRegression.Noise)}), MAE {F(r.Mae)}, MSE against the clean sine {F(r.MseClean)}");
Console.WriteLine($"regression accuracy, λ = {lambda.ToString(CultureInfo.InvariantCulture)} (ρ = σ(y)/λ = {F(r.Rho)}): {F(r.Accuracy, "0.000")} against the noisy targets " +
                  $"(a perfect model expects erf(ρ/(σ√2)) = {F(r.Ceiling, "0.000")}), {F(r.AccuracyClean, "0.000")} against the clean sine");
Console.WriteLine($"trained in {F(r.Seconds, "0.0")} s");
var (loss, acc) = r.History.SavePlots(output);
// The 1,000 test points Run scored (seed 1 + 1); the prediction at each is read off the 201-point grid by linear interpolation,
// which is exact between the ReLU network's kinks and within 1e-3 elsewhere on a grid of step 0.005.
var test = SineData.Sample(1000, SineRegression.Noise, 2);
double[] tx = test.X.ToDoubleArray(), ty = test.Y.ToDoubleArray();
double At(double x)
{
    int i = Math.Clamp((int)(x * 200), 0, 199);
    double t = x * 200 - i;
    return r.GridPrediction[i] * (1 - t) + r.GridPrediction[i + 1] * t;
}
var (fit, _) = Charts.RegressionFit(tx, ty, r.GridX, r.GridPrediction, r.GridX.Select(x => Math.Sin(2 * Math.PI * x)).ToArray(),
    "Fitted sine, 1,000 test points").SaveBoth(output, "fit");
var (residuals, _) = Charts.Residuals(tx, tx.Zip(ty, (x, y) => y - At(x)).ToArray(), "Test residuals y − ŷ").SaveBoth(output, "residuals");
Console.WriteLine($"curves: {Path.GetFullPath(loss)}, {Path.GetFullPath(acc)}; fit: {Path.GetFullPath(fit)}; residuals: {Path.GetFullPath(residuals)}");
return 0;
