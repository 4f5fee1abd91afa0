using AutoGrad;
using AutoGrad.Differentiation;
using AutoGrad.Losses;
using AutoGrad.NN;
using AutoGrad.Optim;

namespace PerceptronExample;

/// <summary>One gate learned by the perceptron rule: whether the rule converged, the accuracy and the learned w, b.</summary>
public sealed record GateResult(string Gate, bool Converged, double Accuracy, double[] Weights, double Bias);

/// <summary>The two-layer network's XOR run: final loss, its four outputs σ(z) and whether they round to 0, 1, 1, 0.</summary>
public sealed record XorNetworkResult(double FinalLoss, double[] Outputs, bool Solved, int Steps);

/// <summary>Everything the example reports.</summary>
public sealed record LogicGatesResult(IReadOnlyList<GateResult> Gates, XorNetworkResult Network);

/// <summary>
/// Notes 002/003: the perceptron rule <c>w ← w + η(y − ŷ)x</c> learns the linearly separable gates NAND, AND and OR and never
/// converges on XOR; a hidden layer (Linear → tanh → Linear, trained by gradient descent) solves XOR.
/// </summary>
public static class LogicGates
{
    private static readonly double[,] Inputs = { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } };

    /// <summary>The truth tables, in the row order of the inputs (0,0), (0,1), (1,0), (1,1).</summary>
    public static IReadOnlyList<(string Name, double[] Targets)> Gates { get; } =
    [
        ("NAND", [1, 1, 1, 0]),
        ("AND", [0, 0, 0, 1]),
        ("OR", [0, 1, 1, 1]),
        ("XOR", [0, 1, 1, 0]),
    ];

    /// <summary>Trains a perceptron on each gate, then a two-layer network on XOR; writes a report to <paramref name="log"/>.</summary>
    public static LogicGatesResult Run(TextWriter log, int perceptronEpochs = 100, int networkSteps = 500, ulong seed = 7)
    {
        var x = Tensor.FromArray(Inputs);
        var gates = new List<GateResult>();
        log.WriteLine($"Perceptron rule, η = 1, at most {perceptronEpochs} passes over the truth table:");
        foreach (var (name, targets) in Gates)
        {
            var p = new AutoGrad.NN.Perceptron(2);
            bool converged = p.Train(x, Tensor.FromArray(targets), learningRate: 1, epochs: perceptronEpochs);
            var result = new GateResult(name, converged, p.Accuracy(x, Tensor.FromArray(targets)), p.Weights.ToDoubleArray(), p.Bias.Item());
            gates.Add(result);
            log.WriteLine($"  {name,-5} {(converged ? "converged" : "did not converge"),-17} accuracy {result.Accuracy:0.00}   "
                + $"w = ({result.Weights[0]}, {result.Weights[1]}), b = {result.Bias}   predictions {Format(p.Predict(x).ToDoubleArray())}");
        }

        var network = TrainXorNetwork(x, Tensor.FromArray(Gates[3].Targets, 4, 1), networkSteps, seed);
        log.WriteLine($"Two-layer network 2 → 4 (tanh) → 1 (sigmoid), binary cross-entropy, Adam η = 0.05, {network.Steps} full-batch steps:");
        log.WriteLine($"  final loss {network.FinalLoss:0.0000}, σ(z) = {Format(network.Outputs, "0.000")} → "
            + $"{Format(network.Outputs.Select(o => Math.Round(o)).ToArray())} ({(network.Solved ? "XOR solved" : "not solved")})");
        return new LogicGatesResult(gates, network);
    }

    private static XorNetworkResult TrainXorNetwork(Tensor x, Tensor y, int steps, ulong seed)
    {
        var gen = new Generator(seed);
        var model = new Sequential(new Linear(2, 4, gen, dtype: DType.Float64), new Tanh(), new Linear(4, 1, gen, dtype: DType.Float64));
        var optimizer = new Adam(model.Parameters(), learningRate: 0.05);
        double loss = double.NaN;
        for (int step = 0; step < steps; step++)
        {
            optimizer.ZeroGrad();
            var l = model.Forward(x).BinaryCrossEntropyWithLogits(y);
            l.Backward();
            optimizer.Step();
            loss = l.Item();
        }
        double[] outputs;
        using (Recorder.NoGrad()) outputs = model.Forward(x).Sigmoid().ToDoubleArray();
        bool solved = outputs.Select(o => Math.Round(o)).SequenceEqual(Gates[3].Targets);
        return new XorNetworkResult(loss, outputs, solved, steps);
    }

    private static string Format(double[] v, string format = "0") =>
        "(" + string.Join(", ", v.Select(d => d.ToString(format, System.Globalization.CultureInfo.InvariantCulture))) + ")";
}
