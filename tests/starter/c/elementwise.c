/* elementwise.c -- element-wise operators in plain sequential C.
 *
 *   add:     out[i] = a[i] + b[i]
 *   relu:    out[i] = a[i] > 0 ? a[i] : 0
 *   sigmoid: out[i] = 1 / (1 + exp(-a[i])), evaluated in a numerically
 *            stable way: for negative inputs use e / (1 + e) with e = exp(a)
 *            so expf never overflows.
 * main() allocates, initializes, runs each kernel and checks the result
 * against a straightforward reference computed in double precision.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

void add_f32(const float *a, const float *b, float *out, int n)
{
    for (int i = 0; i < n; ++i)
        out[i] = a[i] + b[i];
}

void relu_f32(const float *a, float *out, int n)
{
    for (int i = 0; i < n; ++i)
        out[i] = a[i] > 0.0f ? a[i] : 0.0f;
}

void sigmoid_f32(const float *a, float *out, int n)
{
    for (int i = 0; i < n; ++i) {
        float x = a[i];
        if (x >= 0.0f) {
            out[i] = 1.0f / (1.0f + expf(-x));
        } else {
            float e = expf(x);
            out[i] = e / (1.0f + e);
        }
    }
}

/* Count elements where |got - want| exceeds a relative+absolute tolerance. */
static int count_mismatches(const char *name, const float *got,
                            const double *want, int n, double tol)
{
    int bad = 0;
    for (int i = 0; i < n; ++i) {
        double d = fabs((double)got[i] - want[i]);
        if (d > tol * (1.0 + fabs(want[i]))) {
            if (bad < 5)
                fprintf(stderr, "%s: mismatch at %d: %.9g vs %.9g\n",
                        name, i, (double)got[i], want[i]);
            ++bad;
        }
    }
    return bad;
}

int main(void)
{
    const int n = 1027; /* deliberately odd size */
    float *a = (float *)malloc((size_t)n * sizeof(float));
    float *b = (float *)malloc((size_t)n * sizeof(float));
    float *out = (float *)malloc((size_t)n * sizeof(float));
    double *ref = (double *)malloc((size_t)n * sizeof(double));
    if (a == NULL || b == NULL || out == NULL || ref == NULL) {
        fprintf(stderr, "allocation failed\n");
        return 2;
    }

    /* Inputs sweep [-20, 20] and include the extremes of the sigmoid. */
    for (int i = 0; i < n; ++i) {
        a[i] = -20.0f + 40.0f * (float)i / (float)(n - 1);
        b[i] = (float)((i * 37) % 101) * 0.125f - 6.0f;
    }
    a[0] = -100.0f;
    a[n - 1] = 100.0f;

    int bad = 0;

    add_f32(a, b, out, n);
    for (int i = 0; i < n; ++i)
        ref[i] = (double)a[i] + (double)b[i];
    bad += count_mismatches("add", out, ref, n, 1e-6);

    relu_f32(a, out, n);
    for (int i = 0; i < n; ++i)
        ref[i] = a[i] > 0.0f ? (double)a[i] : 0.0;
    bad += count_mismatches("relu", out, ref, n, 0.0);

    sigmoid_f32(a, out, n);
    for (int i = 0; i < n; ++i)
        ref[i] = 1.0 / (1.0 + exp(-(double)a[i]));
    bad += count_mismatches("sigmoid", out, ref, n, 1e-6);

    printf("c elementwise: %s (n=%d)\n", bad ? "FAIL" : "OK", n);
    free(a);
    free(b);
    free(out);
    free(ref);
    return bad ? 1 : 0;
}
