using System.Globalization;

namespace AutoGrad.Data;

/// <summary>A numeric table read from CSV: <c>Values[r·Columns + c]</c> is row <c>r</c>, column <c>c</c>.</summary>
/// <param name="Values">The numbers in row-major order.</param>
/// <param name="Rows">The number of data rows.</param>
/// <param name="Columns">The number of fields in every row.</param>
/// <param name="Header">The fields of the skipped header line, or an empty list when there was none.</param>
public sealed record CsvTable(double[] Values, int Rows, int Columns, IReadOnlyList<string> Header)
{
    internal int[] LineNumbers { get; init; } = [];

    /// <summary>Column <c>c</c> of the table, <c>[t₀c, …, t_{n−1}c]</c>.</summary>
    public double[] Column(int c)
    {
        if ((uint)c >= (uint)Columns) throw new ArgumentOutOfRangeException(nameof(c), $"CsvTable: column {c} is outside [0, {Columns}).");
        var r = new double[Rows];
        for (int i = 0; i < Rows; i++) r[i] = Values[i * Columns + c];
        return r;
    }
}

/// <summary>Reads comma-separated numeric tables with errors that name the file, line and column.</summary>
/// <remarks>Numbers use the invariant culture (<c>1.5e-3</c>); blank lines are skipped; quoting is not supported.</remarks>
public static class CsvReader
{
    /// <summary>Reads a numeric table from a file (gzip-compressed when it starts with the gzip magic bytes).</summary>
    /// <exception cref="CsvFormatException">A row has a different field count from the first, or a field is not a number.</exception>
    public static CsvTable ReadTable(string path, bool hasHeader = false, char separator = ',')
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = DataFiles.OpenMaybeGzip(path);
        return ReadTable(stream, Path.GetFileName(path), hasHeader, separator);
    }

    /// <summary>Reads a numeric table from a stream; <paramref name="sourceName"/> appears in error messages.</summary>
    /// <exception cref="CsvFormatException">A row has a different field count from the first, or a field is not a number.</exception>
    public static CsvTable ReadTable(Stream stream, string sourceName, bool hasHeader = false, char separator = ',')
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new StreamReader(stream, leaveOpen: true);
        return ReadTable(reader, sourceName, hasHeader, separator);
    }

    /// <summary>Reads a numeric table from text; <paramref name="sourceName"/> appears in error messages.</summary>
    /// <exception cref="CsvFormatException">A row has a different field count from the first, or a field is not a number.</exception>
    public static CsvTable ReadTable(TextReader reader, string sourceName, bool hasHeader = false, char separator = ',')
    {
        ArgumentNullException.ThrowIfNull(reader);
        var values = new List<double>();
        var lines = new List<int>();
        IReadOnlyList<string> header = [];
        int columns = -1, rows = 0, lineNumber = 0;
        string? line;
        while ((line = ReadLine(reader, sourceName, lineNumber + 1)) is not null)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var fields = line.Split(separator);
            if (hasHeader && header.Count == 0 && rows == 0 && columns < 0)
            {
                header = fields.Select(f => f.Trim()).ToArray();
                continue;
            }
            if (columns < 0) columns = fields.Length;
            else if (fields.Length != columns)
                throw new CsvFormatException(sourceName, lineNumber, 0, $"ragged row: {fields.Length} fields where the first data row had {columns}.");
            for (int c = 0; c < fields.Length; c++) values.Add(ParseField(fields[c], sourceName, lineNumber, c + 1));
            rows++;
            lines.Add(lineNumber);
        }
        return new CsvTable(values.ToArray(), rows, Math.Max(columns, 0), header) { LineNumbers = lines.ToArray() };
    }

    /// <summary>
    /// Reads a labelled data set: every column but <paramref name="labelColumn"/> is a float32 feature, and the
    /// label column holds class indices <c>0 … k−1</c> (negative <paramref name="labelColumn"/> counts from the end).
    /// </summary>
    /// <exception cref="CsvFormatException">Bad CSV, or a label that is not a non-negative integer.</exception>
    public static Dataset ReadDataset(string path, int labelColumn = -1, bool hasHeader = false, IReadOnlyList<string>? classNames = null)
    {
        var table = ReadTable(path, hasHeader);
        return ToDataset(table, Path.GetFileName(path), labelColumn, classNames);
    }

    internal static Dataset ToDataset(CsvTable table, string sourceName, int labelColumn, IReadOnlyList<string>? classNames)
    {
        if (table.Rows == 0) throw new CsvFormatException(sourceName, 1, 0, "no data rows.");
        int lc = labelColumn < 0 ? table.Columns + labelColumn : labelColumn;
        if (lc < 0 || lc >= table.Columns)
            throw new ArgumentOutOfRangeException(nameof(labelColumn), $"{sourceName}: label column {labelColumn} does not exist in a table of {table.Columns} columns.");
        int f = table.Columns - 1;
        var x = new float[table.Rows * f];
        var y = new int[table.Rows];
        for (int r = 0; r < table.Rows; r++)
        {
            int k = 0;
            for (int c = 0; c < table.Columns; c++)
            {
                double v = table.Values[r * table.Columns + c];
                if (c != lc) { x[r * f + k++] = (float)v; continue; }
                if (v < 0 || v != Math.Floor(v) || v > int.MaxValue)
                    throw new CsvFormatException(sourceName, table.LineNumbers[r], c + 1, $"label {v.ToString(CultureInfo.InvariantCulture)} is not a non-negative integer class index.");
                if (classNames is not null && v >= classNames.Count)
                    throw new CsvFormatException(sourceName, table.LineNumbers[r], c + 1, $"label {v.ToString(CultureInfo.InvariantCulture)} is outside the {classNames.Count} class names.");
                y[r] = (int)v;
            }
        }
        return new Dataset(Tensor.FromArray(x, table.Rows, f), y, classNames, sourceName);
    }

    private static double ParseField(string field, string source, int line, int column)
    {
        var s = field.Trim();
        if (s.Length == 0) throw new CsvFormatException(source, line, column, "empty field where a number was expected.");
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
            throw new CsvFormatException(source, line, column, $"'{Truncate(s)}' is not a number.");
        return v;
    }

    private static string? ReadLine(TextReader reader, string source, int line)
    {
        try { return reader.ReadLine(); }
        catch (InvalidDataException e) { throw new CsvFormatException(source, line, 0, $"the stream is corrupt ({e.Message})."); }
    }

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
