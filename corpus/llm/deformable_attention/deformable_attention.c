/*
 * deformable_attention.c -- reference single-scale multi-head deformable
 * attention (the core of Deformable DETR's MSDeformAttn with one level).
 *
 *   value               [batch][map_h * map_w][heads][head_dim]
 *   sampling_locations  [batch][len_q][heads][points][2]   (x, y) in [0, 1]
 *   attention_weights   [batch][len_q][heads][points]
 *   output              [batch][len_q][heads * head_dim]
 *
 *   output[b][q][h*head_dim + c] =
 *       sum_p attention_weights[b][q][h][p] * bilinear(value[b][:, h, c], loc)
 *
 * Sampling follows torch.nn.functional.grid_sample(mode="bilinear",
 * padding_mode="zeros", align_corners=False), as the PyTorch MSDeformAttn
 * does: a location (x, y) in [0, 1] maps to pixel coordinates
 *   px = x * map_w - 0.5,  py = y * map_h - 0.5
 * (pixel centres at (k + 0.5) / size); the four neighbouring pixels are
 * blended with bilinear weights and neighbours outside the map read as 0; a
 * location with px <= -1, py <= -1, px >= map_w or py >= map_h contributes
 * nothing.  Sums run in point order and, per point, corner order
 * (y0,x0), (y0,x1), (y1,x0), (y1,x1), with products and sums rounded
 * separately (each product its own statement: no fused multiply-add) -- the
 * arithmetic every dialect reproduces.
 */
#include <math.h>
#include <stddef.h>

void deformable_attention_f32(const float *value, const float *sampling_locations,
                              const float *attention_weights, float *output, int batch,
                              int map_h, int map_w, int len_q, int heads, int head_dim,
                              int points) {
  const int len_in = map_h * map_w;
  for (int b = 0; b < batch; ++b) {
    for (int q = 0; q < len_q; ++q) {
      for (int h = 0; h < heads; ++h) {
        const int bqh = (b * len_q + q) * heads + h;
        const float *loc = sampling_locations + (size_t)bqh * points * 2;
        const float *aw = attention_weights + (size_t)bqh * points;
        float *out = output + (size_t)bqh * head_dim;
        for (int c = 0; c < head_dim; ++c) {
          out[c] = 0.0f;
        }
        for (int p = 0; p < points; ++p) {
          const float xs = loc[2 * p] * (float)map_w;
          const float ys = loc[2 * p + 1] * (float)map_h;
          const float x = xs - 0.5f;
          const float y = ys - 0.5f;
          if (!(x > -1.0f && y > -1.0f && x < (float)map_w && y < (float)map_h)) {
            continue;
          }
          const int x0 = (int)floorf(x);
          const int y0 = (int)floorf(y);
          const int x1 = x0 + 1;
          const int y1 = y0 + 1;
          const float lx = x - (float)x0;
          const float ly = y - (float)y0;
          const float hx = 1.0f - lx;
          const float hy = 1.0f - ly;
          const float w1 = hy * hx, w2 = hy * lx, w3 = ly * hx, w4 = ly * lx;
          const float a = aw[p];
          for (int c = 0; c < head_dim; ++c) {
            float v1 = 0.0f, v2 = 0.0f, v3 = 0.0f, v4 = 0.0f;
            if (y0 >= 0 && x0 >= 0) {
              v1 = value[((size_t)(b * len_in + y0 * map_w + x0) * heads + h) * head_dim + c];
            }
            if (y0 >= 0 && x1 <= map_w - 1) {
              v2 = value[((size_t)(b * len_in + y0 * map_w + x1) * heads + h) * head_dim + c];
            }
            if (y1 <= map_h - 1 && x0 >= 0) {
              v3 = value[((size_t)(b * len_in + y1 * map_w + x0) * heads + h) * head_dim + c];
            }
            if (y1 <= map_h - 1 && x1 <= map_w - 1) {
              v4 = value[((size_t)(b * len_in + y1 * map_w + x1) * heads + h) * head_dim + c];
            }
            float val = w1 * v1;
            const float t2 = w2 * v2;
            val += t2;
            const float t3 = w3 * v3;
            val += t3;
            const float t4 = w4 * v4;
            val += t4;
            const float contrib = a * val;
            out[c] += contrib;
          }
        }
      }
    }
  }
}
