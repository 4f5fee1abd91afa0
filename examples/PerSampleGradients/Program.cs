using System.Diagnostics;
using System.Globalization;
using PerSampleGradientsExample;

// Per-sample gradients on the bundled 8×8 digits (issue 15): a 64-32-10 classifier trained with plain SGD, then each
// training example's gradient norm (the hardest examples), the Fisher diagonal per layer, and DP-SGD (clip each example's
// gradient to C, add seeded Gaussian noise σ·C, average) trained next to plain SGD on the same batches.
// Usage: dotnet run -c Release --project examples/PerSampleGradients [--epochs N] [--clip C] [--sigma S] [--seed K]
int epochs = 30;
double clip = 1.0, sigma = 1.0;
ulong seed = 1;
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"PerSampleGradients: {args[i]} needs a value.");
    switch (args[i])
    {
        case "--epochs": epochs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--clip": clip = double.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--sigma": sigma = double.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--seed": seed = ulong.Parse(Next(), CultureInfo.InvariantCulture); break;
        default:
            Console.Error.WriteLine("usage: PerSampleGradients [--epochs N (30)] [--clip C (1)] [--sigma S (1)] [--seed K (1)]");
            return 2;
    }
}
var inv = CultureInfo.InvariantCulture;
var data = PerSampleLab.Data(seed);
Console.WriteLine($"Digits: {data.Train.Count} training, {data.Test.Count} test images; 64-32-10 tanh MLP, SGD lr 0.5, batch 64, {epochs} epochs, seed {seed}");

var plain = PerSampleLab.Model(seed);
var dp = PerSampleLab.Model(seed);
var sw = Stopwatch.StartNew();
var result = PerSampleLab.Train(data, epochs, 64, 0.5, clip, sigma, seed, noiseSeed: seed + 100, plain: plain, dp: dp);
Console.WriteLine(string.Create(inv, $"Plain SGD: test accuracy {result.PlainAccuracy:P1}, loss {result.PlainLoss:F4}"));
Console.WriteLine(string.Create(inv, $"DP-SGD (C = {clip}, σ = {sigma}): test accuracy {result.PrivateAccuracy:P1}, loss {result.PrivateLoss:F4}   ({sw.Elapsed.TotalSeconds:F1} s for both)"));

Console.WriteLine();
Console.WriteLine("Hardest training examples for the plain model (largest per-sample gradient norm, Vmap(Grad)):");
foreach (var h in PerSampleLab.Hardest(plain, data.Train, 8))
    Console.WriteLine(string.Create(inv, $"  #{h.Index,4}  label {h.Label}  predicted {h.Predicted}  norm {h.Norm:F4}"));

Console.WriteLine();
Console.WriteLine("Fisher diagonal (mean squared per-sample gradient over the training set), per parameter:");
Console.WriteLine("  parameter      count        mean      median         max       total");
foreach (var f in PerSampleLab.Summarize(PerSampleLab.FisherDiagonal(plain, data.Train)))
    Console.WriteLine(string.Create(inv, $"  {f.Parameter,-10} {f.Count,9} {f.Mean,11:E3} {f.Median,11:E3} {f.Max,11:E3} {f.Total,11:E3}"));
return 0;
