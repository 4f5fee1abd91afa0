using System.Globalization;
using CharTransformerExample;

// A character-level transformer language model on Debian's wamerican word list (makemore's task): token + learned position
// embedding, d 128, 4 heads, 2 pre-norm GELU blocks (feed-forward 512), dropout 0.1, context 16, AdamW 3e-4 (weight decay 0.01 on weights only: two parameter groups),
// batch 64, warm-up then cosine. Usage: dotnet run -c Release --project examples/CharTransformer [--steps N] [--seed S] [--words PATH]
int steps = 5000;
ulong seed = 1;
string path = Words.DebianPath;
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"CharTransformer: {args[i]} needs a value.");
    switch (args[i])
    {
        case "--steps": steps = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--seed": seed = ulong.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--words": path = Next(); break;
        default:
            Console.Error.WriteLine("usage: CharTransformer [--steps N (default 5000)] [--seed S (default 1)] [--words PATH]");
            return 2;
    }
}
Words words;
try { words = Words.Load(path); }
catch (FileNotFoundException e) { Console.Error.WriteLine(e.Message); return 1; }
Console.WriteLine($"{words.Train.Length} training and {words.Validation.Length} validation words, {words.Vocabulary.Length} symbols; {steps} steps, seed {seed}");
var run = CharTraining.Run(words, new CharConfig(), steps, seed, log: Console.Out);
Console.WriteLine(FormattableString.Invariant($"{run.TokensPerSecond:0} tokens/s"));
Console.WriteLine("samples: " + string.Join(" ", run.Samples));
return 0;
