using System.Diagnostics;
using FashionMnistExample;
using OnnxExportExample;

// Usage: dotnet run -c Release --project examples/OnnxExport [--train N] [--epochs N] [--test N] [--data FOLDER] [--out FOLDER]
int train = 10_000, epochs = 1, test = 10_000;
string? data = null;
string outDir = Path.Combine("artifacts", "onnx-export");
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"OnnxExport: {args[i]} needs a value.");
    switch (args[i])
    {
        case "--train": train = int.Parse(Next()); break;
        case "--epochs": epochs = int.Parse(Next()); break;
        case "--test": test = int.Parse(Next()); break;
        case "--data": data = Next(); break;
        case "--out": outDir = Next(); break;
        default:
            Console.Error.WriteLine("usage: OnnxExport [--train N (10000)] [--epochs N (1)] [--test N (10000)] [--data FOLDER] [--out FOLDER]");
            return 2;
    }
}

var pair = FashionTraining.Load(images: true, trainCount: train, testCount: test, folder: data);
var clock = Stopwatch.StartNew();
var model = OnnxDeployment.Train(pair, epochs);
Console.WriteLine($"trained the Fashion-MNIST CNN on {pair.Train.Count} images for {epochs} epoch(s) in {clock.Elapsed.TotalSeconds:F1} s");

Directory.CreateDirectory(outDir);
var path = Path.Combine(outDir, "fashion-cnn.onnx");
var r = OnnxDeployment.ExportAndCompare(model, pair.Test, path);
Console.WriteLine($"exported {path} ({r.FileBytes:N0} bytes, opset {AutoGrad.Onnx.Onnx.Opset}, batch axis dynamic)");
Console.WriteLine($"test images: {r.TestImages}");
Console.WriteLine($"accuracy: AutoGrad {r.AutoGradAccuracy:F4}, ONNX Runtime {r.OnnxAccuracy:F4}");
Console.WriteLine($"same predicted class: {r.SamePredictions} of {r.TestImages}");
Console.WriteLine($"largest difference of logits: {r.MaxAbsDifference:E2} (relative to 1 + |logit|: {r.MaxRelativeDifference:E2})");
bool agree = r.SamePredictions == r.TestImages && r.MaxRelativeDifference <= 1e-5;
Console.WriteLine(agree ? "agreement: yes" : "agreement: NO");
return agree ? 0 : 1;
