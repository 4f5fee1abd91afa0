namespace AutoGrad.NN;

/// <summary>Flattens axes <c>startAxis…endAxis</c> into one (default: everything but the batch axis), e.g. (N, C, H, W) → (N, C·H·W).</summary>
/// <param name="startAxis">First axis merged.</param>
/// <param name="endAxis">Last axis merged.</param>
public sealed class Flatten(int startAxis = 1, int endAxis = -1) : Module
{
    /// <summary><c>y = reshape(x)</c> with the chosen axes merged.</summary>
    public override Tensor Forward(Tensor x) => x.Flatten(startAxis, endAxis);
}
