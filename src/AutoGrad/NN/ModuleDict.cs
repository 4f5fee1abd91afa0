using System.Collections;

namespace AutoGrad.NN;

/// <summary>
/// Modules by name, registered as children under their keys in insertion order (PyTorch's <c>nn.ModuleDict</c>): the owner's
/// <c>Forward</c> picks them by name (a head per task, an encoder and a decoder).
/// </summary>
public sealed class ModuleDict : MultiInputModule, IReadOnlyDictionary<string, Module>
{
    private readonly Dictionary<string, Module> _modules = new(StringComparer.Ordinal);
    private readonly List<string> _keys = [];

    /// <summary>An empty dictionary.</summary>
    public ModuleDict()
    {
    }

    /// <summary>A dictionary of the given modules, in the given order.</summary>
    public ModuleDict(IEnumerable<KeyValuePair<string, Module>> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var (k, m) in modules) Add(k, m);
    }

    /// <summary>Adds <paramref name="module"/> under <paramref name="key"/> (non-empty, without dots, not already used); returns this dictionary.</summary>
    /// <exception cref="ArgumentException">The key is invalid or already present.</exception>
    public ModuleDict Add(string key, Module module)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(module);
        _modules[key] = RegisterModule(key, module);   // RegisterModule checks the key (no dots, not empty, not a duplicate)
        _keys.Add(key);
        return this;
    }

    /// <summary>The module under <paramref name="key"/>.</summary>
    /// <exception cref="KeyNotFoundException">No module has that key; the message lists the keys.</exception>
    public Module this[string key] => _modules.TryGetValue(key, out var m) ? m
        : throw new KeyNotFoundException($"ModuleDict: no module under '{key}' (keys: {string.Join(", ", _keys.Select(k => $"'{k}'"))}).");

    /// <summary>The keys, in insertion order.</summary>
    public IEnumerable<string> Keys => _keys;

    /// <summary>The modules, in insertion order.</summary>
    public IEnumerable<Module> Values => _keys.Select(k => _modules[k]);

    /// <summary>The number of modules.</summary>
    public int Count => _keys.Count;

    /// <summary>Whether a module is stored under <paramref name="key"/>.</summary>
    public bool ContainsKey(string key) => _modules.ContainsKey(key);

    /// <summary>The module under <paramref name="key"/>, if any.</summary>
    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out Module value) => _modules.TryGetValue(key, out value);

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, Module>> GetEnumerator() => _keys.Select(k => new KeyValuePair<string, Module>(k, _modules[k])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
