namespace Derivations;

/// <summary>Every section of the example, in the order it prints; the program and its test both run this list.</summary>
public static class Sections
{
    /// <summary>The sections: a name and the method that records its checks.</summary>
    public static IReadOnlyList<(string Name, Action<Checklist> Run)> All { get; } =
    [
        ("3-4-1 sigmoid network (001)", SigmoidNetwork341.Run),
        ("branching graph and XOR (003)", GraphExamples.Run),
        ("softmax and cross-entropy (000, 002, 003)", SoftmaxAndCrossEntropy.Run),
        ("loss, penalty and dropout derivatives (000)", LossAndPenaltyDerivatives.Run),
        ("Nielsen's BP1–BP4 (003)", NielsenBackprop.Run),
        ("training arithmetic (001, 002, 004)", TrainingArithmetic.Run),
        ("activations, layers and initialisation (001, 002, 003)", LayerFacts.Run),
        ("classification statistics (001, 002)", ClassificationStatistics.Run),
        ("optimizers' first updates (000, 001, 002, 003)", OptimizerFirstSteps.Run),
    ];

    /// <summary>Runs every section into <paramref name="checklist"/>.</summary>
    public static void RunAll(Checklist checklist)
    {
        foreach (var (_, run) in All) run(checklist);
    }
}
