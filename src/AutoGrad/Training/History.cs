using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AutoGrad.Training;

/// <summary>The statistics of one epoch: sample-weighted training loss and accuracy, validation loss and accuracy, learning rate and time.</summary>
/// <param name="Epoch">The epoch number, counted from 1.</param>
/// <param name="TrainLoss">Training loss <c>Σ_b m_b·L_b / Σ_b m_b</c> over the epoch's batches (a sample-wise average).</param>
/// <param name="TrainAccuracy">Training accuracy <c>Σ_b correct_b / Σ_b m_b</c>.</param>
/// <param name="ValidationLoss">Validation loss (sample-weighted), or NaN when no validation data was given.</param>
/// <param name="ValidationAccuracy">Validation accuracy, or NaN when no validation data was given.</param>
/// <param name="LearningRate">The learning rate η in force at the end of the epoch.</param>
/// <param name="Seconds">Wall-clock seconds the epoch took, validation included.</param>
public sealed record EpochRecord(int Epoch, double TrainLoss, double TrainAccuracy, double ValidationLoss, double ValidationAccuracy, double LearningRate, double Seconds)
{
    /// <summary>True when the epoch was validated (<see cref="ValidationLoss"/> is not NaN).</summary>
    public bool HasValidation => !double.IsNaN(ValidationLoss);

    /// <summary>The value of a monitored quantity: <c>train_loss</c>, <c>train_accuracy</c>, <c>val_loss</c> or <c>val_accuracy</c>.</summary>
    /// <exception cref="ArgumentException">The name is none of these.</exception>
    public double Get(string metric) => metric switch
    {
        History.TrainLossName => TrainLoss,
        History.TrainAccuracyName => TrainAccuracy,
        History.ValidationLossName => ValidationLoss,
        History.ValidationAccuracyName => ValidationAccuracy,
        History.LearningRateName => LearningRate,
        _ => throw new ArgumentException($"EpochRecord: unknown metric '{metric}' (known: {string.Join(", ", History.ColumnNames[1..^1])})."),
    };
}

/// <summary>The per-epoch record of a training run, saveable as CSV and JSON (the AutoGrad.Plots package draws it as learning curves).</summary>
public sealed class History
{
    /// <summary>Column name of the training loss.</summary>
    public const string TrainLossName = "train_loss";

    /// <summary>Column name of the training accuracy.</summary>
    public const string TrainAccuracyName = "train_accuracy";

    /// <summary>Column name of the validation loss.</summary>
    public const string ValidationLossName = "val_loss";

    /// <summary>Column name of the validation accuracy.</summary>
    public const string ValidationAccuracyName = "val_accuracy";

    /// <summary>Column name of the learning rate.</summary>
    public const string LearningRateName = "learning_rate";

    internal static readonly string[] ColumnNames = ["epoch", TrainLossName, TrainAccuracyName, ValidationLossName, ValidationAccuracyName, LearningRateName, "seconds"];

    private readonly List<EpochRecord> _epochs = [];

    /// <summary>The epochs recorded so far, in order.</summary>
    public IReadOnlyList<EpochRecord> Epochs => _epochs;

    /// <summary>The number of epochs recorded.</summary>
    public int Count => _epochs.Count;

    /// <summary>Appends one epoch.</summary>
    public void Add(EpochRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        _epochs.Add(record);
    }

    /// <summary>The series of one metric over the epochs, e.g. <c>Series("val_loss")</c>.</summary>
    public double[] Series(string metric) => _epochs.Select(e => e.Get(metric)).ToArray();

    /// <summary>The history as CSV: a header line <c>epoch,train_loss,…,seconds</c> and one line per epoch, invariant culture, round-trip precision.</summary>
    public string ToCsv()
    {
        var sb = new StringBuilder();
        sb.Append(string.Join(',', ColumnNames)).Append('\n');
        foreach (var e in _epochs)
            sb.Append(string.Join(',', e.Epoch.ToString(CultureInfo.InvariantCulture), F(e.TrainLoss), F(e.TrainAccuracy), F(e.ValidationLoss),
                F(e.ValidationAccuracy), F(e.LearningRate), F(e.Seconds))).Append('\n');
        return sb.ToString();
    }

    /// <summary>Parses CSV written by <see cref="ToCsv"/>; <paramref name="sourceName"/> names the text in errors.</summary>
    /// <exception cref="FormatException">The header differs or a line has the wrong number of fields or a non-number; the message names the line.</exception>
    public static History FromCsv(string csv, string sourceName = "history CSV")
    {
        ArgumentNullException.ThrowIfNull(csv);
        var lines = csv.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        if (lines.Count == 0 || lines[0] != string.Join(',', ColumnNames))
            throw new FormatException($"{sourceName}: line 1 must be the header '{string.Join(',', ColumnNames)}'.");
        var h = new History();
        for (int i = 1; i < lines.Count; i++)
        {
            var f = lines[i].Split(',');
            if (f.Length != ColumnNames.Length) throw new FormatException($"{sourceName}: line {i + 1} has {f.Length} fields, expected {ColumnNames.Length}.");
            double P(int j) => double.TryParse(f[j], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
                : throw new FormatException($"{sourceName}: line {i + 1}, column '{ColumnNames[j]}': '{f[j]}' is not a number.");
            if (!int.TryParse(f[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int epoch))
                throw new FormatException($"{sourceName}: line {i + 1}: epoch '{f[0]}' is not an integer.");
            h.Add(new EpochRecord(epoch, P(1), P(2), P(3), P(4), P(5), P(6)));
        }
        return h;
    }

    /// <summary>The history as a JSON array of objects with the CSV column names as keys (NaN written as null).</summary>
    public string ToJson()
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartArray();
            foreach (var e in _epochs)
            {
                w.WriteStartObject();
                w.WriteNumber("epoch", e.Epoch);
                double[] values = [e.TrainLoss, e.TrainAccuracy, e.ValidationLoss, e.ValidationAccuracy, e.LearningRate, e.Seconds];
                for (int j = 0; j < values.Length; j++)
                {
                    if (double.IsFinite(values[j])) w.WriteNumber(ColumnNames[j + 1], values[j]);
                    else w.WriteNull(ColumnNames[j + 1]);   // JSON has no NaN; null reads back as NaN
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>Parses JSON written by <see cref="ToJson"/> (null reads as NaN).</summary>
    /// <exception cref="FormatException">The JSON is malformed or an entry lacks a column; the message names the entry.</exception>
    public static History FromJson(string json, string sourceName = "history JSON")
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json); }
        catch (JsonException e) { throw new FormatException($"{sourceName}: invalid JSON: {e.Message}", e); }
        using var _ = doc;
        if (doc.RootElement.ValueKind != JsonValueKind.Array) throw new FormatException($"{sourceName}: expected a JSON array of epochs.");
        var h = new History();
        int n = 0;
        foreach (var o in doc.RootElement.EnumerateArray())
        {
            n++;
            double P(string key)
            {
                if (o.ValueKind != JsonValueKind.Object || !o.TryGetProperty(key, out var v))
                    throw new FormatException($"{sourceName}: entry {n} has no '{key}'.");
                if (v.ValueKind == JsonValueKind.Null) return double.NaN;
                return v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw new FormatException($"{sourceName}: entry {n}, '{key}' is not a number.");
            }
            double epoch = P("epoch");
            if (epoch != Math.Floor(epoch) || epoch < 0 || epoch > int.MaxValue) throw new FormatException($"{sourceName}: entry {n}: epoch {epoch} is not a non-negative integer.");
            h.Add(new EpochRecord((int)epoch, P(TrainLossName), P(TrainAccuracyName), P(ValidationLossName), P(ValidationAccuracyName), P(LearningRateName), P("seconds")));
        }
        return h;
    }

    /// <summary>Writes <see cref="ToCsv"/> to <paramref name="path"/>.</summary>
    public void SaveCsv(string path) => AutoGrad.IO.AtomicFile.WriteAllText(path, ToCsv());   // Note [Atomic saves]

    /// <summary>Writes <see cref="ToJson"/> to <paramref name="path"/>.</summary>
    public void SaveJson(string path) => AutoGrad.IO.AtomicFile.WriteAllText(path, ToJson());

    /// <summary>Reads a history CSV file.</summary>
    public static History LoadCsv(string path) => FromCsv(File.ReadAllText(path), Path.GetFileName(path));

    /// <summary>Reads a history JSON file.</summary>
    public static History LoadJson(string path) => FromJson(File.ReadAllText(path), Path.GetFileName(path));

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
