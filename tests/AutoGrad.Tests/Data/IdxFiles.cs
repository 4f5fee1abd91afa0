using System.Buffers.Binary;
using System.IO.Compression;

namespace AutoGrad.Tests.Data;

// Hand-built IDX bytes following the format: big-endian magic 0x0000080r, r big-endian dims, then ubytes.
internal static class IdxFiles
{
    public static byte[] Images(int n, int rows, int cols, Func<int, byte>? pixel = null)
    {
        var b = new byte[16 + n * rows * cols];
        BinaryPrimitives.WriteInt32BigEndian(b, 0x00000803);
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(4), n);
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(12), cols);
        for (int i = 16; i < b.Length; i++) b[i] = pixel?.Invoke(i - 16) ?? (byte)((i - 16) % 256);
        return b;
    }

    public static byte[] Labels(params byte[] labels)
    {
        var b = new byte[8 + labels.Length];
        BinaryPrimitives.WriteInt32BigEndian(b, 0x00000801);
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(4), labels.Length);
        labels.CopyTo(b, 8);
        return b;
    }

    public static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest)) gz.Write(data);
        return ms.ToArray();
    }

    public static void WriteFolder(string dir, bool gzip, int trainCount = 3, int testCount = 2, byte[]? trainLabels = null)
    {
        void Write(string name, byte[] bytes) =>
            File.WriteAllBytes(Path.Combine(dir, gzip ? name + ".gz" : name), gzip ? Gzip(bytes) : bytes);
        Write("train-images-idx3-ubyte", Images(trainCount, 28, 28));
        Write("train-labels-idx1-ubyte", Labels(trainLabels ?? Enumerable.Range(0, trainCount).Select(i => (byte)(i % 10)).ToArray()));
        Write("t10k-images-idx3-ubyte", Images(testCount, 28, 28));
        Write("t10k-labels-idx1-ubyte", Labels(Enumerable.Range(0, testCount).Select(i => (byte)(9 - i % 10)).ToArray()));
    }
}

/// <summary>A fact that is skipped, with the reason shown, when a folder is absent on this machine.</summary>
public sealed class FactWhenDirectoryExistsAttribute : FactAttribute
{
    public FactWhenDirectoryExistsAttribute(string directory)
    {
        if (!Directory.Exists(directory)) Skip = $"{directory} is absent on this machine (sudo apt-get install dataset-fashion-mnist).";
    }
}
