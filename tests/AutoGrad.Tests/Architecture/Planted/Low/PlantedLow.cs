namespace AutoGrad.Tests.Architecture.Planted.Low;

// A planted violation for ArchitectureTests: Low and High (sibling folders) use each other, a folder cycle.
internal static class PlantedLow
{
    internal static int Twice(int v) => High.PlantedHigh.Plus(v, v);
}
