// self_attention.cpp -- multi-head scaled dot-product attention, f32,
// AVX-512 + OpenMP.
//
//   Q, K, V, O : [batch][heads][seq][head_dim]; scale = 1/sqrt(head_dim);
//   causal != 0 masks keys j > i.
//
// OpenMP threads take (batch, head) pairs.  Per pair, K is transposed once
// into a thread-private K^T [head_dim][seq16] (seq rounded up to 16), so the
// scores of one query row are computed 16 keys per zmm register:
//   s[j..j+16) = sum_d q[d] * K^T[d][j..j+16)   (broadcast q[d]; d in order,
// products and sums rounded separately, exactly the reference's arithmetic).
// Softmax: masked-tail max (_mm512_mask_max_ps), a vectorised exp (Cephes
// polynomial, 2^n by _mm512_scalef_ps), masked sums, normalisation; then
// O row = sum_j p[j] * V[j][:] with head_dim in 16-lane chunks (masked tail),
// up to 8 chunks (head_dim 128) held in registers across the key loop.
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
#include <cstdlib>
#include <limits>

namespace {

constexpr int kLanes = 16;
constexpr int kMaxChunks = 8;  // head_dim chunks kept in registers per pass

inline __mmask16 tail_mask16(int n) {
  return n >= kLanes ? __mmask16(0xFFFF) : __mmask16((1u << n) - 1u);
}

// exp(x) for 16 floats: x = n ln2 + r, |r| <= ln2/2, e^r by the Cephes
// degree-6 polynomial, times 2^n with scalef.  Inputs are clamped to the
// float range of exp (NaN passes through: _mm512_min/max_ps return their
// second operand when one is NaN).
inline __m512 exp512_ps(__m512 x) {
  x = _mm512_min_ps(_mm512_set1_ps(88.3762626647949f), x);
  x = _mm512_max_ps(_mm512_set1_ps(-103.972084045410f), x);
  const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                        _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
  __m512 p = _mm512_set1_ps(1.9875691500E-4f);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507E-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073E-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894E-2f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459E-1f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201E-1f));
  const __m512 r2 = _mm512_mul_ps(r, r);
  p = _mm512_fmadd_ps(p, r2, _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
  return _mm512_scalef_ps(p, n);
}

// One query row: p[0..n_keys) = softmax(scale * q . K^T), normalised.
inline void row_probabilities(const float* __restrict q, const float* __restrict kt, int seq16,
                              int head_dim, int n_keys, float scale, float* __restrict p) {
  const __m512 vscale = _mm512_set1_ps(scale);
  const __m512 neg_inf = _mm512_set1_ps(-std::numeric_limits<float>::infinity());
  __m512 vmax = neg_inf;
  for (int j0 = 0; j0 < n_keys; j0 += kLanes) {
    __m512 acc = _mm512_mul_ps(_mm512_set1_ps(q[0]), _mm512_load_ps(kt + j0));
    for (int d = 1; d < head_dim; ++d) {
      const __m512 prod = _mm512_mul_ps(_mm512_set1_ps(q[d]), _mm512_load_ps(kt + d * seq16 + j0));
      acc = _mm512_add_ps(acc, prod);
    }
    acc = _mm512_mul_ps(acc, vscale);
    _mm512_store_ps(p + j0, acc);
    vmax = _mm512_mask_max_ps(vmax, tail_mask16(n_keys - j0), vmax, acc);
  }
  const __m512 m = _mm512_set1_ps(_mm512_reduce_max_ps(vmax));
  __m512 vsum = _mm512_setzero_ps();
  for (int j0 = 0; j0 < n_keys; j0 += kLanes) {
    const __mmask16 k = tail_mask16(n_keys - j0);
    const __m512 e = exp512_ps(_mm512_sub_ps(_mm512_load_ps(p + j0), m));
    _mm512_store_ps(p + j0, e);
    vsum = _mm512_mask_add_ps(vsum, k, vsum, e);
  }
  const __m512 inv = _mm512_set1_ps(1.0f / _mm512_reduce_add_ps(vsum));
  for (int j0 = 0; j0 < n_keys; j0 += kLanes) {
    _mm512_store_ps(p + j0, _mm512_mul_ps(_mm512_load_ps(p + j0), inv));
  }
}

// o[0..head_dim) = sum_j p[j] * v[j][:], j in order.
inline void row_output(const float* __restrict p, const float* __restrict v, int head_dim,
                       int n_keys, float* __restrict o) {
  for (int c0 = 0; c0 < head_dim; c0 += kLanes * kMaxChunks) {
    const int chunks = (head_dim - c0 + kLanes - 1) / kLanes < kMaxChunks
                           ? (head_dim - c0 + kLanes - 1) / kLanes
                           : kMaxChunks;
    __m512 acc[kMaxChunks];
    __mmask16 mask[kMaxChunks];
    for (int c = 0; c < kMaxChunks; ++c) {
      acc[c] = _mm512_setzero_ps();
      mask[c] = c < chunks ? tail_mask16(head_dim - c0 - c * kLanes) : __mmask16(0);
    }
    for (int j = 0; j < n_keys; ++j) {
      const __m512 pj = _mm512_set1_ps(p[j]);
      const float* vr = v + (size_t)j * head_dim + c0;
      for (int c = 0; c < chunks; ++c) {
        const __m512 prod = _mm512_mul_ps(pj, _mm512_maskz_loadu_ps(mask[c], vr + c * kLanes));
        acc[c] = _mm512_add_ps(acc[c], prod);
      }
    }
    for (int c = 0; c < chunks; ++c) {
      _mm512_mask_storeu_ps(o + c0 + c * kLanes, mask[c], acc[c]);
    }
  }
}

}  // namespace

void self_attention_f32(const float* Q, const float* K, const float* V, float* O, int batch,
                        int heads, int seq, int head_dim, int causal) {
  const float scale = 1.0f / sqrtf((float)head_dim);
  const int seq16 = (seq + kLanes - 1) / kLanes * kLanes;
  const int pairs = batch * heads;
  // thread-private scratch: K^T [head_dim][seq16] and one row of p [seq16]
  const size_t per_thread = (size_t)(head_dim + 1) * seq16;
  float* scratch = static_cast<float*>(
      std::aligned_alloc(64, sizeof(float) * per_thread * omp_get_max_threads()));
#pragma omp parallel for schedule(dynamic)
  for (int bh = 0; bh < pairs; ++bh) {
    float* kt = scratch + per_thread * omp_get_thread_num();
    float* p = kt + (size_t)head_dim * seq16;
    const size_t base = (size_t)bh * seq * head_dim;
    const float* q = Q + base;
    const float* k = K + base;
    const float* v = V + base;
    float* o = O + base;
    // K^T [head_dim][seq16], zero tail columns
    for (int d = 0; d < head_dim; ++d) {
      float* dst = kt + (size_t)d * seq16;
      for (int j = 0; j < seq; ++j) dst[j] = k[(size_t)j * head_dim + d];
      for (int j = seq; j < seq16; ++j) dst[j] = 0.0f;
    }
    for (int i = 0; i < seq; ++i) {
      const int n_keys = causal ? i + 1 : seq;
      row_probabilities(q + (size_t)i * head_dim, kt, seq16, head_dim, n_keys, scale, p);
      row_output(p, v, head_dim, n_keys, o + (size_t)i * head_dim);
    }
  }
  std::free(scratch);
}
