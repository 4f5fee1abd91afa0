namespace AutoGrad.Tests.Architecture.Planted.Nn;

// A planted violation for ArchitectureTests: a "layer" that reaches past the public tensor API into a tensor's internal
// span and Shape's internal constructor-without-copy, instead of going through public ops.
internal static class PlantedLayer
{
    internal static float First(Tensor x) => x.F32[0];

    internal static Shape Same(int[] dims) => Shape.Wrap(dims);

    internal static Tensor Public(Tensor x) => x.Relu();
}
