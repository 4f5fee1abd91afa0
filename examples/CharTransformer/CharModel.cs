using AutoGrad;
using AutoGrad.NN;

namespace CharTransformerExample;

/// <summary>The model's sizes (the issue's: d 128, 4 heads, 2 pre-norm GELU blocks with feed-forward 512, dropout 0.1, context 16).</summary>
public sealed record CharConfig(int DModel = 128, int Heads = 4, int Layers = 2, int FeedForward = 512, double Dropout = 0.1, int Context = 16);

/// <summary>
/// A character-level transformer language model (makemore's shape): token embedding plus a learned position embedding, pre-norm
/// encoder layers with causal self-attention, a final LayerNorm and a linear head to the vocabulary's logits.
/// </summary>
public sealed class CharModel : Module
{
    private readonly TransformerEncoderLayer[] _blocks;

    /// <summary>A model over <paramref name="vocabulary"/> characters.</summary>
    public CharModel(int vocabulary, CharConfig config, Generator generator)
    {
        Config = config;
        Tokens = RegisterModule("tok_emb", new Embedding(vocabulary, config.DModel, generator));
        Positions = RegisterModule("pos_emb", new LearnedPositionalEmbedding(config.Context, config.DModel, generator));
        _blocks = new TransformerEncoderLayer[config.Layers];
        for (int i = 0; i < config.Layers; i++)
            _blocks[i] = RegisterModule($"block{i}", new TransformerEncoderLayer(config.DModel, config.Heads, generator, config.FeedForward, config.Dropout,
                TransformerActivation.Gelu, normFirst: true));
        Norm = RegisterModule("ln_f", new LayerNorm(config.DModel));
        Head = RegisterModule("head", new Linear(config.DModel, vocabulary, generator));
    }

    /// <summary>The sizes.</summary>
    public CharConfig Config { get; }

    /// <summary>Token embedding.</summary>
    public Embedding Tokens { get; }

    /// <summary>Position embedding.</summary>
    public LearnedPositionalEmbedding Positions { get; }

    /// <summary>Final LayerNorm.</summary>
    public LayerNorm Norm { get; }

    /// <summary>Output layer.</summary>
    public Linear Head { get; }

    /// <summary>Logits (N, T, V) of the next character at every position of the ids <paramref name="x"/> (N, T), attending causally.</summary>
    public override Tensor Forward(Tensor x)
    {
        var h = Positions.Forward(Tokens.Forward(x));
        foreach (var block in _blocks) h = block.Forward(h, null, null, isCausal: true);
        return Head.Forward(Norm.Forward(h));
    }
}
