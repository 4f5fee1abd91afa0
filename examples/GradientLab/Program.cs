using GradientLab;

// The research workflow: a custom op and its gradient check, a wrong backward caught, Hessians, and vanishing gradients.
var result = Lab.Run(Console.Out);
bool expected = result.CustomOpCheck.Passed && !result.WrongBackwardCheck.Passed && result.CustomOpSecondOrderCheck.Passed
    && result.LogSumExpHessianError < 1e-12 && result.SoftsignHessianError < 1e-12 && result.Sigmoid.FirstToLast < result.Relu.FirstToLast;
return expected ? 0 : 1;
