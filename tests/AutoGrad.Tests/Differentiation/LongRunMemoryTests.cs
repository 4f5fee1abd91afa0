using System.Runtime.CompilerServices;
using AutoGrad.Losses;
using AutoGrad.NN;
using AutoGrad.Optim;

namespace AutoGrad.Tests.Autograd;

// Memory stays flat over long runs when nothing but the library holds the graphs: after thousands of steps every
// earlier step's loss, activations and gradients have been collected (no static list, workspace or pool keeps them).
// Measured with weak references, not heap sizes, because other tests allocate on other threads meanwhile.
public class LongRunMemoryTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]   // each step inside a StepScope: its lists and the pool must not keep a step's tensors either
    public void Two_thousand_training_steps_leave_no_earlier_step_reachable(bool scoped)
    {
        var g = new Generator(3);
        var model = new Sequential(new Linear(20, 16, g), new Relu(), new Linear(16, 4, g));
        var opt = new Adam(model.Parameters(), 0.01);
        var x = Tensor.Rand(new Shape(32, 20), g);
        var y = Tensor.FromArray(Enumerable.Range(0, 32).Select(i => (float)(i % 4)).ToArray());
        var watched = new List<WeakReference>();
        float first = 0, last = 0;
        for (int step = 1; step <= 2000; step++)
        {
            var loss = Step(model, opt, x, y, step % 500 == 1 ? watched : null, scoped);
            if (step == 1) first = loss;
            last = loss;
        }
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.Equal(4 * 3, watched.Count);
        Assert.All(watched, w => Assert.False(w.IsAlive, "a tensor from an earlier step is still reachable"));
        Assert.True(last < first / 2, $"training did not progress ({first} → {last})");
    }

    // In its own method so that no local of the step outlives it in the caller's frame.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Step(Module model, Optimizer opt, Tensor x, Tensor y, List<WeakReference>? watch, bool scoped)
    {
        using var scope = scoped ? Tensor.StepScope() : default;
        opt.ZeroGrad();
        var logits = model.Forward(x);
        var loss = logits.SoftmaxCrossEntropy(y);
        loss.Backward();
        if (watch is not null)
        {
            watch.Add(new WeakReference(loss));
            watch.Add(new WeakReference(logits));
            watch.Add(new WeakReference(model.Parameters()[0].Grad));
        }
        opt.Step();
        return (float)loss.Item();
    }
}
