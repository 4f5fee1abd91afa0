namespace AutoGrad.Data;

internal static class Scaling
{
    public static void CheckFitInput(Tensor x, string owner)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank < 1 || x.Shape[0] == 0)
            throw new ArgumentException($"{owner}.Fit: needs at least one example along axis 0, got shape {x.Shape}.");
    }

    public static void CheckTransformInput(Tensor x, Tensor parameter, string owner)
    {
        ArgumentNullException.ThrowIfNull(x);
        var example = new Shape(x.Rank == 0 ? [] : x.Shape.ToArray()[1..]);
        if (example != parameter.Shape)
            throw new ArgumentException($"{owner}.Transform: examples of shape {example} (input {x.Shape}) but the scaler was fitted on examples of shape {parameter.Shape}.");
    }
}
