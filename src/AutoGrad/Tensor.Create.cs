using AutoGrad.Memory;

namespace AutoGrad;

public sealed partial class Tensor
{
    internal static Tensor Empty(Shape shape, DType dtype) =>
        new(dtype.IsFloatingPoint() ? Storage.Allocate(dtype == DType.Float32, shape.Size) : IntegerStorage(dtype, shape.Size), shape, dtype);

    // Only for outputs that the producing kernel writes in full (element-wise maps, gathers, GEMM without accumulate):
    // the contents start undefined.
    internal static Tensor Uninitialized(Shape shape, DType dtype) =>
        new(dtype.IsFloatingPoint() ? Storage.AllocateUninitialized(dtype == DType.Float32, shape.Size) : IntegerStorage(dtype, shape.Size), shape, dtype);

    // Integer and bool buffers are never pooled: they are small next to activations (indices, labels, masks), and an
    // unpooled Storage has no owner, so a StepScope leaves it to the garbage collector (Note [Pooled buffers]).
    private static Storage IntegerStorage(DType dtype, int size) => new(dtype switch
    {
        DType.Int32 => new int[size],
        DType.Int64 => new long[size],
        DType.Bool => new bool[size],
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), $"Unknown dtype {(int)dtype}."),
    });

    /// <summary>A tensor of the given shape filled with 0.</summary>
    public static Tensor Zeros(Shape shape, DType dtype = DType.Float32) => Empty(shape, dtype);

    /// <summary>A tensor of the given shape filled with 1.</summary>
    public static Tensor Ones(Shape shape, DType dtype = DType.Float32) => Full(shape, 1.0, dtype);

    /// <summary>A tensor of the given shape with every element equal to <paramref name="value"/>.</summary>
    public static Tensor Full(Shape shape, double value, DType dtype = DType.Float32)
    {
        var t = Empty(shape, dtype);
        switch (dtype)
        {
            case DType.Float32: t.F32.Fill((float)value); break;
            case DType.Float64: t.F64.Fill(value); break;
            case DType.Int32: t.I32.Fill((int)Exact(value, dtype, "Full")); break;
            case DType.Int64: t.I64.Fill((long)Exact(value, dtype, "Full")); break;
            default: t.B8.Fill(Exact(value, dtype, "Full") != 0); break;
        }
        return t;
    }

    /// <summary>A rank-0 tensor holding <paramref name="value"/>.</summary>
    public static Tensor Scalar(double value, DType dtype = DType.Float32) => Full(Shape.Scalar, value, dtype);

    /// <summary>A tensor of zeros with the shape and dtype of <paramref name="like"/>.</summary>
    public static Tensor ZerosLike(Tensor like) => Empty(like.Shape, like.DType);

    /// <summary>A tensor of ones with the shape and dtype of <paramref name="like"/>.</summary>
    public static Tensor OnesLike(Tensor like) => Full(like.Shape, 1.0, like.DType);

    /// <summary>The 1-D sequence <c>start, start + step, …</c> up to but excluding <paramref name="stop"/>.</summary>
    public static Tensor Arange(double start, double stop, double step = 1, DType dtype = DType.Float32)
    {
        if (step == 0 || double.IsNaN(step)) throw new ArgumentException("Arange: step must be non-zero.", nameof(step));
        if (!double.IsFinite(start) || !double.IsFinite(stop)) throw new ArgumentException($"Arange: start {start} and stop {stop} must be finite.");
        int n = Math.Max(0, (int)Math.Ceiling((stop - start) / step));
        var t = Empty(new Shape(n), dtype);
        for (int i = 0; i < n; i++) t.SetFlat(i, start + i * step);
        return t;
    }

    /// <summary>The sequence <c>1, 2, …, n−1</c> counted from 0: <c>Arange(0, n)</c>.</summary>
    public static Tensor Arange(int n, DType dtype = DType.Float32) => Arange(0, n, 1, dtype);

    /// <summary>The float32 integers <c>start, start + 1, …</c> up to but excluding <paramref name="stop"/>.</summary>
    // Without this overload Arange(5, 0) binds to Arange(int n, DType dtype) (a literal 0 converts to any enum) and gives 0..4.
    // It takes no dtype so that Arange(a, b, 0) still reaches the step check instead of reading 0 as a DType.
    public static Tensor Arange(int start, int stop) => Arange(start, stop, 1, DType.Float32);

    /// <summary><paramref name="count"/> evenly spaced values from <paramref name="start"/> to <paramref name="stop"/>, both included.</summary>
    public static Tensor Linspace(double start, double stop, int count, DType dtype = DType.Float32)
    {
        RequireFloat(dtype, "Linspace");
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), $"Linspace: count must be ≥ 0, got {count}.");
        var t = Empty(new Shape(count), dtype);
        double step = count > 1 ? (stop - start) / (count - 1) : 0;
        for (int i = 0; i < count; i++) t.SetFlat(i, i == count - 1 && count > 1 ? stop : start + i * step);
        return t;
    }

    /// <summary>The identity matrix <c>I</c> with <paramref name="n"/> rows and <paramref name="m"/> columns (square if omitted).</summary>
    public static Tensor Eye(int n, int? m = null, DType dtype = DType.Float32)
    {
        int cols = m ?? n;
        var t = Empty(new Shape(n, cols), dtype);
        for (int i = 0; i < Math.Min(n, cols); i++) t.SetFlat(i * cols + i, 1);
        return t;
    }

    /// <summary>A float32 tensor holding a copy of <paramref name="data"/> in the given shape (1-D if omitted).</summary>
    public static Tensor FromArray(float[] data, params int[] shape) => FromFlat(data, shape, DType.Float32);

    /// <summary>A float64 tensor holding a copy of <paramref name="data"/> in the given shape (1-D if omitted).</summary>
    public static Tensor FromArray(double[] data, params int[] shape) => FromFlat(data, shape, DType.Float64);

    /// <summary>An int64 tensor holding a copy of <paramref name="data"/> in the given shape (1-D if omitted): indices, labels, token ids.</summary>
    public static Tensor FromArray(long[] data, params int[] shape) => FromFlat(data, shape, DType.Int64);

    /// <summary>An int32 tensor holding a copy of <paramref name="data"/> in the given shape (1-D if omitted).</summary>
    /// <remarks>A collection expression of integer literals (<c>FromArray([1, 2])</c>) binds here; write <c>new long[] { … }</c> for int64.</remarks>
    public static Tensor FromArray(int[] data, params int[] shape) => FromFlat(data, shape, DType.Int32);

    /// <summary>A bool tensor holding a copy of <paramref name="data"/> in the given shape (1-D if omitted): a mask.</summary>
    public static Tensor FromArray(bool[] data, params int[] shape) => FromFlat(data, shape, DType.Bool);

    /// <summary>A float32 matrix holding a copy of a .NET rectangular array.</summary>
    public static Tensor FromArray(float[,] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var t = Empty(new Shape(data.GetLength(0), data.GetLength(1)), DType.Float32);
        int k = 0;
        foreach (var v in data) t.F32[k++] = v;
        return t;
    }

    /// <summary>A float64 matrix holding a copy of a .NET rectangular array.</summary>
    public static Tensor FromArray(double[,] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var t = Empty(new Shape(data.GetLength(0), data.GetLength(1)), DType.Float64);
        int k = 0;
        foreach (var v in data) t.F64[k++] = v;
        return t;
    }

    private static Tensor FromFlat(Array data, int[] shape, DType dtype)
    {
        ArgumentNullException.ThrowIfNull(data);
        var s = shape is null || shape.Length == 0 ? new Shape(data.Length) : new Shape(shape);
        if (s.Size != data.Length)
            throw new ArgumentException($"FromArray: {data.Length} values do not fill shape {s} ({s.Size} elements).");
        var t = Empty(s, dtype);
        Array.Copy(data, t.Storage.Data!, data.Length);
        return t;
    }

    /// <summary>Samples from the uniform distribution on <c>[low, high)</c>.</summary>
    public static Tensor Uniform(Shape shape, Generator generator, double low = 0, double high = 1, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(generator);
        RequireFloat(dtype, "Uniform");
        if (!(high >= low)) throw new ArgumentException($"Uniform: high ({high}) must be ≥ low ({low}).");
        var t = Empty(shape, dtype);
        for (int i = 0; i < t.Size; i++) t.SetFlat(i, low + (high - low) * generator.NextDouble());
        return t;
    }

    /// <summary>Samples from <c>U[0, 1)</c>.</summary>
    public static Tensor Rand(Shape shape, Generator generator, DType dtype = DType.Float32) => Uniform(shape, generator, 0, 1, dtype);

    /// <summary>Samples from the normal distribution <c>N(mean, std²)</c>.</summary>
    public static Tensor Normal(Shape shape, Generator generator, double mean = 0, double std = 1, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(generator);
        RequireFloat(dtype, "Normal");
        if (!(std >= 0)) throw new ArgumentException($"Normal: std must be ≥ 0, got {std}.");
        var t = Empty(shape, dtype);
        if (dtype == DType.Float32) generator.FillNormal(t.F32, mean, std);
        else generator.FillNormal(t.F64, mean, std);
        return t;
    }

    /// <summary>Samples from <c>N(0, 1)</c>, like NumPy's <c>randn</c>.</summary>
    public static Tensor Randn(Shape shape, Generator generator, DType dtype = DType.Float32) => Normal(shape, generator, 0, 1, dtype);

    // Dropout's mask (float dtypes): 1/(1 − p) with probability 1 − p, else 0. The draws of Bernoulli(shape, 1 − p) with the kept value
    // written in the same pass: the values of Bernoulli(…) * (1/(1 − p)) (1·s rounds to s, 0·s is 0) without a second pass
    // and buffer (GeneratorTests). Drawn by DropoutOps.Apply.
    internal static Tensor DropoutMask(Shape shape, double p, Generator generator, DType dtype)
    {
        RequireFloat(dtype, "DropoutMask");
        var t = Empty(shape, dtype);
        if (dtype == DType.Float32) generator.FillBernoulli(t.F32, 1 - p, (float)(1 / (1 - p)));
        else generator.FillBernoulli(t.F64, 1 - p, 1 / (1 - p));
        return t;
    }

    /// <summary>Bernoulli samples: 1 with probability <paramref name="p"/>, else 0.</summary>
    public static Tensor Bernoulli(Shape shape, double p, Generator generator, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), $"Bernoulli: p must be in [0, 1], got {p}.");
        var t = Empty(shape, dtype);
        int size = t.Size;
        // The same draws in the same order for every dtype; the float loops write the span directly (SetFlat's dtype switch per element was 3 % of a CharTransformer step).
        // FillBernoulli keeps the generator's state in locals: the field updates of NextDouble per element were 9 % of a CharTransformer step.
        if (dtype == DType.Float32) generator.FillBernoulli(t.F32, p);
        else if (dtype == DType.Float64) generator.FillBernoulli(t.F64, p);
        else for (int i = 0; i < size; i++) t.SetFlat(i, generator.NextDouble() < p ? 1 : 0);
        return t;
    }

    // Element access by flat position through double, for code off the hot path. An integer or bool element must be set
    // to a value it holds exactly (Exact throws otherwise); int64 values beyond 2^53 read back rounded.
    internal void SetFlat(int i, double v)
    {
        switch (DType)
        {
            case DType.Float32: F32[i] = (float)v; break;
            case DType.Float64: F64[i] = v; break;
            case DType.Int32: I32[i] = (int)Exact(v, DType, "SetFlat"); break;
            case DType.Int64: I64[i] = (long)Exact(v, DType, "SetFlat"); break;
            default: B8[i] = Exact(v, DType, "SetFlat") != 0; break;
        }
    }

    internal double GetFlat(int i) => DType switch
    {
        DType.Float32 => F32[i],
        DType.Float64 => F64[i],
        DType.Int32 => I32[i],
        DType.Int64 => I64[i],
        _ => B8[i] ? 1 : 0,
    };
}
