namespace AutoGrad.Tests.Autograd;

/// <summary>A fact that is skipped, with the reason shown, when a file (a tool such as a browser) is absent on this machine.</summary>
public sealed class FactWhenFileExistsAttribute : FactAttribute
{
    public FactWhenFileExistsAttribute(string file, string install)
    {
        if (!File.Exists(file)) Skip = $"{file} is absent on this machine ({install}).";
    }
}
