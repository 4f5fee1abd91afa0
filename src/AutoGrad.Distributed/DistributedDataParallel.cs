using AutoGrad.Differentiation;
using AutoGrad.NN;

namespace AutoGrad.Distributed;

/// <summary>
/// Data-parallel training: every rank holds a replica of <see cref="Module"/>, runs forward and backward on its own shard of the
/// batch, and after backward every parameter's <c>.Grad</c> is the mean over ranks <c>(1/N) Σᵣ ∂Lᵣ/∂θ</c> — the gradient of the
/// mean loss over the union of the shards when each rank's loss is a mean over an equal-sized shard.
/// </summary>
/// <remarks>
/// <para>At construction the ranks check that they hold the same parameters and buffers (names, dtypes, shapes; the error names the
/// first difference) and rank 0's values are broadcast to all.</para>
/// <para>Gradients travel in buckets of about <c>bucketBytes</c>, filled in reverse registration order (roughly the order backward
/// produces them). A gradient-ready hook (<see cref="Tensor.RegisterGradientReadyHook"/>) stages each parameter's gradient as soon as
/// the walk has finished it and starts the bucket's nonblocking collective once the bucket is full, so communication overlaps the
/// rest of backward; buckets start in index order on every rank, as MPI requires. After the walk a gradient hook on each parameter
/// waits for its bucket and replaces the gradient by the mean. Every parameter must receive a gradient in every synchronised
/// backward pass, as in PyTorch's default.</para>
/// <para>BatchNorm statistics stay local to each rank (each normalises by its own shard, as PyTorch's DDP does); running statistics
/// can be made equal with <see cref="BroadcastBuffers"/> before evaluation or saving. Only float32 parameters are supported.</para>
/// </remarks>
public sealed class DistributedDataParallel : Module
{
    private readonly GradientBucket[] _buckets;
    private readonly List<IDisposable> _hooks = [];
    private int _nextLaunch;
    private int _noSyncDepth;

    /// <summary>Wraps <paramref name="module"/> for data-parallel training over <paramref name="communicator"/>'s ranks.</summary>
    /// <param name="module">The replica on this rank; its parameters are overwritten with rank 0's.</param>
    /// <param name="communicator">The ranks taking part.</param>
    /// <param name="order">How the gradients are summed (see <see cref="ReductionOrder"/>).</param>
    /// <param name="bucketBytes">Target size of one bucket of gradients.</param>
    /// <exception cref="InvalidOperationException">The ranks' models differ; the message names the first differing parameter.</exception>
    public DistributedDataParallel(Module module, Communicator communicator, ReductionOrder order = ReductionOrder.Mpi, int bucketBytes = 1 << 20)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(communicator);
        ArgumentOutOfRangeException.ThrowIfLessThan(bucketBytes, 4);
        Module = RegisterModule("module", module);
        Communicator = communicator;
        Order = order;
        var parameters = module.NamedParameters();
        foreach (var (name, p) in parameters)
            if (p.DType != DType.Float32)
                throw new ArgumentException($"DistributedDataParallel: parameter '{name}' is {p.DType}; only float32 parameters are supported.", nameof(module));
        ModelSignature.Check(module, communicator);
        Broadcast(parameters.Concat(module.NamedBuffers()));
        _buckets = BuildBuckets(parameters.Where(p => p.Value.RequiresGrad).Reverse().ToList(), bucketBytes);
        foreach (var bucket in _buckets)
            for (int slot = 0; slot < bucket.Members.Count; slot++)
            {
                var (b, s, p) = (bucket, slot, bucket.Members[slot].Parameter);
                _hooks.Add(p.RegisterGradientReadyHook(g => OnReady(b, s, g)));
                _hooks.Add(p.RegisterHook(_ => OnBackwardDone(b, s)));
            }
        GradientBytesPerStep = _buckets.Sum(b => (long)b.Count * sizeof(float));
    }

    /// <summary>The wrapped replica (registered as the child <c>"module"</c>, so parameter names start with <c>"module."</c>).</summary>
    public Module Module { get; }

    /// <summary>The ranks this model trains on.</summary>
    public Communicator Communicator { get; }

    /// <summary>How gradients are summed across ranks.</summary>
    public ReductionOrder Order { get; }

    /// <summary>Number of gradient buckets (collectives per synchronised backward pass).</summary>
    public int BucketCount => _buckets.Length;

    /// <summary>Gradient bytes each rank contributes per synchronised backward pass (4 bytes per parameter).</summary>
    public long GradientBytesPerStep { get; }

    /// <summary>Runs the replica's forward pass.</summary>
    /// <exception cref="InvalidOperationException">The previous backward pass left a bucket unfinished (a parameter got no gradient).</exception>
    public override Tensor Forward(Tensor x)
    {
        foreach (var bucket in _buckets)
            if (bucket.Busy)
                throw new InvalidOperationException(
                    $"DistributedDataParallel: the last backward pass gave no gradient to {string.Join(", ", bucket.Missing().Select(n => $"'{n}'"))}, so its gradients were not averaged; every parameter must take part in the loss.");
        return Module.Forward(x);
    }

    /// <summary>
    /// A scope for gradient accumulation: backward passes inside it add to <c>.Grad</c> locally without communicating; the first
    /// synchronised pass after it averages the accumulated gradients. Dispose to leave the scope.
    /// </summary>
    public IDisposable NoSync()
    {
        _noSyncDepth++;
        return new Scope(this);
    }

    /// <summary>Copies rank 0's buffers (e.g. BatchNorm running statistics) to every rank.</summary>
    public void BroadcastBuffers()
    {
        using (Recorder.NoGrad()) Broadcast(Module.NamedBuffers());
    }

    private void Broadcast(IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        using var _ = Recorder.NoGrad();
        foreach (var (_, t) in tensors)
        {
            if (t.DType != DType.Float32) continue;   // float64 buffers are not synchronised (the signature check still compares shapes)
            var values = t.ToFloatArray();
            Communicator.Broadcast(values);
            if (!Communicator.IsRoot) t.CopyFrom(Tensor.FromArray(values, t.Shape.ToArray()));
        }
    }

    private GradientBucket[] BuildBuckets(List<KeyValuePair<string, Tensor>> parameters, int bucketBytes)
    {
        var buckets = new List<GradientBucket>();
        var current = new List<(string, Tensor)>();
        long bytes = 0;
        foreach (var (name, p) in parameters)
        {
            current.Add((name, p));
            bytes += (long)p.Size * sizeof(float);
            if (bytes >= bucketBytes) { buckets.Add(new GradientBucket(buckets.Count, current, Communicator.Size, Order)); current = []; bytes = 0; }
        }
        if (current.Count > 0) buckets.Add(new GradientBucket(buckets.Count, current, Communicator.Size, Order));
        return [.. buckets];
    }

    private void OnReady(GradientBucket bucket, int slot, Tensor g)
    {
        if (_noSyncDepth > 0) return;
        bucket.Stage(slot, g, bucket.Members[slot].Parameter.Grad);
        while (_nextLaunch < _buckets.Length && _buckets[_nextLaunch].Full) _buckets[_nextLaunch++].Launch(Communicator);
        foreach (var b in _buckets) b.Progress(Communicator);
    }

    private Tensor? OnBackwardDone(GradientBucket bucket, int slot)
    {
        if (_noSyncDepth > 0) return null;
        if (!bucket.Launched)
            throw new InvalidOperationException(
                $"DistributedDataParallel: backward gave no gradient to {string.Join(", ", bucket.Missing().Concat(_buckets.Take(bucket.Index).SelectMany(b => b.Missing())).Select(n => $"'{n}'"))}; every parameter must take part in the loss.");
        if (!bucket.Reduced) bucket.Complete(Communicator, Communicator.Size);
        var p = bucket.Members[slot].Parameter;
        var mean = bucket.Result(slot, p.Shape);
        p.ZeroGrad(setToNone: true);   // the mean already includes what .Grad held (no-sync accumulation)
        if (++bucket.Consumed == bucket.Members.Count)
        {
            bucket.Reset();
            if (!_buckets.Any(b => b.Busy)) _nextLaunch = 0;
        }
        return mean;
    }

    private sealed class Scope(DistributedDataParallel owner) : IDisposable
    {
        private bool _done;

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            owner._noSyncDepth--;
        }
    }
}
