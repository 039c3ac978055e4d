/* loops.c -- every C control-flow and loop form, on small tensor-ish tasks.
 *
 * Each function below is a tiny kernel that uses one construct on purpose:
 *   sum_lt        for (i = 0; i < n; ++i)
 *   sum_le        for (i = 1; i <= n; i++)  (1-based, inclusive bound)
 *   sum_ptr_ne    for (p = a; p != end; ++p) with pointer arithmetic
 *   reverse_copy  decreasing loop for (i = n - 1; i >= 0; --i)
 *   strided_down  decreasing loop with step -3 and `-=`
 *   first_above   while loop with break
 *   num_digits    do-while
 *   sum_positive  continue, nested conditionals
 *   activation    switch statement (with fall-through and default)
 *   bit_mix       compound assignments +=, -=, *=, /=, %=, <<=, >>=, &=, |=, ^=
 *   clamp_q8      ternaries and casts (float -> int -> unsigned char)
 *   smooth3       local array with an initializer (1-D stencil)
 *   transpose     2-D arrays
 * main() checks each against values computed by hand or by another form.
 */
#include <stdio.h>

#define N 10
#define R 3
#define C 4

int sum_lt(const int *a, int n)
{
    int s = 0;
    for (int i = 0; i < n; ++i)
        s += a[i];
    return s;
}

int sum_le(const int *a, int n)
{
    int s = 0;
    for (int i = 1; i <= n; i++)
        s += a[i - 1];
    return s;
}

int sum_ptr_ne(const int *a, int n)
{
    int s = 0;
    const int *end = a + n;
    for (const int *p = a; p != end; ++p)
        s += *p;
    return s;
}

void reverse_copy(const int *src, int *dst, int n)
{
    for (int i = n - 1; i >= 0; --i)
        dst[n - 1 - i] = src[i];
}

int strided_down(const int *a, int n)
{
    int s = 0;
    for (int i = n - 1; i > 0; i -= 3)
        s += a[i];
    return s;
}

/* Index of the first element greater than t, or -1. */
int first_above(const int *a, int n, int t)
{
    int i = 0, found = -1;
    while (i < n) {
        if (a[i] > t) {
            found = i;
            break;
        }
        i++;
    }
    return found;
}

/* Number of decimal digits of v (at least 1, also for v == 0). */
int num_digits(unsigned int v)
{
    int d = 0;
    do {
        v /= 10u;
        ++d;
    } while (v != 0u);
    return d;
}

/* Sum of positive entries; odd positive entries count double, zeros skipped. */
int sum_positive(const int *a, int n)
{
    int s = 0;
    for (int i = 0; i < n; ++i) {
        if (a[i] <= 0)
            continue;
        if (a[i] % 2 != 0) {
            if (a[i] > 5)
                s += 2 * a[i];
            else
                s += a[i] + a[i];
        } else {
            s += a[i];
        }
    }
    return s;
}

/* 0 identity, 1 relu, 2 square, 3 relu6 (falls into relu), other: negate. */
float activation(int kind, float x)
{
    float y;
    switch (kind) {
    case 0:
        y = x;
        break;
    case 3:
        x = x > 6.0f ? 6.0f : x;
        /* fall through */
    case 1:
        y = x > 0.0f ? x : 0.0f;
        break;
    case 2:
        y = x * x;
        break;
    default:
        y = -x;
        break;
    }
    return y;
}

unsigned int bit_mix(unsigned int v)
{
    v += 7u;   /* 107 */
    v -= 3u;   /* 104 */
    v *= 5u;   /* 520 */
    v /= 4u;   /* 130 */
    v %= 100u; /* 30 */
    v <<= 3;   /* 240 */
    v >>= 1;   /* 120 */
    v &= 0xF8u; /* 120 */
    v |= 0x3u; /* 123 */
    v ^= 0x1u; /* 122 */
    return v;
}

/* Quantize x / scale to [0, 255] with round-half-away-from-zero. */
unsigned char clamp_q8(float x, float scale)
{
    float q = x / scale;
    int r = (int)(q >= 0.0f ? q + 0.5f : q - 0.5f);
    return (unsigned char)(r < 0 ? 0 : (r > 255 ? 255 : r));
}

/* out[i] = 0.25 in[i-1] + 0.5 in[i] + 0.25 in[i+1], edges replicated. */
void smooth3(const float *in, float *out, int n)
{
    const float w[3] = {0.25f, 0.5f, 0.25f};
    for (int i = 0; i < n; ++i) {
        float acc = 0.0f;
        for (int k = -1; k <= 1; ++k) {
            int j = i + k;
            j = j < 0 ? 0 : (j >= n ? n - 1 : j);
            acc += w[k + 1] * in[j];
        }
        out[i] = acc;
    }
}

void transpose(float in[R][C], float out[C][R])
{
    for (int r = 0; r < R; ++r)
        for (int c = 0; c < C; ++c)
            out[c][r] = in[r][c];
}

int main(void)
{
    int a[N] = {3, -1, 4, 0, 5, -9, 2, 6, -5, 8};
    int rev[N];
    int bad = 0;

    /* a sums to 13 with all three forward loop forms. */
    bad += sum_lt(a, N) != 13;
    bad += sum_le(a, N) != 13;
    bad += sum_ptr_ne(a, N) != 13;

    reverse_copy(a, rev, N);
    for (int i = 0; i < N; ++i)
        bad += rev[i] != a[N - 1 - i];

    bad += strided_down(a, N) != 8 + 2 + 0; /* indices 9, 6, 3 */
    bad += first_above(a, N, 4) != 4;
    bad += first_above(a, N, 100) != -1;
    bad += num_digits(0u) != 1 || num_digits(9u) != 1 || num_digits(10u) != 2 ||
           num_digits(4294967295u) != 10;
    /* positives: 3 (odd,<=5 -> 6), 4, 5 (odd -> 10), 2, 6, 8 */
    bad += sum_positive(a, N) != 6 + 4 + 10 + 2 + 6 + 8;

    bad += activation(0, -2.0f) != -2.0f;
    bad += activation(1, -2.0f) != 0.0f || activation(1, 3.0f) != 3.0f;
    bad += activation(2, -3.0f) != 9.0f;
    bad += activation(3, 7.5f) != 6.0f || activation(3, -1.0f) != 0.0f;
    bad += activation(42, 1.5f) != -1.5f;

    bad += bit_mix(100u) != 122u;

    bad += clamp_q8(1.0f, 0.1f) != 10;
    bad += clamp_q8(-3.0f, 0.1f) != 0;
    bad += clamp_q8(1000.0f, 1.0f) != 255;
    bad += clamp_q8(2.5f, 1.0f) != 3;

    float sig[5] = {0.0f, 4.0f, 8.0f, 4.0f, 0.0f}, sm[5];
    const float want_sm[5] = {1.0f, 4.0f, 6.0f, 4.0f, 1.0f};
    smooth3(sig, sm, 5);
    for (int i = 0; i < 5; ++i)
        bad += sm[i] != want_sm[i];

    float m[R][C] = {{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, 11, 12}};
    float mt[C][R];
    transpose(m, mt);
    for (int c = 0; c < C; ++c)
        for (int r = 0; r < R; ++r)
            bad += mt[c][r] != (float)(r * C + c + 1);

    printf("c loops: %s (%d failed checks)\n", bad ? "FAIL" : "OK", bad);
    return bad ? 1 : 0;
}
