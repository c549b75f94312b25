/*
 * Thin array wrappers around the C math library, loaded by generate_vectors.py and
 * agreement_check.py through ctypes so that millions of glibc results can be computed quickly.
 * Build (numerics_common.py does it): gcc -O2 -fno-builtin -fPIC -shared -o libm_map.so libm_map.c -lm
 * Compile without -ffast-math and without builtins folding: every call must reach libm.so.
 */
#include <math.h>

void map_pow(const double *x, const double *y, double *out, long n)
{
    for (long i = 0; i < n; i++)
        out[i] = pow(x[i], y[i]);
}

void map_sin(const double *x, double *out, long n)
{
    for (long i = 0; i < n; i++)
        out[i] = sin(x[i]);
}

void map_cos(const double *x, double *out, long n)
{
    for (long i = 0; i < n; i++)
        out[i] = cos(x[i]);
}

void map_powf(const float *x, const float *y, float *out, long n)
{
    for (long i = 0; i < n; i++)
        out[i] = powf(x[i], y[i]);
}
