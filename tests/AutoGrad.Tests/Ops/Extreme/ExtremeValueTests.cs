namespace AutoGrad.Tests.Ops.Extreme;

/// <summary>
/// Every op of the op table at extreme inputs (<see cref="ExtremeValues"/>), in float32 and float64, values and gradients against
/// float64 references: element-wise ops at every input and on pairs of inputs, row ops (softmax, reductions, losses, products)
/// on rows of each extreme magnitude.
/// </summary>
public class ExtremeValueTests
{
    public static TheoryData<string, DType> UnaryCases => Cases(ExtremeElementwiseTable.Unary.Select(r => r.Label));
    public static TheoryData<string, DType> BinaryCases => Cases(ExtremeElementwiseTable.Binary.Select(r => r.Label));
    public static TheoryData<string, DType> RowCases => Cases(ExtremeRowTable.Rows_.Select(r => r.Label));

    private static TheoryData<string, DType> Cases(IEnumerable<string> labels)
    {
        var data = new TheoryData<string, DType>();
        foreach (var l in labels) { data.Add(l, DType.Float32); data.Add(l, DType.Float64); }
        return data;
    }

    [Theory, MemberData(nameof(UnaryCases))]
    public void Element_wise_op_matches_its_float64_reference_at_extreme_inputs(string label, DType dt)
    {
        var row = ExtremeElementwiseTable.Unary.Single(r => r.Label == label);
        var xs = ExtremeValues.Inputs(dt);
        var x = ExtremeValues.Make(xs, dt).RequireGrad();
        var y = row.Apply(x);
        y.Backward(Tensor.OnesLike(y));
        var got = y.ToDoubleArray();
        var grad = x.Grad!.ToDoubleArray();
        var report = string.Join("\n", new[]
        {
            ExtremeValues.Mismatches("value", xs, got, xs.Select(row.Value).ToArray(), dt, row.Ulps),
            ExtremeValues.Mismatches("gradient", xs, grad, xs.Select(v => double.IsFinite(v) ? row.Derivative(v) : 0).ToArray(), dt, row.GradUlps,
                i => double.IsFinite(xs[i])),
        }.Where(s => s.Length > 0));
        Assert.True(report.Length == 0, $"{label} in {dt}:\n{report}");
    }

    [Theory, MemberData(nameof(BinaryCases))]
    public void Binary_op_matches_its_float64_reference_on_pairs_of_extreme_inputs(string label, DType dt)
    {
        var row = ExtremeElementwiseTable.Binary.Single(r => r.Label == label);
        var first = (row.FirstOperands ?? ExtremeValues.Inputs(dt)).Select(v => ExtremeValues.Round(v, dt)).ToArray();
        var second = (row.SecondOperands ?? ExtremeValues.Inputs(dt)).Select(v => ExtremeValues.Round(v, dt)).ToArray();
        var av = first.SelectMany(a => second.Select(_ => a)).ToArray();
        var bv = first.SelectMany(_ => second).ToArray();
        var a = ExtremeValues.Make(av, dt).RequireGrad();
        var b = ExtremeValues.Make(bv, dt).RequireGrad();
        var y = row.Apply(a, b);
        y.Backward(Tensor.OnesLike(y));
        var pairs = av.Select((v, i) => $"({v:R}, {bv[i]:R})").ToArray();
        bool Finite(int i) => double.IsFinite(av[i]) && double.IsFinite(bv[i]);
        var report = string.Join("\n", new[]
        {
            Mismatches("value", pairs, y.ToDoubleArray(), av.Select((v, i) => row.Value(v, bv[i])).ToArray(), dt, row.Ulps, null),
            Mismatches("∂/∂a", pairs, a.Grad!.ToDoubleArray(), av.Select((v, i) => Finite(i) ? row.DerivativeA(v, bv[i]) : 0).ToArray(), dt, row.GradUlps, Finite),
            Mismatches("∂/∂b", pairs, b.Grad!.ToDoubleArray(), av.Select((v, i) => Finite(i) ? row.DerivativeB(v, bv[i]) : 0).ToArray(), dt, row.GradUlps, Finite),
        }.Where(s => s.Length > 0));
        Assert.True(report.Length == 0, $"{label} in {dt}:\n{report}");
    }

    [Theory, MemberData(nameof(RowCases))]
    public void Row_op_matches_its_float64_reference_on_rows_of_extreme_magnitude(string label, DType dt)
    {
        var op = ExtremeRowTable.Rows_.Single(r => r.Label == label);
        var lines = new List<string>();
        foreach (var xs in ExtremeRowTable.Rows(dt))
        {
            if (op.Domain is not null && !op.Domain(xs)) continue;
            var x = ExtremeValues.Make(xs, dt).RequireGrad();
            var y = op.Apply(x);
            var seed = ExtremeRowTable.Seed.Take(y.Size).ToArray();
            y.Backward(ExtremeValues.Make(seed, dt).Reshape(y.Shape), createGraph: op.CreateGraph);
            string row = $"[{string.Join(", ", xs.Select(v => v.ToString("R")))}]";
            var inputs = Enumerable.Repeat(row, Math.Max(y.Size, xs.Length)).ToArray();
            double size = op.Normwise ? xs.Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(0).Max() : 0;
            var value = Mismatches("value", inputs, y.ToDoubleArray(), op.Value(xs), dt, op.Ulps, null, op.Normwise, size);
            var grad = Mismatches("gradient", inputs, x.Grad!.ToDoubleArray(), op.Gradient(xs, seed), dt, op.GradUlps, null, op.Normwise);
            if (value.Length > 0) lines.Add(value);
            if (grad.Length > 0) lines.Add(grad);
        }
        Assert.True(lines.Count == 0, $"{label} in {dt}:\n{string.Join("\n", lines)}");
    }

    private static string Mismatches(string what, string[] at, double[] got, double[] want, DType dt, double ulps, Func<int, bool>? check,
        bool normwise = false, double inputSize = 0)
    {
        Assert.Equal(want.Length, got.Length);
        double? scale = normwise ? Math.Max(inputSize, want.Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(0).Max()) : null;
        var lines = new List<string>();
        for (int i = 0; i < want.Length; i++)
        {
            if (check is not null && !check(i)) continue;
            var m = ExtremeValues.Mismatch(got[i], want[i], dt, ulps, scale);
            if (m is not null) lines.Add($"{what}[{i}] at {at[i]}: {m}");
        }
        return string.Join("\n", lines);
    }
}
