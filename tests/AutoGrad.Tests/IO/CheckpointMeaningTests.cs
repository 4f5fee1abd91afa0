using AutoGrad.Data;
using AutoGrad.IO;
using AutoGrad.NN;
using AutoGrad.Optim;
using ResumeTraining;

namespace AutoGrad.Tests.IO;

// Checkpoints that parse but mean nothing (issue 12): each must be refused with an InvalidDataException naming the file and
// every problem, and leave model, optimizer, generators and scaler exactly as they were.
public sealed class CheckpointMeaningTests
{
    private static readonly byte[] Good = MakeGood();

    private static byte[] MakeGood()
    {
        var r = new ResumeRecipe(seed: 42);
        r.Train(1);
        return Checkpoint.Serialize(r.Trainer.Components, 1);
    }

    // The good checkpoint edited, without its checksum (as a file from before checksums), so the checks of meaning are what refuse it.
    private static SafeTensorsContent Edited(Action<Dictionary<string, Tensor>, Dictionary<string, string>> edit)
    {
        var content = SafeTensors.Deserialize(Good);
        var t = new Dictionary<string, Tensor>(content.Tensors);
        var m = new Dictionary<string, string>(content.Metadata);
        m.Remove("checksum");
        edit(t, m);
        return SafeTensors.Deserialize(SafeTensors.Serialize(t, m));
    }

    private static string Snapshot(ResumeRecipe r) =>
        Convert.ToHexString(r.WeightBytes()) + "|" + Convert.ToHexString(r.OptimizerBytes()) + "|" + string.Join(",", r.Shuffle.GetState()) + "|" +
        string.Join(",", r.Dropout.GetState()) + "|" + string.Join(",", r.Scaler.Mean.ToDoubleArray()) + string.Join(",", r.Scaler.Std.ToDoubleArray());

    // Applies the content to a trained recipe; asserts the refusal changed nothing and returns the message.
    private static string Refused(SafeTensorsContent content)
    {
        var target = new ResumeRecipe(seed: 5);
        target.Train(1);
        var before = Snapshot(target);
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Apply(content, target.Trainer.Components, "/tmp/run/bad.ckpt"));
        Assert.StartsWith("bad.ckpt: ", e.Message);
        Assert.Equal(before, Snapshot(target));
        return e.Message;
    }

    private static Tensor With(Tensor t, int flat, double value)
    {
        var v = t.ToDoubleArray();
        v[flat] = value;
        return Tensor.FromArray(v).Reshape(t.Shape.ToArray()).To(t.DType);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1E+308")]
    [InlineData("-1")]
    public void A_stored_learning_rate_of_NaN_infinity_1e308_or_minus_one_is_refused_as_the_constructor_refuses_it(string lr)
    {
        var message = Refused(Edited((_, m) => m["optim.scalar.lr"] = lr));
        var expected = $"learning rate must be finite and in [0, 1000000], got {lr}";
        Assert.Contains($"optimizer: {expected}", message);
        // The same check, word for word, in the constructor, the setter (schedules) and LoadStateDict.
        double value = double.Parse(lr, System.Globalization.CultureInfo.InvariantCulture);
        var p = Tensor.Zeros(new Shape(2)).RequireGrad();
        Assert.Contains(expected, Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([p], value)).Message);
        var adam = new Adam([p], 0.01);
        Assert.Contains(expected, Assert.Throws<ArgumentOutOfRangeException>(() => adam.LearningRate = value).Message);
        Assert.Equal(0.01, adam.LearningRate);
    }

    [Fact]
    public void A_renamed_optimizer_state_tensor_is_refused_instead_of_restarting_the_moment_at_zero()
    {
        var message = Refused(Edited((t, _) => { t["optim.0.exp_avg_sp"] = t["optim.0.exp_avg_sq"]; t.Remove("optim.0.exp_avg_sq"); }));
        Assert.Contains("state 'optim.0.exp_avg_sp' is unexpected: Adam keeps 'exp_avg', 'exp_avg_sq' per parameter", message);
        Assert.Contains("parameter 0 has '0.exp_avg' but lacks '0.exp_avg_sq'", message);
    }

    [Fact]
    public void Missing_and_extra_optimizer_tensors_are_all_listed_in_one_error()
    {
        var message = Refused(Edited((t, m) =>
        {
            t.Remove("optim.1.exp_avg");
            t["optim.0.momentum"] = t["optim.0.exp_avg"];
            t["optim.9.exp_avg"] = t["optim.0.exp_avg"];
            m["optim.scalar.beta3"] = "0.5";
        }));
        Assert.Contains("state 'optim.0.momentum' is unexpected", message);
        Assert.Contains("state 'optim.9.exp_avg' does not name one of the 4 parameters", message);
        Assert.Contains("parameter 1 has '1.exp_avg_sq' but lacks '1.exp_avg'", message);
        Assert.Contains("unknown scalar 'beta3'", message);
    }

    [Fact]
    public void Negative_or_non_finite_second_moments_are_refused()
    {
        var message = Refused(Edited((t, _) =>
        {
            t["optim.2.exp_avg_sq"] = With(t["optim.2.exp_avg_sq"], 3, -0.25);
            t["optim.3.exp_avg"] = With(t["optim.3.exp_avg"], 0, double.NaN);
        }));
        Assert.Contains("state 'optim.2.exp_avg_sq' is a second moment but has the negative value -0.25", message);
        Assert.Contains("state 'optim.3.exp_avg' has 1 NaN and 0 infinite values", message);
    }

    [Fact]
    public void A_scaler_with_sigma_zero_is_refused()
    {
        var message = Refused(Edited((t, _) => t["pre.scaler.std"] = With(t["pre.scaler.std"], 2, 0)));
        Assert.Contains("preprocessor 'scaler': std must be finite and > 0 for every feature, got 0 at feature 2 (1 bad)", message);
        // LoadState applies the same check on its own.
        var scaler = new StandardScaler();
        var e = Assert.Throws<ArgumentException>(() => scaler.LoadState(new Dictionary<string, Tensor> { ["mean"] = Tensor.Zeros(new Shape(2)), ["std"] = Tensor.FromArray(new float[] { 1, 0 }) }));
        Assert.Contains("std must be finite and > 0 for every feature, got 0 at feature 1", e.Message);
        Assert.False(scaler.IsFitted);
        var minMax = new MinMaxScaler();
        e = Assert.Throws<ArgumentException>(() => minMax.LoadState(new Dictionary<string, Tensor> { ["min"] = Tensor.Zeros(new Shape(2)), ["range"] = Tensor.FromArray(new float[] { -1, 2 }) }));
        Assert.Contains("range must be finite and > 0 for every feature, got -1 at feature 0", e.Message);
    }

    [Fact]
    public void A_step_count_of_int_MaxValue_is_refused_and_a_step_never_wraps()
    {
        var message = Refused(Edited((_, m) => m["optim.scalar.step"] = int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Contains("the step count 2147483647 is not an integer in [0, 2147483646]", message);

        // The largest restorable count allows exactly one more step; the next is refused before any parameter changes.
        var p = Tensor.FromArray(new double[] { 1, 2 }).RequireGrad();
        var adam = new Adam([p], 0.1);
        var state = new OptimizerState();
        state.Scalars["step"] = Optimizer.MaxStepCount;
        state.Scalars["lr"] = 0.1;
        state.Tensors["0.exp_avg"] = Tensor.Zeros(new Shape(2), DType.Float64);
        state.Tensors["0.exp_avg_sq"] = Tensor.Zeros(new Shape(2), DType.Float64);
        adam.LoadStateDict(state);
        p.Grad = Tensor.FromArray(new double[] { 1, 1 });
        adam.Step();
        Assert.Equal(int.MaxValue, adam.StepCount);
        var before = p.ToDoubleArray();
        var e = Assert.Throws<InvalidOperationException>(() => adam.Step());
        Assert.Contains("the step count 2147483647 has reached int.MaxValue", e.Message);
        Assert.Equal(before, p.ToDoubleArray());
        Assert.Equal(int.MaxValue, adam.StepCount);
    }

    [Fact]
    public void An_all_zero_generator_state_is_refused()
    {
        var message = Refused(Edited((_, m) => m["generator.shuffle"] = "0,0,0,0,0,0"));
        Assert.Contains("generator 'shuffle' state is all zero (a xoshiro generator would return 0 forever)", message);
    }

    [Fact]
    public void Every_problem_is_listed_in_one_message()
    {
        var message = Refused(Edited((t, m) =>
        {
            m["optim.scalar.lr"] = "NaN";
            t["pre.scaler.std"] = With(t["pre.scaler.std"], 0, 0);
            m["generator.dropout"] = "0,0,0,0,0,0";
            t["model.0.bias"] = With(t["model.0.bias"], 0, double.PositiveInfinity);
        }));
        Assert.Contains("learning rate must be finite", message);
        Assert.Contains("std must be finite and > 0", message);
        Assert.Contains("generator 'dropout' state", message);
        Assert.Contains("the model's '0.bias' has 0 NaN and 1 infinite values", message);
    }
}
