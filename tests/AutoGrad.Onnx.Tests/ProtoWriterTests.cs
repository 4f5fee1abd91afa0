namespace AutoGrad.Onnx.Tests;

/// <summary>The protobuf wire format written by hand (Note [Protobuf by hand]), against bytes worked out from the encoding spec.</summary>
public class ProtoWriterTests
{
    [Fact]
    public void Varints_floats_and_nested_messages_encode_as_the_spec_says()
    {
        var w = new ProtoWriter();
        w.Int64(1, 150);                   // tag 0x08, 150 = 0x96 0x01
        w.Int64(2, -1);                    // tag 0x10, ten bytes of two's complement
        w.Float(3, 1.0f);                  // tag 0x1D, 0x3F800000 little-endian
        w.String(4, "hé");                 // tag 0x22, length 3, UTF-8
        w.Message(5, m => m.Int64(1, 1));  // tag 0x2A, length 2, 0x08 0x01
        byte[] expected =
        [
            0x08, 0x96, 0x01,
            0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01,
            0x1D, 0x00, 0x00, 0x80, 0x3F,
            0x22, 0x03, (byte)'h', 0xC3, 0xA9,
            0x2A, 0x02, 0x08, 0x01,
        ];
        Assert.Equal(expected, w.ToArray());
    }

    [Fact]
    public void Long_fields_get_multi_byte_lengths()
    {
        var w = new ProtoWriter();
        w.Bytes(9, new byte[300]);
        var bytes = w.ToArray();
        Assert.Equal(new byte[] { 0x4A, 0xAC, 0x02 }, bytes[..3]);   // field 9 wire type 2; 300 = 0xAC 0x02
        Assert.Equal(303, bytes.Length);
    }
}
