using System.Reflection;
using AutoGrad.Memory;

namespace AutoGrad.Tests.Memory;

// src/AutoGrad/Memory is the bottom layer (Note [Pooled buffers] in Memory/BufferPool.cs): it must not mention tensors, dtypes
// or the tape, and each pooled buffer has one owner, a backward pass or a StepScope.
public class MemoryLayerTests
{
    private static IEnumerable<Type> Mentioned(Type t)
    {
        yield return t;
        if (t.HasElementType) foreach (var e in Mentioned(t.GetElementType()!)) yield return e;
        if (t.IsGenericType) foreach (var a in t.GetGenericArguments()) foreach (var e in Mentioned(a)) yield return e;
    }

    // Every AutoGrad namespace but Memory itself is above it (Tensor, DType and the ops in AutoGrad, the tape in AutoGrad.Differentiation).
    private static bool Above(Type t) => t.Namespace is { } n && (n == "AutoGrad" || n.StartsWith("AutoGrad.", StringComparison.Ordinal)) && n != "AutoGrad.Memory";

    [Fact]
    public void No_memory_type_mentions_a_type_of_the_layers_above_in_its_fields_or_signatures()
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var types = typeof(Tensor).Assembly.GetTypes().Where(t => t.Namespace == "AutoGrad.Memory").ToList();
        Assert.Contains(typeof(PooledStorage), types);
        Assert.Contains(typeof(ScopeBuffers), types);
        var offenders = new List<string>();
        foreach (var t in types)
        {
            if (t.BaseType is { } b && Mentioned(b).Any(Above)) offenders.Add($"{t.Name} : {b.Name}");
            foreach (var f in t.GetFields(all))
                if (Mentioned(f.FieldType).Any(Above)) offenders.Add($"{t.Name}.{f.Name}");
            foreach (var m in t.GetMethods(all).Cast<MethodBase>().Concat(t.GetConstructors(all)))
            {
                var types_ = m.GetParameters().Select(p => p.ParameterType).Concat(m is MethodInfo mi ? [mi.ReturnType] : []);
                if (types_.SelectMany(Mentioned).Any(Above)) offenders.Add($"{t.Name}.{m.Name}");
            }
        }
        Assert.Empty(offenders);
    }

    private static long OwnerOf(Tensor t) => ((PooledStorage)t.Storage).Owner;

    [Fact]
    public void A_pooled_buffer_records_one_owner_and_Keep_clears_it()
    {
        var x = Tensor.Rand(new Shape(256), new Generator(3)).RequireGrad();
        Assert.IsNotType<PooledStorage>(x.Storage);                         // outside a scope and a pass: the GC's
        using (Tensor.StepScope())
        {
            var y = x.Exp();
            Assert.True(OwnerOf(y) < 0, "a scope's buffer has a negative owner id");
            var kept = x.Tanh().Keep();
            Assert.Equal(0, OwnerOf(kept));
            long seen = 0;
            // A gradient made by a trusted rule inside the pass belongs to the pass; a hook sees it, so it escapes.
            var z = y * 2.0;
            z.RegisterHook(g => { seen = ((PooledStorage)g.Storage).Owner; return g; });
            (z * z).Sum().Backward();
            Assert.Equal(0, seen);                                          // escaped before the hook saw it
            Assert.Equal(x.ToDoubleArray().Select(v => 8 * Math.Exp(2 * v)), x.Grad!.ToDoubleArray(), (a, b) => Math.Abs(a - b) < 1e-4 * Math.Abs(a));
            Assert.Equal(0, x.Grad is { Storage: PooledStorage p } ? p.Owner : 0);   // .Grad is kept
        }
    }
}
