using System.Runtime.CompilerServices;
using AutoGrad.Memory;

namespace AutoGrad.Tests.Autograd;

// Note [Forgotten scopes] (src/AutoGrad/Memory/ScopeBuffers.cs): a StepScope that is never disposed keeps every op result
// (135 → 404 MB over 3,000 steps) and used to say nothing; now it warns once, naming the line that opened it.
public class StepScopeForgottenTests
{
    // One small training step: every op result is listed by the innermost scope.
    private static double Step(Tensor w, Tensor x)
    {
        w.ZeroGrad();
        var loss = (x.MatMul(w).Tanh() - 0.5).Square().Mean();
        loss.Backward();
        w.SubtractScaledInPlace(w.Grad!, 0.1);
        return loss.Item();
    }

    private static (Tensor W, Tensor X) Model()
    {
        var g = new Generator(5);
        return (Tensor.Rand(new Shape(8, 4), g).RequireGrad(), Tensor.Rand(new Shape(16, 8), g));
    }

    [Fact]
    public void A_StepScope_that_is_never_disposed_keeps_every_op_result_and_warns_once_naming_where_it_was_opened()
    {
        var (w, x) = Model();
        MemoryTestHooks.LastScopeWarning = null;
        int line = OpenLine();
        var scope = Tensor.StepScope();   // opened around the whole loop: the defect
        try
        {
            for (int s = 1; s < ScopeBuffers.WarnAfterPasses; s++) Step(w, x);
            Assert.Null(MemoryTestHooks.LastScopeWarning);                    // 99 passes: a long step, no warning yet
            Step(w, x);
            var warning = MemoryTestHooks.LastScopeWarning;
            Assert.NotNull(warning);
            Assert.Contains($"opened at {nameof(StepScopeForgottenTests)}.cs:{line + 1}", warning);
            Assert.Contains($"run {ScopeBuffers.WarnAfterPasses} backward passes", warning);
            MemoryTestHooks.LastScopeWarning = null;
            for (int s = 0; s < 20; s++) Step(w, x);
            Assert.Null(MemoryTestHooks.LastScopeWarning);                    // once only
        }
        finally { scope.Dispose(); }
    }

    [Fact]
    public void A_scope_per_step_never_warns_and_a_reused_scope_state_starts_counting_again()
    {
        var (w, x) = Model();
        MemoryTestHooks.LastScopeWarning = null;
        double last = 0;
        for (int s = 0; s < 2 * ScopeBuffers.WarnAfterPasses; s++)
            using (Tensor.StepScope()) last = Step(w, x);
        Assert.Null(MemoryTestHooks.LastScopeWarning);
        Assert.True(double.IsFinite(last) && last < 0.25, $"training did not run: loss {last}");
    }

    private static int OpenLine([CallerLineNumber] int line = 0) => line;
}
