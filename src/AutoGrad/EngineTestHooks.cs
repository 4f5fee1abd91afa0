namespace AutoGrad.Differentiation;

// Test-only seam: switches and counters that tests set or read to check the engine from outside (the memory layer's are
// in Memory/MemoryTestHooks.cs). No production code sets these or reads the counters; the engine reads RecycleBuffers
// once per pass (PassMode) and increments SunkCount and ScatterSunkCount from one place (GradientSinks).
internal static class EngineTestHooks
{
    [ThreadStatic] private static bool t_keepBuffers;

    // Off only in tests that compare a pass with and without recycling (Note [Recycled buffers] in Memory/PassBuffers.cs);
    // per thread, so such a test does not change what tests running in parallel measure.
    internal static bool RecycleBuffers
    {
        get => !t_keepBuffers;
        set => t_keepBuffers = !value;
    }

    // Gradients this thread's rules have accumulated straight into a .Grad (Note [Gradient sinks] in GradientSinks.cs).
    [ThreadStatic] internal static long SunkCount;

    // View gradients this thread's rules have scatter-added into a running sum in place (Note [Scattered view gradients] in GradientSinks.cs).
    [ThreadStatic] internal static long ScatterSunkCount;
}
