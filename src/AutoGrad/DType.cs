namespace AutoGrad;

/// <summary>Element type of a tensor, chosen at run time: IEEE-754 binary32 or binary64.</summary>
public enum DType
{
    /// <summary>32-bit IEEE-754 float (<see cref="float"/>), the default.</summary>
    Float32,

    /// <summary>64-bit IEEE-754 float (<see cref="double"/>); reductions accumulate in 64 bits.</summary>
    Float64,
}

/// <summary>Facts about <see cref="DType"/> values.</summary>
public static class DTypeExtensions
{
    /// <summary>Bytes per element: 4 for float32, 8 for float64.</summary>
    public static int ElementSize(this DType dtype) => dtype == DType.Float32 ? 4 : 8;

    /// <summary>The NumPy spelling of the type (<c>float32</c> or <c>float64</c>).</summary>
    public static string Name(this DType dtype) => dtype == DType.Float32 ? "float32" : "float64";
}
