using AutoGrad.Differentiation;
using AutoGrad.NN;
using AutoGrad.Transforms;

namespace AutoGrad.Tests.Transforms;

/// <summary>Grad, Jacrev, Jacfwd, Hessian, Hvp and Vmap composed in different orders, on functions of several tensors.</summary>
public class ComposeTests
{
    private static Tensor T(params double[] v) => Tensor.FromArray(v);

    // f(x, y) = Σ x³ + xᵀAy with A = [[1, 2], [3, 4]]: ∇ₓ = 3x² + Ay, ∇ᵧ = Aᵀx, Hₓₓ = diag(6x), Hₓᵧ = A, Hᵧₓ = Aᵀ, Hᵧᵧ = 0.
    private static readonly Tensor A = T(1, 2, 3, 4).Reshape(2, 2);
    private static Tensor F(Tensor[] xs) => xs[0].Pow(3.0).Sum() + xs[0].MatMul(A).MatMul(xs[1]);

    [Fact]
    public void Grad_of_two_inputs_is_analytic()
    {
        var g = Functional.Grad(F)([T(1, -2), T(0.5, 3)]);
        Assert.Equal(new[] { 3 + 1 * 0.5 + 2 * 3, 12 + 3 * 0.5 + 4 * 3.0 }, g[0].ToDoubleArray());
        Assert.Equal(new[] { 1 - 2 * 3.0, 2 - 2 * 4.0 }, g[1].ToDoubleArray());
    }

    [Fact]
    public void Hessian_of_several_inputs_has_every_block()
    {
        var h = Functional.Hessian(F, [T(1, -2), T(0.5, 3)]);
        Assert.Equal(new double[] { 6, 0, 0, -12 }, h[0][0].ToDoubleArray());
        Assert.Equal(new double[] { 1, 2, 3, 4 }, h[0][1].ToDoubleArray());
        Assert.Equal(new double[] { 1, 3, 2, 4 }, h[1][0].ToDoubleArray());
        Assert.Equal(new double[] { 0, 0, 0, 0 }, h[1][1].ToDoubleArray());
    }

    [Fact]
    public void Hvp_of_several_inputs_is_the_hessian_times_v()
    {
        var hv = Functional.Hvp(F, [T(1, -2), T(0.5, 3)], [T(1, 1), T(2, -1)]);
        // Hₓₓv₁ + Hₓᵧv₂ = (6, −12) + A(2, −1) = (6 + 0, −12 + 2); Hᵧₓv₁ + 0 = Aᵀ(1, 1) = (4, 6).
        Assert.Equal(new double[] { 6, -10 }, hv[0].ToDoubleArray());
        Assert.Equal(new double[] { 4, 6 }, hv[1].ToDoubleArray());
    }

    [Fact]
    public void Jacrev_and_jacfwd_agree_with_the_old_jacobian()
    {
        Func<Tensor[], Tensor> f = xs => xs[0].Tanh().MatMul(A) * xs[1];
        var x = T(0.3, -0.7);
        var y = T(2, 5);
        var reference = Functional.Jacobian(t => f([t, y]), x);
        VmapOpTableTests.AssertClose(reference.ToDoubleArray(), Functional.Jacrev(f)([x, y]).ToDoubleArray(), "jacrev");
        VmapOpTableTests.AssertClose(reference.ToDoubleArray(), Functional.Jacfwd(f)([x, y]).ToDoubleArray(), "jacfwd");
        Assert.Equal(new Shape(2, 2), Functional.Jacfwd(f, 1)([x, y]).Shape);
    }

    [Fact]
    public void Vmap_of_grad_is_per_example_and_grad_of_vmap_is_the_sum()
    {
        var xs = Tensor.Randn(new Shape(5, 2), new Generator(1), DType.Float64);
        var y = T(0.5, 3);
        var perExample = Functional.Vmap(Functional.Grad(F), [0, null], [0, 0])([xs, y]);
        var summed = Functional.Grad(v => Functional.Vmap(F, [0, null])([v[0], v[1]]).Sum())([xs, y]);
        var loopY = Tensor.Zeros(new Shape(2), DType.Float64);
        for (int b = 0; b < 5; b++)
        {
            var g = Functional.Grad(F)([xs.Select(0, b), y]);
            VmapOpTableTests.AssertClose(g[0].ToDoubleArray(), perExample[0].Select(0, b).ToDoubleArray(), "vmap∘grad x");
            VmapOpTableTests.AssertClose(g[1].ToDoubleArray(), perExample[1].Select(0, b).ToDoubleArray(), "vmap∘grad y");
            VmapOpTableTests.AssertClose(g[0].ToDoubleArray(), summed[0].Select(0, b).ToDoubleArray(), "grad∘vmap x");
            loopY = loopY + g[1];
        }
        VmapOpTableTests.AssertClose(loopY.ToDoubleArray(), summed[1].ToDoubleArray(), "grad∘vmap y");
    }

    [Fact]
    public void Vmap_of_hessian_and_grad_of_grad_compose()
    {
        var xs = T(1, -2, 0.5, 3).Reshape(2, 2);
        var y = T(0.5, 3);
        var hessians = Functional.Vmap(v => Functional.Jacrev(w => Functional.Grad(F, [0])([w[0], y])[0])([v[0]]), [0])([xs]);
        Assert.Equal(new double[] { 6, 0, 0, -12, 3, 0, 0, 18 }, hessians.ToDoubleArray());
        // ∂/∂x of Σ ∇ₓf = Σ_i ∂(3xᵢ² + (Ay)ᵢ)/∂x = 6x.
        var gg = Functional.Grad(v => Functional.Grad(F, [0])([v[0], y])[0].Sum(), [0])([T(1, -2)]);
        Assert.Equal(new double[] { 6, -12 }, gg[0].ToDoubleArray());
    }

    [Fact]
    public void Create_graph_keeps_the_gradient_differentiable()
    {
        var x = T(1, -2).RequireGrad();
        var g = Functional.Grad(v => v[0].Pow(3.0).Sum(), createGraph: true)([x])[0];
        Assert.True(g.RequiresGrad);
        var second = Functional.Grad([g.Sum()], [x])[0]!;
        Assert.Equal(new double[] { 6, -12 }, second.ToDoubleArray());
        Assert.False(Functional.Grad(v => v[0].Pow(3.0).Sum())([T(1, -2)])[0].RequiresGrad);
    }

    [Fact]
    public void Functional_call_uses_the_given_parameters_and_leaves_the_module_alone()
    {
        var layer = (Linear)new Linear(2, 2, new Generator(3)).To(DType.Float64);
        var weight = layer.Weight;
        var before = weight.ToDoubleArray();
        var x = T(1, 2).Reshape(1, 2);
        var w = T(1, 0, 0, 1).Reshape(2, 2);
        var y = ModuleTransforms.FunctionalCall(layer, new Dictionary<string, Tensor> { ["weight"] = w, ["bias"] = T(10, 20) }, null, x);
        Assert.Equal(new double[] { 11, 22 }, y.ToDoubleArray());
        Assert.Same(weight, layer.Weight);
        Assert.Equal(before, layer.Weight.ToDoubleArray());
        var e = Assert.Throws<ArgumentException>(() => ModuleTransforms.FunctionalCall(layer, new Dictionary<string, Tensor> { ["wieght"] = w }, null, x));
        Assert.Contains("no parameter named 'wieght'", e.Message);
        Assert.Throws<ArgumentException>(() => ModuleTransforms.FunctionalCall(layer, new Dictionary<string, Tensor> { ["weight"] = w }, null, T(1, 2, 3).Reshape(1, 3)));
        Assert.Same(weight, layer.Weight);
    }

    [Fact]
    public void Private_gradient_clips_each_example_then_adds_seeded_noise()
    {
        // Two examples with gradient norms 5 and 0.5 over both parameters; C = 1 scales the first by 1/5 only.
        var ps = new Dictionary<string, Tensor> { ["w"] = T(3, 0.3).Reshape(2, 1), ["b"] = T(4, 0.4).Reshape(2, 1) };
        var clipped = DifferentialPrivacy.PrivateGradient(ps, 1.0, 0, new Generator(1));
        VmapOpTableTests.AssertClose([(0.6 + 0.3) / 2], clipped["w"].ToDoubleArray(), "w");
        VmapOpTableTests.AssertClose([(0.8 + 0.4) / 2], clipped["b"].ToDoubleArray(), "b");
        var noisy = DifferentialPrivacy.PrivateGradient(ps, 1.0, 2.0, new Generator(7));
        var again = DifferentialPrivacy.PrivateGradient(ps, 1.0, 2.0, new Generator(7));
        Assert.Equal(noisy["w"].ToDoubleArray(), again["w"].ToDoubleArray());
        var gen = new Generator(7);
        var noiseW = Tensor.Randn(new Shape(1), gen, DType.Float64).ToDoubleArray()[0];
        VmapOpTableTests.AssertClose([(0.9 + 2.0 * noiseW) / 2], noisy["w"].ToDoubleArray(), "noisy w");
        Assert.Throws<ArgumentOutOfRangeException>(() => DifferentialPrivacy.PrivateGradient(ps, 0, 1, new Generator(1)));
    }
}
