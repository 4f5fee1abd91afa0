namespace AutoGrad;

public sealed partial class Tensor
{
    /// <summary>
    /// A copy of the values in row-major order, in the tensor's own element type: <c>float[]</c>, <c>double[]</c>,
    /// <c>int[]</c>, <c>long[]</c> or <c>bool[]</c>.
    /// </summary>
    public Array ToArray()
    {
        var a = Array.CreateInstance(Data.GetType().GetElementType()!, Size);
        Array.Copy(Data, a, Size);
        return a;
    }

    /// <summary>A copy of the values in row-major order as float32 (bool as 0 and 1; integers rounded to the nearest float32).</summary>
    public float[] ToFloatArray()
    {
        var a = new float[Size];
        switch (DType)
        {
            case DType.Float32: F32.CopyTo(a); break;
            case DType.Float64: for (int i = 0; i < a.Length; i++) a[i] = (float)F64[i]; break;
            default: for (int i = 0; i < a.Length; i++) a[i] = (float)GetFlat(i); break;
        }
        return a;
    }

    /// <summary>A copy of the values in row-major order as float64 (bool as 0 and 1; int64 beyond 2^53 rounded to the nearest double).</summary>
    public double[] ToDoubleArray()
    {
        var a = new double[Size];
        switch (DType)
        {
            case DType.Float64: F64.CopyTo(a); break;
            case DType.Float32: for (int i = 0; i < a.Length; i++) a[i] = F32[i]; break;
            default: for (int i = 0; i < a.Length; i++) a[i] = GetFlat(i); break;
        }
        return a;
    }

    /// <summary>A copy of the values of an integer or bool tensor as int64 (bool as 0 and 1).</summary>
    /// <remarks>A float tensor is refused: convert it with <c>To(DType.Int64)</c>, which states how fractions and NaN are treated.</remarks>
    public long[] ToInt64Array()
    {
        var a = new long[Size];
        switch (DType)
        {
            case DType.Int64: I64.CopyTo(a); break;
            case DType.Int32: for (int i = 0; i < a.Length; i++) a[i] = I32[i]; break;
            case DType.Bool: for (int i = 0; i < a.Length; i++) a[i] = B8[i] ? 1 : 0; break;
            default: throw new InvalidOperationException($"ToInt64Array: the tensor is {DType.Name()} {Shape}; convert it with To(DType.Int64) first.");
        }
        return a;
    }

    /// <summary>A copy of the values of an int32 or bool tensor as int32 (bool as 0 and 1).</summary>
    /// <remarks>An int64 or float tensor is refused: convert it with <c>To(DType.Int32)</c>, which checks the range.</remarks>
    public int[] ToInt32Array()
    {
        var a = new int[Size];
        switch (DType)
        {
            case DType.Int32: I32.CopyTo(a); break;
            case DType.Bool: for (int i = 0; i < a.Length; i++) a[i] = B8[i] ? 1 : 0; break;
            default: throw new InvalidOperationException($"ToInt32Array: the tensor is {DType.Name()} {Shape}; convert it with To(DType.Int32) first.");
        }
        return a;
    }

    /// <summary>A copy of the values of a bool tensor.</summary>
    /// <remarks>Other types are refused: compare them (<c>x.NotEqual(0)</c>) or convert with <c>To(DType.Bool)</c>.</remarks>
    public bool[] ToBoolArray()
    {
        if (DType != DType.Bool) throw new InvalidOperationException($"ToBoolArray: the tensor is {DType.Name()} {Shape}; compare it (x.NotEqual(0)) or convert it with To(DType.Bool) first.");
        return B8.ToArray();
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
