using System.Reflection;

namespace AutoGrad.Tests.Ops;

/// <summary>No public differentiable op can lack a row in <see cref="OpTable"/>; no [NoGradient] op may leak a graph.</summary>
public class OpCoverageTests
{
    // The autograd machinery (Tape.Record, Functional.Grad) takes and returns tensors but is no op; TapeTests and
    // GradCheckTests cover it.
    private const string MachineryNamespace = "AutoGrad.Autograd";

    // Data preparation (image transforms, preprocessing) runs on data outside the tape; its tests are in Data/.
    private const string DataNamespace = "AutoGrad.Data";

    private static IEnumerable<MethodInfo> PublicStaticOps() =>
        typeof(Tensor).Assembly.GetExportedTypes()
            .Where(t => t.IsAbstract && t.IsSealed && t.Namespace != MachineryNamespace && t.Namespace != DataNamespace)   // static classes
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => !m.IsSpecialName)
            .Where(m => m.ReturnType == typeof(Tensor) || m.ReturnType == typeof(Tensor[]))
            .Where(m => m.GetParameters().Any(p => p.ParameterType == typeof(Tensor) || p.ParameterType == typeof(IReadOnlyList<Tensor>)));

    [Fact]
    public void Every_differentiable_public_op_has_a_row_in_the_op_table()
    {
        var ops = PublicStaticOps().Where(m => m.GetCustomAttribute<NoGradientAttribute>() is null).ToArray();
        var rows = OpTable.All.Select(c => c.Name).ToHashSet();
        var missing = ops.Where(m => !rows.Contains(m.Name)).Select(m => $"{m.DeclaringType!.Name}.{m.Name}").Distinct().Order().ToArray();
        Assert.True(missing.Length == 0, "Ops without a row in OpTable: " + string.Join(", ", missing));
        // The reflection must see the ops at all, or the test above proves nothing.
        Assert.Contains(ops, m => m.Name == "MatMul");
        Assert.Contains(ops, m => m.Name == "Concat");
    }

    [Fact]
    public void Every_operator_on_Tensor_has_a_row()
    {
        var operators = typeof(Tensor).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.IsSpecialName && m.Name.StartsWith("op_") && m.ReturnType == typeof(Tensor)).Select(m => m.Name).Distinct();
        var rows = OpTable.All.Select(c => c.Name).ToHashSet();
        var missing = operators.Where(n => !rows.Contains(n)).ToArray();
        Assert.True(missing.Length == 0, "Operators without a row: " + string.Join(", ", missing));
    }

    // Layers are differentiable too: every public module type except the step function needs a row named after it.
    private static IEnumerable<Type> PublicLayers() =>
        typeof(Tensor).Assembly.GetExportedTypes()
            .Where(t => t.IsSubclassOf(typeof(AutoGrad.NN.Module)) && !t.IsAbstract && t != typeof(AutoGrad.NN.Step));

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

    // One call per [NoGradient] op; the test below checks this list against reflection, so a new one must be added here.
    private static readonly Dictionary<string, Func<Tensor, Tensor>> s_noGradientCalls = new()
    {
        ["Greater"] = x => x.Greater(x * 0.5),
        ["GreaterEqual"] = x => x.GreaterEqual(x * 0.5),
        ["Less"] = x => x.Less(x * 0.5),
        ["LessEqual"] = x => x.LessEqual(x * 0.5),
        ["Equal"] = x => x.Equal(x * 0.5),
        ["NotEqual"] = x => x.NotEqual(x * 0.5),
        ["Sign"] = x => x.Sign(),
        ["ArgMax"] = x => x.ArgMax(1),
        ["ArgMin"] = x => x.ArgMin(),
        ["OneHot"] = x => (x * 0.0 + 1.0).OneHot(3),
        ["Step"] = x => Activations.Step(x),
    };

    [Fact]
    public void NoGradient_ops_return_tensors_that_do_not_require_grad()
    {
        var marked = PublicStaticOps().Where(m => m.GetCustomAttribute<NoGradientAttribute>() is not null).Select(m => m.Name).Distinct().Order().ToArray();
        Assert.Equal(marked, s_noGradientCalls.Keys.Order().ToArray());
        foreach (var (name, call) in s_noGradientCalls)
        {
            var x = Tensor.FromArray(new double[] { 1, -2, 3, 0.5, -1, 2 }, 2, 3).RequireGrad();
            var y = call(x);
            Assert.False(y.RequiresGrad, $"{name} returned a tensor that requires grad");
            Assert.Null(y.GradFn);
        }
    }

    [Fact]
    public void Scalar_overloads_of_NoGradient_comparisons_do_not_require_grad()
    {
        var x = Tensor.FromArray(new double[] { 1, -2, 3 }).RequireGrad();
        foreach (var y in new[] { x.Greater(0), x.Less(0), x.GreaterEqual(1), x.LessEqual(1), x.Equal(3) })
            Assert.False(y.RequiresGrad);
        Assert.Equal([1.0, 0.0, 1.0], x.Greater(0).ToDoubleArray());
        Assert.Equal([0.0, 0.0, 1.0], x.Equal(3).ToDoubleArray());
    }
}
