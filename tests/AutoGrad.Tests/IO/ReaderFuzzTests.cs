using System.Text;
using AutoGrad.Data;
using AutoGrad.IO;
using AutoGrad.Tests.Data;
using FsCheck;
using FsCheck.Fluent;

namespace AutoGrad.Tests.IO;

// Every file reader must answer garbage with its own documented exception types (InvalidDataException, or
// FormatException for CSV), never IndexOutOfRange, NullReference, Overflow or an out-of-memory sized allocation.
public class ReaderFuzzTests
{
    private static readonly (string Name, Action<byte[]> Read)[] Readers =
    [
        ("safetensors", b => SafeTensors.Deserialize(b, "fuzz")),
        ("idx images", b => IdxReader.ReadImages(new MemoryStream(b), "fuzz")),
        ("idx labels", b => IdxReader.ReadLabels(new MemoryStream(b), "fuzz")),
        ("csv", b => CsvReader.ReadTable(new MemoryStream(b), "fuzz")),
    ];

    private static readonly byte[][] ValidFiles =
    [
        SafeTensorsTests.HandBuilt(),
        IdxFiles.Images(2, 3, 3),
        IdxFiles.Gzip(IdxFiles.Images(2, 3, 3)),
        IdxFiles.Labels(1, 2, 3),
        Encoding.UTF8.GetBytes("1,2,3\n4.5,-6,7e3\n"),
    ];

    private static bool OnlyLibraryErrors(byte[] bytes)
    {
        foreach (var (name, read) in Readers)
        {
            try { read(bytes); }
            catch (Exception e) when (e is InvalidDataException or FormatException)
            {
                if (string.IsNullOrWhiteSpace(e.Message) || !e.Message.StartsWith("fuzz", StringComparison.Ordinal))
                    throw new Xunit.Sdk.XunitException($"{name}: message does not name the source: '{e.Message}'");
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"{name} threw {e.GetType().Name} on {bytes.Length} bytes [{Convert.ToHexString(bytes.AsSpan(0, Math.Min(bytes.Length, 48)))}]: {e.Message}");
            }
        }
        return true;
    }

    [Fact]
    public void Random_bytes_raise_only_library_exceptions()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), OnlyLibraryErrors).Check(Config.QuickThrowOnFailure.WithMaxTest(Fuzz.Iterations(300)));
    }

    [Fact]
    public void Truncated_and_mutated_valid_files_raise_only_library_exceptions()
    {
        var gen = from f in Gen.Choose(0, ValidFiles.Length - 1)
                  let file = ValidFiles[f]
                  from cut in Gen.Choose(0, file.Length)
                  from pos in Gen.Choose(0, file.Length - 1)
                  from value in Gen.Choose(0, 255)
                  from mutate in ArbMap.Default.GeneratorFor<bool>()
                  select Damage(file, cut, pos, (byte)value, mutate);
        Prop.ForAll(gen.ToArbitrary(), OnlyLibraryErrors).Check(Config.QuickThrowOnFailure.WithMaxTest(Fuzz.Iterations(500)));
    }

    private static byte[] Damage(byte[] file, int cut, int pos, byte value, bool mutate)
    {
        if (!mutate) return file[..cut];
        var b = (byte[])file.Clone();
        b[pos] = value;
        return b;
    }
}
