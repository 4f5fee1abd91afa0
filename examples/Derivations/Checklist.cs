using System.Globalization;

namespace Derivations;

/// <summary>One comparison: the notes' value, the computed value, the tolerance and whether they agree.</summary>
public sealed record CheckResult(string Section, string Name, double Notes, double Computed, double Tolerance, bool Ok);

/// <summary>Collects "the notes print X, the tape computes Y" comparisons and prints each with ✓ or ✗.</summary>
public sealed class Checklist(TextWriter output)
{
    private readonly List<CheckResult> _results = [];
    private string _section = "";

    /// <summary>All checks so far with their outcome.</summary>
    public IReadOnlyList<CheckResult> Results => _results;

    /// <summary>Number of checks that failed.</summary>
    public int Failures => _results.Count(r => !r.Ok);

    /// <summary>Starts a titled section.</summary>
    public void Section(string title)
    {
        _section = title;
        output.WriteLine($"\n== {title}");
    }

    /// <summary>Compares a computed value with the notes' printed value within <paramref name="tolerance"/>.</summary>
    public bool Check(string name, double notes, double computed, double tolerance)
    {
        bool ok = Math.Abs(notes - computed) <= tolerance;
        _results.Add(new CheckResult(_section, name, notes, computed, tolerance, ok));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {(ok ? "✓" : "✗")} {name,-48} notes {notes,10:0.######}   computed {computed,12:0.######}   (±{tolerance:g2})"));
        return ok;
    }

    /// <summary>The computed value of the first (or <paramref name="last"/>) check whose name starts with <paramref name="namePrefix"/>.</summary>
    public double Computed(string namePrefix, bool last = false)
    {
        var matches = _results.Where(r => r.Name.StartsWith(namePrefix, StringComparison.Ordinal));
        return (last ? matches.LastOrDefault() : matches.FirstOrDefault())?.Computed
            ?? throw new KeyNotFoundException($"Checklist: no check named '{namePrefix}…'.");
    }

    /// <summary>Records where the notes are wrong: what they print, the correct value, and why, in one line.</summary>
    public void Erratum(string name, string notesPrint, double correct, string why) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  ! {name,-48} notes print {notesPrint}; correct value {correct:0.######}: {why}"));

    /// <summary>Prints a line of explanation.</summary>
    public void Note(string text) => output.WriteLine("    " + text);
}
