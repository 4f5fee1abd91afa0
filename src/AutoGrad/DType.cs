namespace AutoGrad;

/// <summary>Element type of a tensor, chosen at run time: IEEE-754 floats, signed integers, or booleans.</summary>
/// <remarks>
/// Only the floating-point types carry gradients (Note [Integer tensors] in <c>Tensor.Convert.cs</c>): integer and boolean
/// tensors hold labels, indices, token ids and masks.
/// </remarks>
public enum DType
{
    /// <summary>32-bit IEEE-754 float (<see cref="float"/>), the default.</summary>
    Float32,

    /// <summary>64-bit IEEE-754 float (<see cref="double"/>); reductions accumulate in 64 bits.</summary>
    Float64,

    /// <summary>32-bit signed integer (<see cref="int"/>); no gradient.</summary>
    Int32,

    /// <summary>64-bit signed integer (<see cref="long"/>), the type of indices (<c>ArgMax</c>, <c>Sort</c>, <c>TopK</c>); no gradient.</summary>
    Int64,

    /// <summary>Boolean (<see cref="bool"/>), the type of comparisons and masks; no gradient.</summary>
    Bool,
}

/// <summary>Facts about <see cref="DType"/> values.</summary>
public static class DTypeExtensions
{
    /// <summary>Bytes per element: 4 for float32 and int32, 8 for float64 and int64, 1 for bool.</summary>
    public static int ElementSize(this DType dtype) => dtype switch
    {
        DType.Float32 or DType.Int32 => 4,
        DType.Float64 or DType.Int64 => 8,
        DType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), $"Unknown dtype {(int)dtype}."),
    };

    /// <summary>The NumPy spelling of the type (<c>float32</c>, <c>float64</c>, <c>int32</c>, <c>int64</c>, <c>bool</c>).</summary>
    public static string Name(this DType dtype) => dtype switch
    {
        DType.Float32 => "float32",
        DType.Float64 => "float64",
        DType.Int32 => "int32",
        DType.Int64 => "int64",
        DType.Bool => "bool",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), $"Unknown dtype {(int)dtype}."),
    };

    /// <summary>True for <see cref="DType.Float32"/> and <see cref="DType.Float64"/>, the types that carry gradients.</summary>
    public static bool IsFloatingPoint(this DType dtype) => dtype is DType.Float32 or DType.Float64;

    /// <summary>True for <see cref="DType.Int32"/> and <see cref="DType.Int64"/>.</summary>
    public static bool IsInteger(this DType dtype) => dtype is DType.Int32 or DType.Int64;
}
