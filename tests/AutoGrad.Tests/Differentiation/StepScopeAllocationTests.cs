using AutoGrad.Losses;
using AutoGrad.NN;
using AutoGrad.Optim;

namespace AutoGrad.Tests.Autograd;

// The buffer pool is shared by every thread, so a test that counts what a step allocates must not run beside tests that
// rent from it (they could take the arrays the first step gave back).
[CollectionDefinition("Serial", DisableParallelization = true)]
public class SerialCollection;

[Collection("Serial")]
public class StepScopeAllocationTests
{
    [Fact]
    public void A_second_scoped_step_reuses_the_first_ones_buffers()
    {
        var g = new Generator(4);
        var model = new Sequential(new Linear(100, 200, g), new Relu(), new Linear(200, 10, g));
        var x = Tensor.Rand(new Shape(64, 100), g);
        var y = StepScopeTests.Labels(64, 10);
        var opt = new Sgd(model.Parameters(), 0.01);
        long Step(bool scoped)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            using (scoped ? Tensor.StepScope() : default)
            {
                opt.ZeroGrad(setToNone: false);
                model.Forward(x).SoftmaxCrossEntropy(y).Backward();
                opt.Step();
            }
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        for (int i = 0; i < 3; i++) { Step(false); Step(true); }
        long plain = Step(false), scoped = Step(true);
        // Each hidden activation alone is 64·200·4 = 51,200 bytes; the scoped step reuses both.
        Assert.True(plain > 100_000, $"unscoped step allocated {plain} B");
        Assert.True(scoped < plain - 100_000, $"scoped step allocated {scoped} B, unscoped {plain} B");
    }

    [Fact]
    public void An_unrolled_lstm_reuses_its_many_same_sized_buffers()
    {
        // 40 time steps keep 40 copies of each per-step activation alive until the backward pass (each pre-activation is
        // 16·4·64·4 = 16,384 bytes): more than the 8 a bucket used to hold, so all but 8 went to the garbage collector each step.
        var g = new Generator(5);
        var model = new Sequential(new Lstm(8, 64, g), new Linear(64, 3, g));
        var x = Tensor.Rand(new Shape(16, 40, 8), g);
        var y = StepScopeTests.Labels(16 * 40, 3);
        var opt = new Sgd(model.Parameters(), 0.01);
        long Step()
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            using (Tensor.StepScope())
            {
                opt.ZeroGrad(setToNone: false);
                model.Forward(x).Reshape(16 * 40, 3).SoftmaxCrossEntropy(y).Backward();
                opt.Step();
            }
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        for (int i = 0; i < 3; i++) Step();
        long bytes = Step();
        // The pre-activations alone are 40 × 3 × 16,384 ≈ 2 MB per step; the tape's nodes and views stay well under 1 MB.
        Assert.True(bytes < 1_000_000, $"a scoped LSTM step allocated {bytes} B");
    }
}
