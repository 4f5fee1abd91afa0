namespace AutoGrad;

/// <summary>How a convolution pads its input.</summary>
public enum PaddingMode
{
    /// <summary>No padding: output size <c>⌊(n − f)/s⌋ + 1</c>.</summary>
    Valid,

    /// <summary>
    /// Pad <c>f − 1</c> in total (<c>⌊(f − 1)/2⌋</c> before, the rest after) so a stride-1 output keeps the input size
    /// (<c>p = (f − 1)/2</c> on each side for odd <c>f</c>).
    /// </summary>
    Same,
}
