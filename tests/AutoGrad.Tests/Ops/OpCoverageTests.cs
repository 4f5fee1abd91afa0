using System.Reflection;
using AutoGrad.Tests.Architecture;
using FsCheck.Fluent;

namespace AutoGrad.Tests.Ops;

/// <summary>No public differentiable op can lack a row in <see cref="OpTable"/>; no [NoGradient] op may leak a graph.</summary>
public class OpCoverageTests
{
    // The autograd machinery (Recorder.Record, Functional.Grad) takes and returns tensors but is no op; TapeTests and
    // GradCheckTests cover it.
    private const string MachineryNamespace = "AutoGrad.Differentiation";

    // Data preparation (image transforms, preprocessing) runs on data outside the tape; its tests are in Data/.
    private const string DataNamespace = "AutoGrad.Data";

    private static IEnumerable<MethodInfo> PublicStaticOps() =>
        typeof(Tensor).Assembly.GetExportedTypes()
            .Where(t => t.IsAbstract && t.IsSealed && t.Namespace != MachineryNamespace && t.Namespace != DataNamespace)   // static classes
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => !m.IsSpecialName)
            .Where(m => m.ReturnType == typeof(Tensor) || m.ReturnType == typeof(Tensor[]))
            .Where(m => m.GetParameters().Any(p => p.ParameterType == typeof(Tensor) || p.ParameterType == typeof(IReadOnlyList<Tensor>)));

    // The op methods a row's function calls: every method of the library that the IL of its delegates names, following
    // the delegates they capture and the helper methods of this test assembly they call. A row covers those signatures.
    private static IEnumerable<MethodBase> CalledOps(OpCase row) => CalledOps(Gen.Sample(row.Samples, 1).Single().Apply);

    private static IEnumerable<MethodBase> CalledOps(Delegate root)
    {
        var ops = new HashSet<MethodBase>();
        var seen = new HashSet<MethodBase>();
        void Visit(MethodBase m)
        {
            if (!seen.Add(m)) return;
            foreach (var used in DependencyScanner.BodyReferences(m).OfType<MethodBase>())
            {
                if (used.Module.Assembly == typeof(Tensor).Assembly) ops.Add(used);
                else if (used.Module.Assembly == typeof(OpCoverageTests).Assembly) Visit(used);
            }
        }
        // A closure's captured delegates, and those of the enclosing closures it holds (LINQ queries nest them).
        void Captured(object? target, int depth)
        {
            if (target is null || depth > 6 || !target.GetType().Name.Contains("<>", StringComparison.Ordinal)) return;
            foreach (var f in target.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            {
                var value = f.GetValue(target);
                if (value is Delegate inner) Follow(inner, depth + 1);
                else Captured(value, depth + 1);
            }
        }
        void Follow(Delegate d, int depth)
        {
            foreach (var single in d.GetInvocationList())
            {
                Visit(single.Method);
                Captured(single.Target, depth);
            }
        }
        Follow(root, 0);
        return ops;
    }

    private static readonly Lazy<HashSet<string>> s_covered = new(() => OpTable.All.SelectMany(CalledOps).Select(Signature).ToHashSet());

    /// <summary><c>Type.Method(ParameterTypes)</c>: one overload, as the coverage tests key it.</summary>
    internal static string Signature(MethodBase m) =>
        $"{m.DeclaringType!.Name}.{m.Name}({string.Join(", ", m.GetParameters().Select(p => p.ParameterType.Name))})";

    [Fact]
    public void Every_differentiable_public_op_signature_has_a_row_in_the_op_table()
    {
        var ops = PublicStaticOps().Where(m => m.GetCustomAttribute<NoGradientAttribute>() is null).ToArray();
        var missing = ops.Select(Signature).Where(sig => !s_covered.Value.Contains(sig)).Distinct().Order().ToArray();
        Assert.True(missing.Length == 0, "Op overloads no row calls:\n" + string.Join("\n", missing));
        // The reflection must see the ops and the rows' calls at all, or the test above proves nothing.
        Assert.Contains(ops, m => m.Name == "MatMul");
        Assert.Contains("ElementwiseOps.Add(Tensor, Double, String, Int32)", s_covered.Value);
        Assert.Contains("ElementwiseOps.Add(Tensor, Tensor, String, Int32)", s_covered.Value);
    }

    [Fact]
    public void Every_operator_overload_on_Tensor_has_a_row()
    {
        var operators = typeof(Tensor).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.IsSpecialName && m.Name.StartsWith("op_") && m.ReturnType == typeof(Tensor)).Select(Signature).Distinct();
        var missing = operators.Where(sig => !s_covered.Value.Contains(sig)).Order().ToArray();
        Assert.True(missing.Length == 0, "Operator overloads no row calls:\n" + string.Join("\n", missing));
    }

    // Layers are differentiable too: every public module type except the step function needs a row named after it.
    private static IEnumerable<Type> PublicLayers() =>
        typeof(Tensor).Assembly.GetExportedTypes()
            .Where(t => t.IsSubclassOf(typeof(AutoGrad.NN.Module)) && !t.IsAbstract && t != typeof(AutoGrad.NN.Heaviside));

    [Fact]
    public void Every_layer_has_a_row_in_the_op_table()
    {
        var rows = OpTable.All.Select(c => c.Name).ToHashSet();
        var missing = PublicLayers().Where(t => !rows.Contains(t.Name)).Select(t => t.Name).Order().ToArray();
        Assert.True(missing.Length == 0, "Layers without a row in OpTable: " + string.Join(", ", missing));
        Assert.Contains(PublicLayers(), t => t.Name == "Linear");
    }

    [Fact]
    public void Table_rows_name_existing_public_methods()
    {
        var names = PublicStaticOps().Select(m => m.Name)
            .Concat(PublicLayers().Select(t => t.Name))
            .Concat(typeof(Tensor).GetMethods(BindingFlags.Public | BindingFlags.Static).Select(m => m.Name)).ToHashSet();
        var unknown = OpTable.All.Where(c => !names.Contains(c.Name)).Select(c => c.Label).ToArray();
        Assert.True(unknown.Length == 0, "Rows naming no public method: " + string.Join(", ", unknown));
    }

    [Fact]
    public void Every_NoGradient_op_signature_has_a_row_and_returns_tensors_that_do_not_require_grad()
    {
        var marked = PublicStaticOps().Where(m => m.GetCustomAttribute<NoGradientAttribute>() is not null).Select(Signature).Distinct().Order().ToArray();
        var covered = OpTable.NoGradient.SelectMany(r => CalledOps(r.Call)).Select(Signature).ToHashSet();
        var missing = marked.Where(sig => !covered.Contains(sig)).ToArray();
        Assert.True(missing.Length == 0, "[NoGradient] overloads no row of OpTable.NoGradient calls:\n" + string.Join("\n", missing));
        Assert.Equal(16, marked.Length);   // the reflection sees the attribute at all
        foreach (var row in OpTable.NoGradient)
        {
            var x = Tensor.FromArray(new double[] { 1, -2, 3, 0.5, -1, 2 }, 2, 3).RequireGrad();
            var y = row.Call(x);
            Assert.False(y.RequiresGrad, $"{row.Label} returned a tensor that requires grad");
            Assert.Null(y.GradFn);
            Assert.Equal(row.Expected, y.ToDoubleArray());
        }
    }
}
