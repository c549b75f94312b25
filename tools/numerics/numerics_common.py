"""Shared helpers for generate_vectors.py and agreement_check.py.

Ground truth comes from this machine's C library (glibc 2.36, x86-64; the FMA variants are selected on CPUs with
AVX2+FMA) through libm_map.c, and from NumPy's own float32 np.sin / np.cos.
"""
import ctypes
import os
import subprocess
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))

_lib = None


def libm_map():
    """Compile libm_map.c into a temporary shared library (once) and load it."""
    global _lib
    if _lib is None:
        out_dir = tempfile.mkdtemp(prefix="libm_map_")
        so = os.path.join(out_dir, "libm_map.so")
        subprocess.check_call(["gcc", "-O2", "-fno-builtin", "-fPIC", "-shared", "-o", so,
                               os.path.join(HERE, "libm_map.c"), "-lm"])
        _lib = ctypes.CDLL(so)
    return _lib


def _ptr(a):
    return a.ctypes.data_as(ctypes.c_void_p)


def glibc_pow(x, y):
    x = np.ascontiguousarray(x, dtype=np.float64)
    y = np.ascontiguousarray(np.broadcast_to(y, x.shape), dtype=np.float64)
    out = np.empty_like(x)
    libm_map().map_pow(_ptr(x), _ptr(y), _ptr(out), ctypes.c_long(x.size))
    return out


def glibc_sin(x):
    x = np.ascontiguousarray(x, dtype=np.float64)
    out = np.empty_like(x)
    libm_map().map_sin(_ptr(x), _ptr(out), ctypes.c_long(x.size))
    return out


def glibc_cos(x):
    x = np.ascontiguousarray(x, dtype=np.float64)
    out = np.empty_like(x)
    libm_map().map_cos(_ptr(x), _ptr(out), ctypes.c_long(x.size))
    return out


def glibc_powf(x, y):
    x = np.ascontiguousarray(x, dtype=np.float32)
    y = np.ascontiguousarray(np.broadcast_to(y, x.shape), dtype=np.float32)
    out = np.empty_like(x)
    libm_map().map_powf(_ptr(x), _ptr(y), _ptr(out), ctypes.c_long(x.size))
    return out


def numpy_sinf(x):
    with np.errstate(invalid="ignore"):  # sin(inf) is nan, as expected
        return np.sin(np.ascontiguousarray(x, dtype=np.float32))


def numpy_cosf(x):
    with np.errstate(invalid="ignore"):
        return np.cos(np.ascontiguousarray(x, dtype=np.float32))


def log_uniform_doubles(rng, n, lo_exp, hi_exp, signed=True):
    """Doubles with exponent uniform in [lo_exp, hi_exp) and random mantissa bits."""
    e = rng.integers(lo_exp, hi_exp, n)
    m = rng.random(n) + 1.0
    x = np.ldexp(m, e)
    # randomize all 52 mantissa bits, not only the 53 bits random() provides in [1,2)
    bits = x.view(np.uint64) ^ (rng.integers(0, 1 << 20, n, dtype=np.uint64))
    x = bits.view(np.float64)
    if signed:
        x = np.where(rng.random(n) < 0.5, -x, x)
    return x


def near_multiples_of_half_pi(rng, n, max_multiple):
    """Doubles within a few ulps .. 1e-9 of k*pi/2: the hard cases of argument reduction."""
    k = rng.integers(-max_multiple, max_multiple + 1, n).astype(np.float64)
    base = k * (np.pi / 2)
    kind = rng.integers(0, 3, n)
    ulps = rng.integers(-40, 41, n)
    nudged = base + ulps * np.spacing(np.abs(base) + 1e-300)
    offset = base + rng.uniform(-1e-9, 1e-9, n)
    return np.where(kind == 0, base, np.where(kind == 1, nudged, offset))
