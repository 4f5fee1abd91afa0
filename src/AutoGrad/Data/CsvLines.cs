using System.Text;

namespace AutoGrad.Data;

// TextReader.ReadLine with a length limit: a file without line breaks (binary data, a decompressed bomb) fails at
// maxChars characters instead of building one string of the whole file. Line ends are \n, \r\n or \r, as ReadLine's.
internal sealed class CsvLines(TextReader reader, string source, int maxChars)
{
    private readonly char[] _buffer = new char[1 << 14];
    private readonly StringBuilder _line = new();
    private int _pos, _end;

    /// <summary>The next line without its terminator, or null at the end; <paramref name="lineNumber"/> names it in errors.</summary>
    public string? Next(int lineNumber)
    {
        _line.Clear();
        bool any = false;
        while (true)
        {
            if (_pos == _end && !Fill()) return any ? _line.ToString() : null;
            any = true;
            var rest = _buffer.AsSpan(_pos, _end - _pos);
            int at = rest.IndexOfAny('\n', '\r');
            Append(at < 0 ? rest : rest[..at], lineNumber);
            if (at < 0) { _pos = _end; continue; }
            bool cr = rest[at] == '\r';
            _pos += at + 1;
            if (cr && (_pos < _end || Fill()) && _buffer[_pos] == '\n') _pos++;
            return _line.ToString();
        }
    }

    private bool Fill()
    {
        _pos = 0;
        _end = reader.Read(_buffer, 0, _buffer.Length);
        return _end > 0;
    }

    private void Append(ReadOnlySpan<char> chars, int lineNumber)
    {
        if (_line.Length + chars.Length > maxChars)
            throw new CsvFormatException(source, lineNumber, 0, $"the line is longer than {maxChars} characters; this does not look like a text table.");
        _line.Append(chars);
    }
}
