using AutoGrad.Differentiation;
using AutoGrad.NN;

namespace AutoGrad.Tests.Interop;

/// <summary>
/// The AutoGrad equivalents of the PyTorch models in tests/fixtures/make_torch_fixtures.py (same names, shapes and module trees, so
/// the state dicts match name for name), and the cases the script writes.
/// </summary>
public static class InteropModels
{
    /// <summary>(case, model, training mode), as CASES in the script.</summary>
    public static readonly (string Case, string Model, bool Training)[] Cases =
        [("mlp", "mlp", true), ("cnn_train", "cnn", true), ("cnn_eval", "cnn", false), ("lstm", "lstm", true), ("gru", "gru", true), ("rnn", "rnn", true),
         ("lstm_cell", "lstm_cell", true), ("gru_cell", "gru_cell", true), ("rnn_cell", "rnn_cell", true),
         ("encoder", "encoder", true), ("encoder_pre_gelu", "encoder_pre_gelu", true), ("encoder_mask", "encoder", true),
         ("encoder_stack", "encoder_stack", true)];

    /// <summary>
    /// The boolean key padding mask (N, S) of a case that has one (True = padded, PyTorch's <c>src_key_padding_mask</c>), as KEY_PADDING
    /// in the script: the second sequence's last two keys; null for the other cases.
    /// </summary>
    public static Tensor? KeyPaddingMask(string caseName) => caseName == "encoder_mask"
        ? Tensor.FromArray(new[] { false, false, false, false, false, false, false, false, true, true }, 2, 5)
        : null;

    /// <summary>The input shape of each model, as MODELS in the script.</summary>
    public static int[] InputShape(string model) => model switch
    {
        "mlp" => [6, 4],
        "cnn" => [4, 2, 4, 4],
        "lstm_cell" or "gru_cell" or "rnn_cell" => [6, 3],
        "encoder" or "encoder_pre_gelu" or "encoder_stack" => [2, 5, 8],
        _ => [2, 5, 3],
    };

    /// <summary>A freshly initialised model of the named kind.</summary>
    public static Module Build(string model, DType dtype, ulong seed = 1)
    {
        var g = new Generator(seed);
        Module m = model switch
        {
            "mlp" => new Sequential(new Linear(4, 5, g, dtype: dtype), new Tanh(), new Linear(5, 3, g, dtype: dtype)),
            "cnn" => new Sequential(new Conv2d(2, 3, 3, g, padding: 1, dtype: dtype), new BatchNorm2d(3, dtype: dtype), new Relu(), new MaxPool2d(2),
                new Flatten(), new Linear(12, 4, g, dtype: dtype)),
            "lstm" => new Lstm(3, 4, g, dtype),
            "gru" => new Gru(3, 4, g, dtype),
            "rnn" => new Rnn(3, 4, g, dtype),
            "lstm_cell" => new LstmCell(3, 4, g, dtype),   // one step from zero states; the output is h'
            "gru_cell" => new GruCell(3, 4, g, dtype),
            "rnn_cell" => new RnnCell(3, 4, g, dtype),
            // nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, batch_first=True, ...): post-norm ReLU, pre-norm GELU
            "encoder" => new TransformerEncoderLayer(8, 2, g, dimFeedforward: 16, dropout: 0, dtype: dtype),
            "encoder_pre_gelu" => new TransformerEncoderLayer(8, 2, g, dimFeedforward: 16, dropout: 0, activation: TransformerActivation.Gelu, normFirst: true, dtype: dtype),
            // nn.TransformerEncoder(<the post-norm ReLU layer>, 2): layers.0.…, layers.1.…
            "encoder_stack" => new TransformerEncoder(new TransformerEncoderLayer(8, 2, g, dimFeedforward: 16, dropout: 0, dtype: dtype), 2),
            _ => throw new ArgumentException($"no interop model '{model}'"),
        };
        // As the script does: BatchNorm's defaults (γ = 1, β = 0, μ = 0, σ² = 1) would hide a swapped name or a wrong formula.
        if (m is Sequential s && s[1] is BatchNorm bn)
            using (Recorder.NoGrad())
            {
                bn.Weight!.CopyFrom(Tensor.Uniform(bn.Weight.Shape, g, 0.5, 1.5, dtype));
                bn.Bias!.CopyFrom(Tensor.Uniform(bn.Bias.Shape, g, -0.5, 0.5, dtype));
                bn.RunningMean.CopyFrom(Tensor.Uniform(bn.RunningMean.Shape, g, -0.5, 0.5, dtype));
                bn.RunningVar.CopyFrom(Tensor.Uniform(bn.RunningVar.Shape, g, 0.5, 2.0, dtype));
            }
        return m;
    }

    /// <summary>The fixtures' file suffix of a dtype: <c>f32</c> or <c>f64</c>.</summary>
    public static string Suffix(DType dtype) => dtype == DType.Float32 ? "f32" : "f64";

    /// <summary>
    /// Runs <paramref name="x"/> through <paramref name="model"/> in the given mode and backpropagates <paramref name="gradOutput"/>;
    /// returns the output and the gradients named as the script names them (<c>grad.input</c>, <c>grad.&lt;parameter&gt;</c>), and in
    /// training the running statistics afterwards (<c>after.&lt;buffer&gt;</c>). A <paramref name="keyPaddingMask"/> goes to a
    /// <see cref="TransformerEncoderLayer"/> as its <c>srcKeyPaddingMask</c>.
    /// </summary>
    public static Dictionary<string, Tensor> Run(Module model, Tensor x, Tensor gradOutput, bool training, Tensor? keyPaddingMask = null)
    {
        model.Train(training);
        model.ZeroGrad();
        var input = x.Detach().Clone().RequireGrad();
        var y = keyPaddingMask is null ? model.Forward(input) : ((TransformerEncoderLayer)model).Forward(input, null, keyPaddingMask);
        y.Backward(gradOutput);
        var result = new Dictionary<string, Tensor> { ["output"] = y.Detach(), ["grad.input"] = input.Grad! };
        foreach (var (k, p) in model.NamedParameters()) result["grad." + k] = p.Grad!;
        if (training)
            foreach (var (k, b) in model.NamedBuffers())
                if (k.EndsWith("running_mean", StringComparison.Ordinal) || k.EndsWith("running_var", StringComparison.Ordinal)) result["after." + k] = b.Detach().Clone();
        return result;
    }
}
