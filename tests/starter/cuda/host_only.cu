// Host-side runtime API tour, the way production code drives a GPU:
//   * device query (cudaGetDeviceCount / cudaGetDeviceProperties)
//   * every call wrapped in a CHECK macro
//   * pinned host buffers, two non-blocking streams, async copies and memsets
//   * __constant__ parameters uploaded with cudaMemcpyToSymbol
//   * two kernels launched with different configurations (1-D grid with
//     dynamic shared memory sized from the occupancy API, 2-D grid of 16x16
//     blocks), overlapped on the two streams and timed with events.
// Each stream processes one half of the data: y = scale * x + bias, followed
// by a 2-D clamp of the result viewed as a rows x cols matrix.
#include <cuda_runtime.h>

#include <cstdio>
#include <cstdlib>

#define CHECK(call)                                                             \
  do {                                                                          \
    const cudaError_t status_ = (call);                                         \
    if (status_ != cudaSuccess) {                                               \
      fprintf(stderr, "CUDA error %d (%s) at %s:%d in %s\n", (int)status_,      \
              cudaGetErrorString(status_), __FILE__, __LINE__, #call);          \
      exit(EXIT_FAILURE);                                                       \
    }                                                                           \
  } while (0)

struct AffineParams {
  float scale;
  float bias;
  float lo;
  float hi;
};
__constant__ AffineParams c_params;

// 1-D kernel: stages the block's input through dynamic shared memory.
__global__ void affine_kernel(const float* __restrict__ x, float* __restrict__ y, int n) {
  extern __shared__ float tile[];
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  tile[threadIdx.x] = (i < n) ? x[i] : 0.0f;
  __syncthreads();
  if (i < n) y[i] = c_params.scale * tile[threadIdx.x] + c_params.bias;
}

// 2-D kernel: clamps a rows x cols row-major matrix in place.
__global__ void clamp2d_kernel(float* __restrict__ m, int rows, int cols) {
  const int c = blockIdx.x * blockDim.x + threadIdx.x;
  const int r = blockIdx.y * blockDim.y + threadIdx.y;
  if (r < rows && c < cols) {
    float v = m[r * cols + c];
    m[r * cols + c] = fminf(fmaxf(v, c_params.lo), c_params.hi);
  }
}

int main() {
  int deviceCount = 0;
  CHECK(cudaGetDeviceCount(&deviceCount));
  if (deviceCount == 0) {
    fprintf(stderr, "no CUDA device\n");
    return EXIT_FAILURE;
  }
  const int device = 0;
  CHECK(cudaSetDevice(device));
  cudaDeviceProp prop;
  CHECK(cudaGetDeviceProperties(&prop, device));
  printf("device %d: %s, sm_%d%d, %d SMs, %zu MiB, warp %d, max %d threads/block\n", device,
         prop.name, prop.major, prop.minor, prop.multiProcessorCount,
         prop.totalGlobalMem >> 20, prop.warpSize, prop.maxThreadsPerBlock);

  const int rows = 2048, cols = 1000;  // per stream
  const int nPer = rows * cols;
  const int nStreams = 2;
  const size_t bytesPer = nPer * sizeof(float);

  float *hIn, *hOut;
  CHECK(cudaMallocHost(&hIn, nStreams * bytesPer));
  CHECK(cudaMallocHost(&hOut, nStreams * bytesPer));
  for (int i = 0; i < nStreams * nPer; ++i) hIn[i] = static_cast<float>(i % 1000) - 500.0f;

  float *dIn, *dOut;
  CHECK(cudaMalloc(&dIn, nStreams * bytesPer));
  CHECK(cudaMalloc(&dOut, nStreams * bytesPer));

  AffineParams params = {0.01f, 1.0f, -2.0f, 4.0f};
  CHECK(cudaMemcpyToSymbol(c_params, &params, sizeof(params)));

  // Launch configuration of the 1-D kernel from the occupancy calculator; its
  // dynamic shared memory is one float per thread.
  int minGrid = 0, block1d = 0;
  CHECK(cudaOccupancyMaxPotentialBlockSize(&minGrid, &block1d, affine_kernel,
                                           prop.maxThreadsPerBlock * sizeof(float), 0));
  const size_t smem = block1d * sizeof(float);
  CHECK(cudaFuncSetAttribute(affine_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                             static_cast<int>(smem)));
  const int grid1d = (nPer + block1d - 1) / block1d;

  // The 2-D kernel uses fixed 16x16 blocks.
  const dim3 block2d(16, 16);
  const dim3 grid2d((cols + block2d.x - 1) / block2d.x, (rows + block2d.y - 1) / block2d.y);

  cudaStream_t streams[nStreams];
  for (int s = 0; s < nStreams; ++s)
    CHECK(cudaStreamCreateWithFlags(&streams[s], cudaStreamNonBlocking));
  cudaEvent_t start, stop;
  CHECK(cudaEventCreate(&start));
  CHECK(cudaEventCreateWithFlags(&stop, cudaEventDefault));

  CHECK(cudaEventRecord(start, 0));
  for (int s = 0; s < nStreams; ++s) {
    const size_t off = static_cast<size_t>(s) * nPer;
    CHECK(cudaMemsetAsync(dOut + off, 0, bytesPer, streams[s]));
    CHECK(cudaMemcpyAsync(dIn + off, hIn + off, bytesPer, cudaMemcpyHostToDevice, streams[s]));
    affine_kernel<<<grid1d, block1d, smem, streams[s]>>>(dIn + off, dOut + off, nPer);
    CHECK(cudaGetLastError());
    clamp2d_kernel<<<grid2d, block2d, 0, streams[s]>>>(dOut + off, rows, cols);
    CHECK(cudaGetLastError());
    CHECK(cudaMemcpyAsync(hOut + off, dOut + off, bytesPer, cudaMemcpyDeviceToHost, streams[s]));
  }
  CHECK(cudaEventRecord(stop, 0));
  for (int s = 0; s < nStreams; ++s) CHECK(cudaStreamSynchronize(streams[s]));
  CHECK(cudaEventSynchronize(stop));
  float ms = 0.0f;
  CHECK(cudaEventElapsedTime(&ms, start, stop));

  int bad = 0;
  for (int i = 0; i < nStreams * nPer; ++i) {
    float ref = params.scale * hIn[i] + params.bias;
    ref = ref < params.lo ? params.lo : (ref > params.hi ? params.hi : ref);
    if (hOut[i] != ref) ++bad;
  }
  printf("1-D: %d blocks x %d threads (%zu B smem); 2-D: %ux%u blocks of %ux%u; %.3f ms; %s\n",
         grid1d, block1d, smem, grid2d.x, grid2d.y, block2d.x, block2d.y, ms,
         bad ? "FAILED" : "ok");

  CHECK(cudaEventDestroy(start));
  CHECK(cudaEventDestroy(stop));
  for (int s = 0; s < nStreams; ++s) CHECK(cudaStreamDestroy(streams[s]));
  CHECK(cudaFree(dIn));
  CHECK(cudaFree(dOut));
  CHECK(cudaFreeHost(hIn));
  CHECK(cudaFreeHost(hOut));
  CHECK(cudaDeviceReset());
  return bad ? EXIT_FAILURE : EXIT_SUCCESS;
}
