using AutoGrad.NN;
namespace AutoGrad.Tests.Ops.Extreme;

/// <summary>
/// Every op-table row has extreme-value rows (<see cref="ExtremeValueTests"/>), is a pure data movement checked bit for bit
/// below, or is in <see cref="Exempt"/> with the reason; and movement ops carry extreme values through unchanged.
/// </summary>
public class ExtremeValueCoverageTests
{
    /// <summary>Op-table names with no extreme rows of their own, and why.</summary>
    public static readonly IReadOnlyDictionary<string, string> Exempt = new Dictionary<string, string>
    {
        ["BinaryCrossEntropy"] = "clips probabilities to [1e-7, 1 − 1e-7] by design (LossFunctions.ProbabilityEpsilon); the exact form is BinaryCrossEntropyWithLogits, which has rows",
        ["CategoricalCrossEntropy"] = "clips probabilities like BinaryCrossEntropy; the exact form is SoftmaxCrossEntropy, which has rows",
        ["SumTo"] = "a Sum along the broadcast axes (the engine's gradient reduction); Sum has rows",
        ["ScatterAdd"] = "adds source values into x at indices, element by element: Add has rows",
        ["IndexAdd"] = "adds source rows into x at indices, element by element: Add has rows, and IndexSelect (its adjoint) a movement row",
        ["Glu"] = "a·σ(b) on two halves: Multiply and Sigmoid have rows",
        ["MaxPool2d"] = "the Max of each window, with the same NaN-wins comparison as Max (which has rows) and −∞ padding (PadInfinityTests)",
        ["AvgPool2d"] = "the Mean of each window through Conv2d's im2col view: Mean, Conv2d and Im2Col have rows",
        ["Sort"] = "a permutation by value, so the position-tracing movement check does not apply; Dtypes/SortingTests check ±∞, −0 and NaN arrive bit for bit in PyTorch's order",
        ["TopK"] = "the first k values of Sort's permutation; Dtypes/SortingTests check its order and gradient, and Sort's extreme-value test covers the values",
        ["FunctionalCall"] = "runs a module's forward with the given parameters; modules are exempt as a kind, their ops have rows",
        ["ScaledDotProductAttention"] = "a softmax-weighted average by a blocked kernel; held to the composed Softmax and MatMul (which have rows) with −∞ masks and fully masked rows in ScaledDotProductAttentionTests",
        ["Einsum"] = "lowered to strided diagonals, Sum, Permute, Reshape and MatMul, which have rows; EinsumTests checks it against them",
        ["RnnCell"] = "F.RnnCell is Linear (MatMul and Add, which have rows) and Tanh; its module RNNCell is composed the same way",
        ["GruCell"] = "F.GruCell is Linear (MatMul and Add, which have rows), Split, Sigmoid, Tanh and Multiply, which have rows",
    };

    /// <summary>Ops that only move, copy or select values; each is run on a tensor of positions and on extreme values.</summary>
    public static readonly IReadOnlyDictionary<string, Func<Tensor, Tensor>> Movement = new Dictionary<string, Func<Tensor, Tensor>>
    {
        ["Reshape"] = x => x.Reshape(4, 3),
        ["Flatten"] = x => x.Flatten(),
        ["Permute"] = x => x.Permute(1, 0),
        ["Transpose"] = x => x.Transpose(),
        ["Squeeze"] = x => x.Unsqueeze(0).Squeeze(0),
        ["Unsqueeze"] = x => x.Unsqueeze(1),
        ["Slice"] = x => x.Slice(1, 1, 4, 2),
        ["Select"] = x => x.Select(0, 2),
        ["BroadcastTo"] = x => x.Select(0, 1).BroadcastTo(new Shape(2, 4)),
        ["Concat"] = x => CombineOps.Concat([x, x.Slice(0, 0, 1)], 0),
        ["Stack"] = x => CombineOps.Stack([x, Flip(x)], 1),
        ["Split"] = x => x.Split([1, 3], 1)[1],
        ["Pad"] = x => x.Pad([(1, 0), (0, 2)]),
        ["IndexSelect"] = x => x.IndexSelect(1, [3, 0, 3]),
        ["Gather"] = x => x.Gather(1, Tensor.FromArray(new double[] { 3, 1, 0, 2, 2, 2 }, 3, 2).To(x.DType)),
        ["Im2Col"] = x => x.Reshape(1, 1, 3, 4).Im2Col(2, 2, 2),
        ["Where"] = x => CombineOps.Where(Tensor.FromArray(new double[] { 1, 0, 0, 1 }, 4).To(x.DType), x, Flip(x)),
        ["Tril"] = x => x.Tril(1),
        ["Triu"] = x => x.Triu(-1),
        ["MaskedFill"] = x => x.MaskedFill(Tensor.FromArray(new double[] { 0, 1, 0, 1 }, 4).To(x.DType), 0),
        ["RepeatInterleave"] = x => x.RepeatInterleave([2, 0, 1], 0),
    };

    private static Tensor Flip(Tensor x) => x.IndexSelect(0, [.. Enumerable.Range(0, x.Shape[0]).Reverse()]);

    [Fact]
    public void Every_op_table_row_has_extreme_rows_or_a_documented_exemption()
    {
        var names = OpTable.All.Select(c => c.Name).ToHashSet();
        var covered = ExtremeElementwiseTable.Unary.Select(r => r.Name)
            .Concat(ExtremeElementwiseTable.Binary.Select(r => r.Name))
            .Concat(ExtremeRowTable.Rows_.Select(r => r.Name))
            .Concat(Movement.Keys).ToHashSet();
        // A module's forward is composed of ops that have rows here (Linear: MatMul and Add; RNN cells: MatMul, Tanh, Sigmoid;
        // norms: Mean, Var, Sqrt, Divide), so modules are exempt as a kind.
        var modules = typeof(AutoGrad.NN.Module).Assembly.GetExportedTypes().Where(t => t.IsSubclassOf(typeof(AutoGrad.NN.Module)))
            .Select(t => t.Name).Where(n => !covered.Contains(n) && !Exempt.ContainsKey(n)).ToHashSet();
        Assert.Contains("Linear", modules);
        covered.UnionWith(modules);
        var missing = names.Where(n => !covered.Contains(n) && !Exempt.ContainsKey(n)).Order().ToArray();
        Assert.True(missing.Length == 0, "Op-table rows with no extreme-value rows and no exemption: " + string.Join(", ", missing));
        var stale = covered.Where(n => !modules.Contains(n)).Concat(Exempt.Keys).Where(n => !names.Contains(n)).Order().ToArray();
        Assert.True(stale.Length == 0, "Extreme-value rows naming no op-table row: " + string.Join(", ", stale));
        var both = Exempt.Keys.Where(covered.Contains).ToArray();
        Assert.True(both.Length == 0, "Exempt but covered: " + string.Join(", ", both));
        Assert.All(Exempt.Values, reason => Assert.True(reason.Length > 20));
    }

    public static TheoryData<string, DType> MovementCases()
    {
        var data = new TheoryData<string, DType>();
        foreach (var k in Movement.Keys) { data.Add(k, DType.Float32); data.Add(k, DType.Float64); }
        return data;
    }

    // Positions 1..12 through the op say where each output element comes from (0: a pad); the extreme values must arrive there
    // bit for bit, NaN as NaN.
    [Theory, MemberData(nameof(MovementCases))]
    public void Movement_op_carries_extreme_values_through_unchanged(string name, DType dt)
    {
        var op = Movement[name];
        var all = ExtremeValues.Inputs(dt);
        double[] values = [.. all.Take(6), .. all.Skip(all.Length - 6)];
        var positions = op(ExtremeValues.Make([.. Enumerable.Range(1, 12).Select(i => (double)i)], dt, 3, 4)).ToDoubleArray();
        var x = ExtremeValues.Make(values, dt, 3, 4);
        var y = op(x).ToDoubleArray();
        Assert.Equal(positions.Length, y.Length);
        for (int i = 0; i < y.Length; i++)
        {
            double want = positions[i] == 0 ? 0 : ExtremeValues.Round(values[(int)positions[i] - 1], dt);
            Assert.True(want.Equals(y[i]) || (want == 0 && y[i] == 0), $"{name} in {dt}: element {i} is {y[i]:R}, expected {want:R} (from position {positions[i]})");
        }
    }
}
