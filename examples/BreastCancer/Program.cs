using System.Globalization;
using AutoGrad.Plots;
using AutoGrad.Data;
using AutoGrad.Training;
using BreastCancerExample;

// Breast Cancer Wisconsin (bundled): standardized features (fitted on the training folds only), a sigmoid output with binary
// cross-entropy, 5-fold stratified cross-validation; precision, recall, F1, ROC curve and AUC.
// Usage: dotnet run -c Release --project examples/BreastCancer [--folds K] [--epochs N] [--out FOLDER]
int k = 5, epochs = 60;
string output = Path.Combine("artifacts", "breast-cancer");
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"BreastCancer: {args[i]} needs a value.");
    switch (args[i])
    {
        case "--folds": k = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--epochs": epochs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--out": output = Next(); break;
        default:
            Console.Error.WriteLine("usage: BreastCancer [--folds K (default 5)] [--epochs N (default 60)] [--out FOLDER]");
            return 2;
    }
}
Console.WriteLine($"Breast Cancer Wisconsin: 569 tumours × 30 features; 30-16-1 network, sigmoid + binary cross-entropy, Adam, batch 32, {epochs} epochs, {k}-fold stratified CV; positive = malignant");
// The report follows fold 1's training; the pooled ROC and precision-recall charts are added to it at the end.
var report = new TrainingReport(Path.Combine(output, "report.html"), "Breast cancer, fold 1 of the cross-validation", seed: 1);
report.HyperParameters["batch size"] = "32";
report.HyperParameters["epochs"] = epochs.ToString(CultureInfo.InvariantCulture);
report.HyperParameters["folds"] = k.ToString(CultureInfo.InvariantCulture);
var r = CrossValidation.Run(k, epochs, output: Console.Out, foldCallback: i => i == 0 ? report : null);
string F(double v) => v.ToString("0.0000", CultureInfo.InvariantCulture);
Console.WriteLine();
Console.WriteLine("fold  accuracy  precision  recall  F1      AUC");
foreach (var f in r.Folds)
    Console.WriteLine($"{f.Index + 1,4}  {F(f.Counts.Accuracy)}    {F(f.Counts.Precision)}     {F(f.Counts.Recall)}  {F(f.Counts.F1)}  {F(f.Roc.Auc)}");
var (aucMean, aucStd) = r.Spread(f => f.Roc.Auc);
var (accMean, accStd) = r.Spread(f => f.Counts.Accuracy);
Console.WriteLine($"mean  {F(accMean)} ± {F(accStd)} accuracy, AUC {F(aucMean)} ± {F(aucStd)}");
var c = r.Counts;
Console.WriteLine($"pooled out-of-fold: TP {c.TruePositives}, FN {c.FalseNegatives}, FP {c.FalsePositives}, TN {c.TrueNegatives}; " +
                  $"accuracy {F(c.Accuracy)}, precision {F(c.Precision)}, recall {F(c.Recall)}, F1 {F(c.F1)}, AUC {F(r.Roc.Auc)}");

var rocChart = Charts.Roc([("pooled", r.Roc), .. r.Folds.Select(f => ($"fold {f.Index + 1}", f.Roc))], "Breast cancer, ROC (positive = malignant)");
var (roc, _) = rocChart.SaveBoth(output, "roc");
var malignant = Datasets.BreastCancer().Labels.Select(y => y == CrossValidation.Malignant).ToArray();
var prChart = Charts.PrecisionRecall([("pooled", PrecisionRecallCurve.Compute(r.Scores, malignant))], "Breast cancer, precision-recall (positive = malignant)");
var (pr, _) = prChart.SaveBoth(output, "precision-recall");
var (curves, _) = Charts.LearningCurves(
    [.. r.Folds.SelectMany(f => new[] { new PlotSeries($"fold {f.Index + 1} train", f.History.Series("train_loss")), new PlotSeries($"fold {f.Index + 1} validation", f.History.Series("val_loss")) })],
    "Breast cancer, binary cross-entropy per fold", "epoch", "loss").SaveBoth(output, "loss");
report.Figures.Add(rocChart);
report.Figures.Add(prChart);
report.Write();
Console.WriteLine($"ROC: {Path.GetFullPath(roc)}; precision-recall: {Path.GetFullPath(pr)}; learning curves: {Path.GetFullPath(curves)}; report: {Path.GetFullPath(report.Path)}");
return 0;
