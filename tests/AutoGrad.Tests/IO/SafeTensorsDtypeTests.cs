using System.Buffers.Binary;
using AutoGrad.IO;
using AutoGrad.NN;
using static AutoGrad.Tests.IO.SafeTensorsTests;

namespace AutoGrad.Tests.IO;

/// <summary>Every safetensors dtype AutoGrad loads, the one it saves per tensor, and conversions into a model.</summary>
public class SafeTensorsDtypeTests
{
    private static byte[] One(string dtype, int count, byte[] data) =>
        HandBuilt($$$"""{"x":{"dtype":"{{{dtype}}}","shape":[{{{count}}}],"data_offsets":[0,{{{data.Length}}}]}}""", dataOverride: data);

    private static Tensor Read(byte[] bytes) => SafeTensors.Deserialize(bytes, "t.safetensors").Tensors["x"];

    [Fact]
    public void Integer_and_bool_tensors_round_trip_with_their_own_dtype_and_the_metadata()
    {
        var tensors = new Dictionary<string, Tensor>
        {
            ["l"] = Tensor.FromArray(new[] { long.MinValue, -1, long.MaxValue }),
            ["i"] = Tensor.FromArray(new[] { int.MinValue, 7 }, 2, 1),
            ["b"] = Tensor.FromArray(new[] { true, false, true }),
            ["f"] = Tensor.FromArray(new[] { 0.5f }),
        };
        var bytes = SafeTensors.Serialize(tensors, new Dictionary<string, string> { ["format"] = "pt", ["note"] = "ü" });
        var header = System.Text.Encoding.UTF8.GetString(bytes, 8, (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        Assert.Contains("\"l\":{\"dtype\":\"I64\"", header);
        Assert.Contains("\"i\":{\"dtype\":\"I32\"", header);
        Assert.Contains("\"b\":{\"dtype\":\"BOOL\"", header);
        var back = SafeTensors.Deserialize(bytes);
        Assert.Equal(new[] { long.MinValue, -1, long.MaxValue }, back.Tensors["l"].ToInt64Array());
        Assert.Equal(new Shape(2, 1), back.Tensors["i"].Shape);
        Assert.Equal(new[] { int.MinValue, 7 }, back.Tensors["i"].ToInt32Array());
        Assert.Equal(new[] { true, false, true }, back.Tensors["b"].ToBoolArray());
        Assert.Equal(DType.Float32, back.Tensors["f"].DType);
        Assert.Equal("ü", back.Metadata["note"]);
        Assert.Equal("pt", back.Metadata["format"]);
    }

    [Fact]
    public void Integers_are_little_endian_in_the_file()
    {
        var bytes = SafeTensors.Serialize(new Dictionary<string, Tensor> { ["x"] = Tensor.FromArray(new[] { 0x01020304 }) });
        Assert.Equal(new byte[] { 4, 3, 2, 1 }, bytes[^4..]);
        var l = Read(One("I64", 1, [8, 7, 6, 5, 4, 3, 2, 1]));
        Assert.Equal(new[] { 0x0102030405060708L }, l.ToInt64Array());
    }

    [Fact]
    public void Narrow_integers_widen_to_int32_with_their_signs()
    {
        var i16 = Read(One("I16", 2, [0xFE, 0xFF, 0x01, 0x80]));   // −2 and −32767
        Assert.Equal(DType.Int32, i16.DType);
        Assert.Equal(new[] { -2, -32767 }, i16.ToInt32Array());
        Assert.Equal(new[] { -1, 127, -128 }, Read(One("I8", 3, [0xFF, 0x7F, 0x80])).ToInt32Array());
        Assert.Equal(new[] { 255, 0, 128 }, Read(One("U8", 3, [0xFF, 0x00, 0x80])).ToInt32Array());
    }

    [Fact]
    public void Half_floats_widen_exactly_to_float32_keeping_infinities_and_NaN_payloads()
    {
        // F16: 1.0 = 0x3C00, −2.5 = 0xC100, +∞ = 0x7C00, a signalling NaN 0x7C01, smallest subnormal 0x0001 = 2^−24.
        var f16 = Read(One("F16", 5, [0x00, 0x3C, 0x00, 0xC1, 0x00, 0x7C, 0x01, 0x7C, 0x01, 0x00]));
        Assert.Equal(DType.Float32, f16.DType);
        var v = f16.ToFloatArray();
        Assert.Equal(new[] { 1f, -2.5f, float.PositiveInfinity }, v[..3]);
        Assert.True(float.IsNaN(v[3]));
        Assert.Equal(MathF.Pow(2, -24), v[4]);
        // BF16 is the upper half of a float32: 0x3FC0 = 1.5, 0xFF80 = −∞, 0x7FC1 a NaN whose payload survives bit for bit.
        var bf = Read(One("BF16", 3, [0xC0, 0x3F, 0x80, 0xFF, 0xC1, 0x7F])).ToFloatArray();
        Assert.Equal(1.5f, bf[0]);
        Assert.Equal(float.NegativeInfinity, bf[1]);
        Assert.Equal(0x7FC10000, BitConverter.SingleToInt32Bits(bf[2]));
    }

    [Theory]
    [InlineData("F16", 3, 4, "needs 6 bytes but data_offsets [0, 4] span 4")]
    [InlineData("BOOL", 2, 3, "needs 2 bytes but data_offsets [0, 3] span 3")]
    [InlineData("I64", 1, 4, "needs 8 bytes but data_offsets [0, 4] span 4")]
    [InlineData("U8", 2, 1, "needs 2 bytes but data_offsets [0, 1] span 1")]
    public void A_byte_length_that_does_not_match_the_dtype_and_shape_is_refused(string dtype, int count, int bytes, string fault)
    {
        var e = Assert.Throws<InvalidDataException>(() => Read(One(dtype, count, new byte[bytes])));
        Assert.StartsWith("t.safetensors: tensor 'x' of dtype " + dtype, e.Message);
        Assert.Contains(fault, e.Message);
    }

    [Fact]
    public void A_bool_byte_other_than_0_or_1_is_refused_and_a_file_load_names_it()
    {
        var e = Assert.Throws<InvalidDataException>(() => Read(One("BOOL", 3, [1, 0, 2])));
        Assert.Equal("t.safetensors: tensor 'x' of dtype BOOL holds the byte 2 at element 2; a bool is 0 or 1.", e.Message);
        var path = Path.Combine(Path.GetTempPath(), $"autograd-bool-{Guid.NewGuid():N}.safetensors");
        File.WriteAllBytes(path, One("BOOL", 3, [1, 0, 2]));
        try { Assert.Contains("holds the byte 2", Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path)).Message); }
        finally { File.Delete(path); }
    }

    [Fact]
    public void A_PyTorch_style_BatchNorm_state_with_I64_num_batches_tracked_and_F16_weights_loads_into_a_model()
    {
        var bn = new BatchNorm1d(2);
        var state = new Dictionary<string, Tensor>
        {
            ["weight"] = Tensor.FromArray(new[] { 2.0f, 3.0f }),
            ["bias"] = Tensor.FromArray(new[] { 0.5f, -0.5f }),
            ["running_mean"] = Tensor.FromArray(new[] { 1.0, 2.0 }),   // F64 into float32: converted
            ["running_var"] = Tensor.FromArray(new[] { 4.0f, 9.0f }),
            ["num_batches_tracked"] = Tensor.FromArray(new[] { 12L }).Reshape(Shape.Scalar),
        };
        var path = Path.Combine(Path.GetTempPath(), $"autograd-bn-{Guid.NewGuid():N}.safetensors");
        SafeTensors.Save(path, state);
        try
        {
            SafeTensors.LoadInto(bn, path);
            Assert.Equal(new long[] { 12 }, bn.NumBatchesTracked.ToInt64Array());
            Assert.Equal(new[] { 1f, 2f }, bn.RunningMean.ToFloatArray());
            Assert.Equal(new[] { 2f, 3f }, bn.Weight!.ToFloatArray());
            bn.Forward(Tensor.FromArray(new[] { 1f, 2f, 3f, 4f }, 2, 2));
            Assert.Equal(new long[] { 13 }, bn.NumBatchesTracked.ToInt64Array());   // incremented in training mode
            bn.Eval();
            bn.Forward(Tensor.FromArray(new[] { 1f, 2f, 3f, 4f }, 2, 2));
            Assert.Equal(new long[] { 13 }, bn.NumBatchesTracked.ToInt64Array());   // not in evaluation
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void A_conversion_that_loses_information_is_refused_naming_tensor_and_file_and_the_model_is_unchanged()
    {
        var bn = new BatchNorm1d(2, dtype: DType.Float64);
        var before = bn.StateDict();
        var state = bn.StateDict();
        state["running_mean"] = Tensor.FromArray(new[] { 1L, (1L << 53) + 1 });     // beyond 2^53 into float64
        state["num_batches_tracked"] = Tensor.FromArray(new[] { 2.5 }).Reshape(Shape.Scalar);   // a fraction into int64
        state["weight"] = Tensor.FromArray(new[] { 5.0, 6.0 });   // fine on its own: must not be written either
        var path = Path.Combine(Path.GetTempPath(), $"autograd-lossy-{Guid.NewGuid():N}.safetensors");
        SafeTensors.Save(path, state);
        try
        {
            var e = Assert.Throws<InvalidDataException>(() => SafeTensors.LoadInto(bn, path));
            Assert.StartsWith(Path.GetFileName(path) + ": LoadStateDict", e.Message);
            Assert.Contains("'running_mean' holds the int64 value 9007199254740993 at flat position 1, which the model's float64 tensor cannot hold exactly", e.Message);
            Assert.Contains("'num_batches_tracked' holds the float64 value 2.5 at flat position 0", e.Message);
            foreach (var (k, v) in before) Assert.Equal(v.ToDoubleArray(), bn.StateDict()[k].ToDoubleArray());
        }
        finally { File.Delete(path); }
    }
}
