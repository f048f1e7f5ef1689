#!/usr/bin/env python3
"""Chooses the OpenBLAS kernel the peers (numpy, PyTorch) run in bench/compare, so that they are
measured on the vector instructions this CPU has.

OpenBLAS picks its kernel when the library loads, from the CPU model. A release that does not know
the CPU falls back to a generic kernel: Debian's OpenBLAS 0.3.21 runs "Prescott" (SSE3, no AVX)
on recent AVX-512 Xeons, several times slower than its AVX-512 kernel. This script asks OpenBLAS
which kernel it picks on its own (OPENBLAS_CORETYPE unset, in a fresh process), reads the CPU's
flags from /proc/cpuinfo, and when the picked kernel uses narrower vectors than the CPU offers,
selects a fitting one through OPENBLAS_CORETYPE: Cooperlake (AVX-512 with bf16) or SkylakeX
(AVX-512) or Haswell (AVX2 + FMA). It then loads OpenBLAS again with that setting to confirm the
kernel took.

  bench/openblas_kernel.py select     two lines: the OPENBLAS_CORETYPE value for the peers (empty:
                                      leave it unset) and the reason, in words
  bench/openblas_kernel.py probe      the kernel OpenBLAS runs in this process's environment
  bench/openblas_kernel.py self-test  checks the decision on fixed CPUs and kernels (no OpenBLAS needed)

PEER_OPENBLAS_CORETYPE, if set, is used as it is (reported as forced).
"""
import ctypes
import os
import subprocess
import sys

# The x86-64 kernels of OpenBLAS by the widest vectors with FMA they use: 512 for AVX-512, 256 for
# AVX2; any other kernel (Prescott, Core2, Nehalem, Sandybridge without FMA, …) counts as 0.
KERNEL_BITS = {
    "skylakex": 512, "cooperlake": 512, "sapphirerapids": 512,
    "haswell": 256, "zen": 256, "excavator": 256,
}
AVX512 = {"avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"}  # what SkylakeX needs
AVX2 = {"avx2", "fma"}


def cpu_bits(flags):
    """The widest vectors with FMA this CPU runs, from its /proc/cpuinfo flags."""
    if AVX512 <= flags:
        return 512
    if AVX2 <= flags:
        return 256
    return 0


def fitting_kernels(flags):
    """The kernels to try for this CPU, best first."""
    bits = cpu_bits(flags)
    if bits == 512:
        return (["Cooperlake"] if "avx512_bf16" in flags else []) + ["SkylakeX", "Haswell"]
    if bits == 256:
        return ["Haswell"]
    return []


def decide(auto_kernel, flags):
    """(kernels to try, reason) for a kernel OpenBLAS picked on its own and the CPU's flags; an
    empty list means: leave OPENBLAS_CORETYPE unset."""
    have = cpu_bits(flags)
    uses = KERNEL_BITS.get(auto_kernel.lower(), 0)
    isa = {512: "AVX-512", 256: "AVX2", 0: "neither AVX2 nor AVX-512"}
    if uses >= have:
        return [], "OpenBLAS picked %s on its own, which fits this CPU (%s)" % (auto_kernel, isa[have])
    why = ("OpenBLAS picked %s on its own, a kernel without %s, but this CPU has %s"
           % (auto_kernel, isa[have], isa[have]))
    return fitting_kernels(flags), why


def corename():
    lib = ctypes.CDLL("libblas.so.3")
    lib.openblas_get_corename.restype = ctypes.c_char_p
    return lib.openblas_get_corename().decode()


def probe(coretype):
    """The kernel a fresh process runs with OPENBLAS_CORETYPE = coretype (None: unset)."""
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    if coretype:
        env["OPENBLAS_CORETYPE"] = coretype
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "probe"], env=env,
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def cpu_flags():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    return set()


def select():
    forced = os.environ.get("PEER_OPENBLAS_CORETYPE")
    if forced:
        got = probe(forced)
        return forced, "forced by PEER_OPENBLAS_CORETYPE=%s; OpenBLAS runs %s" % (forced, got)
    flags = cpu_flags()
    auto = probe(None)
    tries, why = decide(auto, flags)
    if not tries:
        return "", why
    for k in tries:
        got = probe(k)
        if got.lower() == k.lower():
            return k, why + ": selected %s with OPENBLAS_CORETYPE=%s" % (got, k)
    return "", why + "; none of %s took (this OpenBLAS build lacks them), left %s" % (tries, auto)


def self_test():
    skx = AVX512 | AVX2 | {"sse3", "avx"}
    cases = [
        ("Prescott", skx | {"avx512_bf16"}, ["Cooperlake", "SkylakeX", "Haswell"]),
        ("Prescott", skx, ["SkylakeX", "Haswell"]),
        ("Haswell", skx, ["SkylakeX", "Haswell"]),
        ("Sandybridge", AVX2 | {"avx"}, ["Haswell"]),
        ("Prescott", {"avx2"}, []),            # AVX2 without FMA: no fitting kernel
        ("SkylakeX", skx, []),
        ("Cooperlake", skx | {"avx512_bf16"}, []),
        ("Haswell", AVX2, []),
        ("Zen", AVX2, []),
        ("Prescott", {"sse3"}, []),
    ]
    for auto, flags, expected in cases:
        got, why = decide(auto, flags)
        assert got == expected, (auto, sorted(flags), got, expected, why)
    assert "Prescott on its own, a kernel without AVX-512, but this CPU has AVX-512" in decide("Prescott", skx)[1]
    print("openblas_kernel self-test: %d cases pass" % len(cases))


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else "select"
    if cmd == "probe":
        print(corename())
    elif cmd == "self-test":
        self_test()
    elif cmd == "select":
        k, why = select()
        print(k)
        print(why)
    else:
        sys.exit("usage: openblas_kernel.py select|probe|self-test")
