using AutoGrad.NN;

namespace AutoGrad.Onnx.Tests;

/// <summary>What cannot be exported fails clearly: the op and the line that called it.</summary>
public class ExportErrorTests
{
    [Fact]
    public void Unsupported_op_names_itself_and_its_call_site()
    {
        var w = Tensor.Randn(new Shape(3), new Generator(21)).RequireGrad();
        int line = Line(); Func<Tensor, Tensor> f = x => (x * w).Cumsum(1).Relu();   // Cumsum has no lowering yet
        var ex = Assert.Throws<OnnxExportException>(() => Onnx.ToBytes(f, Tensor.Randn(new Shape(2, 3), new Generator(22))));
        Assert.Equal("Cumsum", ex.Op);
        Assert.Contains("op 'Cumsum'", ex.Message);
        Assert.Contains($"{nameof(ExportErrorTests)}.cs:{line}", ex.Message);
        Assert.Equal(line, ex.Site.Line);
    }

    private static int Line([System.Runtime.CompilerServices.CallerLineNumber] int line = 0) => line;

    [Fact]
    public void Output_that_does_not_depend_on_the_input_is_refused()
    {
        var c = Tensor.Ones(new Shape(2));
        var ex = Assert.Throws<OnnxExportException>(() => Onnx.ToBytes(_ => c, Tensor.Ones(new Shape(2, 2))));
        Assert.Contains("does not depend on its input", ex.Message);
    }

    [Fact]
    public void A_scalar_input_needs_a_fixed_batch()
    {
        var ex = Assert.Throws<ArgumentException>(() => Onnx.ToBytes(new Identity(), Tensor.Scalar(1.0)));
        Assert.Contains("DynamicBatch", ex.Message);
    }
}
