using Derivations;

namespace AutoGrad.Tests.Examples;

public class DerivationsTests
{
    private static Checklist RunAll(out string text)
    {
        var w = new StringWriter();
        var c = new Checklist(w);
        SigmoidNetwork341.Run(c);
        GraphExamples.Run(c);
        SoftmaxAndCrossEntropy.Run(c);
        text = w.ToString();
        return c;
    }

    [Fact]
    public void Every_derivation_agrees_with_the_notes()
    {
        var c = RunAll(out var text);
        Assert.True(c.Failures == 0, text);
        Assert.True(c.Results.Count >= 34, $"only {c.Results.Count} checks ran");
    }

    [Fact]
    public void The_notes_errors_are_reported_with_the_correct_values()
    {
        RunAll(out var text);
        Assert.Contains("notes print η = 0.05; correct value 0.5", text);
        Assert.Contains("notes print 0.004; correct value 0.01005", text);
        Assert.Contains("notes print 2; correct value 4.60517", text);
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
