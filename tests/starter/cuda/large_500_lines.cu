// minidl.cu: the kernels of a small deep-learning runtime in one file.
// Used as a realistic, medium-sized input for parse-speed benchmarks.
//
// Contents
//   device helpers : warp/block reductions (templated on the operator),
//                    GELU approximations, a counter-based RNG
//   kernels        : bias + GELU, layer norm, RMS norm, row softmax (warp per
//                    row and block per row), tiled transpose, row/column sums,
//                    dropout, embedding lookup, residual add (float4), casts
//                    to/from half, cross-entropy loss, argmax, Adam update
//   host side      : a tiny RAII device buffer, one launcher per kernel with
//                    its launch configuration, and a main() that runs a
//                    transformer-block-like pipeline and prints a checksum.
#include <cuda_runtime.h>
#include <cuda_fp16.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#define CUDA_CHECK(expr)                                                      \
  do {                                                                        \
    cudaError_t err_ = (expr);                                                \
    if (err_ != cudaSuccess) {                                                \
      fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, #expr,           \
              cudaGetErrorString(err_));                                      \
      std::exit(EXIT_FAILURE);                                                \
    }                                                                         \
  } while (0)

namespace minidl {

constexpr int kWarp = 32;
constexpr unsigned kFullMask = 0xffffffffu;

inline int ceil_div(int a, int b) { return (a + b - 1) / b; }

// ---------------------------------------------------------------------------
// Device helpers
// ---------------------------------------------------------------------------
struct SumOp {
  __device__ __forceinline__ float operator()(float a, float b) const { return a + b; }
  static __device__ __forceinline__ float identity() { return 0.0f; }
};
struct MaxOp {
  __device__ __forceinline__ float operator()(float a, float b) const { return fmaxf(a, b); }
  static __device__ __forceinline__ float identity() { return -FLT_MAX; }
};

// All lanes of the warp end up with the reduced value.
template <typename Op>
__device__ __forceinline__ float warp_allreduce(float v, Op op) {
#pragma unroll
  for (int offset = kWarp / 2; offset > 0; offset >>= 1) {
    v = op(v, __shfl_xor_sync(kFullMask, v, offset));
  }
  return v;
}

// Block-wide reduction; every thread gets the result. `scratch` needs one
// float per warp. blockDim.x must be a multiple of 32.
template <typename Op>
__device__ float block_allreduce(float v, Op op, float* scratch) {
  const int lane = threadIdx.x % kWarp;
  const int warp = threadIdx.x / kWarp;
  const int numWarps = blockDim.x / kWarp;
  v = warp_allreduce(v, op);
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  v = (lane < numWarps) ? scratch[lane] : Op::identity();
  v = warp_allreduce(v, op);
  __syncthreads();  // scratch may be reused by the caller
  return v;
}

// tanh approximation used by GPT-2 / BERT.
__device__ __forceinline__ float gelu_tanh(float x) {
  const float kAlpha = 0.7978845608028654f;  // sqrt(2 / pi)
  const float kBeta = 0.044715f;
  return 0.5f * x * (1.0f + tanhf(kAlpha * (x + kBeta * x * x * x)));
}

// Exact GELU with the error function.
__device__ __forceinline__ float gelu_erf(float x) {
  return 0.5f * x * (1.0f + erff(x * 0.7071067811865475f));
}

// Counter-based hash RNG (splitmix-style): uniform float in [0, 1).
__device__ __forceinline__ float hash_uniform(uint64_t seed, uint64_t idx) {
  uint64_t z = seed + idx * 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return static_cast<float>(z >> 40) * (1.0f / 16777216.0f);
}

// ---------------------------------------------------------------------------
// Element-wise kernels
// ---------------------------------------------------------------------------
enum class GeluKind { kTanh, kErf };

// out[r, c] = gelu(in[r, c] + bias[c]) for a rows x cols matrix.
template <GeluKind KIND>
__global__ void bias_gelu_kernel(const float* __restrict__ in, const float* __restrict__ bias,
                                 float* __restrict__ out, int rows, int cols) {
  const int total = rows * cols;
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < total; i += blockDim.x * gridDim.x) {
    const float v = in[i] + __ldg(&bias[i % cols]);
    out[i] = (KIND == GeluKind::kTanh) ? gelu_tanh(v) : gelu_erf(v);
  }
}

// y = x + residual, 4 floats at a time; n must be a multiple of 4.
__global__ void residual_add_f4(const float4* __restrict__ x, const float4* __restrict__ res,
                                float4* __restrict__ y, int n4) {
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n4; i += blockDim.x * gridDim.x) {
    const float4 a = x[i];
    const float4 b = res[i];
    y[i] = make_float4(a.x + b.x, a.y + b.y, a.z + b.z, a.w + b.w);
  }
}

// Inverted dropout: keeps each element with probability 1 - p and rescales.
__global__ void dropout_kernel(const float* __restrict__ in, float* __restrict__ out,
                               uint8_t* __restrict__ mask, int n, float p, uint64_t seed) {
  const float scale = 1.0f / (1.0f - p);
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) {
    const bool keep = hash_uniform(seed, static_cast<uint64_t>(i)) >= p;
    mask[i] = keep ? 1 : 0;
    out[i] = keep ? in[i] * scale : 0.0f;
  }
}

__global__ void float_to_half_kernel(const float* __restrict__ in, __half* __restrict__ out,
                                     int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = __float2half_rn(in[i]);
}

__global__ void half_to_float_kernel(const __half* __restrict__ in, float* __restrict__ out,
                                     int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = __half2float(in[i]);
}

// ---------------------------------------------------------------------------
// Normalisations: one block per row.
// ---------------------------------------------------------------------------
// y = (x - mean) / sqrt(var + eps) * gamma + beta
template <int BLOCK>
__global__ void __launch_bounds__(BLOCK)
    layernorm_kernel(const float* __restrict__ x, const float* __restrict__ gamma,
                     const float* __restrict__ beta, float* __restrict__ y, float* mean_out,
                     float* rstd_out, int cols, float eps) {
  __shared__ float scratch[BLOCK / kWarp];
  const float* row = x + static_cast<size_t>(blockIdx.x) * cols;
  float* out = y + static_cast<size_t>(blockIdx.x) * cols;

  float sum = 0.0f;
  for (int c = threadIdx.x; c < cols; c += BLOCK) sum += row[c];
  const float mean = block_allreduce(sum, SumOp(), scratch) / cols;

  float sq = 0.0f;
  for (int c = threadIdx.x; c < cols; c += BLOCK) {
    const float d = row[c] - mean;
    sq += d * d;
  }
  const float var = block_allreduce(sq, SumOp(), scratch) / cols;
  const float rstd = rsqrtf(var + eps);

  for (int c = threadIdx.x; c < cols; c += BLOCK) {
    out[c] = (row[c] - mean) * rstd * gamma[c] + beta[c];
  }
  if (threadIdx.x == 0) {
    if (mean_out) mean_out[blockIdx.x] = mean;
    if (rstd_out) rstd_out[blockIdx.x] = rstd;
  }
}

// y = x / sqrt(mean(x^2) + eps) * weight
template <int BLOCK>
__global__ void __launch_bounds__(BLOCK)
    rmsnorm_kernel(const float* __restrict__ x, const float* __restrict__ weight,
                   float* __restrict__ y, int cols, float eps) {
  __shared__ float scratch[BLOCK / kWarp];
  const float* row = x + static_cast<size_t>(blockIdx.x) * cols;
  float sq = 0.0f;
  for (int c = threadIdx.x; c < cols; c += BLOCK) sq += row[c] * row[c];
  const float ms = block_allreduce(sq, SumOp(), scratch) / cols;
  const float inv = rsqrtf(ms + eps);
  for (int c = threadIdx.x; c < cols; c += BLOCK) {
    y[static_cast<size_t>(blockIdx.x) * cols + c] = row[c] * inv * weight[c];
  }
}

// ---------------------------------------------------------------------------
// Softmax over the last dimension.
// ---------------------------------------------------------------------------
// One warp per row: for short rows (cols <= a few hundred).
__global__ void softmax_warp_kernel(const float* __restrict__ x, float* __restrict__ y, int rows,
                                    int cols) {
  const int warpsPerBlock = blockDim.x / kWarp;
  const int row = blockIdx.x * warpsPerBlock + threadIdx.x / kWarp;
  const int lane = threadIdx.x % kWarp;
  if (row >= rows) return;
  const float* in = x + static_cast<size_t>(row) * cols;
  float* out = y + static_cast<size_t>(row) * cols;

  float m = -FLT_MAX;
  for (int c = lane; c < cols; c += kWarp) m = fmaxf(m, in[c]);
  m = warp_allreduce(m, MaxOp());
  float s = 0.0f;
  for (int c = lane; c < cols; c += kWarp) s += __expf(in[c] - m);
  s = warp_allreduce(s, SumOp());
  const float inv = 1.0f / s;
  for (int c = lane; c < cols; c += kWarp) out[c] = __expf(in[c] - m) * inv;
}

// One block per row with the row cached in dynamic shared memory.
__global__ void softmax_block_kernel(const float* __restrict__ x, float* __restrict__ y,
                                     int cols) {
  extern __shared__ float smem[];  // cols floats + one per warp
  float* rowCache = smem;
  float* scratch = smem + cols;
  const float* in = x + static_cast<size_t>(blockIdx.x) * cols;

  float m = -FLT_MAX;
  for (int c = threadIdx.x; c < cols; c += blockDim.x) {
    rowCache[c] = in[c];
    m = fmaxf(m, rowCache[c]);
  }
  m = block_allreduce(m, MaxOp(), scratch);
  float s = 0.0f;
  for (int c = threadIdx.x; c < cols; c += blockDim.x) {
    rowCache[c] = expf(rowCache[c] - m);
    s += rowCache[c];
  }
  s = block_allreduce(s, SumOp(), scratch);
  for (int c = threadIdx.x; c < cols; c += blockDim.x) {
    y[static_cast<size_t>(blockIdx.x) * cols + c] = __fdividef(rowCache[c], s);
  }
}

// ---------------------------------------------------------------------------
// Data movement and reductions
// ---------------------------------------------------------------------------
// out (cols x rows) = transpose(in (rows x cols)); 32x32 tiles, 32x8 threads.
constexpr int kTileDim = 32;
constexpr int kBlockRows = 8;
__global__ void transpose_kernel(const float* __restrict__ in, float* __restrict__ out, int rows,
                                 int cols) {
  __shared__ float tile[kTileDim][kTileDim + 1];  // padding avoids bank conflicts
  int x = blockIdx.x * kTileDim + threadIdx.x;
  int y = blockIdx.y * kTileDim + threadIdx.y;
  for (int j = 0; j < kTileDim; j += kBlockRows) {
    if (x < cols && y + j < rows) tile[threadIdx.y + j][threadIdx.x] = in[(y + j) * cols + x];
  }
  __syncthreads();
  x = blockIdx.y * kTileDim + threadIdx.x;
  y = blockIdx.x * kTileDim + threadIdx.y;
  for (int j = 0; j < kTileDim; j += kBlockRows) {
    if (x < rows && y + j < cols) out[(y + j) * rows + x] = tile[threadIdx.x][threadIdx.y + j];
  }
}

// Column sums (e.g. the bias gradient): one thread per column, coalesced.
__global__ void column_sum_kernel(const float* __restrict__ in, float* __restrict__ out,
                                  int rows, int cols) {
  const int c = blockIdx.x * blockDim.x + threadIdx.x;
  if (c >= cols) return;
  float acc = 0.0f;
  for (int r = 0; r < rows; ++r) acc += in[static_cast<size_t>(r) * cols + c];
  out[c] = acc;
}

// Sum of every element into *out (which must be zeroed first).
template <int BLOCK>
__global__ void __launch_bounds__(BLOCK)
    total_sum_kernel(const float* __restrict__ in, float* __restrict__ out, int n) {
  __shared__ float scratch[BLOCK / kWarp];
  float acc = 0.0f;
  for (int i = blockIdx.x * BLOCK + threadIdx.x; i < n; i += BLOCK * gridDim.x) acc += in[i];
  acc = block_allreduce(acc, SumOp(), scratch);
  if (threadIdx.x == 0) atomicAdd(out, acc);
}

// out[t, :] = table[ids[t], :]
__global__ void embedding_kernel(const int* __restrict__ ids, const float* __restrict__ table,
                                 float* __restrict__ out, int tokens, int dim, int vocab) {
  const int t = blockIdx.x;
  if (t >= tokens) return;
  int id = ids[t];
  id = min(max(id, 0), vocab - 1);
  for (int d = threadIdx.x; d < dim; d += blockDim.x) {
    out[static_cast<size_t>(t) * dim + d] = table[static_cast<size_t>(id) * dim + d];
  }
}

// Per-row argmax (one warp per row).
__global__ void argmax_kernel(const float* __restrict__ x, int* __restrict__ idx, int rows,
                              int cols) {
  const int row = blockIdx.x * (blockDim.x / kWarp) + threadIdx.x / kWarp;
  const int lane = threadIdx.x % kWarp;
  if (row >= rows) return;
  float best = -FLT_MAX;
  int bestIdx = 0;
  for (int c = lane; c < cols; c += kWarp) {
    const float v = x[static_cast<size_t>(row) * cols + c];
    if (v > best) {
      best = v;
      bestIdx = c;
    }
  }
  for (int offset = kWarp / 2; offset > 0; offset >>= 1) {
    const float ov = __shfl_down_sync(kFullMask, best, offset);
    const int oi = __shfl_down_sync(kFullMask, bestIdx, offset);
    if (ov > best || (ov == best && oi < bestIdx)) {
      best = ov;
      bestIdx = oi;
    }
  }
  if (lane == 0) idx[row] = bestIdx;
}

// Mean cross-entropy of softmax probabilities against integer labels.
__global__ void cross_entropy_kernel(const float* __restrict__ probs,
                                     const int* __restrict__ labels, float* __restrict__ loss,
                                     int rows, int cols) {
  const int r = blockIdx.x * blockDim.x + threadIdx.x;
  if (r >= rows) return;
  const float p = probs[static_cast<size_t>(r) * cols + labels[r]];
  atomicAdd(loss, -logf(fmaxf(p, 1e-12f)) / rows);
}

// ---------------------------------------------------------------------------
// Optimiser
// ---------------------------------------------------------------------------
struct AdamConfig {
  float lr, beta1, beta2, eps, weight_decay;
};

__global__ void adam_kernel(float* __restrict__ param, const float* __restrict__ grad,
                            float* __restrict__ m, float* __restrict__ v, int n, AdamConfig cfg,
                            float bias_corr1, float bias_corr2) {
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) {
    const float g = grad[i] + cfg.weight_decay * param[i];
    const float mi = cfg.beta1 * m[i] + (1.0f - cfg.beta1) * g;
    const float vi = cfg.beta2 * v[i] + (1.0f - cfg.beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    const float mhat = mi / bias_corr1;
    const float vhat = vi / bias_corr2;
    param[i] -= cfg.lr * mhat / (sqrtf(vhat) + cfg.eps);
  }
}

// ---------------------------------------------------------------------------
// Host side
// ---------------------------------------------------------------------------
// Owning device buffer.
template <typename T>
class DeviceBuffer {
 public:
  explicit DeviceBuffer(size_t n) : n_(n) { CUDA_CHECK(cudaMalloc(&ptr_, n * sizeof(T))); }
  ~DeviceBuffer() { cudaFree(ptr_); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  T* get() const { return ptr_; }
  size_t size() const { return n_; }
  void upload(const std::vector<T>& h) {
    CUDA_CHECK(cudaMemcpy(ptr_, h.data(), n_ * sizeof(T), cudaMemcpyHostToDevice));
  }
  std::vector<T> download() const {
    std::vector<T> h(n_);
    CUDA_CHECK(cudaMemcpy(h.data(), ptr_, n_ * sizeof(T), cudaMemcpyDeviceToHost));
    return h;
  }
  void zero() { CUDA_CHECK(cudaMemset(ptr_, 0, n_ * sizeof(T))); }

 private:
  T* ptr_ = nullptr;
  size_t n_;
};

static int grid_for(int n, int block) { return std::min(ceil_div(n, block), 4096); }

void bias_gelu(const float* in, const float* bias, float* out, int rows, int cols, bool exact,
               cudaStream_t s) {
  const int block = 256;
  const int grid = grid_for(rows * cols, block);
  if (exact)
    bias_gelu_kernel<GeluKind::kErf><<<grid, block, 0, s>>>(in, bias, out, rows, cols);
  else
    bias_gelu_kernel<GeluKind::kTanh><<<grid, block, 0, s>>>(in, bias, out, rows, cols);
  CUDA_CHECK(cudaGetLastError());
}

void layernorm(const float* x, const float* g, const float* b, float* y, int rows, int cols,
               cudaStream_t s) {
  if (cols >= 1024)
    layernorm_kernel<512><<<rows, 512, 0, s>>>(x, g, b, y, nullptr, nullptr, cols, 1e-5f);
  else
    layernorm_kernel<128><<<rows, 128, 0, s>>>(x, g, b, y, nullptr, nullptr, cols, 1e-5f);
  CUDA_CHECK(cudaGetLastError());
}

void rmsnorm(const float* x, const float* w, float* y, int rows, int cols, cudaStream_t s) {
  rmsnorm_kernel<256><<<rows, 256, 0, s>>>(x, w, y, cols, 1e-6f);
  CUDA_CHECK(cudaGetLastError());
}

void softmax(const float* x, float* y, int rows, int cols, cudaStream_t s) {
  if (cols <= 512) {
    const int warpsPerBlock = 4;
    softmax_warp_kernel<<<ceil_div(rows, warpsPerBlock), warpsPerBlock * kWarp, 0, s>>>(x, y, rows,
                                                                                        cols);
  } else {
    const int block = 256;
    const size_t smem = (cols + block / kWarp) * sizeof(float);
    softmax_block_kernel<<<rows, block, smem, s>>>(x, y, cols);
  }
  CUDA_CHECK(cudaGetLastError());
}

void transpose(const float* in, float* out, int rows, int cols, cudaStream_t s) {
  dim3 block(kTileDim, kBlockRows);
  dim3 grid(ceil_div(cols, kTileDim), ceil_div(rows, kTileDim));
  transpose_kernel<<<grid, block, 0, s>>>(in, out, rows, cols);
  CUDA_CHECK(cudaGetLastError());
}

void residual_add(const float* x, const float* r, float* y, int n, cudaStream_t s) {
  const int n4 = n / 4;
  residual_add_f4<<<grid_for(n4, 256), 256, 0, s>>>(reinterpret_cast<const float4*>(x),
                                                    reinterpret_cast<const float4*>(r),
                                                    reinterpret_cast<float4*>(y), n4);
  CUDA_CHECK(cudaGetLastError());
}

float total_sum(const float* x, int n, cudaStream_t s) {
  DeviceBuffer<float> acc(1);
  acc.zero();
  total_sum_kernel<256><<<grid_for(n, 256), 256, 0, s>>>(x, acc.get(), n);
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(cudaStreamSynchronize(s));
  return acc.download()[0];
}

}  // namespace minidl

int main() {
  using namespace minidl;
  const int tokens = 128, dim = 768, vocab = 1000, classes = 10;
  const int n = tokens * dim;

  cudaStream_t stream;
  CUDA_CHECK(cudaStreamCreate(&stream));

  std::vector<float> hTable(static_cast<size_t>(vocab) * dim), hOnes(dim, 1.0f), hZeros(dim, 0.0f);
  for (size_t i = 0; i < hTable.size(); ++i) hTable[i] = std::sin(0.001f * i);
  std::vector<int> hIds(tokens), hLabels(tokens);
  for (int t = 0; t < tokens; ++t) {
    hIds[t] = (t * 37) % vocab;
    hLabels[t] = t % classes;
  }

  DeviceBuffer<float> table(hTable.size()), gamma(dim), beta(dim), bias(dim);
  DeviceBuffer<int> ids(tokens), labels(tokens), pred(tokens);
  DeviceBuffer<float> x(n), h(n), y(n), xt(n), probs(tokens * classes), loss(1);
  DeviceBuffer<uint8_t> mask(n);
  DeviceBuffer<__half> xh(n);
  table.upload(hTable);
  gamma.upload(hOnes);
  beta.upload(hZeros);
  bias.upload(hZeros);
  ids.upload(hIds);
  labels.upload(hLabels);

  // Embedding -> LayerNorm -> bias+GELU -> dropout -> residual -> RMSNorm.
  embedding_kernel<<<tokens, 256, 0, stream>>>(ids.get(), table.get(), x.get(), tokens, dim, vocab);
  CUDA_CHECK(cudaGetLastError());
  layernorm(x.get(), gamma.get(), beta.get(), h.get(), tokens, dim, stream);
  bias_gelu(h.get(), bias.get(), y.get(), tokens, dim, /*exact=*/false, stream);
  dropout_kernel<<<grid_for(n, 256), 256, 0, stream>>>(y.get(), h.get(), mask.get(), n, 0.1f, 42);
  CUDA_CHECK(cudaGetLastError());
  residual_add(h.get(), x.get(), y.get(), n, stream);
  rmsnorm(y.get(), gamma.get(), h.get(), tokens, dim, stream);
  transpose(h.get(), xt.get(), tokens, dim, stream);

  // Round trip through half precision.
  float_to_half_kernel<<<ceil_div(n, 256), 256, 0, stream>>>(h.get(), xh.get(), n);
  half_to_float_kernel<<<ceil_div(n, 256), 256, 0, stream>>>(xh.get(), y.get(), n);
  CUDA_CHECK(cudaGetLastError());

  // Classifier head stand-in: the leading tokens x classes values are the logits.
  softmax(y.get(), probs.get(), tokens, classes, stream);
  argmax_kernel<<<ceil_div(tokens, 4), 128, 0, stream>>>(probs.get(), pred.get(), tokens, classes);
  loss.zero();
  cross_entropy_kernel<<<ceil_div(tokens, 128), 128, 0, stream>>>(probs.get(), labels.get(),
                                                                  loss.get(), tokens, classes);
  CUDA_CHECK(cudaGetLastError());

  // One Adam step on the embedding table with a synthetic gradient.
  DeviceBuffer<float> grad(hTable.size()), m1(hTable.size()), m2(hTable.size());
  grad.upload(hTable);
  m1.zero();
  m2.zero();
  AdamConfig cfg{1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f};
  adam_kernel<<<grid_for(static_cast<int>(hTable.size()), 256), 256, 0, stream>>>(
      table.get(), grad.get(), m1.get(), m2.get(), static_cast<int>(hTable.size()), cfg,
      1.0f - cfg.beta1, 1.0f - cfg.beta2);
  CUDA_CHECK(cudaGetLastError());

  const float checksum = total_sum(xt.get(), n, stream);
  const float lossValue = loss.download()[0];
  std::vector<int> hPred = pred.download();
  int correct = 0;
  for (int t = 0; t < tokens; ++t) correct += (hPred[t] == hLabels[t]);
  printf("checksum %.4f, loss %.4f, accuracy %d/%d\n", checksum, lossValue, correct, tokens);

  CUDA_CHECK(cudaStreamDestroy(stream));
  return std::isfinite(checksum) && std::isfinite(lossValue) ? EXIT_SUCCESS : EXIT_FAILURE;
}
