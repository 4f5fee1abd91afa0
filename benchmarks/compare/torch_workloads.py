"""The PyTorch side of the comparison: the same workloads, shapes, seeds and step counts as
benchmarks/AutoGrad.Benchmarks/Compare/Workloads.cs. Prints one line: `workload unit median`."""
import statistics
import sys
import time

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

if __name__ == "__main__":
    name = sys.argv[1]
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    unit, f = WORKLOADS[name]
    t0 = time.perf_counter()  # warm-up for 2 s, as the .NET side does (its JIT needs it)
    f()
    while time.perf_counter() - t0 < 2:
        f()
    print(f"{name} {unit} {statistics.median(f() for _ in range(reps)):.3f}")
