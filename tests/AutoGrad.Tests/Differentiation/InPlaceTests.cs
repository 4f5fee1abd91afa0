using System.Runtime.CompilerServices;
using AutoGrad.Differentiation;
using AutoGrad.Optim;

namespace AutoGrad.Tests.Autograd;

public class InPlaceTests
{
    private static int Line([CallerLineNumber] int line = 0) => line;

    private static Tensor V(params double[] v) => Tensor.FromArray(v);

    [Fact]
    public void Updating_a_weight_saved_by_matmul_before_backward_is_a_clear_error()
    {
        var x = V(1, 2, 3, 4).Reshape(2, 2);
        var w = V(0.5, -1, 2, 0).Reshape(2, 2).RequireGrad();
        w.Name = "w";
        var (y, ly) = (x.MatMul(w), Line());
        var loss = y.Sum();
        int lw;
        using (Recorder.NoGrad()) { (lw, _) = (Line(), 0); w.Fill(0); }
        var e = Assert.Throws<InvalidOperationException>(() => loss.Backward());
        Assert.StartsWith($"Backward of 'MatMul' recorded at InPlaceTests.cs:{ly} needs the value of its input 1 'w' (2, 2)", e.Message);
        Assert.Contains("(version 0)", e.Message);
        Assert.Contains("now version 1", e.Message);
        Assert.Contains($"last by Fill at InPlaceTests.cs:{lw}", e.Message);
        Assert.Null(w.Grad);
    }

    [Fact]
    public void Add_does_not_need_its_inputs_so_an_update_is_not_an_error()
    {
        var x = V(1, 2);
        var w = V(3, 4).RequireGrad();
        var loss = (x + w).Sum();
        using (Recorder.NoGrad()) w.CopyFrom(V(10, 20));
        loss.Backward();
        Assert.Equal(new[] { 1.0, 1.0 }, w.Grad!.ToDoubleArray());
        Assert.Equal(1, w.Version);
    }

    [Fact]
    public void Writing_the_saved_output_through_a_detached_alias_is_caught()
    {
        var x = V(0, 1).RequireGrad();
        var y = x.Exp();                                      // Exp's rule reads its output
        var (_, lw) = (0, Line()); y.Detach().CopyFrom(V(5, 5));
        var e = Assert.Throws<InvalidOperationException>(() => y.Sum().Backward());
        Assert.Contains("Backward of 'Exp'", e.Message);
        Assert.Contains("its output (2,)", e.Message);
        Assert.Contains($"last by CopyFrom at InPlaceTests.cs:{lw}", e.Message);
    }

    [Fact]
    public void A_fresh_forward_after_the_update_backpropagates_with_the_new_values()
    {
        var x = V(1, 2);
        var w = V(3, 4).RequireGrad();
        _ = (x * w).Sum();
        using (Recorder.NoGrad()) w.Fill(7);
        (x * w).Sum().Backward();                             // the old graph is dropped, the new one saved version 1
        Assert.Equal(new[] { 1.0, 2.0 }, w.Grad!.ToDoubleArray());
    }

    [Fact]
    public void An_optimizer_step_before_backward_names_the_users_step_line()
    {
        var x = V(1, 2).Reshape(1, 2);
        var w = V(1, -1, 0.5, 2).Reshape(2, 2).RequireGrad();
        var loss = x.MatMul(w).Tanh().Sum();
        loss.Backward(retainGraph: true);
        var opt = new Sgd([w], learningRate: 0.1);
        var (_, line) = (0, Line()); opt.Step();
        var e = Assert.Throws<InvalidOperationException>(() => loss.Backward());
        Assert.Contains("Backward of 'MatMul'", e.Message);
        Assert.Contains($"last by Step at InPlaceTests.cs:{line}", e.Message);
    }
}
