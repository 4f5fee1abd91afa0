using System.Runtime.CompilerServices;
using AutoGrad.Memory;

namespace AutoGrad.Tests;

internal static class PoisonRecycledBuffers
{
    // Every recycled buffer is filled with NaN, so any test whose result still depended on one (a buffer recycled while
    // something referred to it) sees NaN instead of a silently stale value. See Note [Recycled buffers].
    [ModuleInitializer]
    internal static void Enable() => MemoryTestHooks.Poison = true;
}
