using System.Buffers;

namespace AutoGrad.Memory;

// The flat positions a routing op sends gradients to (max-pooling's maxima). Inside a StepScope the array is rented and
// goes back when the scope ends (Note [Step scopes] in ScopeBuffers.cs); a rule that runs after that (a graph kept with
// retainGraph) throws instead of reading another step's positions.
internal sealed class RoutingPositions
{
    private int[]? _data;

    public RoutingPositions(int[] data) : this(data, data.Length) { }

    private RoutingPositions(int[] data, int length)
    {
        _data = data;
        Length = length;
    }

    public int Length { get; }

    public static RoutingPositions Allocate(int length) =>
        ScopeBuffers.Current is not { } scope || length < 1024 ? new(new int[length]) : scope.Track(new RoutingPositions(ArrayPool<int>.Shared.Rent(length), length));

    public Span<int> Span => (_data ?? throw new InvalidOperationException(
        "The positions a max-pooling recorded for its backward were released when its StepScope ended; run backward inside the scope.")).AsSpan(0, Length);

    internal void Release()
    {
        if (_data is not { } d) return;
        _data = null;
        ArrayPool<int>.Shared.Return(d);
    }
}
