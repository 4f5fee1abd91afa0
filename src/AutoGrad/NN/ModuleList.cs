using System.Collections;
using System.Globalization;

namespace AutoGrad.NN;

/// <summary>
/// A list of modules registered as children <c>"0"</c>, <c>"1"</c>, … (PyTorch's <c>nn.ModuleList</c>): their parameters, buffers and
/// modes belong to the owner, whose own <c>Forward</c> decides how to call them (a stack of transformer blocks, each with a mask).
/// </summary>
/// <example><code>
/// Blocks = RegisterModule("blocks", new ModuleList(Enumerable.Range(0, n).Select(_ => new Block(d))));
/// foreach (Block b in Blocks) x = b.Forward(x, mask);
/// </code></example>
public sealed class ModuleList : MultiInputModule, IReadOnlyList<Module>
{
    private readonly List<Module> _modules = [];

    /// <summary>A list of the given modules, in order.</summary>
    public ModuleList(IEnumerable<Module> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var m in modules) Add(m);
    }

    /// <summary>A list of the given modules, in order (empty when none are given).</summary>
    public ModuleList(params Module[] modules) : this((IEnumerable<Module>)modules)
    {
    }

    /// <summary>The number of modules.</summary>
    public int Count => _modules.Count;

    /// <summary>The module at <paramref name="index"/>; negative indices count from the end (<c>-1</c> is the last), as in PyTorch.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside <c>[−Count, Count)</c>.</exception>
    public Module this[int index]
    {
        get
        {
            int i = index < 0 ? index + _modules.Count : index;
            if ((uint)i >= (uint)_modules.Count)
                throw new ArgumentOutOfRangeException(nameof(index), $"ModuleList: index {index} is outside [-{_modules.Count}, {_modules.Count}).");
            return _modules[i];
        }
    }

    /// <summary>Appends <paramref name="module"/> as child <c>"{Count}"</c>; returns this list.</summary>
    public ModuleList Add(Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        _modules.Add(RegisterModule(_modules.Count.ToString(CultureInfo.InvariantCulture), module));
        return this;
    }

    /// <summary>Appends every module of <paramref name="modules"/>; returns this list.</summary>
    public ModuleList Extend(IEnumerable<Module> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var m in modules.ToList()) Add(m);
        return this;
    }

    /// <inheritdoc/>
    public IEnumerator<Module> GetEnumerator() => _modules.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
