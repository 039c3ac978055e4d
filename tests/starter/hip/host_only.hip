// Host-side HIP runtime API tour, the way production code drives a GPU:
//   * device query (hipGetDeviceCount / hipGetDeviceProperties)
//   * every call wrapped in a CHECK macro
//   * pinned host buffers (hipHostMalloc), two non-blocking streams, async
//     copies and memsets
//   * __constant__ parameters uploaded with hipMemcpyToSymbol(HIP_SYMBOL(...))
//   * two kernels launched with different configurations (1-D grid with
//     dynamic shared memory sized from the occupancy API, 2-D grid of 16x16
//     blocks), overlapped on the two streams and timed with events.
// Each stream processes one half of the data: y = scale * x + bias, followed
// by a 2-D clamp of the result viewed as a rows x cols matrix.
#include <hip/hip_runtime.h>

#include <cstdio>
#include <cstdlib>

#define CHECK(call)                                                             \
  do {                                                                          \
    const hipError_t status_ = (call);                                         \
    if (status_ != hipSuccess) {                                               \
      fprintf(stderr, "HIP error %d (%s) at %s:%d in %s\n", (int)status_,      \
              hipGetErrorString(status_), __FILE__, __LINE__, #call);          \
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
  CHECK(hipGetDeviceCount(&deviceCount));
  if (deviceCount == 0) {
    fprintf(stderr, "no HIP device\n");
    return EXIT_FAILURE;
  }
  const int device = 0;
  CHECK(hipSetDevice(device));
  hipDeviceProp_t prop;
  CHECK(hipGetDeviceProperties(&prop, device));
  printf("device %d: %s (%s), %d CUs, %zu MiB, wavefront %d, max %d threads/block\n", device,
         prop.name, prop.gcnArchName, prop.multiProcessorCount,
         prop.totalGlobalMem >> 20, prop.warpSize, prop.maxThreadsPerBlock);

  const int rows = 2048, cols = 1000;  // per stream
  const int nPer = rows * cols;
  const int nStreams = 2;
  const size_t bytesPer = nPer * sizeof(float);

  float *hIn, *hOut;
  CHECK(hipHostMalloc(&hIn, nStreams * bytesPer));
  CHECK(hipHostMalloc(&hOut, nStreams * bytesPer));
  for (int i = 0; i < nStreams * nPer; ++i) hIn[i] = static_cast<float>(i % 1000) - 500.0f;

  float *dIn, *dOut;
  CHECK(hipMalloc(&dIn, nStreams * bytesPer));
  CHECK(hipMalloc(&dOut, nStreams * bytesPer));

  AffineParams params = {0.01f, 1.0f, -2.0f, 4.0f};
  CHECK(hipMemcpyToSymbol(HIP_SYMBOL(c_params), &params, sizeof(params)));

  // Launch configuration of the 1-D kernel from the occupancy calculator; its
  // dynamic shared memory is one float per thread.
  int minGrid = 0, block1d = 0;
  CHECK(hipOccupancyMaxPotentialBlockSize(&minGrid, &block1d, affine_kernel,
                                           prop.maxThreadsPerBlock * sizeof(float), 0));
  const size_t smem = block1d * sizeof(float);
  CHECK(hipFuncSetAttribute(reinterpret_cast<const void*>(&affine_kernel),
                            hipFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(smem)));
  const int grid1d = (nPer + block1d - 1) / block1d;

  // The 2-D kernel uses fixed 16x16 blocks.
  const dim3 block2d(16, 16);
  const dim3 grid2d((cols + block2d.x - 1) / block2d.x, (rows + block2d.y - 1) / block2d.y);

  hipStream_t streams[nStreams];
  for (int s = 0; s < nStreams; ++s)
    CHECK(hipStreamCreateWithFlags(&streams[s], hipStreamNonBlocking));
  hipEvent_t start, stop;
  CHECK(hipEventCreate(&start));
  CHECK(hipEventCreateWithFlags(&stop, hipEventDefault));

  CHECK(hipEventRecord(start, 0));
  for (int s = 0; s < nStreams; ++s) {
    const size_t off = static_cast<size_t>(s) * nPer;
    CHECK(hipMemsetAsync(dOut + off, 0, bytesPer, streams[s]));
    CHECK(hipMemcpyAsync(dIn + off, hIn + off, bytesPer, hipMemcpyHostToDevice, streams[s]));
    hipLaunchKernelGGL(affine_kernel, dim3(grid1d), dim3(block1d), smem, streams[s], dIn + off,
                       dOut + off, nPer);
    CHECK(hipGetLastError());
    clamp2d_kernel<<<grid2d, block2d, 0, streams[s]>>>(dOut + off, rows, cols);
    CHECK(hipGetLastError());
    CHECK(hipMemcpyAsync(hOut + off, dOut + off, bytesPer, hipMemcpyDeviceToHost, streams[s]));
  }
  CHECK(hipEventRecord(stop, 0));
  for (int s = 0; s < nStreams; ++s) CHECK(hipStreamSynchronize(streams[s]));
  CHECK(hipEventSynchronize(stop));
  float ms = 0.0f;
  CHECK(hipEventElapsedTime(&ms, start, stop));

  int bad = 0;
  for (int i = 0; i < nStreams * nPer; ++i) {
    float ref = params.scale * hIn[i] + params.bias;
    ref = ref < params.lo ? params.lo : (ref > params.hi ? params.hi : ref);
    if (hOut[i] != ref) ++bad;
  }
  printf("1-D: %d blocks x %d threads (%zu B smem); 2-D: %ux%u blocks of %ux%u; %.3f ms; %s\n",
         grid1d, block1d, smem, grid2d.x, grid2d.y, block2d.x, block2d.y, ms,
         bad ? "FAILED" : "ok");

  CHECK(hipEventDestroy(start));
  CHECK(hipEventDestroy(stop));
  for (int s = 0; s < nStreams; ++s) CHECK(hipStreamDestroy(streams[s]));
  CHECK(hipFree(dIn));
  CHECK(hipFree(dOut));
  CHECK(hipHostFree(hIn));
  CHECK(hipHostFree(hOut));
  CHECK(hipDeviceReset());
  return bad ? EXIT_FAILURE : EXIT_SUCCESS;
}
