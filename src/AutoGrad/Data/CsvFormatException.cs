namespace AutoGrad.Data;

/// <summary>A CSV file that cannot be read as a numeric table; names the file, the 1-based line and column.</summary>
public sealed class CsvFormatException : FormatException
{
    /// <summary>Reports a problem at <c>source:line</c>, column <c>column</c> (0 when the whole line is at fault).</summary>
    public CsvFormatException(string source, int line, int column, string problem)
        : base(column > 0 ? $"{source}: line {line}, column {column}: {problem}" : $"{source}: line {line}: {problem}")
    {
        SourceName = source;
        Line = line;
        Column = column;
    }

    /// <summary>The file name (or stream description) that was being read.</summary>
    public string SourceName { get; }

    /// <summary>The 1-based line number of the offending row.</summary>
    public int Line { get; }

    /// <summary>The 1-based column of the offending field, or 0 when the whole row is wrong.</summary>
    public int Column { get; }
}
