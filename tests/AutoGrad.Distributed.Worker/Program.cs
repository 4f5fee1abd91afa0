using AutoGrad;
using AutoGrad.Data;
using AutoGrad.Distributed;
using AutoGrad.Distributed.Worker;
using AutoGrad.Optim;

// A test worker started by AutoGrad.Distributed.Tests, under mpirun (train, fault, mismatch) or alone (reference, full).
//   train <fixed|mpi> <steps> <b> <accumulate> <outDir>        each rank writes rank{r}.bin (final weights)
//   reference <ranks> <steps> <b> <accumulate> <outDir>         one process, the ranks' batches in rank order: reference.bin
//   full <ranks> <steps> <b> <outDir>                           one process, one batch of ranks·b: full.bin
//   train-bn|train-localbn <steps> <b> <outDir> / full-bn <ranks> <steps> <b> <outDir>   the same with SyncBatchNorm / BatchNorm1d (weights, then buffers)
//   fault <die|hang> <rank> <timeoutSeconds>                    that rank exits or sleeps at step 2; the others must fail
//   mismatch                                                    rank 1 builds a wider hidden layer
const ulong Seed = 42;
string mode = args[0];
switch (mode)
{
    case "reference": Reference(int.Parse(args[1]), int.Parse(args[2]), int.Parse(args[3]), int.Parse(args[4]), args[5]); return 0;
    case "full": Full(Setup.Model(), int.Parse(args[1]), int.Parse(args[2]), int.Parse(args[3]), args[4]); return 0;
    case "full-bn": Full(Setup.NormModel(new AutoGrad.NN.BatchNorm1d(16)), int.Parse(args[1]), int.Parse(args[2]), int.Parse(args[3]), args[4]); return 0;
}

var comm = Communicator.World(TimeSpan.FromSeconds(60));
try
{
    switch (mode)
    {
        case "train":
        {
            var order = args[1] == "fixed" ? ReductionOrder.Fixed : ReductionOrder.Mpi;
            int steps = int.Parse(args[2]), b = int.Parse(args[3]), accumulate = int.Parse(args[4]);
            var ddp = new DistributedDataParallel(Setup.Model(), comm, order, bucketBytes: 512);
            Train(ddp, comm, steps, b, accumulate, fault: null);
            Setup.Write(Path.Combine(args[5], $"rank{comm.Rank}.bin"), ddp.Module);
            Console.WriteLine($"rank {comm.Rank}: {ddp.BucketCount} buckets, {ddp.GradientBytesPerStep} gradient bytes per step, {comm.BytesReduced} bytes reduced");
            break;
        }
        case "train-bn" or "train-localbn":
        {
            var norm = mode == "train-bn" ? new SyncBatchNorm(16, comm) : (AutoGrad.NN.Module)new AutoGrad.NN.BatchNorm1d(16);
            var ddp = new DistributedDataParallel(Setup.NormModel(norm), comm, ReductionOrder.Mpi);
            Train(ddp, comm, int.Parse(args[1]), int.Parse(args[2]), 1, fault: null);
            Setup.Write(Path.Combine(args[3], $"rank{comm.Rank}.bin"), ddp.Module);
            break;
        }
        case "fault":
        {
            var ddp = new DistributedDataParallel(Setup.Model(), comm, ReductionOrder.Mpi, bucketBytes: 512);
            // The short timeout only once every rank is up: a loaded machine may start one rank's runtime seconds after another's.
            comm.Barrier();
            comm.Timeout = TimeSpan.FromSeconds(double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture));
            Train(ddp, comm, steps: 6, b: 8, accumulate: 1, fault: (args[1], int.Parse(args[2])));
            break;
        }
        case "mismatch":
            _ = new DistributedDataParallel(Setup.Model(hidden: comm.Rank == 1 ? 17 : 16), comm);
            break;
        default: throw new ArgumentException($"unknown mode '{mode}'");
    }
}
catch (CommunicationTimeoutException e)
{
    Console.Error.WriteLine($"rank {comm.Rank} failed: {e.Message}");
    comm.Dispose();   // aborts the job: the failed collective may leave other ranks blocked
    return 2;
}
catch (InvalidOperationException e) when (mode == "mismatch")
{
    Console.Error.WriteLine($"rank {comm.Rank} refused the model: {e.Message}");
    comm.Dispose();
    return 3;
}
comm.Dispose();
return 0;

static void Train(DistributedDataParallel ddp, Communicator comm, int steps, int b, int accumulate, (string Kind, int Rank)? fault)
{
    var optimizer = Setup.Optimizer(ddp);
    var loader = new DataLoader(Setup.Data(), b) { Sampler = new DistributedSampler(comm, new Generator(Seed)) };
    int step = 0;
    while (step < steps)
    {
        using var batches = loader.GetEnumerator();
        while (step < steps)
        {
            optimizer.ZeroGrad();
            for (int m = 0; m < accumulate; m++)
            {
                if (!batches.MoveNext()) break;
                if (fault is { } f && f.Rank == comm.Rank && step == 2)
                {
                    Console.Error.WriteLine($"rank {comm.Rank}: simulated fault '{f.Kind}' at step {step}");
                    if (f.Kind == "die") Environment.Exit(7);
                    Thread.Sleep(TimeSpan.FromMinutes(10));
                }
                using (m < accumulate - 1 ? ddp.NoSync() : null) Setup.Loss(ddp, batches.Current).Backward();
            }
            optimizer.Step();
            step++;
        }
    }
}

// The ranks' work done by one process: rank r's shard from its own sampler (same seed), each rank's gradient accumulated
// over its micro-batches, then summed in rank order and divided by N — what ReductionOrder.Fixed computes.
static void Reference(int ranks, int steps, int b, int accumulate, string outDir)
{
    var model = Setup.Model();
    var optimizer = Setup.Optimizer(model);
    var data = Setup.Data();
    var shards = Enumerable.Range(0, ranks).Select(r => new DataLoader(data, b) { Sampler = new DistributedSampler(r, ranks, new Generator(Seed)) }).ToArray();
    var parameters = model.Parameters();
    int step = 0;
    while (step < steps)
    {
        var epoch = shards.Select(s => s.GetEnumerator()).ToArray();
        bool more = true;
        while (step < steps && more)
        {
            var sums = new float[parameters.Count][];
            for (int r = 0; r < ranks && more; r++)
            {
                var local = new float[parameters.Count][];
                for (int m = 0; m < accumulate && more; m++)
                {
                    if (!(more = epoch[r].MoveNext())) break;
                    // Each micro-batch's gradient alone, added as .Grad + g: a plain Backward into an existing .Grad may fuse the
                    // addition into the weight product (Note [Gradient sinks]), which the hooked parameters of DDP never do.
                    model.ZeroGrad();
                    Setup.Loss(model, epoch[r].Current).Backward();
                    Add(local, parameters);
                }
                for (int i = 0; i < parameters.Count && more; i++)
                    if (sums[i] is null) sums[i] = local[i];
                    else for (int k = 0; k < local[i].Length; k++) sums[i][k] += local[i][k];
            }
            if (!more) break;
            float n = ranks;
            for (int i = 0; i < parameters.Count; i++)
            {
                for (int k = 0; k < sums[i].Length; k++) sums[i][k] /= n;
                parameters[i].Grad = Tensor.FromArray(sums[i], parameters[i].Shape.ToArray());
            }
            optimizer.Step();
            step++;
        }
    }
    Setup.Write(Path.Combine(outDir, "reference.bin"), model);
}

static void Add(float[][] sums, IReadOnlyList<Tensor> parameters)
{
    for (int i = 0; i < parameters.Count; i++)
    {
        var g = parameters[i].Grad!.ToFloatArray();
        if (sums[i] is null) sums[i] = g;
        else for (int k = 0; k < g.Length; k++) sums[i][k] = sums[i][k] + g[k];
    }
}

// One process with the single-process loader and batch N·b (same seed): the same examples per step as the N ranks together.
static void Full(AutoGrad.NN.Module model, int ranks, int steps, int b, string outDir)
{
    var optimizer = Setup.Optimizer(model);
    var loader = new DataLoader(Setup.Data(), ranks * b, shuffle: true, generator: new Generator(Seed));
    int step = 0;
    while (step < steps)
        foreach (var batch in loader)
        {
            if (step == steps) break;
            optimizer.ZeroGrad();
            Setup.Loss(model, batch).Backward();
            optimizer.Step();
            step++;
        }
    Setup.Write(Path.Combine(outDir, "full.bin"), model);
}
