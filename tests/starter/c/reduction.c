/* reduction.c -- row reductions in plain sequential C.
 *
 * For a matrix x of shape rows x cols (row-major):
 *   row_sum[r] = sum_c x[r][c]
 *   row_max[r] = max_c x[r][c]
 *   softmax:  y[r][c] = exp(x[r][c] - row_max[r]) / sum_c' exp(x[r][c'] - row_max[r])
 * The softmax subtracts the row maximum first so expf cannot overflow.
 * main() checks every result against a double-precision reference.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

void row_sum_f32(const float *x, float *out, int rows, int cols)
{
    for (int r = 0; r < rows; ++r) {
        float acc = 0.0f;
        for (int c = 0; c < cols; ++c)
            acc += x[r * cols + c];
        out[r] = acc;
    }
}

void row_max_f32(const float *x, float *out, int rows, int cols)
{
    for (int r = 0; r < rows; ++r) {
        float m = -FLT_MAX;
        for (int c = 0; c < cols; ++c)
            if (x[r * cols + c] > m)
                m = x[r * cols + c];
        out[r] = m;
    }
}

void softmax_rows_f32(const float *x, float *y, int rows, int cols)
{
    for (int r = 0; r < rows; ++r) {
        const float *xr = x + r * cols;
        float *yr = y + r * cols;
        float m = -FLT_MAX;
        for (int c = 0; c < cols; ++c)
            m = xr[c] > m ? xr[c] : m;
        float denom = 0.0f;
        for (int c = 0; c < cols; ++c) {
            yr[c] = expf(xr[c] - m);
            denom += yr[c];
        }
        float inv = 1.0f / denom;
        for (int c = 0; c < cols; ++c)
            yr[c] *= inv;
    }
}

int main(void)
{
    const int rows = 19, cols = 133;
    const size_t n = (size_t)rows * (size_t)cols;
    float *x = (float *)malloc(n * sizeof(float));
    float *y = (float *)malloc(n * sizeof(float));
    float *sums = (float *)malloc((size_t)rows * sizeof(float));
    float *maxs = (float *)malloc((size_t)rows * sizeof(float));
    if (x == NULL || y == NULL || sums == NULL || maxs == NULL) {
        fprintf(stderr, "allocation failed\n");
        return 2;
    }

    unsigned int seed = 17u;
    for (size_t i = 0; i < n; ++i) {
        seed = seed * 1103515245u + 12345u;
        x[i] = (float)((seed >> 16) % 2000u) / 50.0f - 20.0f; /* [-20, 20) */
    }
    x[5 * cols + 7] = 88.0f; /* exp(88) is near FLT_MAX: tests stability */

    row_sum_f32(x, sums, rows, cols);
    row_max_f32(x, maxs, rows, cols);
    softmax_rows_f32(x, y, rows, cols);

    int bad = 0;
    for (int r = 0; r < rows; ++r) {
        double s = 0.0, m = -DBL_MAX;
        for (int c = 0; c < cols; ++c) {
            double v = x[r * cols + c];
            s += v;
            if (v > m)
                m = v;
        }
        if (fabs(sums[r] - s) > 1e-4 * (1.0 + fabs(s)) || (double)maxs[r] != m) {
            fprintf(stderr, "row %d: sum %g/%g max %g/%g\n", r,
                    (double)sums[r], s, (double)maxs[r], m);
            ++bad;
        }
        double denom = 0.0, total = 0.0;
        for (int c = 0; c < cols; ++c)
            denom += exp((double)x[r * cols + c] - m);
        for (int c = 0; c < cols; ++c) {
            double want = exp((double)x[r * cols + c] - m) / denom;
            double got = y[r * cols + c];
            total += got;
            if (fabs(got - want) > 1e-5 * want + 1e-7) {
                if (bad < 5)
                    fprintf(stderr, "softmax[%d][%d] %g vs %g\n", r, c, got, want);
                ++bad;
            }
        }
        if (fabs(total - 1.0) > 1e-4)
            ++bad;
    }

    printf("c reduction: %s (%dx%d)\n", bad ? "FAIL" : "OK", rows, cols);
    free(x);
    free(y);
    free(sums);
    free(maxs);
    return bad ? 1 : 0;
}
