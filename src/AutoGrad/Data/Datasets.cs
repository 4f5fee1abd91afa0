using System.Globalization;

namespace AutoGrad.Data;

/// <summary>A data set already divided into a training part and a test part.</summary>
/// <param name="Train">The examples to fit on.</param>
/// <param name="Test">The examples to report on.</param>
public sealed record TrainTestPair(Dataset Train, Dataset Test);

/// <summary>
/// Ready-made data sets: three small real ones bundled inside the library (no download), and loaders for
/// Fashion-MNIST and MNIST files on disk.
/// </summary>
public static class Datasets
{
    /// <summary>The environment variable naming a folder with the four Fashion-MNIST IDX files.</summary>
    public const string FashionMnistVariable = "AUTOGRAD_FASHION_MNIST";

    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package installs the files.</summary>
    public const string FashionMnistDebianFolder = "/usr/share/datasets/fashion-mnist";

    private static readonly string[] FashionClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Fisher's iris: 150 flowers × 4 measurements (cm), 3 species (setosa, versicolor, virginica).</summary>
    public static Dataset Iris() => ReadCountedCsv("iris.csv");

    /// <summary>Breast Cancer Wisconsin (Diagnostic): 569 tumours × 30 features, classes malignant (0) and benign (1).</summary>
    public static Dataset BreastCancer() => ReadCountedCsv("breast_cancer.csv");

    /// <summary>UCI optical digits: 1,797 images of 8×8 pixels (values 0…16) flattened to 64 features, classes 0…9.</summary>
    public static Dataset Digits()
    {
        using var stream = OpenResource("digits.csv.gz");
        var table = CsvReader.ReadTable(stream, "digits.csv.gz");
        var names = Enumerable.Range(0, 10).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        return CsvReader.ToDataset(table, "digits", -1, names);
    }

    /// <summary>
    /// Fashion-MNIST: 60,000 training and 10,000 test images, float32 <c>[n, 28, 28]</c> with raw pixel values
    /// 0…255 (divide by 255 or use <see cref="MinMaxScaler"/>), 10 clothing classes.
    /// </summary>
    /// <param name="path">A folder with the four IDX files; when null, <c>AUTOGRAD_FASHION_MNIST</c>, then
    /// <c>/usr/share/datasets/fashion-mnist</c>.</param>
    /// <exception cref="FileNotFoundException">No folder holds the files; the message says how to get them.</exception>
    public static TrainTestPair FashionMnist(string? path = null) =>
        FashionMnist(path, Environment.GetEnvironmentVariable(FashionMnistVariable), FashionMnistDebianFolder);

    /// <summary>
    /// MNIST digits from a folder holding <c>train-images-idx3-ubyte</c>, <c>train-labels-idx1-ubyte</c>,
    /// <c>t10k-images-idx3-ubyte</c>, <c>t10k-labels-idx1-ubyte</c> (each may end in <c>.gz</c>); images are float32
    /// <c>[n, 28, 28]</c> with raw values 0…255.
    /// </summary>
    /// <exception cref="FileNotFoundException">A file is missing from <paramref name="path"/>.</exception>
    public static TrainTestPair Mnist(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var names = Enumerable.Range(0, 10).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        return ReadIdxFolder(path, names, "MNIST", $"Datasets.Mnist: the MNIST files are not all in '{path}'.");
    }

    internal static TrainTestPair FashionMnist(string? path, string? variable, string debianFolder)
    {
        const string how = "Install it with `sudo apt-get install dataset-fashion-mnist` (files go to " + FashionMnistDebianFolder +
                           "), or download the four *-ubyte.gz files from https://github.com/zalandoresearch/fashion-mnist " +
                           "and set the environment variable " + FashionMnistVariable + " to their folder.";
        if (path is not null)
            return ReadIdxFolder(path, FashionClassNames, "Fashion-MNIST", $"Datasets.FashionMnist: the Fashion-MNIST files are not all in '{path}'. {how}");
        if (!string.IsNullOrEmpty(variable))
            return ReadIdxFolder(variable, FashionClassNames, "Fashion-MNIST",
                $"Datasets.FashionMnist: {FashionMnistVariable} is '{variable}' but the Fashion-MNIST files are not all there. {how}");
        if (Directory.Exists(debianFolder))
            return ReadIdxFolder(debianFolder, FashionClassNames, "Fashion-MNIST", $"Datasets.FashionMnist: '{debianFolder}' lacks some Fashion-MNIST files. {how}");
        throw new FileNotFoundException($"Datasets.FashionMnist: Fashion-MNIST was not found ({FashionMnistVariable} is unset and {debianFolder} does not exist). {how}");
    }

    private static TrainTestPair ReadIdxFolder(string folder, string[] classNames, string name, string missingMessage)
    {
        Dataset Part(string prefix, string part)
        {
            var images = IdxReader.ReadImages(Find(folder, $"{prefix}-images", "idx3-ubyte", missingMessage));
            var labelFile = Find(folder, $"{prefix}-labels", "idx1-ubyte", missingMessage);
            var labels = IdxReader.ReadLabels(labelFile);
            if (labels.Length != images.Shape[0])
                throw new InvalidDataException($"{Path.GetFileName(labelFile)}: {labels.Length} labels but the image file holds {images.Shape[0]} images.");
            foreach (var y in labels)
                if (y >= classNames.Length)
                    throw new InvalidDataException($"{Path.GetFileName(labelFile)}: label {y} is outside the {classNames.Length} classes of {name}.");
            return new Dataset(images, labels, classNames, $"{name} {part}");
        }
        return new TrainTestPair(Part("train", "train"), Part("t10k", "test"));
    }

    private static string Find(string folder, string stem, string suffix, string missingMessage)
    {
        // The Zalando/LeCun names use a dash before idx; some mirrors use a dot. Either may be gzipped.
        foreach (var sep in new[] { "-", "." })
            foreach (var ext in new[] { ".gz", "" })
            {
                var p = Path.Combine(folder, $"{stem}{sep}{suffix}{ext}");
                if (File.Exists(p)) return p;
            }
        throw new FileNotFoundException($"{missingMessage} Missing: {stem}-{suffix}[.gz].", Path.Combine(folder, $"{stem}-{suffix}.gz"));
    }

    // The first line of the bundled iris and breast-cancer files is "count,features,class names…".
    private static Dataset ReadCountedCsv(string resource)
    {
        using var stream = OpenResource(resource);
        using var reader = new StreamReader(stream);
        var head = (reader.ReadLine() ?? "").Split(',');
        if (head.Length < 3 || !int.TryParse(head[0], CultureInfo.InvariantCulture, out int n) || !int.TryParse(head[1], CultureInfo.InvariantCulture, out int f))
            throw new InvalidDataException($"{resource}: the first line should be 'count,features,class names…'.");
        var table = CsvReader.ReadTable(reader, resource);
        if (table.Rows != n || table.Columns != f + 1)
            throw new InvalidDataException($"{resource}: header promises {n} rows × {f + 1} columns, found {table.Rows} × {table.Columns}.");
        // Line numbers in errors are off by the header line; the bundled files are known good.
        return CsvReader.ToDataset(table, Path.GetFileNameWithoutExtension(resource), -1, head[2..]);
    }

    private static Stream OpenResource(string fileName)
    {
        var assembly = typeof(Datasets).Assembly;
        var name = assembly.GetManifestResourceNames().FirstOrDefault(r => r.EndsWith("." + fileName, StringComparison.Ordinal))
                   ?? throw new InvalidOperationException($"Datasets: the bundled resource '{fileName}' is missing from {assembly.GetName().Name}.");
        return assembly.GetManifestResourceStream(name)!;
    }
}
