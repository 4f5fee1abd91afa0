using System.Globalization;

namespace AutoGrad.Training;

/// <summary>One hyperparameter configuration: name → value (integers such as layer widths are stored as whole doubles).</summary>
public sealed class HyperParameters
{
    private readonly SortedDictionary<string, double> _values;

    /// <summary>A configuration from name/value pairs.</summary>
    public HyperParameters(IEnumerable<KeyValuePair<string, double>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        _values = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var (k, v) in values) _values.Add(k, v);
    }

    /// <summary>The value of parameter <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No parameter of that name; the message lists the names.</exception>
    public double this[string name] => _values.TryGetValue(name, out var v) ? v
        : throw new KeyNotFoundException($"HyperParameters: no parameter '{name}' (have: {string.Join(", ", _values.Keys)}).");

    /// <summary>The value of <paramref name="name"/> rounded to the nearest integer.</summary>
    public int Int(string name) => (int)Math.Round(this[name]);

    /// <summary>The names, in ordinal order.</summary>
    public IReadOnlyCollection<string> Names => _values.Keys;

    /// <summary><c>name=value</c> pairs separated by spaces, values in round-trip invariant form.</summary>
    public override string ToString() => string.Join(" ", _values.Select(p => $"{p.Key}={p.Value.ToString("G6", CultureInfo.InvariantCulture)}"));
}

/// <summary>How one hyperparameter is drawn in a random search.</summary>
public abstract record ParameterRange(string Name)
{
    /// <summary>A draw of the parameter from <paramref name="generator"/>.</summary>
    public abstract double Sample(Generator generator);
}

/// <summary>Uniform on <c>[Low, High)</c>: <c>v = a + (b − a)·u</c>, <c>u ~ U[0, 1)</c>.</summary>
public sealed record UniformRange(string Name, double Low, double High) : ParameterRange(Name)
{
    /// <summary><c>a + (b − a)·u</c>.</summary>
    public override double Sample(Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        return Low + (High - Low) * generator.NextDouble();
    }
}

/// <summary>Log-uniform on <c>[Low, High)</c>, <c>0 &lt; Low</c>: <c>v = exp(ln a + (ln b − ln a)·u)</c>, for learning rates and decays.</summary>
public sealed record LogUniformRange(string Name, double Low, double High) : ParameterRange(Name)
{
    /// <summary><c>exp(ln a + (ln b − ln a)·u)</c>.</summary>
    public override double Sample(Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (!(Low > 0 && High >= Low)) throw new ArgumentException($"LogUniformRange '{Name}': need 0 < low ≤ high, got [{Low}, {High}].");
        return Math.Exp(Math.Log(Low) + (Math.Log(High) - Math.Log(Low)) * generator.NextDouble());
    }
}

/// <summary>One of the given values, each with probability <c>1/n</c>.</summary>
public sealed record ChoiceRange(string Name, IReadOnlyList<double> Values) : ParameterRange(Name)
{
    /// <summary><c>Values[i]</c> with <c>i</c> uniform on <c>{0, …, n−1}</c>.</summary>
    public override double Sample(Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (Values.Count == 0) throw new ArgumentException($"ChoiceRange '{Name}': no values.");
        return Values[generator.NextInt(Values.Count)];
    }
}

/// <summary>Enumerates search configurations: the Cartesian product of a grid, or seeded random draws.</summary>
public static class ParameterSpace
{
    /// <summary>Every combination of the grid's values (<c>Π nᵢ</c> configurations), the last-named parameter varying fastest.</summary>
    public static IReadOnlyList<HyperParameters> Grid(IReadOnlyDictionary<string, IReadOnlyList<double>> grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        if (grid.Count == 0) throw new ArgumentException("ParameterSpace.Grid: the grid has no parameters.");
        IEnumerable<List<KeyValuePair<string, double>>> combos = [[]];
        foreach (var (name, values) in grid)
        {
            if (values is null || values.Count == 0) throw new ArgumentException($"ParameterSpace.Grid: parameter '{name}' has no values.");
            combos = combos.SelectMany(c => values.Select(v => new List<KeyValuePair<string, double>>(c) { new(name, v) })).ToList();
        }
        return combos.Select(c => new HyperParameters(c)).ToList();
    }

    /// <summary><paramref name="trials"/> configurations, each parameter drawn independently from its range with <paramref name="generator"/>.</summary>
    public static IReadOnlyList<HyperParameters> Random(IReadOnlyList<ParameterRange> ranges, int trials, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        ArgumentNullException.ThrowIfNull(generator);
        if (ranges.Count == 0) throw new ArgumentException("ParameterSpace.Random: no parameter ranges.");
        if (trials < 1) throw new ArgumentOutOfRangeException(nameof(trials), $"ParameterSpace.Random: trials must be ≥ 1, got {trials}.");
        return Enumerable.Range(0, trials).Select(_ => new HyperParameters(ranges.Select(r => new KeyValuePair<string, double>(r.Name, r.Sample(generator))).ToList())).ToList();
    }
}
