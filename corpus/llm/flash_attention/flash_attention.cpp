// flash_attention.cpp -- FlashAttention-2-style multi-head attention, f32,
// AVX-512 + OpenMP.
//
//   Q, K, V, O : [batch][heads][seq][head_dim]; scale = 1/sqrt(head_dim);
//   causal != 0 masks keys j > i.
//
// OpenMP threads take work items (batch*head, block of kBr = 16 query rows).
// The key/value sequence is walked in tiles of kBc = 64 keys; each K tile is
// transposed into a thread-private K^T [head_dim][64] (16 KiB at head_dim 64:
// it stays in L1 while all 16 rows use it).  Per row and tile:
//   s = scale * q . K^T, 16 keys per zmm (broadcast q[d], d in order,
//       products and sums rounded separately as in the reference),
//   m_new = max(m, masked max of s), corr = exp(m - m_new),
//   p = exp(s - m_new) (vectorised exp: Cephes polynomial + scalef),
//   l = l * corr + sum p,  o = o * corr + sum_j p_j V[j][:]
// with o a row of the thread's [kBr][head_dim] accumulator (16-lane chunks,
// masked tail).  O = o / l at the end.  Causal items stop at their last
// row's diagonal; each row only touches its visible keys.
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
constexpr int kBr = 16;  // query rows per work item
constexpr int kBc = 64;  // keys per K/V tile

inline __mmask16 tail_mask16(int n) {
  return n >= kLanes ? __mmask16(0xFFFF) : __mmask16((1u << n) - 1u);
}

// exp(x) for 16 floats: x = n ln2 + r, e^r by the Cephes degree-6
// polynomial, times 2^n with scalef; NaN passes through the clamps.
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

struct Scratch {
  float* kt;   // [head_dim][kBc]
  float* p;    // [kBc]
  float* acc;  // [kBr][head_dim]
  float m[kBr], l[kBr];
};

// One key tile for one query row: online-softmax update of (m, l, o).
inline void row_tile(const float* __restrict q, const float* __restrict v, int head_dim,
                     int vis, float scale, Scratch& s, int r) {
  const __m512 neg_inf = _mm512_set1_ps(-std::numeric_limits<float>::infinity());
  __m512 vmax = neg_inf;
  for (int j0 = 0; j0 < vis; j0 += kLanes) {
    __m512 acc = _mm512_mul_ps(_mm512_set1_ps(q[0]), _mm512_load_ps(s.kt + j0));
    for (int d = 1; d < head_dim; ++d) {
      const __m512 prod = _mm512_mul_ps(_mm512_set1_ps(q[d]), _mm512_load_ps(s.kt + d * kBc + j0));
      acc = _mm512_add_ps(acc, prod);
    }
    acc = _mm512_mul_ps(acc, _mm512_set1_ps(scale));
    _mm512_store_ps(s.p + j0, acc);
    vmax = _mm512_mask_max_ps(vmax, tail_mask16(vis - j0), vmax, acc);
  }
  const float tile_max = _mm512_reduce_max_ps(vmax);
  const float m_new = tile_max > s.m[r] ? tile_max : s.m[r];
  if (m_new == -std::numeric_limits<float>::infinity()) return;  // nothing visible yet
  const float corr = std::exp(s.m[r] - m_new);
  const __m512 vm = _mm512_set1_ps(m_new);
  __m512 vsum = _mm512_setzero_ps();
  for (int j0 = 0; j0 < vis; j0 += kLanes) {
    const __mmask16 k = tail_mask16(vis - j0);
    const __m512 e = exp512_ps(_mm512_sub_ps(_mm512_load_ps(s.p + j0), vm));
    _mm512_store_ps(s.p + j0, e);
    vsum = _mm512_mask_add_ps(vsum, k, vsum, e);
  }
  s.l[r] = s.l[r] * corr + _mm512_reduce_add_ps(vsum);
  s.m[r] = m_new;
  // o = o * corr + sum_j p_j v_j, 16 channels at a time
  float* o = s.acc + (size_t)r * head_dim;
  const __m512 vcorr = _mm512_set1_ps(corr);
  for (int c0 = 0; c0 < head_dim; c0 += kLanes) {
    const __mmask16 k = tail_mask16(head_dim - c0);
    __m512 acc = _mm512_mul_ps(_mm512_maskz_loadu_ps(k, o + c0), vcorr);
    for (int j = 0; j < vis; ++j) {
      const __m512 prod =
          _mm512_mul_ps(_mm512_set1_ps(s.p[j]), _mm512_maskz_loadu_ps(k, v + (size_t)j * head_dim + c0));
      acc = _mm512_add_ps(acc, prod);
    }
    _mm512_mask_storeu_ps(o + c0, k, acc);
  }
}

}  // namespace

void flash_attention_f32(const float* Q, const float* K, const float* V, float* O, int batch,
                         int heads, int seq, int head_dim, int causal) {
  const float scale = 1.0f / sqrtf((float)head_dim);
  const int q_blocks = (seq + kBr - 1) / kBr;
  const int items = batch * heads * q_blocks;
  // thread-private scratch: K^T tile, one row of p, the O accumulator
  const size_t per_thread = (size_t)head_dim * kBc + kBc + (size_t)kBr * head_dim;
  const size_t per_thread_padded = (per_thread + 15) / 16 * 16;
  float* scratch = static_cast<float*>(
      std::aligned_alloc(64, sizeof(float) * per_thread_padded * omp_get_max_threads()));
#pragma omp parallel for schedule(dynamic)
  for (int item = 0; item < items; ++item) {
    Scratch s;
    s.kt = scratch + per_thread_padded * omp_get_thread_num();
    s.p = s.kt + (size_t)head_dim * kBc;
    s.acc = s.p + kBc;
    const int bh = item / q_blocks;
    const int i0 = (item % q_blocks) * kBr;
    const int rows = seq - i0 < kBr ? seq - i0 : kBr;
    const size_t base = (size_t)bh * seq * head_dim;
    for (int r = 0; r < kBr; ++r) {
      s.m[r] = -std::numeric_limits<float>::infinity();
      s.l[r] = 0.0f;
    }
    for (size_t e = 0; e < (size_t)kBr * head_dim; ++e) s.acc[e] = 0.0f;

    const int kv_end = causal ? (seq < i0 + rows ? seq : i0 + rows) : seq;
    for (int k0 = 0; k0 < kv_end; k0 += kBc) {
      const int kn = seq - k0 < kBc ? seq - k0 : kBc;
      // K^T tile [head_dim][kBc], zero tail columns
      const float* kp = K + base + (size_t)k0 * head_dim;
      for (int d = 0; d < head_dim; ++d) {
        float* dst = s.kt + (size_t)d * kBc;
        for (int j = 0; j < kn; ++j) dst[j] = kp[(size_t)j * head_dim + d];
        for (int j = kn; j < kBc; ++j) dst[j] = 0.0f;
      }
      const float* vp = V + base + (size_t)k0 * head_dim;
      for (int r = 0; r < rows; ++r) {
        const int i = i0 + r;
        const int n_keys = causal ? i + 1 : seq;
        const int vis = n_keys - k0 < kn ? n_keys - k0 : kn;
        if (vis <= 0) continue;
        row_tile(Q + base + (size_t)i * head_dim, vp, head_dim, vis, scale, s, r);
      }
    }
    for (int r = 0; r < rows; ++r) {
      const __m512 inv = _mm512_set1_ps(1.0f / s.l[r]);
      float* o = O + base + (size_t)(i0 + r) * head_dim;
      const float* a = s.acc + (size_t)r * head_dim;
      for (int c0 = 0; c0 < head_dim; c0 += kLanes) {
        const __mmask16 k = tail_mask16(head_dim - c0);
        _mm512_mask_storeu_ps(o + c0, k, _mm512_mul_ps(_mm512_maskz_loadu_ps(k, a + c0), inv));
      }
    }
  }
  std::free(scratch);
}
