namespace AutoGrad.Differentiation;

// Note [Small graphs]
// A Dictionary or HashSet keyed by reference hashes each key with RuntimeHelpers.GetHashCode, and for an object never
// hashed before (every tensor, node and buffer of a fresh graph) that takes a slow path into the runtime to assign the
// hash: on the tape benchmark (z = x·w + x; z.Backward() on scalars) it was 13% of the time, the dictionary work around
// it another 10%. A backward pass over a small graph touches a handful of keys, and scanning a few references is
// cheaper than hashing one, so the engine's maps and sets scan up to Linear keys and build a hashed index only when they
// grow past that (the index then serves the rest of the pass, so large graphs pay what they paid before).
// Removal moves the last entry into the hole, so the entries stay packed and the order of enumeration is not the order
// of insertion; nothing in the engine depends on that order.

/// <summary>A map keyed by reference that scans while small and hashes when large (see Note [Small graphs]).</summary>
internal sealed class RefMap<TKey, TValue> where TKey : class
{
    private const int Linear = 16;

    // One array of pairs: storing a struct element needs no covariance check, unlike a store into a TKey[] in shared
    // generic code.
    private struct Entry
    {
        public TKey? Key;
        public TValue Value;
    }

    private Entry[] _entries = new Entry[Linear];
    private int _count;
    private Dictionary<TKey, int>? _index;
    private bool _indexed;

    public int Count => _count;

    public TKey KeyAt(int i) => _entries[i].Key!;

    public TValue ValueAt(int i) => _entries[i].Value;

    public void SetValueAt(int i, TValue value) => _entries[i].Value = value;

    public int IndexOf(TKey key)
    {
        if (_indexed) return _index!.TryGetValue(key, out var j) ? j : -1;
        var entries = _entries;
        for (int i = 0; i < _count; i++)
            if (ReferenceEquals(entries[i].Key, key)) return i;
        return -1;
    }

    public bool ContainsKey(TKey key) => IndexOf(key) >= 0;

    public bool TryGetValue(TKey key, out TValue value)
    {
        int i = IndexOf(key);
        if (i < 0) { value = default!; return false; }
        value = _entries[i].Value;
        return true;
    }

    public void Set(TKey key, TValue value)
    {
        int i = IndexOf(key);
        if (i >= 0) _entries[i].Value = value;
        else Append(key, value);
    }

    /// <summary>Adds the key unless present (a set's Add); true when it was added.</summary>
    public bool TryAdd(TKey key, TValue value)
    {
        if (IndexOf(key) >= 0) return false;
        Append(key, value);
        return true;
    }

    // The caller knows the key is absent.
    public void Append(TKey key, TValue value)
    {
        if (_count == _entries.Length) Array.Resize(ref _entries, _count * 2);
        ref var e = ref _entries[_count];
        e.Key = key;
        e.Value = value;
        _count++;
        if (_indexed) _index![key] = _count - 1;
        else if (_count > Linear)
        {
            _index ??= new Dictionary<TKey, int>(ReferenceEqualityComparer.Instance);
            for (int i = 0; i < _count; i++) _index[_entries[i].Key!] = i;
            _indexed = true;
        }
    }

    public bool Remove(TKey key)
    {
        int i = IndexOf(key);
        if (i < 0) return false;
        int last = --_count;
        if (_indexed) _index!.Remove(key);
        if (i != last)
        {
            _entries[i] = _entries[last];
            if (_indexed) _index![_entries[i].Key!] = i;
        }
        _entries[last] = default;
        return true;
    }

    public void Clear()
    {
        Array.Clear(_entries, 0, _count);
        _count = 0;
        if (_indexed) { _index!.Clear(); _indexed = false; }
    }
}
