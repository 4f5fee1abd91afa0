namespace AutoGrad.Tests.Architecture.Planted.High;

// A planted violation for ArchitectureTests: the other half of the Low ↔ High cycle.
internal static class PlantedHigh
{
    internal static int Plus(int a, int b) => a + b;

    internal static int Four() => Low.PlantedLow.Twice(2);
}
