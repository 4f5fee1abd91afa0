using Derivations;

namespace AutoGrad.Tests.Examples;

public class DerivationsTests
{
    // One run of every section serves all the tests below (the run is deterministic: every random source is seeded).
    private static readonly Lazy<(Checklist Checklist, string Text)> Run = new(() =>
    {
        var w = new StringWriter();
        var c = new Checklist(w);
        Sections.RunAll(c);
        return (c, w.ToString());
    });

    private static Checklist RunAll(out string text)
    {
        text = Run.Value.Text;
        return Run.Value.Checklist;
    }

    [Fact]
    public void Every_derivation_agrees_with_the_notes()
    {
        var c = RunAll(out var text);
        Assert.True(c.Failures == 0, text);
        Assert.True(c.Results.Count >= 120, $"only {c.Results.Count} checks ran");
    }

    [Fact]
    public void Every_section_records_checks()
    {
        foreach (var (name, run) in Sections.All)
        {
            var c = new Checklist(TextWriter.Null);
            run(c);
            Assert.True(c.Results.Count > 0, $"section '{name}' recorded no check");
            Assert.True(c.Failures == 0, $"section '{name}': {string.Join("; ", c.Results.Where(r => !r.Ok).Select(r => r.Name))}");
        }
    }

    [Fact]
    public void Specific_numbers_match_the_notes()
    {
        var c = RunAll(out _);
        Assert.Equal(0.1, c.Computed("η at epoch 11"), 15);
        Assert.Equal(1, c.Computed("η at epoch 9"), 15);
        Assert.Equal(100, c.Computed("DataLoader.BatchCount"));
        Assert.Equal(10, c.Computed("α = 0.9: last step"), 8);
        Assert.InRange(c.Computed("max |GELU − x·σ(1.702x)|"), 0.0200, 0.0210);
        Assert.Equal(990.0 / 1002, c.Computed("precision₃"), 12);
        Assert.Equal(12.0 / 8990, c.Computed("FPR = FP/(TN + FP)"), 12);
        Assert.Equal(1000.0 / 1900, c.Computed("contamination"), 12);
        Assert.Equal(26, c.Computed("28×28 image, 3×3 kernel"));
        Assert.Equal(0.001, c.Computed("   size of the first step, max |θ₁ − θ₀|", last: true), 9);
        Assert.Equal(0, c.Computed("BP1:"), 14);
        Assert.Equal(0.521, c.Computed("forward prediction y"), 3);
    }

    [Fact]
    public void The_notes_errors_are_reported_with_the_correct_values()
    {
        RunAll(out var text);
        Assert.Contains("notes print η = 0.05; correct value 0.5", text);
        Assert.Contains("notes print 0.004; correct value 0.01005", text);
        Assert.Contains("notes print 2; correct value 4.60517", text);
        Assert.Contains("notes print ρ = 0.001; correct value 0.9", text);
        Assert.Contains("notes print 1.12%; correct value 0.011976", text);
        Assert.Contains("notes print v₃/(1 − β)³ = 542; correct value 2", text);
    }

    [Fact]
    public void A_wrong_value_is_marked_and_counted()
    {
        var w = new StringWriter();
        var c = new Checklist(w);
        Assert.False(c.Check("deliberately wrong", 1.0, 1.1, 0.01));
        Assert.Equal(1, c.Failures);
        Assert.Contains("✗ deliberately wrong", w.ToString());
    }
}
