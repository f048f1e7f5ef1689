#!/usr/bin/env python3
"""PyTorch's side of bench/compare: torch.autograd.gradcheck on the same nets, and one training
step (forward + backward + Adam) in float64 on the CPU.

Usage: torch_peer.py gradcheck-seed SEED_JSON [--repeat N]
       torch_peer.py gradcheck 784-128-64-1 --batch 32 [--fast] [--sample-without-w1]
       torch_peer.py train 64-32-16-1 --batch 64 [--threads N]
       torch_peer.py conv 32x3x32x32 --filters 16 --kernel 3 --padding 1 [--threads N]
       torch_peer.py cnn [--batch 64] [--threads N]
Prints one JSON object.
"""
import argparse
import json
import time

import numpy as np
import torch

torch.set_default_dtype(torch.float64)


def net_fn(X, Y):
    """The notebook's cost as a function of (W1, b1, W2, b2, W3, b3)."""
    def f(W1, b1, W2, b2, W3, b3):
        A1 = torch.relu(W1 @ X + b1)
        A2 = torch.relu(W2 @ A1 + b2)
        A3 = torch.sigmoid(W3 @ A2 + b3)
        m = X.shape[1]
        return 1. / m * torch.sum(-torch.log(A3) * Y + -torch.log(1 - A3) * (1 - Y))
    return f


def seed_tensors(path):
    with open(path) as fh:
        raw = json.load(fh)
    t = {k: torch.tensor(v, dtype=torch.float64) for k, v in raw.items()}
    return t["X"], t["Y"], [t[k] for k in ["W1", "b1", "W2", "b2", "W3", "b3"]]


def random_tensors(sizes, batch, seed=11):
    rng = np.random.RandomState(seed)
    ps = []
    for l in range(1, 4):
        ps.append(torch.tensor(rng.randn(sizes[l], sizes[l - 1]) * np.sqrt(2.0 / sizes[l - 1])))
        ps.append(torch.tensor(rng.randn(sizes[l], 1) * 0.1))
    X = torch.tensor(rng.randn(sizes[0], batch))
    Y = torch.tensor((rng.rand(1, batch) > 0.5).astype(np.float64))
    return X, Y, ps


def timed(fn, repeat):
    times = []
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    times.sort()
    return times[len(times) // 2], out


def gradcheck(args):
    if args.what == "gradcheck-seed":
        X, Y, ps = seed_tensors(args.net)
        name = "seed 4-5-3-1"
    else:
        X, Y, ps = random_tensors([int(s) for s in args.net.split("-")], args.batch)
        name = args.net
    total = sum(p.numel() for p in ps)
    inputs = [p.clone().requires_grad_(True) for p in ps]
    if args.sample_without_w1:
        # W1 held constant: gradcheck perturbs only the other parameters, each perturbation a
        # full forward pass like any other, so the time for all parameters is extrapolated.
        inputs[0] = ps[0].clone()
    checked = sum(p.numel() for p in inputs if p.requires_grad)
    f = net_fn(X, Y)
    fn = lambda: torch.autograd.gradcheck(f, tuple(inputs), fast_mode=args.fast, raise_exception=False)
    fn()  # warm-up
    med, ok = timed(fn, args.repeat)
    return {"what": "gradcheck", "net": name, "fast_mode": args.fast, "parameters": total,
            "checked": checked, "passed": bool(ok), "seconds_median": med, "repeats": args.repeat,
            "extrapolated": checked < total, "seconds_all_parameters": med * total / checked,
            "threads": torch.get_num_threads()}


def train(args):
    sizes = [int(s) for s in args.net.split("-")]
    torch.manual_seed(7)
    layers = []
    for l in range(1, len(sizes)):
        layers.append(torch.nn.Linear(sizes[l - 1], sizes[l]))
        layers.append(torch.nn.ReLU() if l < len(sizes) - 1 else torch.nn.Sigmoid())
    model = torch.nn.Sequential(*layers).double()
    loss_fn = torch.nn.BCELoss()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.randn(args.batch, sizes[0])  # PyTorch puts samples in rows
    y = (torch.rand(args.batch, sizes[-1]) > 0.5).double()

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss

    for _ in range(200):
        step()
    per = []
    for _ in range(args.repeat):
        n = 0
        t0 = time.perf_counter()
        while True:
            step()
            n += 1
            t = time.perf_counter() - t0
            if t > 0.5:
                break
        per.append(t / n)
    per.sort()
    return {"what": "train", "net": args.net, "batch": args.batch, "threads": torch.get_num_threads(),
            "seconds_per_step_median": per[len(per) // 2], "repeats": args.repeat}


def conv(args):
    """conv2d forward + backward in float64 on the CPU, as ConvBenchmark times Conv2d: every
    gradient (input, weight, bias), and without the input's (a first layer, whose input is
    data). Seconds per step, the median of the repeats' means over at least half a second."""
    n, c, h, w = (int(s) for s in args.net.split("x"))
    torch.manual_seed(7)
    x = torch.randn(n, c, h, w)
    weight = torch.randn(args.filters, c, args.kernel, args.kernel, requires_grad=True)
    bias = torch.randn(args.filters, requires_grad=True)
    out = {"what": "conv", "input": args.net, "filters": args.filters, "kernel": args.kernel,
           "padding": args.padding, "threads": torch.get_num_threads()}
    for key, input_grad in [("seconds_per_step_median", True), ("seconds_per_step_no_input_grad_median", False)]:
        xi = x.clone().requires_grad_(input_grad)
        g = torch.randn(n, args.filters, h + 2 * args.padding - args.kernel + 1, w + 2 * args.padding - args.kernel + 1)

        def step():
            y = torch.nn.functional.conv2d(xi, weight, bias, stride=1, padding=args.padding)
            return torch.autograd.grad(y, [xi, weight, bias] if input_grad else [weight, bias], g)

        for _ in range(50):
            step()
        per = []
        for _ in range(args.repeat):
            k = 0
            t0 = time.perf_counter()
            while True:
                step()
                k += 1
                t = time.perf_counter() - t0
                if t > 0.5:
                    break
            per.append(t / k)
        per.sort()
        out[key] = per[len(per) // 2]
    out["repeats"] = args.repeat
    return out


def cnn(args):
    """One training step (forward + backward + Adam) of the digits CNN of DigitsCnnBenchmark, in
    float64 on the CPU: conv 1→8 3×3 pad 1 → ReLU → max-pool 2 → conv 8→16 3×3 pad 1 → ReLU →
    flatten → linear 256→10 → cross-entropy with class-index labels, on a batch of 8×8 images in
    [0, 1]. Seconds per step, the median of the repeats' means over at least half a second."""
    torch.manual_seed(7)
    nn = torch.nn
    model = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.Flatten(),
                          nn.Linear(256, 10)).double()
    loss_fn = nn.CrossEntropyLoss()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.randint(0, 17, (args.batch, 1, 8, 8)).double() / 16  # digits' pixel counts, scaled
    y = torch.randint(0, 10, (args.batch,))

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss

    for _ in range(200):
        step()
    per = []
    for _ in range(args.repeat):
        n = 0
        t0 = time.perf_counter()
        while True:
            step()
            n += 1
            t = time.perf_counter() - t0
            if t > 0.5:
                break
        per.append(t / n)
    per.sort()
    return {"what": "cnn", "net": "digits CNN 1-8-16-10", "batch": args.batch, "threads": torch.get_num_threads(),
            "seconds_per_step_median": per[len(per) // 2], "seconds_per_step_min": per[0], "repeats": args.repeat}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["gradcheck-seed", "gradcheck", "train", "conv", "cnn"])
    ap.add_argument("net", nargs="?", help="SEED_JSON for gradcheck-seed, N×C×H×W like 32x3x32x32 for conv,"
                    " none for cnn, else sizes like 784-128-64-1")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--fast", action="store_true")
    ap.add_argument("--sample-without-w1", action="store_true")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--filters", type=int, default=16)
    ap.add_argument("--kernel", type=int, default=3)
    ap.add_argument("--padding", type=int, default=1)
    args = ap.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    if args.what != "cnn" and args.net is None:
        ap.error("%s needs NET" % args.what)
    if args.what == "conv":
        out = conv(args)
    elif args.what == "cnn":
        out = cnn(args)
    else:
        out = gradcheck(args) if args.what.startswith("gradcheck") else train(args)
    out["torch"] = torch.__version__
    print(json.dumps(out))


if __name__ == "__main__":
    main()
