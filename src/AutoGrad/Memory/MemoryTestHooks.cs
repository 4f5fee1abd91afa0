namespace AutoGrad.Memory;

// Test-only seam: switches and counters that tests read or set to check the memory layer and the engine from outside.
// No production code sets these or reads the counters; the library only increments them, each from one place.
internal static class MemoryTestHooks
{
    // Fill every array given back to the pool with NaN, so a stale reference shows as a wrong value (the test assembly
    // turns it on for the whole suite: tests/AutoGrad.Tests/PoisonRecycledBuffers.cs).
    internal static bool Poison;

    // Buffers this thread's backward passes have recycled so far.
    [ThreadStatic] internal static long RecycledCount;

    // The last warning this thread's step scopes gave (Note [Forgotten scopes] in ScopeBuffers.cs).
    [ThreadStatic] internal static string? LastScopeWarning;
}
