using System.Globalization;
using AutoGrad;
using AutoGrad.Plots;
using NielsenExample;

// Nielsen's network.py (notes 003) on the library: [784, 30, 10] sigmoid network, quadratic cost, SGD η = 3.0, mini-batches of 10,
// on MNIST-format IDX data (Fashion-MNIST by default), then [64, 30, 10] on the bundled 8×8 digits.
// Usage: dotnet run -c Release --project examples/Nielsen [--epochs N] [--digits-epochs N] [--mnist FOLDER] [--out FOLDER]
int epochs = 30, digitsEpochs = 30;
string? mnist = null;
string output = Path.Combine("artifacts", "nielsen");
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"Nielsen: {args[i]} needs a value.");
    switch (args[i])
    {
        case "--epochs": epochs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--digits-epochs": digitsEpochs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--mnist": mnist = Next(); break;
        case "--out": output = Next(); break;
        default:
            Console.Error.WriteLine("usage: Nielsen [--epochs N (default 30, as network.py)] [--digits-epochs N (default 30)] [--mnist FOLDER] [--out FOLDER]");
            return 2;
    }
}

if (epochs > 0)
{
    var idx = NielsenNetwork.LoadIdx(mnist);
    Console.WriteLine($"{(mnist is null ? "Fashion-MNIST" : "MNIST from " + mnist)}: {idx.Train.Count} training images, {idx.Test.Count} test images; sizes [784, 30, 10], η = 3.0, mini-batch 10");
    var folder = Path.Combine(output, mnist is null ? "fashion-mnist" : "mnist");
    var report = Report(folder, $"Nielsen's network.py on {(mnist is null ? "Fashion-MNIST" : "MNIST")}, [784, 30, 10]", epochs, idx.Test.Features.Slice(..500));
    var r = NielsenNetwork.Sgd(idx.Train, idx.Test, [784, 30, 10], epochs, 10, 3.0, seed: 1, Console.Out, report);
    var (loss, acc) = r.History.SavePlots(folder);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"test accuracy {r.FinalAccuracy:0.0000} after {epochs} epochs, {r.Seconds:0} s; curves: {Path.GetFullPath(loss)}, {Path.GetFullPath(acc)}"));
}

if (digitsEpochs > 0)
{
    var digits = NielsenNetwork.Digits();
    Console.WriteLine($"8×8 digits: {digits.Train.Count} training, {digits.Test.Count} held out; sizes [64, 30, 10], η = 3.0, mini-batch 10");
    var folder = Path.Combine(output, "digits");
    var report = Report(folder, "Nielsen's network.py on the 8×8 digits, [64, 30, 10]", digitsEpochs, digits.Test.Features);
    var d = NielsenNetwork.Sgd(digits.Train, digits.Test, [64, 30, 10], digitsEpochs, 10, 3.0, seed: 1, Console.Out, report);
    var (loss, acc) = d.History.SavePlots(folder);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"held-out accuracy {d.FinalAccuracy:0.0000} after {digitsEpochs} epochs, {d.Seconds:0.0} s; curves: {Path.GetFullPath(loss)}, {Path.GetFullPath(acc)}"));
}
return 0;

static TrainingReport Report(string folder, string title, int epochs, Tensor sample)
{
    var report = new TrainingReport(Path.Combine(folder, "report.html"), title, seed: 1, activationSample: sample, gradientEvery: 100);
    report.HyperParameters["mini-batch size"] = "10";
    report.HyperParameters["epochs"] = epochs.ToString(CultureInfo.InvariantCulture);
    report.HyperParameters["cost"] = "quadratic, C = ½‖a − y‖² averaged over the batch";
    return report;
}
