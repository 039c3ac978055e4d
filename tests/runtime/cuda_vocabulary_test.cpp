// xpile_cuda.h: CUDA kernels written in CUDA syntax, run on the SIMT executor, plus the runtime API,
// intrinsics, math and nvcuda::wmma. Every expectation is computed independently here (scalar C++
// loops, hand-computed constants, IEEE bit patterns).
#include "xpile_cuda.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <thread>
#include <vector>

namespace {
// Kernels launched in a fault test run in a re-executed child (threads + fibers).
const bool kThreadsafeDeathTests = [] {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  return true;
}();

template <typename T> T *deviceCopy(const std::vector<T> &h) {
  T *d = nullptr;
  EXPECT_EQ(cudaMalloc(&d, h.size() * sizeof(T)), cudaSuccess);
  EXPECT_EQ(cudaMemcpy(d, h.data(), h.size() * sizeof(T), cudaMemcpyHostToDevice), cudaSuccess);
  return d;
}
template <typename T> std::vector<T> hostCopy(const T *d, size_t n) {
  std::vector<T> h(n);
  EXPECT_EQ(cudaMemcpy(h.data(), d, n * sizeof(T), cudaMemcpyDeviceToHost), cudaSuccess);
  return h;
}
uint32_t fBits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
float bitsF(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}
}  // namespace

// =================================================================================================
// Kernels in CUDA syntax
// =================================================================================================
__global__ void blockSum(const float *in, float *out, unsigned long long *count, int n) {
  __shared__ float partial[32];
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  float v = i < n ? in[i] : 0.0f;
  for (int offset = warpSize / 2; offset > 0; offset /= 2) v += __shfl_down_sync(0xffffffffu, v, offset);
  int lane = threadIdx.x % warpSize, warp = threadIdx.x / warpSize;
  if (lane == 0) partial[warp] = v;
  __syncthreads();
  if (warp == 0) {
    v = lane < (int)(blockDim.x / warpSize) ? partial[lane] : 0.0f;
    for (int offset = warpSize / 2; offset > 0; offset /= 2) v += __shfl_down_sync(0xffffffffu, v, offset);
    if (lane == 0) {
      atomicAdd(out, v);
      atomicAdd(count, 1ull);
    }
  }
}
static const xpile::rt::KernelInfo xpile_kernel_info_blockSum = {"blockSum", 0, 0, sizeof(float) * 32};

TEST(CudaKernels, SharedMemoryBarrierAndWarpShuffleReduction) {
  const int n = 8 * 256 - 37;
  std::vector<float> h(n);
  double expected = 0;
  for (int i = 0; i < n; ++i) {
    h[i] = static_cast<float>(i % 17) - 8.0f;  // small integers: every sum is exact
    expected += h[i];
  }
  float *in = deviceCopy(h);
  float *out = deviceCopy(std::vector<float>{0.0f});
  unsigned long long *count = deviceCopy(std::vector<unsigned long long>{0});
  xpile::simt::launch(xpile_kernel_info_blockSum, blockSum, dim3(8), dim3(256), 0, nullptr, in, out, count, n);
  EXPECT_EQ(hostCopy(out, 1)[0], static_cast<float>(expected));
  EXPECT_EQ(hostCopy(count, 1)[0], 8u);
  cudaFree(in);
  cudaFree(out);
  cudaFree(count);
}

__global__ void builtinVariables(unsigned *out) {
  unsigned linearBlock = blockIdx.x + gridDim.x * (blockIdx.y + gridDim.y * blockIdx.z);
  unsigned linearThread = threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
  unsigned threads = blockDim.x * blockDim.y * blockDim.z;
  uint3 t = threadIdx;
  dim3 g = gridDim;
  out[linearBlock * threads + linearThread] = (t.x << 24) | (t.y << 16) | (t.z << 12) | (blockIdx.x << 8) | (blockIdx.y << 4) | blockIdx.z;
  if (linearBlock == 0 && linearThread == 0) out[g.x * g.y * g.z * threads] = warpSize;
}

TEST(CudaKernels, BuiltInVariablesIn3D) {
  const dim3 grid(3, 2, 2), block(4, 2, 3);
  const unsigned threads = 4 * 2 * 3, total = 3 * 2 * 2 * threads;
  unsigned *d = nullptr;
  ASSERT_EQ(cudaMalloc(&d, (total + 1) * sizeof(unsigned)), cudaSuccess);
  xpile::simt::launch(xpile::rt::KernelInfo{"builtinVariables"}, builtinVariables, grid, block, 0, nullptr, d);
  std::vector<unsigned> h = hostCopy(d, total + 1);
  for (unsigned bz = 0; bz < 2; ++bz)
    for (unsigned by = 0; by < 2; ++by)
      for (unsigned bx = 0; bx < 3; ++bx)
        for (unsigned tz = 0; tz < 3; ++tz)
          for (unsigned ty = 0; ty < 2; ++ty)
            for (unsigned tx = 0; tx < 4; ++tx) {
              unsigned b = bx + 3 * (by + 2 * bz), t = tx + 4 * (ty + 2 * tz);
              EXPECT_EQ(h[b * threads + t], (tx << 24) | (ty << 16) | (tz << 12) | (bx << 8) | (by << 4) | bz);
            }
  EXPECT_EQ(h[total], 32u);
  EXPECT_EQ(static_cast<int>(warpSize), 32);
  cudaFree(d);
}

__global__ void reverseWithDynamicShared(const int *in, int *out) {
  int *tile = static_cast<int *>(xpile::simt::dynamicShared());  // extern __shared__ int tile[];
  int t = threadIdx.x, base = blockIdx.x * blockDim.x;
  tile[t] = in[base + t];
  __syncthreads();
  out[base + t] = tile[blockDim.x - 1 - t];
}

TEST(CudaKernels, DynamicSharedMemory) {
  std::vector<int> h(4 * 64);
  for (size_t i = 0; i < h.size(); ++i) h[i] = static_cast<int>(i * 3);
  int *in = deviceCopy(h), *out = nullptr;
  cudaMalloc(&out, h.size() * sizeof(int));
  xpile::simt::launch(xpile::rt::KernelInfo{"reverse"}, reverseWithDynamicShared, dim3(4), dim3(64), 64 * sizeof(int), nullptr, in, out);
  std::vector<int> r = hostCopy(out, h.size());
  for (int b = 0; b < 4; ++b)
    for (int t = 0; t < 64; ++t) EXPECT_EQ(r[b * 64 + t], (b * 64 + 63 - t) * 3);
  cudaFree(in);
  cudaFree(out);
}

__global__ void votesAndShuffles(unsigned *out) {
  int lane = threadIdx.x;
  unsigned *o = out + 16 * lane;
  o[0] = __ballot_sync(0xffffffffu, lane % 3 == 0);
  o[1] = __any_sync(0xffffffffu, lane == 17);
  o[2] = __all_sync(0xffffffffu, lane < 31);
  o[3] = __activemask();
  o[4] = __shfl_sync(0xffffffffu, lane * 10, 5);
  o[5] = __shfl_up_sync(0xffffffffu, lane, 3);
  o[6] = __shfl_xor_sync(0xffffffffu, lane, 1);
  o[7] = __shfl_sync(0xffffffffu, lane, 2, 8);  // width 8: lane 2 of each group of 8
  o[8] = __shfl_down_sync(0xffffffffu, lane, 4, 16);
  o[9] = __syncthreads_count(lane < 20);
  o[10] = __syncthreads_and(lane < 40);
  o[11] = __syncthreads_or(lane == 100);
  o[12] = __match_any_sync(0xffffffffu, lane / 8);
  o[13] = __reduce_add_sync(0xffffffffu, static_cast<unsigned>(lane));
  o[14] = __popc(__lanemask_lt());
  __half h = __float2half(static_cast<float>(lane));
  o[15] = static_cast<unsigned>(__half2float(__shfl_xor_sync(0xffffffffu, h, 31)));
  __syncwarp();
}

TEST(CudaKernels, WarpVotesShufflesAndBlockReductions) {
  unsigned *d = nullptr;
  cudaMalloc(&d, 32 * 16 * sizeof(unsigned));
  xpile::simt::launch(xpile::rt::KernelInfo{"votes"}, votesAndShuffles, dim3(1), dim3(32), 0, nullptr, d);
  std::vector<unsigned> h = hostCopy(d, 32 * 16);
  unsigned ballot = 0;
  for (int l = 0; l < 32; ++l)
    if (l % 3 == 0) ballot |= 1u << l;
  EXPECT_EQ(ballot, 0x49249249u);
  for (unsigned l = 0; l < 32; ++l) {
    const unsigned *o = &h[16 * l];
    EXPECT_EQ(o[0], 0x49249249u);
    EXPECT_EQ(o[1], 1u);
    EXPECT_EQ(o[2], 0u);
    EXPECT_EQ(o[3], 0xffffffffu);
    EXPECT_EQ(o[4], 50u);
    EXPECT_EQ(o[5], l >= 3 ? l - 3 : l);
    EXPECT_EQ(o[6], l ^ 1u);
    EXPECT_EQ(o[7], (l & ~7u) + 2);
    EXPECT_EQ(o[8], (l % 16) + 4 < 16 ? l + 4 : l);
    EXPECT_EQ(o[9], 20u);
    EXPECT_EQ(o[10], 1u);
    EXPECT_EQ(o[11], 0u);
    EXPECT_EQ(o[12], 0xffu << (8 * (l / 8)));
    EXPECT_EQ(o[13], 31u * 32u / 2u);
    EXPECT_EQ(o[14], l);
    EXPECT_EQ(o[15], 31u - l);
  }
  cudaFree(d);
}

__global__ void atomicsKernel(int *i, unsigned *u, unsigned long long *ull, float *f, double *d, __half *h, unsigned *inc) {
  int t = threadIdx.x + blockIdx.x * blockDim.x;
  atomicAdd(&i[0], 1);
  atomicSub(&i[1], 2);
  atomicMax(&i[2], t);
  atomicMin(&i[3], -t);
  atomicAdd(&u[0], 3u);
  atomicOr(&u[1], 1u << (t % 32));
  atomicXor(&u[2], 1u << (t % 32));
  atomicAnd(&u[3], ~(1u << (t % 32)));
  atomicAdd(&ull[0], 1000000000ull);
  atomicAdd(f, 0.5f);
  atomicAdd(d, 0.25);
  atomicAdd(h, __float2half(1.0f));
  atomicInc(inc, 9u);
  int old;
  do {
    old = i[4];
  } while (atomicCAS(&i[4], old, old + 5) != old);
  atomicExch(&i[5], 77);
}

TEST(CudaKernels, AtomicsAcrossBlocks) {
  const int blocks = 4, threads = 64, n = blocks * threads;  // 256 threads
  int *i = deviceCopy(std::vector<int>{0, 0, -1, 1, 0, 0});
  unsigned *u = deviceCopy(std::vector<unsigned>{0, 0, 0xffffffffu, 0xffffffffu});
  unsigned long long *ull = deviceCopy(std::vector<unsigned long long>{0});
  float *f = deviceCopy(std::vector<float>{0.0f});
  double *d = deviceCopy(std::vector<double>{0.0});
  __half *h = deviceCopy(std::vector<__half>{__half(0.0f), __half(5.0f)});
  unsigned *inc = deviceCopy(std::vector<unsigned>{0});
  xpile::simt::launch(xpile::rt::KernelInfo{"atomics"}, atomicsKernel, dim3(blocks), dim3(threads), 0, nullptr, i, u, ull, f, d, h, inc);
  std::vector<int> hi = hostCopy(i, 6);
  EXPECT_EQ(hi[0], n);
  EXPECT_EQ(hi[1], -2 * n);
  EXPECT_EQ(hi[2], n - 1);
  EXPECT_EQ(hi[3], -(n - 1));
  EXPECT_EQ(hi[4], 5 * n);
  EXPECT_EQ(hi[5], 77);
  std::vector<unsigned> hu = hostCopy(u, 4);
  EXPECT_EQ(hu[0], 3u * n);
  EXPECT_EQ(hu[1], 0xffffffffu);
  EXPECT_EQ(hu[2], 0xffffffffu);  // every bit flipped an even number (8) of times
  EXPECT_EQ(hu[3], 0u);
  EXPECT_EQ(hostCopy(ull, 1)[0], 256000000000ull);
  EXPECT_EQ(hostCopy(f, 1)[0], 128.0f);
  EXPECT_EQ(hostCopy(d, 1)[0], 64.0);
  std::vector<__half> hh = hostCopy(h, 2);
  EXPECT_EQ(static_cast<float>(hh[0]), 256.0f);
  EXPECT_EQ(static_cast<float>(hh[1]), 5.0f);  // the neighbouring half is untouched
  EXPECT_EQ(hostCopy(inc, 1)[0], 256u % 10u);  // wraps to 0 after 9
}

// =================================================================================================
// Intrinsics, conversions and math
// =================================================================================================
TEST(CudaIntrinsics, IntegerIntrinsicsAgainstHandComputedValues) {
  EXPECT_EQ(__popc(0xF0F0u), 8);
  EXPECT_EQ(__popcll(0xFFFFFFFFFFull), 40);
  EXPECT_EQ(__clz(1), 31);
  EXPECT_EQ(__clz(0), 32);
  EXPECT_EQ(__clz(-1), 0);
  EXPECT_EQ(__clzll(1ll), 63);
  EXPECT_EQ(__ffs(0x8), 4);
  EXPECT_EQ(__ffs(0), 0);
  EXPECT_EQ(__ffsll(1ll << 40), 41);
  EXPECT_EQ(__brev(1u), 0x80000000u);
  EXPECT_EQ(__brev(0x12345678u), 0x1E6A2C48u);
  EXPECT_EQ(__brevll(1ull), 0x8000000000000000ull);
  EXPECT_EQ(__byte_perm(0x33221100u, 0x77665544u, 0x4321u), 0x44332211u);
  EXPECT_EQ(__byte_perm(0x33221100u, 0x77665544u, 0x7777u), 0x77777777u);
  EXPECT_EQ(__funnelshift_l(0x80000000u, 0x1u, 1), 0x3u);
  EXPECT_EQ(__funnelshift_r(0x1u, 0x2u, 4), 0x20000000u);
  EXPECT_EQ(__funnelshift_l(0x0u, 0x1u, 33), 0x2u);    // shift taken mod 32
  EXPECT_EQ(__funnelshift_lc(0x0u, 0x1u, 33), 0x0u);   // clamped to 32: the low word
  EXPECT_EQ(__mul24(0x00FFFFFF, 2), -2);               // 24-bit operands are sign-extended
  EXPECT_EQ(__umul24(0x01000003u, 2u), 6u);
  EXPECT_EQ(__mulhi(0x40000000, 8), 2);
  EXPECT_EQ(__umulhi(0xFFFFFFFFu, 0xFFFFFFFFu), 0xFFFFFFFEu);
  EXPECT_EQ(__umul64hi(1ull << 63, 4ull), 2ull);
  EXPECT_EQ(__sad(3, 10, 5u), 12u);
  EXPECT_EQ(__dp4a(0x01FF0203, 0x02020202, 10), 20);   // 3*2 + 2*2 + (-1)*2 + 1*2 + 10
  EXPECT_EQ(__dp4a(0x01FF0203u, 0x02020202u, 10u), 532u);  // unsigned bytes: 3*2 + 2*2 + 255*2 + 1*2 + 10
  EXPECT_EQ(__hadd(7, 10), 8);
  EXPECT_EQ(__rhadd(7, 10), 9);
  EXPECT_EQ(min(2, 3), 2);
  EXPECT_EQ(max(3u, -1), 0xFFFFFFFFu);  // mixed signed/unsigned compares as unsigned, as in CUDA
  EXPECT_EQ(max(1.5f, NAN), 1.5f);
  EXPECT_EQ(min(2.0, 1.0f), 1.0);
  int v = 41;
  EXPECT_EQ(__ldg(&v), 41);
}

TEST(CudaIntrinsics, ConversionsWithRoundingModes) {
  EXPECT_EQ(__float2int_rn(2.5f), 2);
  EXPECT_EQ(__float2int_rn(3.5f), 4);
  EXPECT_EQ(__float2int_rz(-2.7f), -2);
  EXPECT_EQ(__float2int_rd(-2.1f), -3);
  EXPECT_EQ(__float2int_ru(2.1f), 3);
  EXPECT_EQ(__float2int_rz(3e9f), 2147483647);
  EXPECT_EQ(__float2int_rz(-3e9f), -2147483647 - 1);
  EXPECT_EQ(__float2int_rn(NAN), 0);
  EXPECT_EQ(__float2uint_rn(-1.0f), 0u);
  EXPECT_EQ(__float2ll_rd(-0.5f), -1ll);
  EXPECT_EQ(__int_as_float(0x3F800000), 1.0f);
  EXPECT_EQ(__float_as_uint(-0.0f), 0x80000000u);
  EXPECT_EQ(__float_as_int(2.0f), 0x40000000);
  EXPECT_EQ(__double_as_longlong(1.0), 0x3FF0000000000000ll);
  EXPECT_EQ(__hiloint2double(0x3FF00000, 0), 1.0);
  // 2^24 + 1 is halfway between the floats 2^24 and 2^24 + 2.
  EXPECT_EQ(__int2float_rn(16777217), 16777216.0f);
  EXPECT_EQ(__int2float_rz(16777217), 16777216.0f);
  EXPECT_EQ(__int2float_ru(16777217), 16777218.0f);
  EXPECT_EQ(__int2float_rd(-16777217), -16777218.0f);
  EXPECT_EQ(__ll2float_ru((1ll << 40) + 1), std::nextafter(std::ldexp(1.0f, 40), INFINITY));
  EXPECT_EQ(__double2float_rd(1.0 / 3.0), bitsF(0x3EAAAAAAu));
  EXPECT_EQ(__double2float_ru(1.0 / 3.0), bitsF(0x3EAAAAABu));
  EXPECT_EQ(__double2float_rz(1e300), FLT_MAX);
  EXPECT_EQ(__double2float_rn(1e300), INFINITY);
}

TEST(CudaIntrinsics, FloatArithmeticWithRoundingModes) {
  const float tiny = std::ldexp(1.0f, -30);
  EXPECT_EQ(__fadd_rn(1.0f, tiny), 1.0f);
  EXPECT_EQ(__fadd_rd(1.0f, tiny), 1.0f);
  EXPECT_EQ(__fadd_ru(1.0f, tiny), std::nextafter(1.0f, 2.0f));
  EXPECT_EQ(__fadd_rz(-1.0f, -tiny), -1.0f);
  EXPECT_EQ(__fadd_rd(-1.0f, -tiny), std::nextafter(-1.0f, -2.0f));
  EXPECT_EQ(__fsub_ru(1.0f, tiny), 1.0f);
  EXPECT_EQ(__fsub_rz(1.0f, tiny), std::nextafter(1.0f, 0.0f));
  // (1 + 2^-23)^2 = 1 + 2^-22 + 2^-46: down/toward zero 1 + 2^-22, up 1 + 3*2^-23.
  const float a = bitsF(0x3F800001u);
  EXPECT_EQ(__fmul_rn(a, a), bitsF(0x3F800002u));
  EXPECT_EQ(__fmul_rd(a, a), bitsF(0x3F800002u));
  EXPECT_EQ(__fmul_ru(a, a), bitsF(0x3F800003u));
  // 1/3: the nearest float 0x3EAAAAAB lies above 1/3.
  EXPECT_EQ(__fdiv_rn(1.0f, 3.0f), bitsF(0x3EAAAAABu));
  EXPECT_EQ(__fdiv_ru(1.0f, 3.0f), bitsF(0x3EAAAAABu));
  EXPECT_EQ(__fdiv_rd(1.0f, 3.0f), bitsF(0x3EAAAAAAu));
  EXPECT_EQ(__fdiv_rz(-1.0f, 3.0f), bitsF(0xBEAAAAAAu));
  EXPECT_EQ(__frcp_rn(3.0f), bitsF(0x3EAAAAABu));
  // sqrt(2) = 1.41421356...; the nearest float 0x3FB504F3 (1.41421353...) lies below.
  EXPECT_EQ(__fsqrt_rn(2.0f), bitsF(0x3FB504F3u));
  EXPECT_EQ(__fsqrt_ru(2.0f), bitsF(0x3FB504F4u));
  EXPECT_EQ(__fsqrt_rd(2.0f), bitsF(0x3FB504F3u));
  // fma rounds once: a*a - (1 + 2^-22) = 2^-46 exactly.
  EXPECT_EQ(__fmaf_rn(a, a, -bitsF(0x3F800002u)), std::ldexp(1.0f, -46));
  EXPECT_EQ(__fmaf_ru(1.0f, 1.0f, tiny), std::nextafter(1.0f, 2.0f));
  EXPECT_EQ(__fmaf_rz(1.0f, 1.0f, -tiny), std::nextafter(1.0f, 0.0f));
  EXPECT_EQ(__dadd_ru(1.0, std::ldexp(1.0, -80)), std::nextafter(1.0, 2.0));
  EXPECT_EQ(__dadd_rd(1.0, std::ldexp(1.0, -80)), 1.0);
  // The double nearest 1/3 is (1 - 2^-54)/3; times 3 is 1 - 2^-54, a tie that rounds to 1.0.
  EXPECT_EQ(__dmul_rn(1.0 / 3.0, 3.0), 1.0);
  EXPECT_EQ(__dmul_rz(1.0 / 3.0, 3.0), std::nextafter(1.0, 0.0));
  EXPECT_EQ(__ddiv_rd(1.0, 3.0), 1.0 / 3.0);  // the nearest double to 1/3 lies below it
  EXPECT_EQ(__ddiv_ru(1.0, 3.0), std::nextafter(1.0 / 3.0, 1.0));
}

TEST(CudaIntrinsics, MathLibraryAgainstStd) {
  for (int i = -40; i <= 40; ++i) {
    const float x = static_cast<float>(i) / 7.0f;
    EXPECT_EQ(expf(x), std::exp(x));
    EXPECT_NEAR(__expf(x), std::exp(x), std::exp(x) * 1e-6f);
    EXPECT_NEAR(__sinf(x), std::sin(x), 1e-6f);
    EXPECT_NEAR(__cosf(x), std::cos(x), 1e-6f);
    EXPECT_EQ(tanhf(x), std::tanh(x));
    EXPECT_NEAR(__fdividef(x, 3.0f), x / 3.0f, 1e-7f);
    EXPECT_EQ(__saturatef(x), x < 0 ? 0.0f : x > 1 ? 1.0f : x);
    const float p = std::fabs(x) + 0.5f;
    EXPECT_NEAR(rsqrtf(p), 1.0 / std::sqrt(static_cast<double>(p)), 1e-6);
    EXPECT_NEAR(rcbrtf(p), 1.0 / std::cbrt(static_cast<double>(p)), 1e-6);
    EXPECT_NEAR(__logf(p), std::log(p), 1e-6f);
    EXPECT_NEAR(__powf(p, 1.5f), std::pow(p, 1.5f), std::pow(p, 1.5f) * 1e-6f);
    if (std::fabs(x) < 0.99f) EXPECT_NEAR(erfinvf(std::erf(x)), x, 1e-5f);
    EXPECT_NEAR(normcdff(x), 0.5 * std::erfc(-x / std::sqrt(2.0)), 1e-6);
    EXPECT_NEAR(sinpif(x), std::sin(M_PI * x), 1e-6);
    EXPECT_NEAR(cospif(x), std::cos(M_PI * x), 1e-6);
  }
  EXPECT_EQ(normcdff(0.0f), 0.5f);
  EXPECT_NEAR(normcdff(1.959964f), 0.975f, 1e-6f);
  EXPECT_NEAR(normcdfinvf(0.975f), 1.959964f, 1e-5f);
  EXPECT_NEAR(erfinvf(0.5f), 0.4769362762f, 1e-6f);
  EXPECT_EQ(erfinvf(1.0f), INFINITY);
  EXPECT_TRUE(std::isnan(erfinvf(2.0f)));
  EXPECT_EQ(__saturatef(NAN), 0.0f);
  EXPECT_EQ(fmaxf(1.0f, NAN), 1.0f);
  EXPECT_EQ(copysignf(2.0f, -0.0f), -2.0f);
  EXPECT_EQ(fdimf(5.0f, 3.0f), 2.0f);
  EXPECT_EQ(hypotf(3.0f, 4.0f), 5.0f);
  EXPECT_TRUE(isnan(NAN) && isinf(INFINITY) && isfinite(1.0f));
  float s, c;
  sincosf(0.5f, &s, &c);
  EXPECT_EQ(s, std::sin(0.5f));
  EXPECT_EQ(c, std::cos(0.5f));
  EXPECT_EQ(norm3df(2.0f, 3.0f, 6.0f), 7.0f);
  EXPECT_EQ(rhypotf(3.0f, 4.0f), 0.2f);
}

TEST(CudaTypes, VectorTypesDim3AndConversions) {
  EXPECT_EQ(sizeof(float4), 16u);
  EXPECT_EQ(alignof(float4), 16u);
  EXPECT_EQ(sizeof(float3), 12u);
  EXPECT_EQ(alignof(float3), 4u);
  EXPECT_EQ(alignof(float2), 8u);
  EXPECT_EQ(alignof(double2), 16u);
  EXPECT_EQ(sizeof(char4), 4u);
  EXPECT_EQ(alignof(char4), 4u);
  EXPECT_EQ(alignof(short2), 4u);
  EXPECT_EQ(sizeof(int3), 12u);
  EXPECT_EQ(alignof(longlong2), 16u);
  EXPECT_EQ(sizeof(uchar1), 1u);
  float4 f = make_float4(1, 2, 3, 4);
  EXPECT_EQ(f.x + f.y + f.z + f.w, 10.0f);
  int2 i2 = make_int2(-1, 7);
  EXPECT_EQ(i2.y, 7);
  dim3 d;
  EXPECT_TRUE(d.x == 1 && d.y == 1 && d.z == 1);
  dim3 e(5, 6);
  EXPECT_EQ(e.z, 1u);
  uint3 u = e;
  EXPECT_EQ(u.y, 6u);
  xpile::simt::Dim3 s = e;
  EXPECT_TRUE(s.x == 5 && s.y == 6 && s.z == 1);
  dim3 back = s;
  EXPECT_EQ(back.y, 6u);
  float2 f2 = __half22float2(__floats2half2_rn(0.5f, -1.5f));
  EXPECT_EQ(f2.x, 0.5f);
  EXPECT_EQ(f2.y, -1.5f);
}

// =================================================================================================
// Runtime API
// =================================================================================================
__constant__ float coefficients[4];
__device__ int deviceCounter;

__global__ void useConstants(float *out) {
  out[threadIdx.x] = coefficients[threadIdx.x % 4] * 2.0f;
  if (threadIdx.x == 0) deviceCounter += 1;
}

TEST(CudaRuntime, MallocLabelsMemcpyMemsetAndFree) {
  float *d_values = nullptr, *d_other = nullptr;
  ASSERT_EQ(cudaMalloc(&d_values, 100 * sizeof(float)), cudaSuccess);
  ASSERT_EQ(cudaMalloc((void **)&d_other, 10 * sizeof(float)), cudaSuccess);
  ASSERT_NE(xpile::rt::Registry::get().owner(d_values), nullptr);
  EXPECT_EQ(xpile::rt::Registry::get().owner(d_values + 99)->label, "d_values");
  EXPECT_EQ(xpile::rt::Registry::get().owner(d_other)->label, "d_other");
  std::vector<float> h(100);
  for (int i = 0; i < 100; ++i) h[i] = i * 0.5f;
  EXPECT_EQ(cudaMemcpy(d_values, h.data(), 100 * sizeof(float), cudaMemcpyHostToDevice), cudaSuccess);
  EXPECT_EQ(cudaMemcpy(d_other, d_values + 90, 10 * sizeof(float), cudaMemcpyDeviceToDevice), cudaSuccess);
  EXPECT_EQ(hostCopy(d_other, 10)[3], 46.5f);
  EXPECT_EQ(cudaMemset(d_values, 0, 50 * sizeof(float)), cudaSuccess);
  std::vector<float> r = hostCopy(d_values, 100);
  EXPECT_EQ(r[49], 0.0f);
  EXPECT_EQ(r[50], 25.0f);
  EXPECT_EQ(cudaMemset(d_other, 0xFF, 4), cudaSuccess);
  EXPECT_EQ(fBits(hostCopy(d_other, 1)[0]), 0xFFFFFFFFu);
  cudaStream_t stream;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  EXPECT_EQ(cudaMemcpyAsync(h.data(), d_values, 4 * sizeof(float), cudaMemcpyDeviceToHost, stream), cudaSuccess);
  EXPECT_EQ(cudaMemsetAsync(d_values, 0, 4, stream), cudaSuccess);
  EXPECT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(cudaStreamQuery(stream), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
  EXPECT_EQ(cudaFree(d_values), cudaSuccess);
  EXPECT_EQ(cudaFree(d_other), cudaSuccess);
  EXPECT_EQ(xpile::rt::Registry::get().owner(d_values), nullptr);
  EXPECT_EQ(cudaFree(nullptr), cudaSuccess);
  void *host = nullptr;
  EXPECT_EQ(cudaMallocHost(&host, 64), cudaSuccess);
  EXPECT_EQ(xpile::rt::Registry::get().owner(host), nullptr);  // pinned host memory is not device memory
  EXPECT_EQ(cudaFreeHost(host), cudaSuccess);
  float *managed = nullptr;
  EXPECT_EQ(cudaMallocManaged(&managed, 16), cudaSuccess);
  managed[3] = 1.0f;
  EXPECT_EQ(cudaFree(managed), cudaSuccess);
}

TEST(CudaRuntime, ErrorsAreReportedAndCleared) {
  EXPECT_EQ(cudaGetLastError(), cudaSuccess);
  int onStack = 0;
  EXPECT_EQ(cudaFree(&onStack), cudaErrorInvalidValue);
  EXPECT_EQ(cudaPeekAtLastError(), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetLastError(), cudaSuccess);
  EXPECT_EQ(cudaSetDevice(1), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaSetDevice(0), cudaSuccess);
  (void)cudaGetLastError();
  EXPECT_STREQ(cudaGetErrorString(cudaSuccess), "no error");
  EXPECT_STREQ(cudaGetErrorString(cudaErrorInvalidValue), "invalid argument");
  EXPECT_STREQ(cudaGetErrorName(cudaErrorMemoryAllocation), "cudaErrorMemoryAllocation");
  EXPECT_EQ(cudaMemcpy(&onStack, &onStack, 4, static_cast<cudaMemcpyKind>(7)), cudaErrorInvalidMemcpyDirection);
  (void)cudaGetLastError();
}

TEST(CudaRuntime, CopiesOutsideAnAllocationFault) {
  EXPECT_EXIT(
      {
        float *d_small = nullptr;
        cudaMalloc(&d_small, 8 * sizeof(float));
        std::vector<float> h(16);
        cudaMemcpy(d_small, h.data(), 16 * sizeof(float), cudaMemcpyHostToDevice);
      },
      testing::ExitedWithCode(xpile::rt::kFaultExitCode), "xpile-fault: out-of-bounds: cudaMemcpy: destination bytes \\[0, 64\\) of buffer 'd_small' \\(32 bytes\\)");
}

TEST(CudaRuntime, DevicePropertiesAndAttributes) {
  int count = 0, device = -1, value = 0;
  EXPECT_EQ(cudaGetDeviceCount(&count), cudaSuccess);
  EXPECT_EQ(count, 1);
  EXPECT_EQ(cudaGetDevice(&device), cudaSuccess);
  EXPECT_EQ(device, 0);
  cudaDeviceProp prop;
  ASSERT_EQ(cudaGetDeviceProperties(&prop, 0), cudaSuccess);
  EXPECT_STREQ(prop.name, "xpile CPU executor");
  EXPECT_EQ(prop.warpSize, 32);
  EXPECT_EQ(prop.maxThreadsPerBlock, 1024);
  EXPECT_EQ(prop.sharedMemPerBlock, 48u * 1024u);
  EXPECT_EQ(prop.sharedMemPerBlockOptin, 227u * 1024u);
  EXPECT_GE(prop.multiProcessorCount, 1);
  EXPECT_GT(prop.totalGlobalMem, 0u);
  EXPECT_EQ(cudaDeviceGetAttribute(&value, cudaDevAttrWarpSize, 0), cudaSuccess);
  EXPECT_EQ(value, 32);
  EXPECT_EQ(cudaDeviceGetAttribute(&value, cudaDevAttrMaxSharedMemoryPerBlock, 0), cudaSuccess);
  EXPECT_EQ(value, 48 * 1024);
  EXPECT_EQ(xpile::simt::platform().warpSize, 32);
  EXPECT_EQ(xpile::simt::platform().maxSharedBytesPerBlock, 48u * 1024u);
  int minGrid = 0, block = 0;
  EXPECT_EQ(cudaOccupancyMaxPotentialBlockSize(&minGrid, &block, useConstants, 0, 0), cudaSuccess);
  EXPECT_GT(block, 0);
  EXPECT_EQ(block % 32, 0);
  EXPECT_GT(minGrid, 0);
  EXPECT_EQ(cudaDeviceSynchronize(), cudaSuccess);
}

__global__ void touchDynamicShared(unsigned char *out, size_t bytes) {
  unsigned char *s = static_cast<unsigned char *>(xpile::simt::dynamicShared());
  for (size_t i = threadIdx.x; i < bytes; i += blockDim.x) s[i] = static_cast<unsigned char>(i);
  __syncthreads();
  if (threadIdx.x == 0) out[0] = s[bytes - 1];
}

TEST(CudaRuntime, FuncSetAttributeRaisesTheDynamicSharedLimit) {
  const size_t bytes = 100 * 1024;
  EXPECT_EQ(cudaFuncSetAttribute(touchDynamicShared, cudaFuncAttributeMaxDynamicSharedMemorySize, 228 * 1024), cudaErrorInvalidValue);
  (void)cudaGetLastError();
  EXPECT_EQ(cudaFuncSetAttribute(touchDynamicShared, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(bytes)), cudaSuccess);
  EXPECT_GE(xpile::simt::platform().maxDynamicSharedBytes, bytes);
  unsigned char *d = nullptr;
  cudaMalloc(&d, 1);
  xpile::simt::launch(xpile::rt::KernelInfo{"touch"}, touchDynamicShared, dim3(2), dim3(128), bytes, nullptr, d, bytes);
  EXPECT_EQ(hostCopy(d, 1)[0], static_cast<unsigned char>((bytes - 1) & 0xFF));
  cudaFree(d);
}

TEST(CudaRuntime, SymbolsStreamsAndEvents) {
  const float host[4] = {1.5f, -2.0f, 4.0f, 0.25f};
  ASSERT_EQ(cudaMemcpyToSymbol(coefficients, host, sizeof host), cudaSuccess);
  const float last = 8.0f;
  ASSERT_EQ(cudaMemcpyToSymbol(coefficients, &last, sizeof last, 3 * sizeof(float)), cudaSuccess);
  EXPECT_EQ(cudaMemcpyToSymbol(coefficients, host, sizeof host, 4), cudaErrorInvalidValue);  // past the end
  (void)cudaGetLastError();
  int zero = 0;
  ASSERT_EQ(cudaMemcpyToSymbol(deviceCounter, &zero, sizeof zero), cudaSuccess);
  float *out = nullptr;
  cudaMalloc(&out, 8 * sizeof(float));
  cudaStream_t stream;
  cudaEvent_t start, stop;
  ASSERT_EQ(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), cudaSuccess);
  ASSERT_EQ(cudaEventCreate(&start), cudaSuccess);
  ASSERT_EQ(cudaEventCreate(&stop), cudaSuccess);
  ASSERT_EQ(cudaEventRecord(start, stream), cudaSuccess);
  xpile::simt::launch(xpile::rt::KernelInfo{"useConstants"}, useConstants, dim3(3), dim3(8), 0, stream, out);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_EQ(cudaEventRecord(stop, stream), cudaSuccess);
  ASSERT_EQ(cudaEventSynchronize(stop), cudaSuccess);
  float ms = 0;
  ASSERT_EQ(cudaEventElapsedTime(&ms, start, stop), cudaSuccess);
  EXPECT_GE(ms, 19.0f);
  EXPECT_LT(ms, 5000.0f);
  std::vector<float> r = hostCopy(out, 8);
  const float expected[4] = {3.0f, -4.0f, 8.0f, 16.0f};
  for (int i = 0; i < 8; ++i) EXPECT_EQ(r[i], expected[i % 4]);
  int counter = -1;
  ASSERT_EQ(cudaMemcpyFromSymbol(&counter, deviceCounter, sizeof counter), cudaSuccess);
  EXPECT_EQ(counter, 3);
  float back[4];
  ASSERT_EQ(cudaMemcpyFromSymbol(back, coefficients, sizeof back), cudaSuccess);
  EXPECT_EQ(back[3], 8.0f);
  void *address = nullptr;
  ASSERT_EQ(cudaGetSymbolAddress(&address, coefficients), cudaSuccess);
  EXPECT_EQ(address, static_cast<void *>(coefficients));
  cudaEvent_t untimed;
  cudaEventCreateWithFlags(&untimed, cudaEventDisableTiming);
  cudaEventRecord(untimed);
  EXPECT_EQ(cudaEventElapsedTime(&ms, start, untimed), cudaErrorInvalidResourceHandle);
  (void)cudaGetLastError();
  EXPECT_EQ(cudaEventDestroy(start), cudaSuccess);
  EXPECT_EQ(cudaEventDestroy(stop), cudaSuccess);
  EXPECT_EQ(cudaEventDestroy(untimed), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
  cudaFree(out);
}

__global__ void scaleKernel(float *data, float factor, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) data[i] *= factor;
}

TEST(CudaRuntime, LaunchKernelWithAnArgumentArray) {
  std::vector<float> h = {1, 2, 3, 4, 5};
  float *d = deviceCopy(h);
  float factor = 3.0f;
  int n = 5;
  void *args[] = {&d, &factor, &n};
  EXPECT_EQ(cudaLaunchKernel(scaleKernel, dim3(1), dim3(32), args, 0, nullptr), cudaSuccess);
  std::vector<float> r = hostCopy(d, 5);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(r[i], 3.0f * (i + 1));
  cudaFree(d);
}

// =================================================================================================
// A whole CUDA-style host program: allocate, copy, launch, copy back, check, free.
// =================================================================================================
#define CUDA_CHECK(call)                                                                        \
  do {                                                                                          \
    cudaError_t err_ = (call);                                                                  \
    if (err_ != cudaSuccess) {                                                                  \
      std::fprintf(stderr, "%s failed: %s\n", #call, cudaGetErrorString(err_));                \
      return 1;                                                                                 \
    }                                                                                           \
  } while (0)

__global__ void saxpy(int n, float a, const float *__restrict__ x, float *__restrict__ y) {
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) y[i] = a * x[i] + y[i];
}
static const xpile::rt::KernelInfo xpile_kernel_info_saxpy = {"saxpy"};

static int saxpyProgram(std::vector<float> &result) {
  const int n = 10000;
  std::vector<float> x(n), y(n);
  for (int i = 0; i < n; ++i) {
    x[i] = static_cast<float>(i);
    y[i] = static_cast<float>(2 * i);
  }
  float *d_x, *d_y;
  CUDA_CHECK(cudaMalloc(&d_x, n * sizeof(float)));
  CUDA_CHECK(cudaMalloc(&d_y, n * sizeof(float)));
  CUDA_CHECK(cudaMemcpy(d_x, x.data(), n * sizeof(float), cudaMemcpyHostToDevice));
  CUDA_CHECK(cudaMemcpy(d_y, y.data(), n * sizeof(float), cudaMemcpyHostToDevice));
  int threads = 256, blocks = (n + threads - 1) / threads / 4;  // grid-stride loop covers the rest
  xpile::simt::launch(xpile_kernel_info_saxpy, saxpy, dim3(blocks), dim3(threads), 0, nullptr, n, 0.5f, d_x, d_y);
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(cudaDeviceSynchronize());
  result.resize(n);
  CUDA_CHECK(cudaMemcpy(result.data(), d_y, n * sizeof(float), cudaMemcpyDeviceToHost));
  CUDA_CHECK(cudaFree(d_x));
  CUDA_CHECK(cudaFree(d_y));
  return 0;
}

TEST(CudaProgram, WholeHostProgram) {
  std::vector<float> result;
  ASSERT_EQ(saxpyProgram(result), 0);
  for (int i = 0; i < 10000; ++i) ASSERT_EQ(result[i], 0.5f * i + 2.0f * i) << i;
}

// =================================================================================================
// nvcuda::wmma
// =================================================================================================
using namespace nvcuda;

template <typename In, typename Acc, typename LayoutB>
__global__ void wmmaGemm(const In *a, const In *b, const Acc *c, Acc *d, Acc scale) {
  wmma::fragment<wmma::matrix_a, 16, 16, 16, In, wmma::row_major> fa;
  wmma::fragment<wmma::matrix_b, 16, 16, 16, In, LayoutB> fb;
  wmma::fragment<wmma::accumulator, 16, 16, 16, Acc> fc;
  wmma::load_matrix_sync(fa, a, 16);
  wmma::load_matrix_sync(fb, b, 16);
  wmma::load_matrix_sync(fc, c, 16, wmma::mem_row_major);
  wmma::mma_sync(fc, fa, fb, fc);
  for (int i = 0; i < fc.num_elements; ++i) fc.x[i] = fc.x[i] * scale;  // element-wise, mapping-agnostic
  wmma::store_matrix_sync(d, fc, 16, wmma::mem_col_major);
}

TEST(Wmma, HalfInputsFloatAccumulatorMatchesAScalarGemm) {
  std::mt19937 rng(3);
  std::vector<__half> a(256), b(256);
  std::vector<float> af(256), bf(256), c(256);
  for (int i = 0; i < 256; ++i) {
    af[i] = static_cast<float>(static_cast<int>(rng() % 33) - 16) / 8.0f;  // exact in half; products/sums exact
    bf[i] = static_cast<float>(static_cast<int>(rng() % 33) - 16) / 8.0f;
    c[i] = static_cast<float>(static_cast<int>(rng() % 100) - 50);
    a[i] = static_cast<_Float16>(af[i]);
    b[i] = static_cast<_Float16>(bf[i]);
  }
  __half *da = deviceCopy(a), *db = deviceCopy(b);
  float *dc = deviceCopy(c), *dd = nullptr;
  cudaMalloc(&dd, 256 * sizeof(float));
  // B given column-major: element (k, n) at b[n * 16 + k].
  xpile::simt::launch(xpile::rt::KernelInfo{"wmma"}, wmmaGemm<__half, float, wmma::col_major>, dim3(1), dim3(32), 0, nullptr, da, db, dc, dd, 2.0f);
  std::vector<float> d = hostCopy(dd, 256);
  for (int m = 0; m < 16; ++m)
    for (int n = 0; n < 16; ++n) {
      float acc = c[m * 16 + n];
      for (int k = 0; k < 16; ++k) acc += af[m * 16 + k] * bf[n * 16 + k];
      EXPECT_EQ(d[n * 16 + m], 2.0f * acc) << m << "," << n;  // stored column-major
    }
  cudaFree(da);
  cudaFree(db);
  cudaFree(dc);
  cudaFree(dd);
}

TEST(Wmma, HalfAccumulatorRoundsOnceAtTheEnd) {
  std::vector<__half> a(256), b(256), c(256);
  for (int i = 0; i < 256; ++i) {
    a[i] = static_cast<_Float16>(1.0f + (i % 16) / 1024.0f);  // 1 + k*2^-10
    b[i] = static_cast<_Float16>(1.0f);
    c[i] = static_cast<_Float16>(0.0f);
  }
  __half *da = deviceCopy(a), *db = deviceCopy(b), *dc = deviceCopy(c), *dd = nullptr;
  cudaMalloc(&dd, 256 * sizeof(__half));
  xpile::simt::launch(xpile::rt::KernelInfo{"wmma"}, wmmaGemm<__half, __half, wmma::row_major>, dim3(1), dim3(32), 0, nullptr, da, db, dc, dd, __half(1.0f));
  std::vector<__half> d = hostCopy(dd, 256);
  // Row sums: 16 + (0+1+...+15) * 2^-10 = 16.1171875 exactly in float; as a half (spacing 2^-6 at
  // 16): 16.1171875 = 16 + 7.5 * 2^-6 -> tie -> 16 + 8 * 2^-6 = 16.125. Rounding after every
  // addition would lose the small terms.
  for (int i = 0; i < 256; ++i) EXPECT_EQ(static_cast<float>(d[i]), 16.125f) << i;
  cudaFree(da);
  cudaFree(db);
  cudaFree(dc);
  cudaFree(dd);
}

TEST(Wmma, Int8InputsIntAccumulator) {
  std::mt19937 rng(5);
  std::vector<signed char> a(256), b(256);
  std::vector<int> c(256);
  for (int i = 0; i < 256; ++i) {
    a[i] = static_cast<signed char>(static_cast<int>(rng() % 256) - 128);
    b[i] = static_cast<signed char>(static_cast<int>(rng() % 256) - 128);
    c[i] = static_cast<int>(rng() % 2001) - 1000;
  }
  signed char *da = deviceCopy(a), *db = deviceCopy(b);
  int *dc = deviceCopy(c), *dd = nullptr;
  cudaMalloc(&dd, 256 * sizeof(int));
  xpile::simt::launch(xpile::rt::KernelInfo{"wmma"}, wmmaGemm<signed char, int, wmma::row_major>, dim3(1), dim3(32), 0, nullptr, da, db, dc, dd, 1);
  std::vector<int> d = hostCopy(dd, 256);
  for (int m = 0; m < 16; ++m)
    for (int n = 0; n < 16; ++n) {
      int acc = c[m * 16 + n];
      for (int k = 0; k < 16; ++k) acc += a[m * 16 + k] * b[k * 16 + n];
      EXPECT_EQ(d[n * 16 + m], acc);
    }
  cudaFree(da);
  cudaFree(db);
  cudaFree(dc);
  cudaFree(dd);
}

__global__ void wmmaBf16AndTf32(const __nv_bfloat16 *a, const __nv_bfloat16 *b, const float *a32, const float *b32, float *d, float *d32) {
  wmma::fragment<wmma::matrix_a, 16, 16, 16, __nv_bfloat16, wmma::row_major> fa;
  wmma::fragment<wmma::matrix_b, 16, 16, 16, __nv_bfloat16, wmma::row_major> fb;
  wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
  wmma::fill_fragment(acc, 1.0f);
  wmma::load_matrix_sync(fa, a, 16);
  wmma::load_matrix_sync(fb, b, 16);
  wmma::mma_sync(acc, fa, fb, acc);
  wmma::store_matrix_sync(d, acc, 16, wmma::mem_row_major);
  wmma::fragment<wmma::matrix_a, 16, 16, 8, wmma::precision::tf32, wmma::row_major> ta;
  wmma::fragment<wmma::matrix_b, 16, 16, 8, wmma::precision::tf32, wmma::row_major> tb;
  wmma::fragment<wmma::accumulator, 16, 16, 8, float> tacc;
  wmma::fill_fragment(tacc, 0.0f);
  wmma::load_matrix_sync(ta, a32, 8);
  wmma::load_matrix_sync(tb, b32, 16);
  for (int i = 0; i < ta.num_elements; ++i) ta.x[i] = wmma::__float_to_tf32(ta.x[i]);
  wmma::mma_sync(tacc, ta, tb, tacc);
  wmma::store_matrix_sync(d32, tacc, 16, wmma::mem_row_major);
}

TEST(Wmma, Bf16AndTf32Inputs) {
  std::vector<__nv_bfloat16> a(256), b(256);
  std::vector<float> af(256), bf(256), a32(128), b32(128);
  for (int i = 0; i < 256; ++i) {
    af[i] = static_cast<float>(i % 7) - 3.0f;
    bf[i] = static_cast<float>(i % 5) * 0.5f;
    a[i] = af[i];
    b[i] = bf[i];
  }
  for (int i = 0; i < 128; ++i) {
    a32[i] = static_cast<float>(i % 9) * 0.25f;
    b32[i] = static_cast<float>(i % 11) - 5.0f;
  }
  a32[0] = 1.0f + std::ldexp(1.0f, -20);  // tf32 keeps 10 mantissa bits: rounds to 1.0
  __nv_bfloat16 *da = deviceCopy(a), *db = deviceCopy(b);
  float *da32 = deviceCopy(a32), *db32 = deviceCopy(b32), *dd = nullptr, *dd32 = nullptr;
  cudaMalloc(&dd, 256 * sizeof(float));
  cudaMalloc(&dd32, 256 * sizeof(float));
  xpile::simt::launch(xpile::rt::KernelInfo{"wmma2"}, wmmaBf16AndTf32, dim3(1), dim3(32), 0, nullptr, da, db, da32, db32, dd, dd32);
  std::vector<float> d = hostCopy(dd, 256), d32 = hostCopy(dd32, 256);
  for (int m = 0; m < 16; ++m)
    for (int n = 0; n < 16; ++n) {
      float acc = 1.0f, acc32 = 0.0f;
      for (int k = 0; k < 16; ++k) acc += af[m * 16 + k] * bf[k * 16 + n];
      for (int k = 0; k < 8; ++k) acc32 += (m == 0 && k == 0 ? 1.0f : a32[m * 8 + k]) * b32[k * 16 + n];
      EXPECT_EQ(d[m * 16 + n], acc);
      EXPECT_EQ(d32[m * 16 + n], acc32);
    }
  EXPECT_EQ(wmma::__float_to_tf32(1.0f + std::ldexp(1.0f, -11)), 1.0f + std::ldexp(1.0f, -10));  // tie: away from zero
  cudaFree(da);
  cudaFree(db);
  cudaFree(da32);
  cudaFree(db32);
  cudaFree(dd);
  cudaFree(dd32);
}
