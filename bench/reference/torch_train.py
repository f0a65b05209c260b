#!/usr/bin/python3
"""PyTorch reference for bench_train: the same models, batch, optimizer (Adam, lr 1e-3) and one thread.

Run with Debian's /usr/bin/python3 (python3-torch) and libopenblas0-pthread installed (PLATFORM.md: the
default reference BLAS is 10-13x slower). Prints one JSON line like bench_train.
"""
import gzip, json, resource, sys, time

import numpy as np
import torch
import torch.nn as nn

torch.set_num_threads(1)  # two threads are pathological on the 2-core benchmark machine (PLATFORM.md)
torch.manual_seed(1)

def load(kind):
    d = "/usr/share/datasets/fashion-mnist/"
    with gzip.open(d + kind + "-images-idx3-ubyte.gz") as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28).astype(np.float32) / 255.0
    with gzip.open(d + kind + "-labels-idx1-ubyte.gz") as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64)
    return torch.from_numpy(x), torch.from_numpy(y)

def make(name):
    if name == "mlp":  # preset mlp: 784-128-10
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    if name == "cnn":  # preset cnn: conv16-pool-conv32-pool-64-10, 3x3 same padding
        return nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Flatten(), nn.Linear(32 * 7 * 7, 64), nn.ReLU(), nn.Linear(64, 10))
    raise SystemExit("unknown model " + name)

def main():
    name = sys.argv[1] if len(sys.argv) > 1 else "mlp"
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    batch = 64
    xtr, ytr = load("train")
    xte, _ = load("t10k")
    model = make(name)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    perm = torch.randperm(xtr.shape[0])
    def step(i):
        idx = perm[(i * batch) % (xtr.shape[0] - batch):][:batch]
        xb, yb = xtr[idx], ytr[idx]
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
    for i in range(20):
        step(i)
    t0 = time.perf_counter()
    for i in range(steps):
        step(i)
    train_ips = steps * batch / (time.perf_counter() - t0)
    model.eval()
    n = 0
    t0 = time.perf_counter()
    with torch.no_grad():
        for rep in range(3):
            for b in range(0, xte.shape[0] - batch + 1, batch):
                model(xte[b:b + batch])
                n += batch
    infer_ips = n / (time.perf_counter() - t0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps({"impl": "pytorch", "model": name, "batch": batch, "train_images_per_s": train_ips,
                      "infer_images_per_s": infer_ips, "peak_rss_mb": peak}))

if __name__ == "__main__":
    main()
