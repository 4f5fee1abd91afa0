using System.Collections;
using System.Collections.Concurrent;

namespace AutoGrad.Data;

/// <summary>One mini-batch: examples <c>X[b, …]</c>, their labels or targets, and their positions in the data set.</summary>
/// <param name="Features">The examples of the batch, shape <c>[m, …]</c>.</param>
/// <param name="Labels">The class index of each example (empty when the batch has <paramref name="Targets"/>).</param>
/// <param name="Indices">Where each example sits in the source data set.</param>
/// <param name="ClassCount">The number of classes <c>k</c> of the source data set (0 with targets).</param>
/// <param name="Targets">The target tensors of the examples, shape <c>[m, …]</c>, for a data set with targets; null for class labels.</param>
public sealed record Batch(Tensor Features, int[] Labels, int[] Indices, int ClassCount, Tensor? Targets = null)
{
    /// <summary>The number of examples <c>m</c> in the batch.</summary>
    public int Count => Targets is null ? Labels.Length : Targets.Shape[0];

    /// <summary>The labels as a 1-D tensor of class indices.</summary>
    /// <exception cref="InvalidOperationException">The batch has <see cref="Targets"/>, not class labels.</exception>
    public Tensor LabelTensor(DType dtype = DType.Float32) => Targets is null ? Dataset.LabelsToTensor(Labels, dtype)
        : throw new InvalidOperationException($"Batch: the batch has target tensors (shape {Targets.Shape}), not class labels; use Batch.Targets (e.g. Objectives.Mse or Objectives.TokenCrossEntropy).");

    /// <summary>The labels one-hot encoded, <c>Y[i, c] = 1(yᵢ = c)</c>, shape <c>[m, k]</c>.</summary>
    public Tensor OneHotLabels(DType dtype = DType.Float32) => LabelTensor(dtype).OneHot(ClassCount);
}

/// <summary>
/// Iterates a data set in mini-batches of <c>m</c> examples, one epoch per enumeration: <c>⌈n/m⌉</c> batches
/// (<c>⌊n/m⌋</c> with drop-last), in a fresh seeded random order each epoch when shuffling.
/// </summary>
/// <remarks>
/// With <c>prefetch &gt; 0</c> a background worker builds the next batches (and runs the optional transform)
/// into a bounded queue of that many batches while the caller trains on the current one. The order is fixed
/// on the caller's thread before the worker starts, so batches are identical with and without prefetching.
/// Disposing an enumerator (leaving a <c>foreach</c>) or the loader stops its worker.
/// </remarks>
public sealed class DataLoader : IEnumerable<Batch>, IDisposable
{
    private readonly Dataset _data;
    private readonly Generator? _generator;
    private readonly Func<Batch, Batch>? _transform;
    private readonly HashSet<PrefetchEnumerator> _active = [];
    private bool _disposed;
    private int _runningWorkers;

    /// <summary>A loader over <paramref name="dataset"/> with batches of <paramref name="batchSize"/> examples.</summary>
    /// <param name="dataset">The examples to batch.</param>
    /// <param name="batchSize">Examples per batch <c>m ≥ 1</c>; the last batch may be smaller unless <paramref name="dropLast"/>.</param>
    /// <param name="shuffle">Draw a new random order every epoch from <paramref name="generator"/>.</param>
    /// <param name="generator">The seeded source of the order; required when shuffling.</param>
    /// <param name="dropLast">Skip a final batch smaller than <paramref name="batchSize"/>.</param>
    /// <param name="prefetch">Batches to build ahead on a background thread (0: build on the caller's thread).</param>
    /// <param name="transform">Applied to every batch (e.g. augmentation); runs on the worker when prefetching.</param>
    public DataLoader(Dataset dataset, int batchSize, bool shuffle = false, Generator? generator = null, bool dropLast = false, int prefetch = 0, Func<Batch, Batch>? transform = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), $"DataLoader: batch size must be ≥ 1, got {batchSize}.");
        if (prefetch < 0) throw new ArgumentOutOfRangeException(nameof(prefetch), $"DataLoader: prefetch must be ≥ 0, got {prefetch}.");
        if (shuffle && generator is null) throw new ArgumentException("DataLoader: shuffling needs a seeded Generator so runs can be reproduced.", nameof(generator));
        (_data, BatchSize, Shuffle, _generator, DropLast, Prefetch, _transform) = (dataset, batchSize, shuffle, generator, dropLast, prefetch, transform);
    }

    /// <summary>Examples per batch <c>m</c>.</summary>
    public int BatchSize { get; }

    /// <summary>When set, chooses each epoch's indices instead of the loader's own order (then <see cref="Shuffle"/> must be false).</summary>
    public IIndexSampler? Sampler
    {
        get;
        init => field = value is not null && Shuffle ? throw new ArgumentException("DataLoader: a sampler chooses the order itself; do not also shuffle.") : value;
    }

    /// <summary>Whether each epoch draws a new random order.</summary>
    public bool Shuffle { get; }

    /// <summary>Whether a final short batch is skipped.</summary>
    public bool DropLast { get; }

    /// <summary>How many batches the background worker builds ahead (0 = none).</summary>
    public int Prefetch { get; }

    /// <summary>Batches per epoch: <c>⌊n/m⌋</c> with drop-last, else <c>⌈n/m⌉</c>.</summary>
    public int BatchCount => (Sampler?.Count(_data.Count) ?? _data.Count) is var n && DropLast ? n / BatchSize : (n + BatchSize - 1) / BatchSize;

    internal int RunningWorkers => Volatile.Read(ref _runningWorkers);

    /// <summary>Starts one epoch; the order is drawn now, on the calling thread.</summary>
    public IEnumerator<Batch> GetEnumerator()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var order = Sampler?.NextEpoch(_data.Count) ?? Enumerable.Range(0, _data.Count).ToArray();
        if (Shuffle) _generator!.Shuffle<int>(order);
        var plan = new int[BatchCount][];
        for (int b = 0; b < plan.Length; b++) plan[b] = order[(b * BatchSize)..Math.Min((b + 1) * BatchSize, order.Length)];
        if (Prefetch == 0) return plan.Select(Build).GetEnumerator();
        var e = new PrefetchEnumerator(this, plan);
        lock (_active) _active.Add(e);
        return e;
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Stops every background worker; the loader cannot be enumerated afterwards.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        PrefetchEnumerator[] active;
        lock (_active) active = [.. _active];
        foreach (var e in active) e.Dispose();
    }

    private Batch Build(int[] indices)
    {
        Batch batch;
        if (_data.Targets is { } targets) batch = new Batch(Dataset.TakeRows(_data.Features, indices), [], indices, 0, Dataset.TakeRows(targets, indices));
        else
        {
            var labels = new int[indices.Length];
            for (int i = 0; i < indices.Length; i++) labels[i] = _data.LabelArray[indices[i]];
            batch = new Batch(Dataset.TakeRows(_data.Features, indices), labels, indices, _data.ClassCount);
        }
        return _transform is null ? batch : _transform(batch);
    }

    private sealed class PrefetchEnumerator : IEnumerator<Batch>
    {
        private readonly DataLoader _owner;
        private readonly BlockingCollection<Batch> _queue;
        private readonly CancellationTokenSource _cancel = new();
        private readonly Task _worker;
        private Exception? _failure;
        private Batch? _current;
        private int _disposed;

        public PrefetchEnumerator(DataLoader owner, int[][] plan)
        {
            _owner = owner;
            _queue = new BlockingCollection<Batch>(owner.Prefetch);
            Interlocked.Increment(ref owner._runningWorkers);
            _worker = Task.Factory.StartNew(() => Run(plan), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        public Batch Current => _current ?? throw new InvalidOperationException("DataLoader: enumeration has not started.");

        object IEnumerator.Current => Current;

        public bool MoveNext()
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            if (_queue.TryTake(out var batch, Timeout.Infinite)) { _current = batch; return true; }
            // Adding completed: either the epoch ended or the worker failed; surface the failure here.
            if (_failure is not null) throw new InvalidOperationException($"DataLoader: building a batch failed: {_failure.Message}", _failure);
            return false;
        }

        public void Reset() => throw new NotSupportedException("DataLoader: start a new epoch with a new foreach instead of Reset.");

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            _cancel.Cancel();
            _worker.Wait();       // Run catches everything, so this only waits for the worker to leave
            lock (_owner._active) _owner._active.Remove(this);
            _queue.Dispose();
            _cancel.Dispose();
        }

        private void Run(int[][] plan)
        {
            try
            {
                foreach (var indices in plan)
                {
                    if (_cancel.IsCancellationRequested) break;
                    _queue.Add(_owner.Build(indices), _cancel.Token);
                }
            }
            catch (OperationCanceledException) { }
            catch (Exception e) { _failure = e; }
            finally
            {
                _queue.CompleteAdding();
                Interlocked.Decrement(ref _owner._runningWorkers);
            }
        }
    }
}
