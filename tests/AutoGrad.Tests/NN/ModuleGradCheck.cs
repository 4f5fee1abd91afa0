using AutoGrad.Differentiation;
using AutoGrad.NN;
using AutoGrad.Checking;

namespace AutoGrad.Tests.NN;

/// <summary>Gradient-checks a module w.r.t. its input and every parameter by re-binding the parameters to GradCheck's inputs.</summary>
internal static class ModuleGradCheck
{
    public static void Assert(Module module, Tensor input, bool checkInput = true, GradCheckOptions? options = null)
    {
        module.To(DType.Float64);
        var named = module.NamedParameters();
        var inputs = new List<Tensor> { input.To(DType.Float64) };
        inputs.AddRange(named.Select(p => p.Value));
        if (checkInput) inputs[0].RequiresGrad = true;
        foreach (var p in inputs.Skip(1)) p.RequiresGrad = true;
        if (!checkInput) inputs[0] = inputs[0].Detach();
        GradCheck.Assert(xs =>
        {
            for (int i = 0; i < named.Count; i++) module.Rebind(named[i].Key, xs[i + 1]);
            return module.Forward(xs[0]);
        }, [.. inputs], options);
    }
}
