using Derivations;

// Reproduces the lecture notes' worked examples through the tape and prints, for each quantity, the notes'
// value, the computed value and ✓ or ✗. Exits with 1 if any check fails.
Console.OutputEncoding = System.Text.Encoding.UTF8;
var checklist = new Checklist(Console.Out);
Console.WriteLine("AutoGrad: the lecture notes' derivations, recomputed through the tape (notes in ../shared/seeds)");
Sections.RunAll(checklist);
int total = checklist.Results.Count;
Console.WriteLine($"\n{total - checklist.Failures} of {total} checks agree with the notes ({checklist.Failures} ✗).");
return checklist.Failures == 0 ? 0 : 1;
