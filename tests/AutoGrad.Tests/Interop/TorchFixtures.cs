using System.Globalization;
using AutoGrad.IO;

namespace AutoGrad.Tests.Interop;

/// <summary>Finds and reads the PyTorch fixtures (tests/fixtures/torch, written by tests/fixtures/make_torch_fixtures.py) and compares tensors.</summary>
public static class TorchFixtures
{
    /// <summary>tests/fixtures, found by walking up from the test assembly to the repository.</summary>
    public static string Folder { get; } = FindFolder();

    /// <summary>The committed script.</summary>
    public static string Script => Path.Combine(Folder, "make_torch_fixtures.py");

    /// <summary>The tensors and metadata of tests/fixtures/torch/<paramref name="file"/>.</summary>
    public static SafeTensorsContent Load(string file) =>
        SafeTensors.Deserialize(File.ReadAllBytes(Path.Combine(Folder, "torch", file)), file);

    /// <summary>
    /// Asserts <c>|actual − expected| ≤ tol·(1 + |expected|)</c> element-wise (NumPy's <c>allclose</c> with <c>atol = rtol = tol</c>, the
    /// script's measure), naming the tensor, the element and both values on failure; returns the worst <c>|actual − expected|/(1 + |expected|)</c>.
    /// </summary>
    public static double AssertClose(Tensor expected, Tensor actual, double tol, string what)
    {
        Assert.True(expected.Shape == actual.Shape, $"{what}: shape {actual.Shape}, PyTorch's {expected.Shape}");
        Assert.Equal(expected.DType, actual.DType);
        var e = expected.ToDoubleArray();
        var a = actual.ToDoubleArray();
        double worst = 0;
        for (int i = 0; i < e.Length; i++)
        {
            double d = Math.Abs(a[i] - e[i]) / (1 + Math.Abs(e[i]));
            Assert.True(d <= tol, string.Create(CultureInfo.InvariantCulture, $"{what}[{i}]: AutoGrad {a[i]:R}, PyTorch {e[i]:R} (|a − e|/(1 + |e|) = {d:G3} > {tol:G})"));
            worst = Math.Max(worst, d);
        }
        return worst;
    }

    private static string FindFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "fixtures");
            if (File.Exists(Path.Combine(candidate, "make_torch_fixtures.py"))) return candidate;
        }
        throw new DirectoryNotFoundException($"tests/fixtures/make_torch_fixtures.py not found above {AppContext.BaseDirectory}.");
    }
}
