#!/usr/bin/env python3
"""Reads the results bench/compare wrote into a folder and prints the comparison table
(markdown). Medians throughout: JMH iterations for this project, repeats for the peers."""
import json
import os
import statistics
import sys

D = sys.argv[1]


def load(name):
    p = os.path.join(D, name)
    if not os.path.exists(p):
        return None
    with open(p) as f:
        return json.load(f)


def jmh(name, method, params=None, base=False):
    """Median of a JMH benchmark's iterations, in seconds (base: the baseline's run)."""
    if base:
        name = name.replace(".json", "-base.json")
    for b in load(name) or []:
        if b["benchmark"].endswith("." + method) and all(b["params"].get(k) == v for k, v in (params or {}).items()):
            raw = [x for fork in b["primaryMetric"]["rawData"] for x in fork]
            unit = b["primaryMetric"]["scoreUnit"].split("/")[0]
            scale = {"s": 1, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}[unit]
            return statistics.median(raw) * scale
    return None


def fmt_t(s):
    if s is None:
        return "—"
    if s >= 1:
        return "%.1f s" % s
    if s >= 1e-3:
        return "%.2f ms" % (s * 1e3)
    return "%.1f µs" % (s * 1e6)


def ratio(a, b):
    return "—" if a is None or b is None else "%.1f×" % (a / b)


rows = []
print(open(os.path.join(D, "machine.txt")).read().strip().replace("\n", "  \n"))
print()

# 1. The seed net, batch 3: parameters checked per second.
P = 47
ours_seed = jmh("jmh-seed.json", "endToEndSeedMode")
ours_def = jmh("jmh-seed.json", "endToEndDefaultMode")
ours_graph = jmh("jmh-seed.json", "graphExhaustive")
np_seed = load("numpy-seed.json")
th_seed = load("torch-seed.json")
np_t = np_seed["seconds_median"] if np_seed else None
th_t = th_seed["seconds_median"] if th_seed else None
print("### Seed net 4-5-3-1, batch 3, every parameter (47), one thread")
print()
print("| checker | time per check | params/s | this project (seed mode) is |")
print("| --- | --- | --- | --- |")
def pps(t):
    return "—" if t is None else "{:,.0f}".format(P / t)
print("| this project, end to end, seed mode (the notebook's algorithm) | %s | %s | |" % (fmt_t(ours_seed), pps(ours_seed)))
print("| this project, end to end, default mode (Richardson, error bounds) | %s | %s | |" % (fmt_t(ours_def), pps(ours_def)))
print("| this project, checkGraph: every node alone + end to end, default mode | %s | %s | |" % (fmt_t(ours_graph), pps(ours_graph)))
print("| numpy port of the notebook's gradient_check_n | %s | %s | %s faster |" % (fmt_t(np_t), pps(np_t), ratio(np_t, ours_seed)))
print("| PyTorch gradcheck (slow mode) | %s | %s | %s faster |" % (fmt_t(th_t), pps(th_t), ratio(th_t, ours_seed)))
print()

# 2. 784-128-64-1, batch 32: exhaustive, and fast.
ours_big = jmh("jmh-exhaustive.json", "endToEndSeedMode")
np_big = load("numpy-big.json")
th_big = load("torch-big.json")
th_fast = load("torch-big-fast.json")
ours_fast = jmh("jmh-big.json", "fastGraphBuggy")
ours_fast_e2e = jmh("jmh-big.json", "fastEndToEndBuggy")
ours_fast_nodes = jmh("jmh-big.json", "fastNodesOnlyBuggy")
def peer_big(r, what):
    if not r:
        return "—", None
    t = r["seconds_all_parameters"]
    if r.get("extrapolated"):
        return "%s (extrapolated from %s of %s parameters)" % (fmt_t(t), "{:,}".format(r["checked"]), "{:,}".format(r["parameters"])), t
    return fmt_t(t), t
np_txt, np_bt = peer_big(np_big, "numpy")
th_txt, th_bt = peer_big(th_big, "torch")
print("### 784-128-64-1, batch 32 (108,801 parameters)")
print()
print("| check | time | this project is |")
print("| --- | --- | --- |")
print("| this project, end to end, seed mode, every parameter, 2 threads (single shot) | %s | |" % fmt_t(ours_big))
print("| numpy port of gradient_check_n, every parameter | %s | %s faster |" % (np_txt, ratio(np_bt, ours_big)))
print("| PyTorch gradcheck (slow mode), every parameter | %s | %s faster |" % (th_txt, ratio(th_bt, ours_big)))
print("| this project, fast mode, checkGraph, 2 planted bugs: names both (node, input) pairs with diagnosis and worst entries | %s | |" % fmt_t(ours_fast))
print("| this project, fast mode, every node alone (no end to end), planted bugs: names both pairs, with diagnosis | %s | |" % fmt_t(ours_fast_nodes))
print("| this project, fast mode, end to end only (pass/fail per parameter), planted bugs | %s | |" % fmt_t(ours_fast_e2e))
tf = th_fast["seconds_median"] if th_fast else None
print("| PyTorch gradcheck fast mode (pass/fail for the whole function, no localization) | %s | fast checkGraph is %s, end to end %s |" % (fmt_t(tf), ratio(tf, ours_fast), ratio(tf, ours_fast_e2e)))
print()

# 3. Training step.
print("### Training step (forward + backward + Adam), batch 64, float64")
print()
print("| net | this project, 2 threads | this project, 1 thread | PyTorch, 1 thread | PyTorch, 2 threads | ratio (best PyTorch / ours 2 threads) |")
print("| --- | --- | --- | --- | --- | --- |")
for net in ["64-32-16-1", "784-128-64-1"]:
    o2 = jmh("jmh-train.json", "step", {"net": net})
    o1 = jmh("jmh-train.json", "step1Thread", {"net": net})
    t1 = load("torch-train-%s-1.json" % net)
    t2 = load("torch-train-%s-2.json" % net)
    t1s = t1["seconds_per_step_median"] if t1 else None
    t2s = t2["seconds_per_step_median"] if t2 else None
    best = min(x for x in [t1s, t2s] if x is not None) if (t1s or t2s) else None
    print("| %s | %s | %s | %s | %s | %s |" % (net, fmt_t(o2), fmt_t(o1), fmt_t(t1s), fmt_t(t2s), ratio(best, o2)))
print()

# 4. Matmul.
flop = 2 * 128 * 784 * 32
print("### Matmul 128×784 · 784×32 (GFLOP/s)")
print()
print("| kernel | GFLOP/s |")
print("| --- | --- |")
for label, m in [("this project, vector API, 1 thread", "vector1Thread"),
                 ("this project, vector API, 2 threads", "vector2Threads"),
                 ("this project, scalar fallback, 1 thread", "scalar1Thread")]:
    t = jmh("jmh-matmul.json", m, {"shape": "128x784x32"})
    print("| %s | %s |" % (label, "—" if t is None else "%.1f" % (flop / t / 1e9)))
nm = load("numpy-matmul.json")
blas = load("peer-blas.json")
kernel = ", %s kernel" % blas["kernel"] if blas else ""
print("| numpy `a @ b` (OpenBLAS dgemm, serial%s) | %s |" % (kernel, "—" if not nm else "%.1f" % (flop / nm["seconds"] / 1e9)))
if blas:
    print()
    print("The peers ran OpenBLAS's %s kernel: %s." % (blas["kernel"], blas["why"]))
print()

# 5. Convolution.
print("### Conv2d forward + backward, 32×3×32×32 batch, 16 filters of 3×3, padding 1, float64")
print()
print("| gradients | this project, 2 threads | this project, 1 thread | PyTorch conv2d, 1 thread | PyTorch, 2 threads | ratio (best PyTorch / best ours) |")
print("| --- | --- | --- | --- | --- | --- |")
for label, ours, key in [("X, W and b", "fwdBwd", "seconds_per_step_median"),
                         ("W and b (first layer: X is data)", "fwdBwdFirstLayer", "seconds_per_step_no_input_grad_median")]:
    o2 = jmh("jmh-conv.json", ours + "2Threads")
    o1 = jmh("jmh-conv.json", ours + "1Thread")
    t1 = load("torch-conv-1.json")
    t2 = load("torch-conv-2.json")
    t1s = t1[key] if t1 else None
    t2s = t2[key] if t2 else None
    best_t = min(x for x in [t1s, t2s] if x is not None) if (t1s or t2s) else None
    best_o = min(x for x in [o1, o2] if x is not None) if (o1 or o2) else None
    print("| %s | %s | %s | %s | %s | %s |" % (label, fmt_t(o2), fmt_t(o1), fmt_t(t1s), fmt_t(t2s), ratio(best_t, best_o)))
print()
cc = jmh("jmh-convcheck.json", "shippedConv")
cn = jmh("jmh-convcheck.json", "naiveUserConv")
print("### Exhaustive per-node check of a conv layer (2×3×16×16, 8 filters of 3×3, padding 1: 1,760 entries)")
print()
print("| op checked | time (default mode, all entries) |")
print("| --- | --- |")
print("| the shipped Conv2d (incremental evaluation) | %s |" % fmt_t(cc))
print("| a nested-loop Conv2d written without a fast path | %s (%s slower) |" % (fmt_t(cn), ratio(cn, cc)))

print()

# 6. The digits CNN (train --data digits): a training step, and the fast check with two planted bugs.
print("### Digits CNN (conv 1→8 → ReLU → max-pool → conv 8→16 → ReLU → dense 10), training step at batch 64, float64")
print()
print("| this project, 2 threads | this project, 1 thread | PyTorch, 1 thread | PyTorch, 2 threads | ratio (best PyTorch / best ours) |")
print("| --- | --- | --- | --- | --- |")
o2 = jmh("jmh-digits.json", "step")
o1 = jmh("jmh-digits.json", "step1Thread")
t1 = load("torch-cnn-1.json")
t2 = load("torch-cnn-2.json")
t1s = t1["seconds_per_step_median"] if t1 else None
t2s = t2["seconds_per_step_median"] if t2 else None
best_t = min(x for x in [t1s, t2s] if x is not None) if (t1s or t2s) else None
best_o = min(x for x in [o1, o2] if x is not None) if (o1 or o2) else None
print("| %s | %s | %s | %s | %s |" % (fmt_t(o2), fmt_t(o1), fmt_t(t1s), fmt_t(t2s), ratio(best_t, best_o)))
print()
nodes = jmh("jmh-digitscheck.json", "fastNodesBuggy")
graph = jmh("jmh-digitscheck.json", "fastGraphBuggy")
print("### Fast check of the digits CNN, batch 4, two planted bugs (conv1's W gradient with the kernel flipped, fc's b gradient ×4)")
print()
print("| what is timed | time |")
print("| --- | --- |")
print("| every node alone, fast mode: names both (node, input) pairs with their diagnosis (the ≤ 50 ms target) | %s |" % fmt_t(nodes))
print("| checkGraph in fast mode: the same, then every parameter end to end | %s |" % fmt_t(graph))


# 7. With --baseline: every JMH benchmark of this run, old (the baseline's jar, run right after)
# and new.
if any(os.path.exists(os.path.join(D, f)) for f in os.listdir(D) if f.endswith("-base.json")):
    print()
    print("### This project before and after (old: the baseline, each benchmark run right after the new one)")
    print()
    print("| benchmark | old | new | new is |")
    print("| --- | --- | --- | --- |")
    rows = [
        ("seed net, end to end, seed mode", "jmh-seed.json", "endToEndSeedMode", None),
        ("seed net, end to end, default mode", "jmh-seed.json", "endToEndDefaultMode", None),
        ("seed net, checkGraph exhaustive", "jmh-seed.json", "graphExhaustive", None),
        ("784-128-64-1 b32, fast checkGraph, planted bugs", "jmh-big.json", "fastGraphBuggy", None),
        ("784-128-64-1 b32, fast, every node alone", "jmh-big.json", "fastNodesOnlyBuggy", None),
        ("784-128-64-1 b32, fast, end to end only", "jmh-big.json", "fastEndToEndBuggy", None),
        ("784-128-64-1 b32, exhaustive, seed mode, 2 threads", "jmh-exhaustive.json", "endToEndSeedMode", None),
    ]
    for net in ["64-32-16-1", "784-128-64-1"]:
        rows.append(("training step %s b64, 2 threads" % net, "jmh-train.json", "step", {"net": net}))
        rows.append(("training step %s b64, 1 thread" % net, "jmh-train.json", "step1Thread", {"net": net}))
    for label, m in [("vector, 1 thread", "vector1Thread"), ("vector, 2 threads", "vector2Threads"),
                     ("scalar, 1 thread", "scalar1Thread")]:
        rows.append(("matmul 128×784·784×32, " + label, "jmh-matmul.json", m, {"shape": "128x784x32"}))
    for label, f, m, params in rows:
        new = jmh(f, m, params)
        old = jmh(f, m, params, base=True)
        if new is None and old is None:
            continue
        if old and new:
            verdict = "%.2f× as fast" % (old / new)
        else:
            verdict = "—"
        print("| %s | %s | %s | %s |" % (label, fmt_t(old), fmt_t(new), verdict))

# 8. With --baseline: the checks and the matmul paired in thread CPU time (bench/ab's
# medians over launches), steadier than the JMH table above on a shared machine.
paired = os.path.join(D, "ab-paired.md")
if os.path.exists(paired):
    lines = open(paired, encoding="utf-8").read().splitlines()
    data = []
    for i, l in enumerate(lines):
        if l.startswith("| task | median over"):
            for m in lines[i + 2:]:
                if not m.startswith("| "):
                    break
                data.append(m)
    if data:
        print()
        print("### This project before and after, paired (bench/ab: thread CPU time, one thread, old and"
              " new alternated in one JVM, median over launches)")
        print()
        print("| task | new is × as fast (median over the launches) | each launch |")
        print("| --- | --- | --- |")
        print("\n".join(data))
