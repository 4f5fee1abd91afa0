namespace AutoGrad;

// Operators pass an empty caller file: their nodes take the site of an enclosing op, not this file's line
// (see Note [Call sites] in CallSite.cs).

public sealed partial class Tensor
{
    /// <summary><c>a + b</c>, broadcast.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b, "", 0);

    /// <summary><c>a − b</c>, broadcast.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => a.Subtract(b, "", 0);

    /// <summary><c>a ⊙ b</c>, broadcast.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => a.Multiply(b, "", 0);

    /// <summary><c>a / b</c>, broadcast.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => a.Divide(b, "", 0);

    /// <summary><c>−x</c>.</summary>
    public static Tensor operator -(Tensor x) => x.Negate("", 0);

    /// <summary><c>x + c</c>.</summary>
    public static Tensor operator +(Tensor x, double c) => x.Add(c, "", 0);

    /// <summary><c>c + x</c>.</summary>
    public static Tensor operator +(double c, Tensor x) => x.Add(c, "", 0);

    /// <summary><c>x − c</c>.</summary>
    public static Tensor operator -(Tensor x, double c) => x.Add(-c, "", 0);

    /// <summary><c>c − x</c>.</summary>
    public static Tensor operator -(double c, Tensor x) => x.Negate("", 0).Add(c, "", 0);

    /// <summary><c>c·x</c>.</summary>
    public static Tensor operator *(Tensor x, double c) => x.Multiply(c, "", 0);

    /// <summary><c>c·x</c>.</summary>
    public static Tensor operator *(double c, Tensor x) => x.Multiply(c, "", 0);

    /// <summary><c>x / c</c>.</summary>
    public static Tensor operator /(Tensor x, double c) => x.Divide(c, "", 0);

    /// <summary><c>c / x</c>.</summary>
    public static Tensor operator /(double c, Tensor x) => Scalar(c, x.DType).Divide(x, "", 0);   // not c·x⁻¹: x⁻¹ overflows for tiny x
}
