using System.Runtime.CompilerServices;
using AutoGrad.Differentiation;
using AutoGrad.Losses;
using CallSite = AutoGrad.Differentiation.CallSite;

namespace AutoGrad.Tests.Autograd;

public class CallSiteTests
{
    private static int Line([CallerLineNumber] int line = 0) => line;

    private static Tensor V(params double[] v) => Tensor.FromArray(v);

    private static IEnumerable<Node> Nodes(Tensor root)
    {
        var seen = new HashSet<Node>();
        var stack = new Stack<Node>();
        if (root.GradFn is { } r) stack.Push(r);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            if (!seen.Add(n)) continue;
            yield return n;
            foreach (var x in n.Inputs) if (x.GradFn is { } p) stack.Push(p);
        }
    }

    [Fact]
    public void A_public_op_records_the_callers_file_line_and_op()
    {
        var x = V(1, 2).RequireGrad();
        var (y, line) = (x.Exp(), Line());
        var site = y.GradFn!.Site;
        Assert.Equal(line, site.Line);
        Assert.Equal("CallSiteTests.cs", Path.GetFileName(site.File));
        Assert.Equal("Exp", site.Member);
        Assert.False(site.IsLibrary);
        Assert.Equal($"CallSiteTests.cs:{line}", site.ToString());
        Assert.False(CallSite.Current.IsKnown);              // the scope was closed on return
    }

    [Fact]
    public void Inner_ops_of_a_composite_get_the_users_line_not_the_librarys()
    {
        var p = V(1, 2, 3).RequireGrad();
        var (loss, line) = (p.MseLoss(V(0, 0, 0)), Line());
        var nodes = Nodes(loss).ToList();
        Assert.True(nodes.Count >= 3);                        // Subtract, Square (PowScalar), Mean (Sum, MultiplyScalar)
        Assert.All(nodes, n => Assert.Equal(line, n.Site.Line));
        Assert.All(nodes, n => Assert.Equal("MseLoss", n.Site.Member));
    }

    [Fact]
    public void Operators_take_no_site_unless_capture_is_switched_on()
    {
        var a = V(1, 2).RequireGrad();
        var plain = a * a;
        Assert.False(plain.GradFn!.Site.IsKnown);
        Diagnostics.CaptureOperatorSites = true;
        try
        {
            var (z, line) = (a * a, Line());
            Assert.Equal(line, z.GradFn!.Site.Line);
            Assert.Equal("CallSiteTests.cs", Path.GetFileName(z.GradFn.Site.File));
        }
        finally { Diagnostics.CaptureOperatorSites = false; }
    }

    [Fact]
    public void A_shape_error_names_the_line_of_the_failing_op_and_of_each_operand()
    {
        var x = V(1, 2, 3).RequireGrad();
        var (a, la) = (x.Exp(), Line());
        var (b, lb) = (V(1, 2, 3, 4).Log(), Line());
        int lc = Line() + 1;
        var e = Assert.Throws<ArgumentException>(() => a.Add(b));
        Assert.StartsWith("Add: shapes (3,) and (4,) cannot be broadcast", e.Message);
        Assert.Contains($"\n  Add called at CallSiteTests.cs:{lc}\n", e.Message);
        Assert.Contains($"operand a (3,) float64 made by Exp at CallSiteTests.cs:{la}", e.Message);
        Assert.Contains($"operand b (4,) float64 made by Log at CallSiteTests.cs:{lb}", e.Message);
    }

    [Fact]
    public void A_shape_error_in_an_operator_or_matmul_names_the_users_line_by_walking_the_stack()
    {
        var w = V(1, 2, 3, 4, 5, 6).Reshape(2, 3);
        w.Name = "w";
        var (h, lh) = (V(1, 2, 3, 4).Reshape(2, 2).RequireGrad().Tanh(), Line());
        int l1 = Line() + 1;
        var e1 = Assert.Throws<ArgumentException>(() => h + w);
        Assert.StartsWith("Add: shapes (2, 2) and (2, 3)", e1.Message);
        Assert.Contains($"Add called at CallSiteTests.cs:{l1}", e1.Message);
        Assert.Contains($"operand a (2, 2) float64 made by Tanh at CallSiteTests.cs:{lh}", e1.Message);
        Assert.Contains("operand b (2, 3) float64 'w' made by Reshape", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => w.MatMul(h));
        Assert.Contains("MatMul called at CallSiteTests.cs:", e2.Message);
        Assert.StartsWith("MatMul: inner dimensions differ", e2.Message);
    }

    [Fact]
    public void A_backward_error_names_the_op_and_the_line_that_recorded_it()
    {
        var x = V(1, 2).RequireGrad();
        var (y, line) = (CustomFunction.Apply("Boom", x, t => t * 2.0, (_, _, _) => throw new NotSupportedException("no rule")), Line());
        var e = Assert.Throws<InvalidOperationException>(() => y.Sum().Backward());
        Assert.Equal($"In the backward of Boom recorded at CallSiteTests.cs:{line}: no rule", e.Message);
        Assert.IsType<NotSupportedException>(e.InnerException);
    }

    [Fact]
    public void Nodes_recorded_by_a_backward_rule_carry_the_forward_ops_site()
    {
        var x = V(0.5, 1).RequireGrad();
        var (y, line) = (x.Exp(), Line());
        var g = Functional.Grad([y.Sum()], [x], createGraph: true)[0]!;
        Assert.Equal(line, g.GradFn!.Site.Line);
        Assert.Equal(Math.Exp(0.5), g[0], 12);
    }

    [Fact]
    public void Fixed_arity_reshape_permute_and_slice_keep_the_old_call_forms_working()
    {
        var x = Tensor.Arange(0, 24, 1, DType.Float64).RequireGrad();
        var (r, line) = (x.Reshape(2, 3, 4), Line());
        Assert.Equal(new Shape(2, 3, 4), r.Shape);
        Assert.Equal(line, r.GradFn!.Site.Line);
        Assert.Equal(new Shape(4, 2, 3), r.Permute(2, 0, 1).Shape);
        Assert.Equal(new Shape(2, 3, 4), x.Reshape(new[] { 2, -1, 4 }).Shape);
        Assert.Equal(new Shape(1, 2, 4), r.Slice(1.., 1..3).Shape);
        Assert.Equal(17.0, r.Slice(1.., 1..3)[0, 0, 1]);       // r[1, 1, 1] = 1·12 + 1·4 + 1
    }
}
