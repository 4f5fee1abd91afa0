using PerceptronExample;

// The perceptron rule on logic gates (notes 002, 003), and a hidden layer that solves the XOR the perceptron cannot.
var result = LogicGates.Run(Console.Out);
bool expected = result.Gates.Where(g => g.Gate != "XOR").All(g => g.Converged && g.Accuracy == 1)
    && !result.Gates.Single(g => g.Gate == "XOR").Converged && result.Network.Solved;
Console.WriteLine(expected ? "As the notes say: NAND, AND, OR are learned, XOR needs a hidden layer." : "Unexpected result.");
return expected ? 0 : 1;
