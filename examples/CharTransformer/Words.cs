namespace CharTransformerExample;

/// <summary>
/// The word list of Debian's <c>wamerican</c> package as a character corpus: words lower-cased, each wrapped in the start/end
/// token '.', split 90/10 by a seeded shuffle, and cut into fixed-length windows (x = 16 characters, y = the next 16).
/// </summary>
public sealed class Words
{
    /// <summary>Where <c>apt-get install wamerican</c> puts the list.</summary>
    public const string DebianPath = "/usr/share/dict/american-english";

    /// <summary>The start/end token.</summary>
    public const char Boundary = '.';

    private Words(string[] train, string[] validation, char[] vocabulary)
    {
        (Train, Validation, Vocabulary) = (train, validation, vocabulary);
        Index = vocabulary.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        TrainStream = Encode(train);
        ValidationStream = Encode(validation);
    }

    /// <summary>Training words (90 %).</summary>
    public string[] Train { get; }

    /// <summary>Validation words (10 %).</summary>
    public string[] Validation { get; }

    /// <summary>The characters, the boundary token first (id 0).</summary>
    public char[] Vocabulary { get; }

    /// <summary>Id of each character.</summary>
    public Dictionary<char, int> Index { get; }

    /// <summary>The training words as one id stream ".word.word.…".</summary>
    public int[] TrainStream { get; }

    /// <summary>The validation words as one id stream.</summary>
    public int[] ValidationStream { get; }

    /// <summary>Reads the list (a clear error when missing), lower-cases, removes duplicates, shuffles with <paramref name="seed"/>, splits 90/10.</summary>
    public static Words Load(string path = DebianPath, ulong seed = 42, int? take = null)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"CharTransformer: the word list {path} is missing; install it with `sudo apt-get install wamerican`.", path);
        var words = File.ReadLines(path).Select(w => w.Trim().ToLowerInvariant()).Where(w => w.Length > 0 && !w.Contains(Boundary)).Distinct().ToArray();
        new AutoGrad.Generator(seed).Shuffle(words.AsSpan());
        if (take is int n) words = words[..Math.Min(n, words.Length)];
        int cut = (int)(words.Length * 0.9);
        var vocabulary = new[] { Boundary }.Concat(words.SelectMany(w => w).Distinct().Order()).ToArray();
        return new Words(words[..cut], words[cut..], vocabulary);
    }

    private int[] Encode(string[] words)
    {
        var ids = new List<int>(words.Sum(w => w.Length + 1) + 1) { 0 };
        foreach (var w in words)
        {
            foreach (var c in w) ids.Add(Index[c]);
            ids.Add(0);
        }
        return [.. ids];
    }
}
