namespace AutoGrad;

public sealed partial class Tensor
{
    /// <summary><c>a + b</c>, broadcast.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);

    /// <summary><c>a − b</c>, broadcast.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => a.Subtract(b);

    /// <summary><c>a ⊙ b</c>, broadcast.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => a.Multiply(b);

    /// <summary><c>a / b</c>, broadcast.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => a.Divide(b);

    /// <summary><c>−x</c>.</summary>
    public static Tensor operator -(Tensor x) => x.Negate();

    /// <summary><c>x + c</c>.</summary>
    public static Tensor operator +(Tensor x, double c) => x.Add(c);

    /// <summary><c>c + x</c>.</summary>
    public static Tensor operator +(double c, Tensor x) => x.Add(c);

    /// <summary><c>x − c</c>.</summary>
    public static Tensor operator -(Tensor x, double c) => x.Add(-c);

    /// <summary><c>c − x</c>.</summary>
    public static Tensor operator -(double c, Tensor x) => x.Negate().Add(c);

    /// <summary><c>c·x</c>.</summary>
    public static Tensor operator *(Tensor x, double c) => x.Multiply(c);

    /// <summary><c>c·x</c>.</summary>
    public static Tensor operator *(double c, Tensor x) => x.Multiply(c);

    /// <summary><c>x / c</c>.</summary>
    public static Tensor operator /(Tensor x, double c) => x.Multiply(1.0 / c);

    /// <summary><c>c / x</c>.</summary>
    public static Tensor operator /(double c, Tensor x) => x.Pow(-1).Multiply(c);
}
