"""The PyTorch side of examples/CharTransformer (issue 13): the same data pipeline, model, optimizer, schedule, batch, context,
evaluation and throughput count as examples/CharTransformer/{Words,CharModel,CharTraining}.cs, in PyTorch's own modules with
their default initialization.

- Data: Debian's wamerican list (/usr/share/dict/american-english), each line stripped and lower-cased, empty lines and words
  holding the boundary '.' dropped, duplicates removed (first occurrence kept), a seeded shuffle (Python's random, seed 42: the
  same rule as Words.Load, not the same permutation), 90/10 split; vocabulary '.' (id 0) then the other characters in code-point
  order; each split as one id stream ".word.word....".
- Batches: 64 random windows of 16 ids (start uniform in [0, len - 16)), targets the next 16 ids.
- Model: token embedding + learned position embedding (nn.Embedding(16, 128), N(0, 1) like LearnedPositionalEmbedding), 2
  nn.TransformerEncoderLayer(128, 4, 512, dropout 0.1, GELU, batch_first, norm_first) with a causal mask, a final LayerNorm,
  nn.Linear(128, vocabulary).
- AdamW(3e-4, betas (0.9, 0.999), eps 1e-8) in two groups: weight decay 0.01 on tensors of rank >= 2 outside LayerNorm
  (ParameterGroups.DecayAndNoDecay's rule), 0 on the rest; learning rate warmed up linearly over 100 steps ((t+1)/100), then cosine
  to 0 over the remaining steps (LearningRateSchedule.cs: Warmup over CosineDecay), set before step t = 0, 1, ...
- Evaluation every 500 steps and at the end: mean cross-entropy over 20 batches of validation windows drawn by a generator
  seeded 7, in eval mode without gradients.
- tokens/s: steps * 64 * 16 / seconds spent in training steps (evaluation excluded).

Usage: /usr/bin/python3 char_transformer.py [--steps N] [--seed S] [--threads T] [--words PATH]
(OpenBLAS threads come from OPENBLAS_NUM_THREADS.) Prints lines in the format examples/CharTransformer prints:
`step N  train X  validation Y nats/char`, then `Z tokens/s`, then `samples: ...`.
"""
import argparse
import math
import os
import random
import sys
import time

import torch
from torch import nn

BOUNDARY = "."


def load_words(path, seed=42):
    if not os.path.exists(path):
        sys.exit(f"char_transformer.py: the word list {path} is missing; install it with `sudo apt-get install wamerican`.")
    with open(path, encoding="utf-8") as f:
        words = [w.strip().lower() for w in f]
    words = list(dict.fromkeys(w for w in words if w and BOUNDARY not in w))
    random.Random(seed).shuffle(words)
    cut = int(len(words) * 0.9)
    vocabulary = [BOUNDARY] + sorted({c for w in words for c in w})
    index = {c: i for i, c in enumerate(vocabulary)}

    def encode(ws):
        ids = [0]
        for w in ws:
            ids.extend(index[c] for c in w)
            ids.append(0)
        return torch.tensor(ids, dtype=torch.long)

    return words[:cut], words[cut:], vocabulary, encode(words[:cut]), encode(words[cut:])


def batch(stream, n, context, g):
    starts = torch.randint(0, stream.numel() - context, (n, 1), generator=g)
    rows = starts + torch.arange(context)
    return stream[rows], stream[rows + 1]


class CharModel(nn.Module):
    def __init__(self, vocabulary, d=128, heads=4, layers=2, ff=512, dropout=0.1, context=16):
        super().__init__()
        self.context = context
        self.tok_emb = nn.Embedding(vocabulary, d)
        self.pos_emb = nn.Embedding(context, d)
        self.blocks = nn.ModuleList(nn.TransformerEncoderLayer(d, heads, ff, dropout, activation="gelu", batch_first=True, norm_first=True)
                                    for _ in range(layers))
        self.ln_f = nn.LayerNorm(d)
        self.head = nn.Linear(d, vocabulary)
        self.register_buffer("mask", torch.full((context, context), float("-inf")).triu(1))

    def forward(self, x):
        t = x.shape[1]
        h = self.tok_emb(x) + self.pos_emb.weight[:t]
        for block in self.blocks:
            h = block(h, src_mask=self.mask[:t, :t])
        return self.head(self.ln_f(h))


def groups(model, weight_decay):
    norms = {id(p) for m in model.modules() if isinstance(m, nn.LayerNorm) for p in m.parameters()}
    decay = [p for p in model.parameters() if p.dim() >= 2 and id(p) not in norms]
    no_decay = [p for p in model.parameters() if not (p.dim() >= 2 and id(p) not in norms)]
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]


def learning_rate(t, base, steps, warmup):
    if t < warmup:
        return base * (t + 1) / warmup
    total = max(1, steps - warmup)
    return 0.5 * base * (1 + math.cos(math.pi * min(t - warmup, total) / total))


def evaluate(model, stream, batches, n, context):
    g = torch.Generator().manual_seed(7)
    model.eval()
    total = 0.0
    with torch.no_grad():
        for _ in range(batches):
            x, y = batch(stream, n, context, g)
            total += nn.functional.cross_entropy(model(x).reshape(-1, model.head.out_features), y.reshape(-1)).item()
    model.train()
    return total / batches


def sample(model, vocabulary, count, g):
    model.eval()
    out = []
    with torch.no_grad():
        for _ in range(count):
            ids = [0]
            while len(ids) < 41:
                ctx = torch.tensor([ids[-model.context:]])
                p = model(ctx)[0, -1].softmax(-1)
                nxt = int(torch.multinomial(p, 1, generator=g))
                if nxt == 0:
                    break
                ids.append(nxt)
            out.append("".join(vocabulary[i] for i in ids[1:]))
    model.train()
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--words", default="/usr/share/dict/american-english")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--eval-every", type=int, default=500)
    ap.add_argument("--eval-batches", type=int, default=20)
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    train, validation, vocabulary, train_stream, validation_stream = load_words(a.words)
    print(f"{len(train)} training and {len(validation)} validation words, {len(vocabulary)} symbols; {a.steps} steps, seed {a.seed}; "
          f"torch {torch.__version__}, torch threads {torch.get_num_threads()}, OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}")
    torch.manual_seed(a.seed)
    g = torch.Generator().manual_seed(a.seed)
    context, lr, warmup = 16, 3e-4, 100
    model = CharModel(len(vocabulary), context=context)
    opt = torch.optim.AdamW(groups(model, 0.01), lr=lr, betas=(0.9, 0.999), eps=1e-8)
    total, count, seconds = 0.0, 0, 0.0
    for step in range(1, a.steps + 1):
        t0 = time.perf_counter()
        for group in opt.param_groups:
            group["lr"] = learning_rate(step - 1, lr, a.steps, warmup)
        x, y = batch(train_stream, a.batch, context, g)
        loss = nn.functional.cross_entropy(model(x).reshape(-1, len(vocabulary)), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item()
        count += 1
        seconds += time.perf_counter() - t0
        if step % a.eval_every == 0 or step == a.steps:
            v = evaluate(model, validation_stream, a.eval_batches, a.batch, context)
            print(f"step {step:6d}  train {total / count:.4f}  validation {v:.4f} nats/char", flush=True)
            total, count = 0.0, 0
    print(f"{a.steps * a.batch * context / seconds:.0f} tokens/s")
    print("samples: " + " ".join(sample(model, vocabulary, 20, torch.Generator().manual_seed(a.seed + 1000))))


if __name__ == "__main__":
    main()
