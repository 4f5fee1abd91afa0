using AutoGrad.NN;

namespace AutoGrad.Tests.Interop;

/// <summary>A state dict that does not fit the model is refused with every problem listed at once, and the model is not changed.</summary>
public class StateDictErrorTests
{
    private static Dictionary<string, Tensor> Mlp() => new(TorchFixtures.Load("mlp_f64.safetensors").Tensors);

    private static void AssertRefusedAndUnchanged(Module model, Dictionary<string, Tensor> state, params string[] fragments)
    {
        var before = model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToDoubleArray());
        var e = Assert.Throws<ArgumentException>(() => model.LoadStateDict(state));
        foreach (var f in fragments) Assert.Contains(f, e.Message);
        Assert.Contains("The model was not changed", e.Message);
        foreach (var (k, v) in model.StateDict()) Assert.Equal(before[k], v.ToDoubleArray());
    }

    [Fact]
    public void Missing_and_extra_names_are_all_listed()
    {
        var state = Mlp();
        state.Remove("0.bias");
        state["2.weight_extra"] = state["2.weight"];
        state["layers.0.weight"] = state["0.weight"];
        state.Remove("0.weight");
        AssertRefusedAndUnchanged(InteropModels.Build("mlp", DType.Float64), state,
            "missing key '0.bias'", "missing key '0.weight'", "unexpected key '2.weight_extra'", "unexpected key 'layers.0.weight'");
    }

    [Fact]
    public void A_weight_in_the_old_in_out_layout_is_named_with_both_shapes_and_a_transpose_hint()
    {
        var state = Mlp();
        state["0.weight"] = state["0.weight"].Transpose(0, 1).Detach();   // (4, 5): how AutoGrad stored Linear(4, 5) before
        AssertRefusedAndUnchanged(InteropModels.Build("mlp", DType.Float64), state,
            "'0.weight' has shape (4, 5) in the state but (5, 4) in the model", "its transpose", "(out, in)");
    }

    [Fact]
    public void A_shape_mismatch_that_is_no_transpose_gets_no_hint()
    {
        var state = Mlp();
        state["2.bias"] = Tensor.Zeros(new Shape(4), DType.Float64);
        var e = Assert.Throws<ArgumentException>(() => InteropModels.Build("mlp", DType.Float64).LoadStateDict(state));
        Assert.Contains("'2.bias' has shape (4,) in the state but (3,) in the model", e.Message);
        Assert.DoesNotContain("transpose", e.Message);
    }

    [Fact]
    public void A_recurrent_weight_in_the_old_layout_is_refused()
    {
        var state = new Dictionary<string, Tensor>(TorchFixtures.Load("gru_f64.safetensors").Tensors);
        state["weight_hh_l0"] = state["weight_hh_l0"].Transpose(0, 1).Detach();
        AssertRefusedAndUnchanged(InteropModels.Build("gru", DType.Float64), state, "'weight_hh_l0' has shape (4, 12) in the state but (12, 4) in the model", "its transpose");
    }
}
