namespace AutoGrad.Tests.Interop;

/// <summary>
/// PyTorch's state dicts (tests/fixtures/torch, written by tests/fixtures/make_torch_fixtures.py) load into the AutoGrad equivalents
/// with no renaming or transposing, and the outputs, the gradients with respect to the input and every parameter, and the
/// running statistics after a training step match PyTorch's to 1e-6 (float32) and 1e-12 (float64): <c>|a − e| ≤ tol·(1 + |e|)</c>.
/// </summary>
public class TorchFixtureTests
{
    public static TheoryData<string, DType> Cases()
    {
        var data = new TheoryData<string, DType>();
        foreach (var (c, _, _) in InteropModels.Cases)
            foreach (var dt in new[] { DType.Float32, DType.Float64 }) data.Add(c, dt);
        return data;
    }

    [Theory, MemberData(nameof(Cases))]
    public void PyTorch_state_dict_loads_and_outputs_and_gradients_match(string name, DType dtype)
    {
        var (_, model, training) = InteropModels.Cases.Single(c => c.Case == name);
        var io = TorchFixtures.Load($"{name}_{InteropModels.Suffix(dtype)}.io.safetensors");
        Assert.Equal(model, io.Metadata["model"]);
        var state = TorchFixtures.Load(io.Metadata["state"]).Tensors;
        Assert.All(state.Values.Where(t => t.DType.IsFloatingPoint()), t => Assert.Equal(dtype, t.DType));   // num_batches_tracked is PyTorch's int64

        var m = InteropModels.Build(model, dtype, seed: 99);
        m.LoadStateDict(state);   // strict: every name of PyTorch's state dict is one of AutoGrad's and the other way round
        var mask = io.Tensors.GetValueOrDefault("mask");
        Assert.Equal(InteropModels.KeyPaddingMask(name)?.ToBoolArray(), mask?.ToBoolArray());   // the script's KEY_PADDING is InteropModels'
        var ours = InteropModels.Run(m, io.Tensors["input"], io.Tensors["grad_output"], training, mask);

        // The fixture holds exactly the gradients AutoGrad computes, so a parameter PyTorch has and AutoGrad lacks is caught here.
        var expectedNames = io.Tensors.Keys.Where(k => k.StartsWith("grad.", StringComparison.Ordinal) || k.StartsWith("after.", StringComparison.Ordinal)).Order();
        Assert.Equal(expectedNames, ours.Keys.Where(k => k != "output").Order());
        double tol = dtype == DType.Float32 ? 1e-6 : 1e-12;
        foreach (var (k, v) in ours) TorchFixtures.AssertClose(io.Tensors[k], v, tol, $"{name} {dtype.Name()} '{k}'");
    }

    [Fact]
    public void Fixture_names_are_PyTorch_names_for_the_module_tree()
    {
        Assert.Equal(["0.bias", "0.weight", "1.bias", "1.num_batches_tracked", "1.running_mean", "1.running_var", "1.weight", "5.bias", "5.weight"],
            TorchFixtures.Load("cnn_f32.safetensors").Tensors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(DType.Int64, TorchFixtures.Load("cnn_f32.safetensors").Tensors["1.num_batches_tracked"].DType);   // PyTorch's I64, loaded as it is
        Assert.Equal(["bias_hh_l0", "bias_ih_l0", "weight_hh_l0", "weight_ih_l0"], TorchFixtures.Load("lstm_f32.safetensors").Tensors.Keys.Order());
        var lstm = TorchFixtures.Load("lstm_f64.safetensors").Tensors;
        Assert.Equal(new Shape(16, 3), lstm["weight_ih_l0"].Shape);   // (4H, in), gates i, f, g, o
        Assert.Equal(new Shape(16, 4), lstm["weight_hh_l0"].Shape);
        Assert.Equal(new Shape(12, 3), TorchFixtures.Load("gru_f64.safetensors").Tensors["weight_ih_l0"].Shape);   // (3H, in), gates r, z, n
        Assert.Equal(new Shape(5, 4), TorchFixtures.Load("mlp_f64.safetensors").Tensors["0.weight"].Shape);   // Linear(4, 5): (out, in)
        Assert.Equal(["bias_hh", "bias_ih", "weight_hh", "weight_ih"], TorchFixtures.Load("lstm_cell_f32.safetensors").Tensors.Keys.Order());
        Assert.Equal(new Shape(16, 3), TorchFixtures.Load("lstm_cell_f32.safetensors").Tensors["weight_ih"].Shape);
        var encoder = TorchFixtures.Load("encoder_f32.safetensors").Tensors;
        Assert.Equal(["linear1.bias", "linear1.weight", "linear2.bias", "linear2.weight", "norm1.bias", "norm1.weight", "norm2.bias", "norm2.weight",
            "self_attn.in_proj_bias", "self_attn.in_proj_weight", "self_attn.out_proj.bias", "self_attn.out_proj.weight"], encoder.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new Shape(24, 8), encoder["self_attn.in_proj_weight"].Shape);   // (3E, E): q, k, v stacked
        Assert.Equal(new Shape(16, 8), encoder["linear1.weight"].Shape);   // (dim_feedforward, E)
        var stack = TorchFixtures.Load("encoder_stack_f32.safetensors").Tensors.Keys.ToHashSet();
        Assert.Equal(24, stack.Count);   // 12 per layer
        Assert.Contains("layers.1.self_attn.in_proj_weight", stack);
    }
}
