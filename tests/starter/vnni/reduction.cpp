// reduction.cpp -- float sum and max reductions with AVX-512 and OpenMP.
//
//   total = sum_i x[i]          (whole-array sum, OpenMP reduction(+))
//   peak  = max_i x[i]          (whole-array max, OpenMP reduction(max))
//   row_sum[r], row_max[r]      (per-row reductions of an R x C matrix)
// The array is cut into fixed chunks; each thread reduces its chunks with
// 16-wide vectors (four accumulators for the sum to break the add latency
// chain) and the partial results are combined by the OpenMP reduction clause.
// Tails shorter than 16 are read with masked loads: zeros for the sum,
// -inf (via _mm512_mask_loadu_ps with a -inf source) for the max.
// GCC 12's own avx512fintrin.h trips -Wmaybe-uninitialized (GCC bug 105593,
// `__m256i __Y = __Y;` in _mm256_undefined_*) when _mm512_reduce_* is inlined
// into an OpenMP-outlined function; silence it for the header only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#include <omp.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <vector>

static inline __mmask16 tail_mask16(int64_t n) {
    return n >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << n) - 1u);
}

// Sum of x[0..n) using AVX-512.
static inline float sum_avx512(const float* __restrict x, int64_t n) {
    __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
    __m512 s2 = _mm512_setzero_ps(), s3 = _mm512_setzero_ps();
    int64_t i = 0;
    for (; i + 64 <= n; i += 64) {
        s0 = _mm512_add_ps(s0, _mm512_loadu_ps(x + i));
        s1 = _mm512_add_ps(s1, _mm512_loadu_ps(x + i + 16));
        s2 = _mm512_add_ps(s2, _mm512_loadu_ps(x + i + 32));
        s3 = _mm512_add_ps(s3, _mm512_loadu_ps(x + i + 48));
    }
    for (; i < n; i += 16)
        s0 = _mm512_add_ps(s0, _mm512_maskz_loadu_ps(tail_mask16(n - i), x + i));
    return _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(s0, s1),
                                              _mm512_add_ps(s2, s3)));
}

// Max of x[0..n) using AVX-512; -inf for n == 0.
static inline float max_avx512(const float* __restrict x, int64_t n) {
    const __m512 neg_inf = _mm512_set1_ps(-std::numeric_limits<float>::infinity());
    __m512 m = neg_inf;
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) m = _mm512_max_ps(m, _mm512_loadu_ps(x + i));
    if (i < n) m = _mm512_max_ps(m, _mm512_mask_loadu_ps(neg_inf, tail_mask16(n - i), x + i));
    return _mm512_reduce_max_ps(m);
}

constexpr int64_t kChunk = 4096;

void reduce_all(const float* __restrict x, int64_t n, float* total_out, float* peak_out) {
    float total = 0.0f;
    float peak = -std::numeric_limits<float>::infinity();
    const int64_t nchunks = (n + kChunk - 1) / kChunk;
#pragma omp parallel for schedule(static) reduction(+ : total) reduction(max : peak)
    for (int64_t c = 0; c < nchunks; ++c) {
        const int64_t begin = c * kChunk;
        const int64_t len = n - begin < kChunk ? n - begin : kChunk;
        total += sum_avx512(x + begin, len);
        const float m = max_avx512(x + begin, len);
        peak = m > peak ? m : peak;
    }
    *total_out = total;
    *peak_out = peak;
}

void reduce_rows(const float* __restrict x, int64_t rows, int64_t cols,
                 float* __restrict row_sum, float* __restrict row_max) {
#pragma omp parallel for schedule(static)
    for (int64_t r = 0; r < rows; ++r) {
        row_sum[r] = sum_avx512(x + r * cols, cols);
        row_max[r] = max_avx512(x + r * cols, cols);
    }
}

static bool approx_equal(double got, double want, double n) {
    // fp32 summation error grows with the number of terms.
    return std::fabs(got - want) <= 1e-6 * n * (1.0 + std::fabs(want));
}

int main() {
    const int64_t rows = 129, cols = 777;  // neither divisible by 16
    const int64_t n = rows * cols;
    std::vector<float> x(static_cast<size_t>(n));
    uint32_t seed = 99u;
    for (auto& v : x) {
        seed = seed * 1664525u + 1013904223u;
        v = float(int32_t(seed >> 9) % 20001 - 10000) / 1000.0f;  // [-10, 10]
    }
    x[size_t(n - 1)] = 123.5f;  // the maximum sits in the very last (tail) element

    float total = 0.0f, peak = 0.0f;
    reduce_all(x.data(), n, &total, &peak);
    std::vector<float> row_sum(static_cast<size_t>(rows)), row_max(static_cast<size_t>(rows));
    reduce_rows(x.data(), rows, cols, row_sum.data(), row_max.data());

    // Scalar reference (double accumulation for the sums).
    int errors = 0;
    double ref_total = 0.0;
    float ref_peak = -std::numeric_limits<float>::infinity();
    for (int64_t i = 0; i < n; ++i) {
        ref_total += x[size_t(i)];
        ref_peak = x[size_t(i)] > ref_peak ? x[size_t(i)] : ref_peak;
    }
    if (!approx_equal(total, ref_total, double(n) / 64.0)) {
        std::fprintf(stderr, "total %f vs %f\n", double(total), ref_total);
        ++errors;
    }
    if (peak != ref_peak) {
        std::fprintf(stderr, "peak %f vs %f\n", double(peak), double(ref_peak));
        ++errors;
    }
    for (int64_t r = 0; r < rows; ++r) {
        double s = 0.0;
        float m = -std::numeric_limits<float>::infinity();
        for (int64_t c = 0; c < cols; ++c) {
            const float v = x[size_t(r * cols + c)];
            s += v;
            m = v > m ? v : m;
        }
        if (!approx_equal(row_sum[size_t(r)], s, double(cols)) || row_max[size_t(r)] != m) {
            if (errors < 5) std::fprintf(stderr, "row %lld mismatch\n", (long long)r);
            ++errors;
        }
    }
    if (max_avx512(x.data(), 0) != -std::numeric_limits<float>::infinity() ||
        sum_avx512(x.data(), 0) != 0.0f)
        ++errors;

    std::printf("reduction: %s (sum=%.3f max=%.3f, %d threads)\n", errors ? "FAIL" : "OK",
                double(total), double(peak), omp_get_max_threads());
    return errors ? 1 : 0;
}
