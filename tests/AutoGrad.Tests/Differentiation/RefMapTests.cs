using AutoGrad.Differentiation;

namespace AutoGrad.Tests.Autograd;

// RefMap scans while it holds at most 16 keys and hashes past that (Note [Small graphs]); both regimes, and the switch
// between them in the middle of a pass, must behave like a reference-keyed Dictionary.
public class RefMapTests
{
    [Theory]
    [InlineData(1UL, 8)]     // stays linear
    [InlineData(2UL, 40)]    // crosses to the hashed index and back below it
    [InlineData(3UL, 200)]
    public void Random_operations_match_a_Dictionary(ulong seed, int keyCount)
    {
        var g = new Generator(seed);
        var keys = Enumerable.Range(0, keyCount).Select(_ => new object()).ToArray();
        var map = new RefMap<object, int>();
        var model = new Dictionary<object, int>(ReferenceEqualityComparer.Instance);
        for (int step = 0; step < 5000; step++)
        {
            var k = keys[g.NextInt(keyCount)];
            int v = g.NextInt(1000);
            switch (g.NextInt(5))
            {
                case 0: map.Set(k, v); model[k] = v; break;
                case 1: Assert.Equal(model.TryAdd(k, v), map.TryAdd(k, v)); break;
                case 2: Assert.Equal(model.Remove(k), map.Remove(k)); break;
                case 3:
                    Assert.Equal(model.TryGetValue(k, out var expected), map.TryGetValue(k, out var actual));
                    Assert.Equal(expected, actual);
                    break;
                default:
                    if (g.NextInt(50) == 0) { map.Clear(); model.Clear(); }
                    break;
            }
            Assert.Equal(model.Count, map.Count);
        }
        var seen = new Dictionary<object, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < map.Count; i++)
        {
            seen.Add(map.KeyAt(i), map.ValueAt(i));
            Assert.Equal(i, map.IndexOf(map.KeyAt(i)));
        }
        Assert.Equal(model.OrderBy(p => p.Value).Select(p => p.Value), seen.OrderBy(p => p.Value).Select(p => p.Value));
        Assert.All(model, p => Assert.Equal(p.Value, seen[p.Key]));
    }

    [Fact]
    public void Backward_through_a_wide_graph_sums_every_path()
    {
        // 40 leaves each used twice: more live gradients than the linear scan holds, so the pass switches to hashing.
        var leaves = Enumerable.Range(0, 40).Select(i => Tensor.Scalar(i + 1, DType.Float64).RequireGrad()).ToArray();
        var sum = leaves[0] * leaves[0];
        for (int i = 1; i < leaves.Length; i++) sum = sum + leaves[i] * leaves[i] + leaves[i] * 3.0;
        sum.Backward();
        Assert.Equal(2.0, leaves[0].Grad!.Item());
        for (int i = 1; i < leaves.Length; i++) Assert.Equal(2.0 * (i + 1) + 3.0, leaves[i].Grad!.Item());
    }
}
