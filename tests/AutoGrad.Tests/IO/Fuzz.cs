using AutoGrad.Data;
using AutoGrad.Tests.Ops;
using FsCheck;
using FsCheck.Fluent;
using Xunit.Abstractions;

namespace AutoGrad.Tests.IO;

/// <summary>
/// The fuzz suite's budget and oracle. Every input must end in a successful load or the reader's documented exception
/// (<see cref="InvalidDataException"/>, or <see cref="CsvFormatException"/> for CSV content) whose message starts with the
/// source name, allocating a bounded amount of memory; any other exception fails the property with the input's bytes.
/// </summary>
internal static class Fuzz
{
    /// <summary>Set it to run every fuzz property with this many inputs instead of the CI sizes (CONTRIBUTING, "Fuzzing").</summary>
    public const string Variable = "AUTOGRAD_FUZZ_ITERATIONS";

    /// <summary>The number of inputs for one property: <see cref="Variable"/> when set, else <paramref name="ciDefault"/>.</summary>
    public static int Iterations(int ciDefault) =>
        int.TryParse(Environment.GetEnvironmentVariable(Variable), out int n) && n > 0 ? n : ciDefault;

    /// <summary>Runs <paramref name="read"/> on <paramref name="ciDefault"/> (or <see cref="Variable"/>) samples of <paramref name="inputs"/> from a seed fixed by <paramref name="name"/>.</summary>
    public static Outcomes Run(ITestOutputHelper output, string name, Gen<byte[]> inputs, int ciDefault, string source, Action<byte[]> read)
    {
        var tally = new Outcomes(name, source);
        Generators.ForAll(inputs, Iterations(ciDefault), name, bytes => tally.Check(bytes, read));
        output.WriteLine(tally.ToString());
        return tally;
    }

    // A reader may keep what it loads (a few times the input for gzip), never the gigabytes a crafted header promises.
    private static long AllocationBound(byte[] input) => 32_000_000 + 64L * input.Length;

    internal sealed class Outcomes(string name, string source)
    {
        public int Loaded { get; private set; }
        public int Rejected { get; private set; }
        public int Total => Loaded + Rejected;

        public void Check(byte[] bytes, Action<byte[]> read)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                read(bytes);
                Loaded++;
            }
            catch (Exception e) when (e is InvalidDataException or CsvFormatException)
            {
                if (!e.Message.StartsWith(source + ":", StringComparison.Ordinal))
                    throw new Xunit.Sdk.XunitException($"{name}: the message does not start with '{source}:': '{e.Message}'");
                Rejected++;
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException(
                    $"{name}: {e.GetType().Name} on {bytes.Length} bytes [{Convert.ToHexString(bytes.AsSpan(0, Math.Min(bytes.Length, 64)))}…]: {e.Message}\n{e.StackTrace}");
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated > AllocationBound(bytes))
                throw new Xunit.Sdk.XunitException($"{name}: {allocated} bytes allocated for a {bytes.Length}-byte input [{Convert.ToHexString(bytes.AsSpan(0, Math.Min(bytes.Length, 64)))}…]");
        }

        public override string ToString() => $"{name}: {Total} inputs, {Loaded} loaded, {Rejected} rejected with the documented exception";
    }

    /// <summary>The file cut at a random offset in <c>[0, length)</c>.</summary>
    public static Gen<byte[]> Truncations(byte[] file) => Gen.Choose(0, file.Length - 1).Select(cut => file[..cut]);

    /// <summary>The file with 1–4 single-bit flips, at positions in <c>[0, within)</c> (the structure usually lives at the start).</summary>
    public static Gen<byte[]> BitFlips(byte[] file, int within) =>
        from count in Gen.Choose(1, 4)
        from positions in Gen.ArrayOf(Gen.Choose(0, Math.Min(within, file.Length) - 1), count)
        from bits in Gen.ArrayOf(Gen.Choose(0, 7), count)
        select Flip(file, positions, bits);

    private static byte[] Flip(byte[] file, int[] positions, int[] bits)
    {
        var b = (byte[])file.Clone();
        for (int i = 0; i < positions.Length; i++) b[positions[i]] ^= (byte)(1 << bits[i]);
        return b;
    }

    /// <summary>Every prefix of <paramref name="file"/> (all truncation points), checked exhaustively.</summary>
    public static Outcomes EveryTruncation(ITestOutputHelper output, string name, byte[] file, string source, Action<byte[]> read)
    {
        var tally = new Outcomes(name, source);
        for (int cut = 0; cut < file.Length; cut++) tally.Check(file[..cut], read);
        output.WriteLine(tally.ToString());
        return tally;
    }
}
