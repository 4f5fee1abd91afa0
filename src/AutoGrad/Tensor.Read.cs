namespace AutoGrad;

public sealed partial class Tensor
{
    /// <summary>A copy of the values in row-major order, in the tensor's own element type: <c>float[]</c> for float32, <c>double[]</c> for float64.</summary>
    public Array ToArray() => DType == DType.Float32 ? ToFloatArray() : ToDoubleArray();

    /// <summary>A copy of the values in row-major order as float32.</summary>
    public float[] ToFloatArray()
    {
        var a = new float[Size];
        if (DType == DType.Float32) F32.CopyTo(a);
        else for (int i = 0; i < a.Length; i++) a[i] = (float)F64[i];
        return a;
    }

    /// <summary>A copy of the values in row-major order as float64.</summary>
    public double[] ToDoubleArray()
    {
        var a = new double[Size];
        if (DType == DType.Float64) F64.CopyTo(a);
        else for (int i = 0; i < a.Length; i++) a[i] = F32[i];
        return a;
    }

    /// <summary>A copy of the values of a matrix as a .NET rectangular array.</summary>
    public double[,] ToArray2D()
    {
        if (Rank != 2) throw new InvalidOperationException($"ToArray2D: needs a rank-2 tensor, got shape {Shape}.");
        var a = new double[Shape[0], Shape[1]];
        for (int i = 0; i < Shape[0]; i++)
            for (int j = 0; j < Shape[1]; j++) a[i, j] = GetFlat(i * Shape[1] + j);
        return a;
    }

    /// <summary>The value of a one-element tensor (any rank whose size is 1).</summary>
    public double Item()
    {
        if (Size != 1) throw new InvalidOperationException($"Item: needs a tensor with exactly one element, got shape {Shape} ({Size} elements).");
        return GetFlat(0);
    }

    /// <summary>The element at a full index <c>(i₀, …, i_{r−1})</c>; negative indices count from the end.</summary>
    [System.Runtime.CompilerServices.IndexerName("Element")]
    public double this[params int[] index]
    {
        get => GetFlat(FlatIndex(index));
    }

    internal int FlatIndex(int[] index)
    {
        ArgumentNullException.ThrowIfNull(index);
        if (index.Length != Rank)
            throw new ArgumentException($"Indexer: {index.Length} indices given for shape {Shape} of rank {Rank}; use Slice or Select for a partial index.");
        int flat = 0;
        var d = Shape.Dims;
        for (int i = 0; i < index.Length; i++)
        {
            int k = index[i] < 0 ? index[i] + d[i] : index[i];
            if (k < 0 || k >= d[i])
                throw new IndexOutOfRangeException($"Indexer: index {index[i]} is out of range for axis {i} of size {d[i]} (shape {Shape}).");
            flat = flat * d[i] + k;
        }
        return flat;
    }

    /// <summary>NumPy-style text: values, then shape and dtype, elided with <c>...</c> when large.</summary>
    public override string ToString() => TensorFormatter.Format(this);
}
