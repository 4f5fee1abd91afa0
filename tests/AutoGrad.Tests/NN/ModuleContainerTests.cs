using AutoGrad.NN;
using AutoGrad.Optim;

namespace AutoGrad.Tests.NN;

// ModuleList, ModuleDict, modules with several inputs, dotted names (PyTorch's), Apply and freezing.
public sealed class ModuleContainerTests
{
    // A residual block whose Forward takes an optional additive mask: a typed two-input Forward next to the one-input one.
    private sealed class Block : Module
    {
        public Block(int d, ulong seed)
        {
            Norm = RegisterModule("norm", new LayerNorm(d));
            Fc = RegisterModule("fc", new Linear(d, d, new Generator(seed)));
        }

        public LayerNorm Norm { get; }

        public Linear Fc { get; }

        public override Tensor Forward(Tensor x) => Forward(x, null);

        public Tensor Forward(Tensor x, Tensor? mask) => x + (mask is null ? Fc.Forward(Norm.Forward(x)) : Fc.Forward(Norm.Forward(x)) * mask);
    }

    // Two inputs and two outputs, and no one-input meaning.
    private sealed class Pair : MultiInputModule
    {
        public Pair(int d)
        {
            Blocks = RegisterModule("blocks", new ModuleList(new Block(d, 1), new Block(d, 2)));
            Heads = RegisterModule("heads", new ModuleDict([new("a", new Linear(d, 1, new Generator(3))), new("b", new Linear(d, 2, new Generator(4)))]));
        }

        public ModuleList Blocks { get; }

        public ModuleDict Heads { get; }

        public (Tensor A, Tensor B) Forward(Tensor x, Tensor mask)
        {
            foreach (Block b in Blocks) x = b.Forward(x, mask);
            return (Heads["a"].Forward(x), Heads["b"].Forward(x));
        }
    }

    [Fact]
    public void Names_follow_PyTorchs_dotted_paths()
    {
        var pair = new Pair(2);
        Assert.Equal(["blocks.0.norm.weight", "blocks.0.norm.bias", "blocks.0.fc.weight", "blocks.0.fc.bias",
            "blocks.1.norm.weight", "blocks.1.norm.bias", "blocks.1.fc.weight", "blocks.1.fc.bias",
            "heads.a.weight", "heads.a.bias", "heads.b.weight", "heads.b.bias"], pair.NamedParameters().Select(p => p.Key));
        Assert.Equal(["", "blocks", "blocks.0", "blocks.0.norm", "blocks.0.fc", "blocks.1", "blocks.1.norm", "blocks.1.fc", "heads", "heads.a", "heads.b"],
            pair.NamedModules().Select(m => m.Key));
        Assert.Same(pair.Blocks[1], pair.GetSubmodule("blocks.1"));
        Assert.Same(pair.Blocks[-1], pair.Blocks[1]);
        Assert.Contains("'blocks.7' has no part '7' (children of ModuleList: '0', '1')", Assert.Throws<ArgumentException>(() => pair.GetSubmodule("blocks.7")).Message);
        var seq = new Sequential(new Linear(2, 2, new Generator(1)), new Relu(), new Sequential(new Linear(2, 1, new Generator(2))));
        Assert.Equal(["0.weight", "0.bias", "2.0.weight", "2.0.bias"], seq.NamedParameters().Select(p => p.Key));
        Assert.Equal(seq.NamedParameters().Select(p => p.Key), seq.StateDict().Keys);
    }

    [Fact]
    public void A_multi_input_module_computes_its_typed_forward_and_is_kept_out_of_Sequential()
    {
        var pair = new Pair(2);
        var x = Tensor.FromArray(new float[] { 1, 2, -1, 0.5f }, 2, 2);
        var (a, b) = pair.Forward(x, Tensor.Zeros(new Shape(2, 2)));
        // A zero mask makes both blocks the identity, so the heads see x itself.
        Assert.Equal(pair.Heads["a"].Forward(x).ToDoubleArray(), a.ToDoubleArray());
        Assert.Equal(new Shape(2, 2), b.Shape);
        Assert.Contains("Pair has no one-tensor Forward(x)", Assert.Throws<NotSupportedException>(() => pair.Forward(x)).Message);
        var e = Assert.Throws<ArgumentException>(() => new Sequential(new Linear(2, 2, new Generator(1)), new ModuleList()));
        Assert.Contains("Sequential: layer 1 is a ModuleList, which has no one-tensor Forward(x) to chain", e.Message);
        Assert.Contains("no module under 'c' (keys: 'a', 'b')", Assert.Throws<KeyNotFoundException>(() => pair.Heads["c"]).Message);
        Assert.Throws<ArgumentException>(() => pair.Heads.Add("a", new Relu()));
        Assert.Throws<ArgumentException>(() => pair.Heads.Add("x.y", new Relu()));
        Assert.Equal(2, pair.Heads.Count);
    }

    [Fact]
    public void Apply_visits_children_before_their_parent_and_can_initialise()
    {
        var seq = new Sequential(new Linear(2, 3, new Generator(1)), new Sequential(new Linear(3, 1, new Generator(2))));
        var order = new List<string>();
        seq.Apply(m => order.Add(m.GetType().Name));
        Assert.Equal(["Linear", "Linear", "Sequential", "Sequential"], order);
        using (AutoGrad.Differentiation.Recorder.NoGrad()) seq.Apply(m => { if (m is Linear l) l.Weight.Fill(0.5); });
        Assert.All(seq.Parameters().Where(p => p.Rank == 2).SelectMany(p => p.ToDoubleArray()), v => Assert.Equal(0.5, v));
    }

    [Fact]
    public void A_frozen_submodule_gets_no_gradient_and_no_update()
    {
        var model = new Sequential(new Linear(3, 4, new Generator(1)), new Tanh(), new Linear(4, 2, new Generator(2)));
        model[0].RequiresGrad(false);
        var frozen = model[0].Parameters().Select(p => p.ToDoubleArray()).ToList();
        var head = model[2].Parameters().Select(p => p.ToDoubleArray()).ToList();
        var opt = new Sgd(model.Parameters(), 0.5);
        for (int i = 0; i < 2; i++)
        {
            opt.ZeroGrad();
            model.Forward(Tensor.Randn(new Shape(5, 3), new Generator(3))).Square().Mean().Backward();
            Assert.All(model[0].Parameters(), p => Assert.Null(p.Grad));
            opt.Step();
        }
        Assert.Equal(frozen, model[0].Parameters().Select(p => p.ToDoubleArray()).ToList());
        Assert.NotEqual(head, model[2].Parameters().Select(p => p.ToDoubleArray()).ToList());
        // Freezing survives a dtype conversion, and unfreezing works again.
        model.To(DType.Float64);
        Assert.All(model[0].Parameters(), p => Assert.False(p.RequiresGrad));
        Assert.All(model[2].Parameters(), p => Assert.True(p.RequiresGrad));
        model.RequiresGrad();
        Assert.All(model.Parameters(), p => Assert.True(p.RequiresGrad));
    }

    [Fact]
    public void A_tied_weight_is_one_parameter_but_keeps_both_state_names()
    {
        var embedding = new Embedding(5, 3, new Generator(1));
        var tied = new Tied(embedding);
        // Own parameters come before the children's (PyTorch's order), so the tied tensor is listed under its first name, out_weight.
        Assert.Equal(["out_weight", "bias"], tied.NamedParameters().Select(p => p.Key));
        Assert.Equal(["bias", "emb.weight", "out_weight"], tied.StateDict().Keys.Order(StringComparer.Ordinal));
        _ = new Adam(tied.Parameters());   // listed once, so an optimizer accepts it
        tied.LoadStateDict(tied.StateDict());
    }

    private sealed class Tied : Module
    {
        public Tied(Embedding e)
        {
            RegisterModule("emb", e);
            RegisterParameter("out_weight", e.Weight);
            RegisterParameter("bias", Tensor.Zeros(new Shape(5)));
        }

        public override Tensor Forward(Tensor x) => x.MatMul(Parameter("out_weight").Transpose(0, 1)) + Parameter("bias");
    }
}
