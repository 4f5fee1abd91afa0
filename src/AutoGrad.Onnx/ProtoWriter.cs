using System.Buffers.Binary;
using System.Text;

namespace AutoGrad.Onnx;

// Note [Protobuf by hand]
// An ONNX file is one protobuf message (ModelProto, https://github.com/onnx/onnx/blob/main/onnx/onnx.proto). Writing needs
// only three of protobuf's wire types (https://protobuf.dev/programming-guides/encoding/): varints (0) for integers and
// enums, 32-bit little-endian (5) for float attributes, and length-delimited (2) for strings, bytes, packed-free repeated
// messages and nested messages. A nested message's length comes first, so each message is written into its own buffer and
// copied into its parent: the models here are small (kilobytes of structure plus the weights' raw bytes), which makes the
// copy cheaper than a dependency on Google.Protobuf.
internal sealed class ProtoWriter
{
    private byte[] _buffer = new byte[256];
    private int _length;

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public byte[] ToArray() => Written.ToArray();

    public void Int64(int field, long value)
    {
        Tag(field, 0);
        Varint(unchecked((ulong)value));   // negative values take ten bytes, as protobuf's int64 does
    }

    public void Float(int field, float value)
    {
        Tag(field, 5);
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(b, value);
        Raw(b);
    }

    public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public void Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, 2);
        Varint((ulong)value.Length);
        Raw(value);
    }

    public void Message(int field, Action<ProtoWriter> write)
    {
        var inner = new ProtoWriter();
        write(inner);
        Bytes(field, inner.Written);
    }

    private void Tag(int field, int wireType) => Varint((ulong)((field << 3) | wireType));

    private void Varint(ulong value)
    {
        Ensure(10);
        while (value >= 0x80)
        {
            _buffer[_length++] = (byte)(value | 0x80);
            value >>= 7;
        }
        _buffer[_length++] = (byte)value;
    }

    private void Raw(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    private void Ensure(int more)
    {
        if (_length + more <= _buffer.Length) return;
        long size = Math.Max((long)_buffer.Length * 2, (long)_length + more);
        if (size > Array.MaxLength) throw new InvalidOperationException("Onnx.Export: the model is larger than one .NET array (2 GB), ONNX's protobuf limit too.");
        Array.Resize(ref _buffer, (int)size);
    }
}
