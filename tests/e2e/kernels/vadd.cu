// c[i] = a[i] + b[i] for i < n.
__global__ void vadd(const float *a, const float *b, float *c, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) c[i] = a[i] + b[i];
}

// The same, forgetting the bounds guard: threads past n write out of bounds.
__global__ void vadd_unguarded(const float *a, const float *b, float *c, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  c[i] = a[i] + b[i];
}

// Wrong on purpose: subtracts.
__global__ void vsub(const float *a, const float *b, float *c, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) c[i] = a[i] - b[i];
}

// Odd threads wait at a barrier the even ones never reach.
__global__ void divergent_barrier(float *out) {
  if (threadIdx.x % 2) __syncthreads();
  out[threadIdx.x] = 1.0f;
}

// Reverses each block's slice through shared memory but forgets __syncthreads() between the
// write and the read: the result depends on the order threads run in.
__global__ void reverse_missing_barrier(const float *in, float *out) {
  __shared__ float tile[256];
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  tile[threadIdx.x] = in[i];
  out[i] = tile[blockDim.x - 1 - threadIdx.x];
}

// The correct version.
__global__ void reverse_block(const float *in, float *out) {
  __shared__ float tile[256];
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  tile[threadIdx.x] = in[i];
  __syncthreads();
  out[i] = tile[blockDim.x - 1 - threadIdx.x];
}

// Never terminates (volatile: the load is not hoisted out of the loop).
__global__ void spin(volatile int *flag) {
  while (*flag == 0) {
  }
}

// One block-wide sum per block with a warp-shuffle tree (32 lanes).
__global__ void block_sum(const float *in, float *out) {
  __shared__ float warp_sums[32];
  float v = in[blockIdx.x * blockDim.x + threadIdx.x];
  for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_down_sync(0xffffffff, v, offset);
  if (threadIdx.x % 32 == 0) warp_sums[threadIdx.x / 32] = v;
  __syncthreads();
  if (threadIdx.x == 0) {
    float total = 0.0f;
    for (int w = 0; w < blockDim.x / 32; ++w) total += warp_sums[w];
    out[blockIdx.x] = total;
  }
}
