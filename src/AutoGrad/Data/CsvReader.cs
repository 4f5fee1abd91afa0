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
/// <remarks>Numbers use the invariant culture (<c>1.5e-3</c>); blank lines are skipped; quoting is not supported. Limits: a line
/// holds at most <see cref="MaxLineChars"/> characters; gzip data may decompress to at most <see cref="MaxGzipBytes"/> bytes and must
/// end with a matching CRC-32 and length (single-member gzip, as gzip, Python and .NET write it).</remarks>
public static class CsvReader
{
    /// <summary>The most bytes a gzipped CSV may decompress to (1 GiB); larger tables can be read from a decompressed file.</summary>
    public const long MaxGzipBytes = 1L << 30;

    /// <summary>The longest line accepted, in characters (4 Mi); longer means the file is not a text table.</summary>
    public const int MaxLineChars = 1 << 22;

    /// <summary>The most classes <see cref="ReadDataset"/> infers from the labels alone (65,536); pass class names for more.</summary>
    public const int MaxInferredClasses = 1 << 16;

    /// <summary>Reads a numeric table from a file (gzip-compressed when it starts with the gzip magic bytes).</summary>
    /// <exception cref="CsvFormatException">A row has a different field count from the first, a field is not a number, or a line is too long.</exception>
    /// <exception cref="InvalidDataException">The gzip data is truncated, damaged or too large; the message starts with the file name.</exception>
    public static CsvTable ReadTable(string path, bool hasHeader = false, char separator = ',')
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = DataFiles.Open(path, MaxGzipBytes);
        using var reader = new StreamReader(stream, leaveOpen: true);
        return ReadTable(reader, Path.GetFileName(path), hasHeader, separator);
    }

    /// <summary>Reads a numeric table from a stream (plain or gzipped); <paramref name="sourceName"/> appears in error messages.</summary>
    /// <exception cref="CsvFormatException">A row has a different field count from the first, a field is not a number, or a line is too long.</exception>
    /// <exception cref="InvalidDataException">The gzip data is truncated, damaged or too large; the message starts with <paramref name="sourceName"/>.</exception>
    public static CsvTable ReadTable(Stream stream, string sourceName, bool hasHeader = false, char separator = ',')
    {
        ArgumentNullException.ThrowIfNull(stream);
        var decoded = DataFiles.Decode(stream, sourceName, MaxGzipBytes);
        try
        {
            using var reader = new StreamReader(decoded, leaveOpen: true);
            return ReadTable(reader, sourceName, hasHeader, separator);
        }
        finally { if (!ReferenceEquals(decoded, stream)) decoded.Dispose(); }   // the caller's stream stays open
    }

    /// <summary>Reads a numeric table from text; <paramref name="sourceName"/> appears in error messages.</summary>
    /// <exception cref="CsvFormatException">A row has a different field count from the first, a field is not a number, or a line is too long.</exception>
    public static CsvTable ReadTable(TextReader reader, string sourceName, bool hasHeader = false, char separator = ',')
    {
        ArgumentNullException.ThrowIfNull(reader);
        var values = new List<double>();
        var lines = new List<int>();
        var input = new CsvLines(reader, sourceName, MaxLineChars);
        IReadOnlyList<string> header = [];
        int columns = -1, rows = 0, lineNumber = 0;
        string? line;
        while ((line = input.Next(lineNumber + 1)) is not null)
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
    /// <remarks>Without <paramref name="classNames"/> the classes are <c>0 … max label</c>, at most <see cref="MaxInferredClasses"/> of them.</remarks>
    /// <exception cref="CsvFormatException">Bad CSV, a label that is not a non-negative integer, or a label at or past the class count
    /// (the names given, or <see cref="MaxInferredClasses"/>); the message names the file, line and column.</exception>
    /// <exception cref="InvalidDataException">The gzip data is truncated, damaged or too large.</exception>
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
        // Without names the class count is the largest label + 1, so one stray value (a zip code in the label column) would make a
        // data set of tens of thousands of empty classes: at most MaxInferredClasses are inferred, and the error names the row.
        int classLimit = classNames?.Count ?? MaxInferredClasses;
        var x = new float[table.Rows * f];
        var y = new int[table.Rows];
        for (int r = 0; r < table.Rows; r++)
        {
            int k = 0;
            for (int c = 0; c < table.Columns; c++)
            {
                double v = table.Values[r * table.Columns + c];
                if (c != lc) { x[r * f + k++] = (float)v; continue; }
                if (!(v >= 0) || v != Math.Floor(v) || v > int.MaxValue)
                    throw new CsvFormatException(sourceName, table.LineNumbers[r], c + 1, $"label {v.ToString(CultureInfo.InvariantCulture)} is not a non-negative integer class index.");
                if (v >= classLimit)
                    throw new CsvFormatException(sourceName, table.LineNumbers[r], c + 1, classNames is not null
                        ? $"label {v.ToString(CultureInfo.InvariantCulture)} is outside the {classNames.Count} class names."
                        : $"label {v.ToString(CultureInfo.InvariantCulture)} would make {v + 1:0} classes, more than the {MaxInferredClasses} inferred without class names (pass classNames if this is meant).");
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

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
