using AutoGrad;

namespace Derivations;

/// <summary>Notes 003 (Skočaj): the branching graph <c>f = (x+y)(y−z)</c> and the XOR network with a ReLU hidden layer.</summary>
public static class GraphExamples
{
    /// <summary>Runs the examples and records their checks.</summary>
    public static void Run(Checklist c)
    {
        c.Section("Notes 003: f(x, y, z) = (x + y)(y − z), gradients of all branches added");
        c.Note("The notes fix only x + y = 5 and y − z = 1 (the inputs were in a lost figure); we choose (2, 3, 2) and (1, 4, 3).");
        foreach (var (x0, y0, z0) in new[] { (2.0, 3.0, 2.0), (1.0, 4.0, 3.0) })
        {
            var x = Tensor.Scalar(x0, DType.Float64).RequireGrad();
            var y = Tensor.Scalar(y0, DType.Float64).RequireGrad();
            var z = Tensor.Scalar(z0, DType.Float64).RequireGrad();
            var f = (x + y) * (y - z);
            f.Backward();
            c.Check($"f at ({x0}, {y0}, {z0})", 5, f.Item(), 1e-12);
            c.Check("∂f/∂x = y − z", 1, x.Grad!.Item(), 1e-12);
            c.Check("∂f/∂y = (y − z) + (x + y), two branches", 6, y.Grad!.Item(), 1e-12);
            c.Check("∂f/∂z = −(x + y)", -5, z.Grad!.Item(), 1e-12);
        }

        c.Section("Notes 003: XOR with h = max(0, W¹x + b¹), a = W²h + b²");
        var w1 = Tensor.FromArray(new double[,] { { 1, 1 }, { 1, 1 } });
        var b1 = Tensor.FromArray(new double[] { 0, -1 });
        var w2 = Tensor.FromArray(new double[] { 1, -2 });
        double[][] inputs = [[0, 0], [0, 1], [1, 0], [1, 1]];
        double[] expected = [0, 1, 1, 0];
        for (int i = 0; i < 4; i++)
        {
            var xi = Tensor.FromArray(inputs[i]);
            var h = (w1.MatMul(xi) + b1).Relu();
            var a = w2.Dot(h);
            c.Check($"XOR({inputs[i][0]}, {inputs[i][1]})", expected[i], a.Item(), 0);
        }
    }
}
