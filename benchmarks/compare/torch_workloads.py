"""The PyTorch side of the comparison: the same workloads, shapes, hyper-parameters and step counts as
benchmarks/AutoGrad.Benchmarks/Compare (Workloads.cs, EpochWorkloads.cs, SequenceWorkloads.cs).
Usage: torch_workloads.py <workload> [repetitions | --quick] [--threads T]; OpenBLAS threads come from the
OPENBLAS_NUM_THREADS environment variable, which run.sh sets per process.
Prints one line: `workload unit value [key=value ...]`."""
import gzip
import os
import statistics
import sys
import time

import numpy as np
import torch


def gemm():
    g = torch.Generator().manual_seed(0)
    a = torch.rand(1024, 1024, generator=g)
    b = torch.rand(1024, 1024, generator=g)
    best = float("inf")
    for _ in range(10):
        t = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t)
    return 2.0 * 1024 ** 3 / best / 1e9


def steps(n, batch, model, x, y):
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = torch.nn.CrossEntropyLoss()
    t = time.perf_counter()
    for _ in range(n):
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()
    return n * batch / (time.perf_counter() - t)


def mlp(batch):
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
    x = torch.rand(batch, 784)
    y = torch.arange(batch) % 10
    return steps(200, batch, model, x, y)


def cnn():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 32, 5), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                                torch.nn.Flatten(), torch.nn.Linear(32 * 12 * 12, 10))
    x = torch.rand(64, 1, 28, 28)
    y = torch.arange(64) % 10
    return steps(20, 64, model, x, y)


def tape():
    x = torch.tensor(1.5, requires_grad=True)
    w = torch.tensor(0.5, requires_grad=True)
    t = time.perf_counter()
    for _ in range(10_000):
        z = x * w + x
        z.backward()
    return (time.perf_counter() - t) * 1e6 / 10_000


WORKLOADS = {"gemm": ("GFLOP/s", gemm), "mlp64": ("samples/s", lambda: mlp(64)),
             "mlp256": ("samples/s", lambda: mlp(256)), "cnn": ("samples/s", cnn), "tape": ("us/iteration", tape)}

FASHION = os.environ.get("AUTOGRAD_FASHION_MNIST", "/usr/share/datasets/fashion-mnist")


def idx(name):
    with gzip.open(os.path.join(FASHION, name), "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def fashion(train_count, test_count, images, scale, shift):
    """The first train_count / test_count images, as (n, 784) rows or (n, 1, 28, 28) images, (x - shift) * scale."""
    def prep(x, n):
        x = torch.from_numpy(x[:n].astype(np.float32))
        x = x.reshape(n, 1, 28, 28) if images else x.reshape(n, 784)
        return (x - shift) * scale if shift else x * scale
    xtr, ytr = prep(idx("train-images-idx3-ubyte.gz"), train_count), torch.from_numpy(idx("train-labels-idx1-ubyte.gz")[:train_count].astype(np.int64))
    xte, yte = prep(idx("t10k-images-idx3-ubyte.gz"), test_count), torch.from_numpy(idx("t10k-labels-idx1-ubyte.gz")[:test_count].astype(np.int64))
    return xtr, ytr, xte, yte


def cnn_model():
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 32, 5), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(32, 64, 5), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(64 * 4 * 4, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))


def mlp_model():
    return torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 128), torch.nn.ReLU(),
                               torch.nn.Linear(128, 10))


def nielsen_model():
    layers = []
    for a, b in [(784, 30), (30, 10)]:
        dense = torch.nn.Linear(a, b)
        with torch.no_grad():
            dense.weight.normal_(0, 1)
            dense.bias.normal_(0, 1)
        layers += [dense, torch.nn.Sigmoid()]
    return torch.nn.Sequential(*layers)


def ce(out, y):
    return torch.nn.functional.cross_entropy(out, y)


def quadratic(a, y):   # (1/2m) sum_x ||y(x) - a||^2
    return ((torch.nn.functional.one_hot(y, 10).to(a.dtype) - a) ** 2).sum() / (2 * a.shape[0])


# name: (batch, images, scale, shift, train, quick train, model, optimizer, 1/t decay per step or None, loss)
EPOCH_SPECS = {
    "cnn": (64, True, 1 / 255.0, 0, 60_000, 3_200, cnn_model, lambda m: torch.optim.Adam(m.parameters(), 1e-3), None, ce),
    "mlp": (128, False, 1 / 127.5, 127.5, 60_000, 12_800, mlp_model, lambda m: torch.optim.Adam(m.parameters(), 1e-3, eps=1e-7), 1e-3, ce),
    "nielsen": (10, False, 1 / 255.0, 0, 50_000, 10_000, nielsen_model, lambda m: torch.optim.SGD(m.parameters(), 3.0), None, quadratic),
}
TEST_COUNT, QUICK_TEST_COUNT = 10_000, 2_000


def epoch(spec, model, opt, x, y, gen, budget=None):
    """One shuffled pass (or until `budget` seconds); returns wall seconds."""
    batch, decay, loss_fn = spec[0], spec[8], spec[9]
    order = torch.randperm(x.shape[0], generator=gen)
    t = time.perf_counter()
    for i in range(0, x.shape[0], batch):
        rows = order[i:i + batch]
        if decay is not None:
            step = opt.state[opt.param_groups[0]["params"][0]].get("step", 0)
            for g in opt.param_groups:
                g["lr"] = 1e-3 / (1 + decay * float(step))
        opt.zero_grad()
        loss_fn(model(x[rows]), y[rows]).backward()
        opt.step()
        if budget is not None and time.perf_counter() - t >= budget:
            break
    return time.perf_counter() - t


def accuracy(model, x, y):
    with torch.no_grad():
        model.eval()
        correct = sum((model(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum().item() for i in range(0, x.shape[0], 1000))
        model.train()
    return correct / x.shape[0]


def epoch_data(spec, quick):
    return fashion(spec[5] if quick else spec[4], QUICK_TEST_COUNT if quick else TEST_COUNT, spec[1], spec[2], spec[3])


def steady(name, quick):
    spec = EPOCH_SPECS[name]
    xtr, ytr, xte, yte = epoch_data(spec, quick)
    torch.manual_seed(7)
    warm = spec[6]()
    epoch(spec, warm, spec[7](warm), xtr, ytr, torch.Generator().manual_seed(8), budget=1 if quick else 2)
    torch.manual_seed(1)
    model = spec[6]()
    seconds = epoch(spec, model, spec[7](model), xtr, ytr, torch.Generator().manual_seed(2))
    return "s/epoch", seconds, f"accuracy={accuracy(model, xte, yte):.4f} images={xtr.shape[0]}"


def cold_start(quick):
    t0 = float(os.environ.get("COMPARE_T0", "nan"))
    spec = EPOCH_SPECS["mlp"]
    xtr, ytr, _, _ = epoch_data(spec, quick)
    torch.manual_seed(1)
    model = spec[6]()
    opt = spec[7](model)
    gen = torch.Generator().manual_seed(2)
    times, cpu, to_first = [], [], float("nan")
    for e in range(4 if quick else 5):
        c0 = time.process_time()   # process CPU seconds per epoch: steadier than wall time on a shared host
        times.append(epoch(spec, model, opt, xtr, ytr, gen))
        cpu.append(time.process_time() - c0)
        if e == 0:
            to_first = time.time() - t0
    later = statistics.median(times[1:])
    return "s_to_epoch_1", to_first, (f"first={times[0]:.3f} later={later:.3f} ratio={times[0] / later:.2f} "
                                      f"cpu_ratio={cpu[0] / statistics.median(cpu[1:]):.2f} images={xtr.shape[0]}")


def sequence(name, quick):
    g = torch.Generator().manual_seed(0)
    torch.manual_seed(0)
    if name == "lstm":
        batch, seq, vocab = 32, 64, 65

        class Lm(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.emb = torch.nn.Embedding(vocab, 64)
                self.lstm = torch.nn.LSTM(64, 256, batch_first=True)
                self.head = torch.nn.Linear(256, vocab)

            def forward(self, x):
                return self.head(self.lstm(self.emb(x))[0])

        model = Lm()
        x = torch.randint(0, vocab, (batch, seq), generator=g)
        y = torch.randint(0, vocab, (batch * seq,), generator=g)
        loss = lambda: ce(model(x).reshape(batch * seq, vocab), y)
    else:
        batch, seq, d, heads = 16, 64, 128, 4

        class Block(torch.nn.Module):   # pre-norm; attention composed from matmul, softmax and an additive causal mask
            def __init__(self):
                super().__init__()
                self.ln1, self.ln2 = torch.nn.LayerNorm(d), torch.nn.LayerNorm(d)
                self.qkv, self.proj = torch.nn.Linear(d, 3 * d), torch.nn.Linear(d, d)
                self.ff1, self.ff2 = torch.nn.Linear(d, 512), torch.nn.Linear(512, d)
                self.register_buffer("mask", torch.full((seq, seq), -1e9).triu(1))

            def forward(self, x):
                b, t, _ = x.shape
                dh = d // heads
                q, k, v = self.qkv(self.ln1(x)).reshape(b, t, 3, heads, dh).permute(2, 0, 3, 1, 4)
                att = (q @ k.transpose(-2, -1) * (1.0 / dh ** 0.5) + self.mask).softmax(-1)
                x = x + self.proj((att @ v).permute(0, 2, 1, 3).reshape(b, t, d))
                return x + self.ff2(torch.nn.functional.gelu(self.ff1(self.ln2(x))))

        model = Block()
        x = torch.randn(batch, seq, d, generator=g)
        target = torch.randn(batch, seq, d, generator=g)
        loss = lambda: torch.nn.functional.mse_loss(model(x), target)
    opt = torch.optim.Adam(model.parameters(), 1e-3)

    def step():
        opt.zero_grad()
        loss().backward()
        opt.step()

    t = time.perf_counter()
    step()
    while time.perf_counter() - t < (1 if quick else 2):
        step()
    steps = 5 if quick else 20
    t = time.perf_counter()
    for _ in range(steps):
        step()
    seconds = time.perf_counter() - t
    return "tokens/s", steps * batch * seq / seconds, f"ms/step={seconds * 1000 / steps:.1f}"


def openblas():
    """(core name, threads) of the OpenBLAS that torch loaded, read through its C API; ('none', 0) if another BLAS is loaded."""
    import ctypes
    torch.ones(2, 2) @ torch.ones(2, 2)
    with open("/proc/self/maps") as f:
        libs = sorted({line.split()[-1] for line in f if "libopenblas" in line})
    if not libs:
        return "none", 0
    lib = ctypes.CDLL(libs[0])
    lib.openblas_get_corename.restype = ctypes.c_char_p
    return lib.openblas_get_corename().decode(), lib.openblas_get_num_threads()


LONG = {"cnn-epoch": lambda q: steady("cnn", q), "mlp-epoch": lambda q: steady("mlp", q),
        "nielsen-epoch": lambda q: steady("nielsen", q), "cold-start": cold_start,
        "lstm": lambda q: sequence("lstm", q), "transformer": lambda q: sequence("transformer", q)}

if __name__ == "__main__":
    args = sys.argv[1:]
    if "--threads" in args:
        i = args.index("--threads")
        torch.set_num_threads(int(args[i + 1]))
        del args[i:i + 2]
    quick = "--quick" in args
    args = [a for a in args if a != "--quick"]
    name = args[0]
    if name == "blas":
        core, threads = openblas()
        print(f"openblas:{core} threads={threads} torch_threads={torch.get_num_threads()}")
        sys.exit(0)
    if name in LONG:
        unit, value, extra = LONG[name](quick)
        print(f"{name} {unit} {value:.3f} {extra} torch_threads={torch.get_num_threads()} openblas_threads={openblas()[1]}")
        sys.exit(0)
    reps = 1 if quick else int(args[1]) if len(args) > 1 else 5
    unit, f = WORKLOADS[name]
    t0 = time.perf_counter()  # warm-up for 2 s, as the .NET side does (its JIT needs it)
    f()
    while time.perf_counter() - t0 < 2:
        f()
    print(f"{name} {unit} {statistics.median(f() for _ in range(reps)):.3f}")
