namespace AutoGrad.NN.Init;

/// <summary>Draws an initial tensor of <c>shape</c> given the fan-in <c>n_in</c> and fan-out <c>n_out</c> of the layer that owns it.</summary>
/// <param name="shape">Shape of the parameter.</param>
/// <param name="fanIn">Inputs feeding each output unit (for a convolution: in-channels × kernel area).</param>
/// <param name="fanOut">Outputs each input unit feeds (for a convolution: out-channels × kernel area).</param>
/// <param name="generator">The seeded random source.</param>
/// <param name="dtype">Element type of the result.</param>
public delegate Tensor Initializer(Shape shape, int fanIn, int fanOut, Generator generator, DType dtype);
