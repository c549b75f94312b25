#!/usr/bin/env python3
"""One-off agreement check of io.github.imitation.numerics against glibc / NumPy on random arguments.

Usage (from the repository root, after `./mvnw -q -pl imitation-core compile`):
    python3 tools/numerics/agreement_check.py [cases_per_set]

For every case set it writes a little-endian binary file (inputs followed by the expected result), then runs
AgreementCheck.java on the compiled classes, which prints the bit-exact agreement rate of each set. The same
line reports how often the obvious Java alternative (StrictMath, or x*x for pow(x, 2)) differs from the ground truth.
"""
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numerics_common as nc  # noqa: E402

ROOT = os.path.abspath(os.path.join(nc.HERE, "..", ".."))


def write(out_dir, name, *columns):
    path = os.path.join(out_dir, name + ".bin")
    rec = np.rec.fromarrays(columns)
    with open(path, "wb") as f:
        f.write(rec.tobytes())
    return path


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    rng = np.random.default_rng(20240601)
    out = tempfile.mkdtemp(prefix="numerics_check_")
    files = []

    x = nc.log_uniform_doubles(rng, n, -540, 512)
    files.append(write(out, "pow__y2_x_all_magnitudes", x, np.full(n, 2.0), nc.glibc_pow(x, 2.0)))
    x = rng.uniform(-20, 20, n)
    files.append(write(out, "pow__y2_x_in_-20_20", x, np.full(n, 2.0), nc.glibc_pow(x, 2.0)))
    x = np.abs(nc.log_uniform_doubles(rng, n, -20, 20))
    y = rng.uniform(-30, 30, n)
    files.append(write(out, "pow__general", x, y, nc.glibc_pow(x, y)))
    x = nc.log_uniform_doubles(rng, n, -1074, 1024)
    y = np.where(rng.random(n) < 0.5, rng.integers(-400, 400, n).astype(np.float64),
                 nc.log_uniform_doubles(rng, n, -70, 12))
    files.append(write(out, "pow__wide", x, y, nc.glibc_pow(x, y)))

    for name, f in (("sin", nc.glibc_sin), ("cos", nc.glibc_cos)):
        x = rng.uniform(-10, 10, n)
        files.append(write(out, name + "__-10_10", x, f(x)))
        x = rng.uniform(-1000, 1000, n)
        files.append(write(out, name + "__-1000_1000", x, f(x)))
        x = nc.near_multiples_of_half_pi(rng, n, 700)
        files.append(write(out, name + "__near_k_pi_2", x, f(x)))
        x = nc.log_uniform_doubles(rng, n, -1074, 1024)
        files.append(write(out, name + "__all_magnitudes", x, f(x)))
        x = nc.log_uniform_doubles(rng, n, 27, 1024)
        files.append(write(out, name + "__huge", x, f(x)))

    x = rng.uniform(-2, 2, n).astype(np.float32)
    files.append(write(out, "powf__y2_x_in_-2_2", x, np.full(n, 2.0, np.float32), nc.glibc_powf(x, 2.0)))
    x = nc.log_uniform_doubles(rng, n, -149, 128).astype(np.float32)
    files.append(write(out, "powf__y2_x_all_magnitudes", x, np.full(n, 2.0, np.float32), nc.glibc_powf(x, 2.0)))
    x = np.abs(nc.log_uniform_doubles(rng, n, -30, 30)).astype(np.float32)
    y = rng.uniform(-8, 8, n).astype(np.float32)
    files.append(write(out, "powf__general", x, y, nc.glibc_powf(x, y)))
    x = rng.integers(0, 1 << 32, n, dtype=np.uint64).astype(np.uint32).view(np.float32)
    y = np.where(rng.random(n) < 0.5, rng.integers(-60, 60, n).astype(np.float32),
                 nc.log_uniform_doubles(rng, n, -30, 8).astype(np.float32))
    files.append(write(out, "powf__any_bits", x, y, nc.glibc_powf(x, y)))

    for name, f in (("npsinf", nc.numpy_sinf), ("npcosf", nc.numpy_cosf)):
        x = rng.uniform(-0.1, 0.1, n).astype(np.float32)
        files.append(write(out, name + "__-0.1_0.1", x, f(x)))
        x = rng.uniform(-np.pi, np.pi, n).astype(np.float32)
        files.append(write(out, name + "__-pi_pi", x, f(x)))
        x = rng.uniform(-1000, 1000, n).astype(np.float32)
        files.append(write(out, name + "__-1000_1000", x, f(x)))
        x = rng.integers(0, 1 << 32, n, dtype=np.uint64).astype(np.uint32).view(np.float32)
        files.append(write(out, name + "__any_bits", x, f(x)))

    classes = os.environ.get("NUMERICS_CLASSES", os.path.join(ROOT, "imitation-core", "target", "classes"))
    cmd = ["java", "-cp", classes, os.path.join(nc.HERE, "AgreementCheck.java")] + files
    rc = subprocess.call(cmd)
    sys.exit(rc)


if __name__ == "__main__":
    main()
