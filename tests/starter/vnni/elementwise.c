/* elementwise.c -- float vector add and ReLU with AVX-512 (C11).
 *
 * For a batch of `rows` vectors of length `cols` (row-major, leading
 * dimension `ld`) computes
 *     out[r][c] = a[r][c] + b[r][c]            (vec_add)
 *     out[r][c] = max(a[r][c], 0.0f)           (relu)
 *     out[r][c] = max(a[r][c] + b[r][c], 0)    (add_relu, fused)
 * Rows are distributed over cores with OpenMP; each row is processed 16
 * floats at a time, and the final partial vector uses a lane mask so no
 * element past `cols` is read or written.
 */
#include <immintrin.h>
#include <omp.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static inline __mmask16 tail_mask16(int64_t n)
{
    return n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1u);
}

void vec_add(const float *restrict a, const float *restrict b,
             float *restrict out, int64_t rows, int64_t cols, int64_t ld)
{
#pragma omp parallel for schedule(static)
    for (int64_t r = 0; r < rows; ++r) {
        const float *pa = a + r * ld;
        const float *pb = b + r * ld;
        float *po = out + r * ld;
        int64_t c = 0;
        for (; c + 16 <= cols; c += 16) {
            __m512 va = _mm512_loadu_ps(pa + c);
            __m512 vb = _mm512_loadu_ps(pb + c);
            _mm512_storeu_ps(po + c, _mm512_add_ps(va, vb));
        }
        if (c < cols) {
            __mmask16 m = tail_mask16(cols - c);
            __m512 va = _mm512_maskz_loadu_ps(m, pa + c);
            __m512 vb = _mm512_maskz_loadu_ps(m, pb + c);
            _mm512_mask_storeu_ps(po + c, m, _mm512_add_ps(va, vb));
        }
    }
}

void relu(const float *restrict a, float *restrict out,
          int64_t rows, int64_t cols, int64_t ld)
{
    const __m512 zero = _mm512_setzero_ps();
#pragma omp parallel for schedule(static)
    for (int64_t r = 0; r < rows; ++r) {
        const float *pa = a + r * ld;
        float *po = out + r * ld;
        int64_t c = 0;
        for (; c + 16 <= cols; c += 16)
            _mm512_storeu_ps(po + c, _mm512_max_ps(_mm512_loadu_ps(pa + c), zero));
        if (c < cols) {
            __mmask16 m = tail_mask16(cols - c);
            __m512 va = _mm512_maskz_loadu_ps(m, pa + c);
            _mm512_mask_storeu_ps(po + c, m, _mm512_max_ps(va, zero));
        }
    }
}

/* Fused add + ReLU: one pass over memory instead of two. */
void add_relu(const float *restrict a, const float *restrict b,
              float *restrict out, int64_t rows, int64_t cols, int64_t ld)
{
    const __m512 zero = _mm512_setzero_ps();
#pragma omp parallel for schedule(static)
    for (int64_t r = 0; r < rows; ++r) {
        for (int64_t c = 0; c < cols; c += 16) {
            __mmask16 m = tail_mask16(cols - c);
            __m512 va = _mm512_maskz_loadu_ps(m, a + r * ld + c);
            __m512 vb = _mm512_maskz_loadu_ps(m, b + r * ld + c);
            __m512 v = _mm512_max_ps(_mm512_add_ps(va, vb), zero);
            _mm512_mask_storeu_ps(out + r * ld + c, m, v);
        }
    }
}

/* Returns the number of elements of `got` that differ from `want`. */
static int64_t compare(const float *got, const float *want,
                       int64_t rows, int64_t cols, int64_t ld, const char *what)
{
    int64_t bad = 0;
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < cols; ++c) {
            float g = got[r * ld + c], w = want[r * ld + c];
            if (fabsf(g - w) > 1e-6f * (1.0f + fabsf(w))) {
                if (bad < 5)
                    fprintf(stderr, "%s mismatch at (%lld,%lld): %g vs %g\n",
                            what, (long long)r, (long long)c, g, w);
                ++bad;
            }
        }
    return bad;
}

int main(void)
{
    /* cols not a multiple of 16; ld > cols so padding must stay untouched. */
    const int64_t rows = 67, cols = 1000, ld = 1003;
    const size_t n = (size_t)(rows * ld);

    float *a = malloc(n * sizeof *a);
    float *b = malloc(n * sizeof *b);
    float *out = malloc(n * sizeof *out);
    float *ref = malloc(n * sizeof *ref);
    if (!a || !b || !out || !ref) {
        fprintf(stderr, "allocation failed\n");
        return 2;
    }

    uint32_t seed = 2024u;
    for (size_t i = 0; i < n; ++i) {
        seed = seed * 1664525u + 1013904223u;
        a[i] = (float)((int32_t)(seed >> 8) % 2001 - 1000) / 100.0f;
        seed = seed * 1664525u + 1013904223u;
        b[i] = (float)((int32_t)(seed >> 8) % 2001 - 1000) / 100.0f;
        out[i] = ref[i] = -42.0f; /* sentinel, also checked in padding */
    }

    int64_t bad = 0;

    vec_add(a, b, out, rows, cols, ld);
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < cols; ++c)
            ref[r * ld + c] = a[r * ld + c] + b[r * ld + c];
    bad += compare(out, ref, rows, cols, ld, "add");

    relu(a, out, rows, cols, ld);
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < cols; ++c)
            ref[r * ld + c] = a[r * ld + c] > 0.0f ? a[r * ld + c] : 0.0f;
    bad += compare(out, ref, rows, cols, ld, "relu");

    add_relu(a, b, out, rows, cols, ld);
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < cols; ++c) {
            float s = a[r * ld + c] + b[r * ld + c];
            ref[r * ld + c] = s > 0.0f ? s : 0.0f;
        }
    bad += compare(out, ref, rows, cols, ld, "add_relu");

    /* Padding columns [cols, ld) must still hold the sentinel. */
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = cols; c < ld; ++c)
            if (out[r * ld + c] != -42.0f)
                ++bad;

    printf("vnni elementwise: %s (%d threads)\n", bad ? "FAIL" : "OK",
           omp_get_max_threads());
    free(a);
    free(b);
    free(out);
    free(ref);
    return bad ? 1 : 0;
}
