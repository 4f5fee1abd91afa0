using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using AutoGrad.Training;

namespace AutoGrad.Plots;

// The HTML of a TrainingReport: one file, styles inline, charts as inline SVG with distinct clip-path ids.
internal static class ReportHtml
{
    private const string Css = """
        body { font-family: "DejaVu Sans", sans-serif; margin: 24px auto; max-width: 1000px; padding: 0 16px; color: #222; }
        h1 { font-size: 24px; } h2 { font-size: 19px; margin-top: 28px; border-bottom: 1px solid #ddd; }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; font-size: 13px; }
        th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: right; white-space: nowrap; }
        th:first-child, td:first-child { text-align: left; }
        figure { margin: 16px 0; }
        figure svg { max-width: 100%; height: auto; display: block; }
        figcaption { font-size: 13px; color: #555; }
        """;

    public static string Render(TrainingReport report, Trainer trainer, IReadOnlyList<Figure> charts, DateTimeOffset started, DateTimeOffset ended)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").Append(E(report.Title)).Append("</title>\n<style>\n")
          .Append(Css).Append("\n</style>\n</head>\n<body>\n<h1>").Append(E(report.Title)).Append("</h1>\n");
        sb.Append("<p>").Append(trainer.History.Count.ToString(CultureInfo.InvariantCulture)).Append(" epochs, ")
          .Append(report.Recorder.BatchLosses.Count.ToString(CultureInfo.InvariantCulture)).Append(" steps; started ")
          .Append(E(started.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture))).Append(", took ")
          .Append(E(Num(Math.Max(0, (ended - started).TotalSeconds), "0.0"))).Append(" s.</p>\n");

        Section(sb, "Hyper-parameters", ["name", "value"], HyperParameters(report, trainer));
        Section(sb, "Model", ["layer", "type", "parameters", "count"], Layers(trainer));
        Section(sb, "Epochs", ["epoch", "train loss", "train accuracy", "validation loss", "validation accuracy", "learning rate", "seconds"],
            trainer.History.Epochs.Select(e => new[]
            {
                e.Epoch.ToString(CultureInfo.InvariantCulture), Num(e.TrainLoss, "0.00000"), Num(e.TrainAccuracy, "0.0000"), Num(e.ValidationLoss, "0.00000"),
                Num(e.ValidationAccuracy, "0.0000"), Num(e.LearningRate, "G4"), Num(e.Seconds, "0.00"),
            }));

        sb.Append("<h2>Charts</h2>\n");
        for (int i = 0; i < charts.Count; i++)
            sb.Append("<figure>\n").Append(charts[i].ToSvg($"fig{i}-")).Append("\n<figcaption>").Append(E(charts[i].Title)).Append("</figcaption>\n</figure>\n");

        Section(sb, "Environment", ["item", "value"], Environment(report));
        sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }

    private static IEnumerable<string[]> HyperParameters(TrainingReport report, Trainer trainer)
    {
        foreach (var (k, v) in report.HyperParameters) yield return [k, v];
        yield return ["loss", LossName(trainer.Loss)];
        yield return ["optimizer", trainer.Optimizer.GetType().Name];
        // The optimizer's own settings (learning rate, momentum, betas…), read from its public properties.
        foreach (var p in trainer.Optimizer.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            if (p.GetIndexParameters().Length > 0) continue;
            if (p.PropertyType != typeof(double) && p.PropertyType != typeof(int) && p.PropertyType != typeof(bool) && !p.PropertyType.IsEnum) continue;
            yield return [$"optimizer.{p.Name}", Convert.ToString(p.GetValue(trainer.Optimizer), CultureInfo.InvariantCulture) ?? ""];
        }
        if (trainer.Schedule is { } s) yield return ["schedule", $"{s.GetType().Name} per {trainer.ScheduleInterval.ToString().ToLowerInvariant()}"];
        if (trainer.ClipNorm is { } c) yield return ["gradient clipping (norm)", Num(c, "0.###")];
        yield return ["epochs run", trainer.History.Count.ToString(CultureInfo.InvariantCulture)];
    }

    // A method group shows its name (Objectives.SoftmaxCrossEntropy); a lambda only where it was written.
    // A lambda kept in a public static field or property (Objectives.SoftmaxCrossEntropy) is named after it.
    private static string LossName(LossFunction loss)
    {
        if (!loss.Method.Name.Contains('<', StringComparison.Ordinal)) return $"{loss.Method.DeclaringType?.Name}.{loss.Method.Name}";
        var owner = loss.Method.DeclaringType;
        while (owner?.DeclaringType is not null) owner = owner.DeclaringType;
        if (owner is null) return "a lambda";
        const BindingFlags flags = BindingFlags.Public | BindingFlags.Static;
        foreach (var f in owner.GetFields(flags))
            if (f.FieldType == typeof(LossFunction) && Equals(f.GetValue(null), loss)) return $"{owner.Name}.{f.Name}";
        foreach (var p in owner.GetProperties(flags))
            if (p.PropertyType == typeof(LossFunction) && p.GetIndexParameters().Length == 0 && Equals(p.GetValue(null), loss)) return $"{owner.Name}.{p.Name}";
        return $"a lambda in {owner.Name}";
    }

    private static IEnumerable<string[]> Layers(Trainer trainer)
    {
        var model = trainer.Model;
        var children = model.Children();
        long total = 0;
        IEnumerable<(string Name, AutoGrad.NN.Module Module)> rows = children.Count > 0 ? children : [("model", model)];
        foreach (var (name, module) in rows)
        {
            var ps = module.NamedParameters();
            long count = ps.Sum(p => (long)p.Value.Size);
            total += count;
            yield return [name, module.GetType().Name, string.Join(", ", ps.Select(p => $"{p.Key} {p.Value.Shape}")), count.ToString("N0", CultureInfo.InvariantCulture)];
        }
        yield return ["total", model.GetType().Name, "", total.ToString("N0", CultureInfo.InvariantCulture)];
    }

    private static IEnumerable<string[]> Environment(TrainingReport report)
    {
        yield return [".NET", RuntimeInformation.FrameworkDescription];
        yield return ["OS", RuntimeInformation.OSDescription];
        yield return ["CPU", Cpu()];
        yield return ["architecture", RuntimeInformation.ProcessArchitecture.ToString()];
        yield return ["logical processors (threads)", System.Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture)];
        yield return ["server GC", System.Runtime.GCSettings.IsServerGC ? "yes" : "no"];
        yield return ["seed", report.Seed?.ToString(CultureInfo.InvariantCulture) ?? "not given"];
        yield return ["AutoGrad", typeof(Tensor).Assembly.GetName().Version?.ToString() ?? "?"];
    }

    private static string Cpu()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
                foreach (var line in File.ReadLines("/proc/cpuinfo"))
                    if (line.StartsWith("model name", StringComparison.Ordinal)) return line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return System.Environment.GetEnvironmentVariable("PROCESSOR_IDENTIFIER") ?? RuntimeInformation.ProcessArchitecture.ToString();
    }

    private static void Section(StringBuilder sb, string title, string[] header, IEnumerable<string[]> rows)
    {
        sb.Append("<h2>").Append(E(title)).Append("</h2>\n<div class=\"scroll\"><table>\n<tr>");
        foreach (var h in header) sb.Append("<th>").Append(E(h)).Append("</th>");
        sb.Append("</tr>\n");
        foreach (var r in rows)
        {
            sb.Append("<tr>");
            foreach (var c in r) sb.Append("<td>").Append(E(c)).Append("</td>");
            sb.Append("</tr>\n");
        }
        sb.Append("</table></div>\n");
    }

    private static string Num(double v, string format) => double.IsNaN(v) ? "–" : v.ToString(format, CultureInfo.InvariantCulture);

    private static string E(string s) => Figure.Escape(s);
}
