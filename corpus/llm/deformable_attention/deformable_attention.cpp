// deformable_attention.cpp -- single-scale multi-head deformable attention
// (Deformable DETR), f32, AVX-512 + OpenMP.
//
//   value [batch][map_h*map_w][heads][head_dim],
//   sampling_locations [batch][len_q][heads][points][2] (x, y in [0, 1]),
//   attention_weights [batch][len_q][heads][points],
//   output [batch][len_q][heads*head_dim].
// Bilinear sampling as grid_sample(align_corners=False, padding zeros):
// px = x*map_w - 0.5, py = y*map_h - 0.5, neighbours outside the map read 0.
//
// OpenMP threads take queries (batch*len_q, dynamic schedule: sampling
// points outside the map make the work uneven).  Per (head, point) the
// scalar geometry -- four neighbour pixels, four bilinear weights -- is
// computed once; the channels of the head are then blended 16 per zmm
// register (masked tail for head_dim % 16), reading each neighbour pixel's
// contiguous head_dim floats:
//   val = w1*v1 + w2*v2 + w3*v3 + w4*v4 (valid corners, in order),
//   acc += a * val,
// products and sums rounded separately as in the reference.  Accumulators
// for up to 8 chunks (head_dim 128) stay in registers across the points.
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

namespace {

constexpr int kLanes = 16;
constexpr int kMaxChunks = 8;

inline __mmask16 tail_mask16(int n) {
  return n >= kLanes ? __mmask16(0xFFFF) : __mmask16((1u << n) - 1u);
}

struct Sample {
  int pix[4];   // neighbour pixel index, -1 outside the map
  float w[4];   // bilinear weights
  float a;      // attention weight
  bool inside;  // false: the point contributes nothing
};

inline Sample sample_geometry(float lx_in, float ly_in, float a, int map_h, int map_w) {
  Sample s;
  const float xs = lx_in * (float)map_w;
  const float ys = ly_in * (float)map_h;
  const float x = xs - 0.5f;
  const float y = ys - 0.5f;
  s.a = a;
  s.inside = x > -1.0f && y > -1.0f && x < (float)map_w && y < (float)map_h;
  if (!s.inside) return s;
  const int x0 = (int)std::floor(x), y0 = (int)std::floor(y);
  const int x1 = x0 + 1, y1 = y0 + 1;
  const float lx = x - (float)x0, ly = y - (float)y0;
  const float hx = 1.0f - lx, hy = 1.0f - ly;
  s.w[0] = hy * hx;
  s.w[1] = hy * lx;
  s.w[2] = ly * hx;
  s.w[3] = ly * lx;
  s.pix[0] = (y0 >= 0 && x0 >= 0) ? y0 * map_w + x0 : -1;
  s.pix[1] = (y0 >= 0 && x1 <= map_w - 1) ? y0 * map_w + x1 : -1;
  s.pix[2] = (y1 <= map_h - 1 && x0 >= 0) ? y1 * map_w + x0 : -1;
  s.pix[3] = (y1 <= map_h - 1 && x1 <= map_w - 1) ? y1 * map_w + x1 : -1;
  return s;
}

}  // namespace

void deformable_attention_f32(const float* value, const float* sampling_locations,
                              const float* attention_weights, float* output, int batch,
                              int map_h, int map_w, int len_q, int heads, int head_dim,
                              int points) {
  const int len_in = map_h * map_w;
  const int row = heads * head_dim;
#pragma omp parallel for schedule(dynamic, 4)
  for (int bq = 0; bq < batch * len_q; ++bq) {
    const int b = bq / len_q;
    const float* value_b = value + (size_t)b * len_in * row;
    for (int h = 0; h < heads; ++h) {
      const size_t bqh = (size_t)bq * heads + h;
      const float* loc = sampling_locations + bqh * points * 2;
      const float* aw = attention_weights + bqh * points;
      const float* value_bh = value_b + (size_t)h * head_dim;
      float* out = output + bqh * head_dim;
      for (int c0 = 0; c0 < head_dim; c0 += kLanes * kMaxChunks) {
        const int left = (head_dim - c0 + kLanes - 1) / kLanes;
        const int chunks = left < kMaxChunks ? left : kMaxChunks;
        __m512 acc[kMaxChunks];
        __mmask16 mask[kMaxChunks];
        for (int c = 0; c < kMaxChunks; ++c) {
          acc[c] = _mm512_setzero_ps();
          mask[c] = c < chunks ? tail_mask16(head_dim - c0 - c * kLanes) : __mmask16(0);
        }
        for (int p = 0; p < points; ++p) {
          const Sample s = sample_geometry(loc[2 * p], loc[2 * p + 1], aw[p], map_h, map_w);
          if (!s.inside) continue;
          const __m512 va = _mm512_set1_ps(s.a);
          for (int c = 0; c < chunks; ++c) {
            __m512 val = _mm512_setzero_ps();
            bool first = true;
            for (int k = 0; k < 4; ++k) {
              if (s.pix[k] < 0) continue;  // outside the map: reads 0
              const float* v = value_bh + (size_t)s.pix[k] * row + c0 + c * kLanes;
              const __m512 prod = _mm512_mul_ps(_mm512_set1_ps(s.w[k]),
                                                _mm512_maskz_loadu_ps(mask[c], v));
              val = first ? prod : _mm512_add_ps(val, prod);
              first = false;
            }
            acc[c] = _mm512_add_ps(acc[c], _mm512_mul_ps(va, val));
          }
        }
        for (int c = 0; c < chunks; ++c) {
          _mm512_mask_storeu_ps(out + c0 + c * kLanes, mask[c], acc[c]);
        }
      }
    }
  }
}
