namespace AutoGrad;

/// <summary>
/// A seeded pseudo-random generator (xoshiro256** seeded by SplitMix64): the same seed gives the same
/// numbers on every machine and runtime.
/// </summary>
public sealed class Generator
{
    private ulong _s0, _s1, _s2, _s3;
    private double? _spareNormal;

    /// <summary>A generator whose whole stream is fixed by <paramref name="seed"/>.</summary>
    public Generator(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix(ref x); _s1 = SplitMix(ref x); _s2 = SplitMix(ref x); _s3 = SplitMix(ref x);
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The next 64 uniformly random bits.</summary>
    public ulong NextUInt64() => Step(ref _s0, ref _s1, ref _s2, ref _s3);

    // One xoshiro256** step (https://prng.di.unimi.it/xoshiro256starstar.c) on the given state: the fields for NextUInt64,
    // locals for the fills below, which keep the state in registers for a whole span.
    private static ulong Step(ref ulong s0, ref ulong s1, ref ulong s2, ref ulong s3)
    {
        ulong result = ulong.RotateLeft(s1 * 5, 7) * 9;
        ulong t = s1 << 17;
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3;
        s2 ^= t;
        s3 = ulong.RotateLeft(s3, 45);
        return result;
    }

    /// <summary>
    /// <c>y[i] = NextDouble() &lt; p ? 1 : 0</c> for each element in order: Tensor.Bernoulli's draws (dropout's masks), the same
    /// stream and values as the loop over <see cref="NextDouble"/>, with the state in locals instead of four field updates per draw.
    /// </summary>
    internal void FillBernoulli<T>(Span<T> y, double p) where T : System.Numerics.INumberBase<T> => FillBernoulli(y, p, T.One);

    /// <summary>
    /// The same draws as <see cref="FillBernoulli{T}(Span{T}, double)"/>, writing <paramref name="one"/> where that writes 1:
    /// dropout's mask with its scale <c>1/(1 − p)</c> in the one pass.
    /// </summary>
    internal void FillBernoulli<T>(Span<T> y, double p, T one) where T : System.Numerics.INumberBase<T>
    {
        ulong s0 = _s0, s1 = _s1, s2 = _s2, s3 = _s3;
        for (int i = 0; i < y.Length; i++) y[i] = Uniform(ref s0, ref s1, ref s2, ref s3) < p ? one : T.Zero;
        (_s0, _s1, _s2, _s3) = (s0, s1, s2, s3);
    }

    /// <summary>
    /// <c>y[i] = mean + std·NextNormal()</c> for each element in order (rounded to <typeparamref name="T"/>): Tensor.Normal's
    /// draws, the same stream and values as the loop over <see cref="NextNormal"/> (a cached spare first, the pair's second
    /// value cached when the span ends on the first), with the state in locals. The loop with four field updates and a
    /// nullable field per draw was 44 ns a sample, most of DP-SGD's noise (benchmarks/AutoGrad.Benchmarks/PerSampleGradientBenchmarks.cs).
    /// </summary>
    internal void FillNormal<T>(Span<T> y, double mean, double std) where T : System.Numerics.INumberBase<T>
    {
        int i = 0;
        if (y.Length == 0) return;
        if (_spareNormal is double spare)
        {
            _spareNormal = null;
            y[i++] = T.CreateTruncating(mean + std * spare);
        }
        ulong s0 = _s0, s1 = _s1, s2 = _s2, s3 = _s3;
        while (i < y.Length)
        {
            double u1;
            do u1 = Uniform(ref s0, ref s1, ref s2, ref s3); while (u1 <= double.Epsilon);
            double u2 = Uniform(ref s0, ref s1, ref s2, ref s3);
            double r = Math.Sqrt(-2.0 * Math.Log(u1));
            y[i++] = T.CreateTruncating(mean + std * (r * Math.Cos(2 * Math.PI * u2)));
            double second = r * Math.Sin(2 * Math.PI * u2);
            if (i < y.Length) y[i++] = T.CreateTruncating(mean + std * second);
            else _spareNormal = second;
        }
        (_s0, _s1, _s2, _s3) = (s0, s1, s2, s3);
    }

    // NextDouble on the given state.
    private static double Uniform(ref ulong s0, ref ulong s1, ref ulong s2, ref ulong s3) =>
        (Step(ref s0, ref s1, ref s2, ref s3) >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform double in <c>[0, 1)</c> with 53 random bits.</summary>
    public double NextDouble() => Uniform(ref _s0, ref _s1, ref _s2, ref _s3);

    /// <summary>A uniform integer in <c>[0, n)</c> (unbiased, by rejection).</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), $"Generator.NextInt: n must be positive, got {n}.");
        ulong bound = (ulong)n;
        ulong limit = ulong.MaxValue - ulong.MaxValue % bound;
        ulong r;
        do r = NextUInt64(); while (r >= limit);
        return (int)(r % bound);
    }

    /// <summary>A standard normal sample <c>N(0, 1)</c> (Box–Muller, pairs cached).</summary>
    public double NextNormal()
    {
        if (_spareNormal is double s) { _spareNormal = null; return s; }
        double u1;
        do u1 = NextDouble(); while (u1 <= double.Epsilon);
        double u2 = NextDouble();
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        _spareNormal = r * Math.Sin(2 * Math.PI * u2);
        return r * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Fisher–Yates shuffle of <paramref name="items"/> in place.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>The full internal state, so training can be checkpointed and resumed bit for bit.</summary>
    public ulong[] GetState() => [_s0, _s1, _s2, _s3, _spareNormal is double d ? 1UL : 0UL, BitConverter.DoubleToUInt64Bits(_spareNormal ?? 0)];

    /// <summary>Restores a state captured by <see cref="GetState"/>.</summary>
    /// <exception cref="ArgumentException">Not six words, the all-zero xoshiro state (a fixed point: every draw would be 0 and
    /// <see cref="NextNormal"/> would loop forever), or a cached normal that is not finite; the generator is unchanged.</exception>
    public void SetState(ulong[] state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Length != 6) throw new ArgumentException($"Generator.SetState: expected 6 words, got {state.Length}.", nameof(state));
        if ((state[0] | state[1] | state[2] | state[3]) == 0)
            throw new ArgumentException("Generator.SetState: the first four words are all zero, which xoshiro256** never reaches from a seed (every draw would be 0 forever); the state is corrupt.", nameof(state));
        if (state[4] != 0 && !double.IsFinite(BitConverter.UInt64BitsToDouble(state[5])))
            throw new ArgumentException($"Generator.SetState: the cached normal sample {BitConverter.UInt64BitsToDouble(state[5])} is not finite.", nameof(state));
        (_s0, _s1, _s2, _s3) = (state[0], state[1], state[2], state[3]);
        _spareNormal = state[4] != 0 ? BitConverter.UInt64BitsToDouble(state[5]) : null;
    }
}
