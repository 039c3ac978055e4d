// xpile CPU executor: the HIP vocabulary (AMD platform, CDNA2 / gfx90a) on the SIMT core.
// Compiled INTO the program under test by `clang++-16 -O2 -pthread`, never into xpile.
//
// Everything HIP shares with CUDA (qualifiers, vector types, dim3, threadIdx & co., barriers, atomics,
// integer and float intrinsics, the math library, __half/bfloat16) comes from xpile_cuda.h, included
// with XPILE_HIP_VOCABULARY so that CUDA's platform limits and 32-bit-mask warp operations are left
// out. This header adds HIP's:
//  - platform: wavefront 64, 64 KiB LDS per workgroup, 1024 threads (static initializer);
//  - hipThreadIdx_x & co.; __shfl* with HIP's signatures (legacy forms from xpile_cuda.h, *_sync
//    forms with 64-bit masks), __ballot returning unsigned long long, __any/__all, __activemask, ...;
//  - the HIP runtime API (hip* names, forwarding to the executor's CUDA runtime implementation) and
//    hipLaunchKernelGGL (a synchronous xpile::simt::launch with a KernelInfo named after the kernel);
//  - the CDNA2 matrix-core builtins __builtin_amdgcn_mfma_* with their exact gfx90a lane layouts.
//    (clang++-16 compiling for x86 accepts user functions with these names: AMDGPU builtins are only
//    registered for AMDGPU targets, so no renaming macros are needed.)
#pragma once

#define XPILE_HIP_VOCABULARY 1
#include "xpile_cuda.h"

#ifndef __HIP_PLATFORM_AMD__
#define __HIP_PLATFORM_AMD__ 1
#endif
#define HIP_VERSION_MAJOR 6
#define HIP_VERSION_MINOR 2
#define HIP_VERSION_PATCH 0
#define HIP_VERSION (HIP_VERSION_MAJOR * 10000000 + HIP_VERSION_MINOR * 100000 + HIP_VERSION_PATCH)
#define HIP_SYMBOL(X) X
#define HIP_KERNEL_NAME(...) __VA_ARGS__
#define HIP_DYNAMIC_SHARED(type, var) type *var = static_cast<type *>(::xpile::simt::dynamicShared());
#define HIP_DYNAMIC_SHARED_ATTRIBUTE

// Platform limits of CDNA2 (MI200): wavefront 64, 64 KiB LDS, 1024 threads per workgroup.
namespace xpile::hip_detail {
inline const bool platformConfigured = [] {
  ::xpile::simt::Platform &p = ::xpile::simt::platform();
  p.warpSize = 64;
  p.maxSharedBytesPerBlock = 64 * 1024;
  p.maxDynamicSharedBytes = 64 * 1024;
  p.maxThreadsPerBlock = 1024;
  return true;
}();
constexpr size_t kLdsBytes = 64 * 1024;
}  // namespace xpile::hip_detail

// ---- built-in variables, HIP spellings ------------------------------------------------------------
#define hipThreadIdx_x (threadIdx.x)
#define hipThreadIdx_y (threadIdx.y)
#define hipThreadIdx_z (threadIdx.z)
#define hipBlockIdx_x (blockIdx.x)
#define hipBlockIdx_y (blockIdx.y)
#define hipBlockIdx_z (blockIdx.z)
#define hipBlockDim_x (blockDim.x)
#define hipBlockDim_y (blockDim.y)
#define hipBlockDim_z (blockDim.z)
#define hipGridDim_x (gridDim.x)
#define hipGridDim_y (gridDim.y)
#define hipGridDim_z (gridDim.z)

// ---- wavefront operations -------------------------------------------------------------------------
// __shfl/__shfl_up/__shfl_down/__shfl_xor(var, lane/delta, width = warpSize) come from xpile_cuda.h
// (every active lane takes part). The *_sync forms of HIP 6.2 take a 64-bit lane mask.
namespace xpile::hip_detail {
template <typename MaskT> constexpr unsigned long long maskOf(MaskT mask) {
  static_assert(std::is_integral<MaskT>::value && sizeof(MaskT) == 8, "HIP's *_sync warp functions take a 64-bit lane mask");
  return static_cast<unsigned long long>(mask);
}
}  // namespace xpile::hip_detail
template <typename MaskT, typename T> inline T __shfl_sync(MaskT mask, T var, int srcLane, int width = warpSize) {
  return ::xpile::cuda_detail::shfl(::xpile::hip_detail::maskOf(mask), ::xpile::simt::ShuffleKind::Idx, var, srcLane, width);
}
template <typename MaskT, typename T> inline T __shfl_up_sync(MaskT mask, T var, unsigned int delta, int width = warpSize) {
  return ::xpile::cuda_detail::shfl(::xpile::hip_detail::maskOf(mask), ::xpile::simt::ShuffleKind::Up, var, static_cast<int>(delta), width);
}
template <typename MaskT, typename T> inline T __shfl_down_sync(MaskT mask, T var, unsigned int delta, int width = warpSize) {
  return ::xpile::cuda_detail::shfl(::xpile::hip_detail::maskOf(mask), ::xpile::simt::ShuffleKind::Down, var, static_cast<int>(delta), width);
}
template <typename MaskT, typename T> inline T __shfl_xor_sync(MaskT mask, T var, int laneMask, int width = warpSize) {
  return ::xpile::cuda_detail::shfl(::xpile::hip_detail::maskOf(mask), ::xpile::simt::ShuffleKind::Xor, var, laneMask, width);
}
template <typename MaskT> inline unsigned long long __ballot_sync(MaskT mask, int predicate) {
  return ::xpile::simt::ballot(::xpile::hip_detail::maskOf(mask), predicate != 0);
}
template <typename MaskT> inline int __any_sync(MaskT mask, int predicate) {
  return ::xpile::simt::any(::xpile::hip_detail::maskOf(mask), predicate != 0) ? 1 : 0;
}
template <typename MaskT> inline int __all_sync(MaskT mask, int predicate) {
  return ::xpile::simt::all(::xpile::hip_detail::maskOf(mask), predicate != 0) ? 1 : 0;
}
template <typename MaskT, typename T> inline unsigned long long __match_any_sync(MaskT mask, T value) {
  unsigned long long m = ::xpile::hip_detail::maskOf(mask);
  std::array<T, 64> all{};
  ::xpile::simt::warpGather(value, all.data());
  unsigned long long r = 0;
  for (int l = 0; l < ::xpile::cuda_detail::laneCount() && l < 64; ++l)
    if (((m >> l) & 1ull) && std::memcmp(&all[l], &value, sizeof(T)) == 0) r |= 1ull << l;
  return r;
}
inline unsigned long long __ballot(int predicate) { return ::xpile::simt::ballot(::xpile::cuda_detail::kAllActive, predicate != 0); }
inline unsigned long long __ballot64(int predicate) { return __ballot(predicate); }
inline unsigned long long __activemask() { return ::xpile::simt::activeMask(); }
inline void __syncwarp(unsigned long long mask = ~0ull) { ::xpile::simt::syncwarp(mask); }
inline unsigned int __lane_id() { return ::xpile::cuda_detail::laneId(); }
inline unsigned long long __lanemask_lt() { return (1ull << __lane_id()) - 1ull; }
inline unsigned long long __lanemask_eq() { return 1ull << __lane_id(); }
inline unsigned long long __lanemask_gt() { return __lane_id() >= 63 ? 0ull : ~((2ull << __lane_id()) - 1ull); }
inline int __builtin_amdgcn_readfirstlane(int v) {
  unsigned long long active = ::xpile::simt::activeMask();
  return __shfl(v, active ? __builtin_ctzll(active) : 0);
}
// The wavefront runs in lockstep on hardware, so code after a wave barrier sees what every lane
// did before it (HIP 6's __syncwarp is this barrier between wavefront fences): a rendezvous of
// the wavefront's live lanes here.
inline void __builtin_amdgcn_wave_barrier() { ::xpile::simt::syncwarp(::xpile::simt::activeMask()); }
#define __builtin_amdgcn_s_barrier() ::xpile::simt::syncthreads(__LINE__)
inline void __builtin_amdgcn_fence(int, const char *) { ::xpile::simt::threadfence(); }
inline unsigned long long __clock64() { return static_cast<unsigned long long>(clock64()); }
inline unsigned long long wall_clock64() { return static_cast<unsigned long long>(clock64()); }
inline unsigned int __smid() { return 0; }

// AMD-specific atomic spellings.
inline float unsafeAtomicAdd(float *addr, float value) { return atomicAdd(addr, value); }
inline double unsafeAtomicAdd(double *addr, double value) { return atomicAdd(addr, value); }
inline float safeAtomicAdd(float *addr, float value) { return atomicAdd(addr, value); }
inline double safeAtomicAdd(double *addr, double value) { return atomicAdd(addr, value); }
inline void atomicAddNoRet(float *address, float val) { atomicAdd(address, val); }

// =================================================================================================
// HIP runtime API (forwarding to the executor's CUDA runtime implementation in xpile_cuda.h)
// =================================================================================================
enum hipError_t {
  hipSuccess = 0,
  hipErrorInvalidValue = 1,
  hipErrorOutOfMemory = 2,
  hipErrorMemoryAllocation = 2,
  hipErrorNotInitialized = 3,
  hipErrorInitializationError = 3,
  hipErrorDeinitialized = 4,
  hipErrorInvalidConfiguration = 9,
  hipErrorInvalidPitchValue = 12,
  hipErrorInvalidSymbol = 13,
  hipErrorInvalidDevicePointer = 17,
  hipErrorInvalidMemcpyDirection = 21,
  hipErrorInsufficientDriver = 35,
  hipErrorMissingConfiguration = 52,
  hipErrorPriorLaunchFailure = 53,
  hipErrorInvalidDeviceFunction = 98,
  hipErrorNoDevice = 100,
  hipErrorInvalidDevice = 101,
  hipErrorInvalidImage = 200,
  hipErrorInvalidContext = 201,
  hipErrorNoBinaryForGpu = 209,
  hipErrorInvalidSource = 300,
  hipErrorFileNotFound = 301,
  hipErrorInvalidHandle = 400,
  hipErrorInvalidResourceHandle = 400,
  hipErrorIllegalState = 401,
  hipErrorNotFound = 500,
  hipErrorNotReady = 600,
  hipErrorIllegalAddress = 700,
  hipErrorLaunchOutOfResources = 701,
  hipErrorLaunchTimeOut = 702,
  hipErrorPeerAccessAlreadyEnabled = 704,
  hipErrorPeerAccessNotEnabled = 705,
  hipErrorAssert = 710,
  hipErrorHostMemoryAlreadyRegistered = 712,
  hipErrorHostMemoryNotRegistered = 713,
  hipErrorLaunchFailure = 719,
  hipErrorCooperativeLaunchTooLarge = 720,
  hipErrorNotSupported = 801,
  hipErrorStreamCaptureUnsupported = 900,
  hipErrorUnknown = 999
};
enum hipMemcpyKind {
  hipMemcpyHostToHost = 0,
  hipMemcpyHostToDevice = 1,
  hipMemcpyDeviceToHost = 2,
  hipMemcpyDeviceToDevice = 3,
  hipMemcpyDefault = 4
};
typedef struct CUstream_st ihipStream_t;
typedef struct CUevent_st ihipEvent_t;
typedef ihipStream_t *hipStream_t;
typedef ihipEvent_t *hipEvent_t;
typedef void *hipDeviceptr_t;

#define hipStreamDefault 0x00
#define hipStreamNonBlocking 0x01
#define hipStreamPerThread ((hipStream_t)2)
#define hipEventDefault 0x0
#define hipEventBlockingSync 0x1
#define hipEventDisableTiming 0x2
#define hipEventInterprocess 0x4
#define hipHostMallocDefault 0x0
#define hipHostMallocPortable 0x1
#define hipHostMallocMapped 0x2
#define hipHostMallocWriteCombined 0x4
#define hipHostMallocCoherent 0x40000000
#define hipHostMallocNonCoherent 0x80000000
#define hipHostRegisterDefault 0x0
#define hipMemAttachGlobal 0x01
#define hipMemAttachHost 0x02
#define hipDeviceScheduleAuto 0x0
#define hipDeviceScheduleSpin 0x1
#define hipDeviceScheduleYield 0x2
#define hipDeviceScheduleBlockingSync 0x4
#define hipDeviceMapHost 0x8
#define hipCpuDeviceId ((int)-1)
#define hipInvalidDeviceId ((int)-2)

enum hipFuncAttribute {
  hipFuncAttributeMaxDynamicSharedMemorySize = 8,
  hipFuncAttributePreferredSharedMemoryCarveout = 9,
  hipFuncAttributeMax
};
enum hipFuncCache_t { hipFuncCachePreferNone = 0, hipFuncCachePreferShared = 1, hipFuncCachePreferL1 = 2, hipFuncCachePreferEqual = 3 };
enum hipLimit_t { hipLimitStackSize = 0x0, hipLimitPrintfFifoSize = 0x01, hipLimitMallocHeapSize = 0x02 };
enum hipDeviceAttribute_t {
  hipDeviceAttributeMaxThreadsPerBlock = 1,
  hipDeviceAttributeMaxBlockDimX,
  hipDeviceAttributeMaxBlockDimY,
  hipDeviceAttributeMaxBlockDimZ,
  hipDeviceAttributeMaxGridDimX,
  hipDeviceAttributeMaxGridDimY,
  hipDeviceAttributeMaxGridDimZ,
  hipDeviceAttributeMaxSharedMemoryPerBlock,
  hipDeviceAttributeTotalConstantMemory,
  hipDeviceAttributeWarpSize,
  hipDeviceAttributeMaxRegistersPerBlock,
  hipDeviceAttributeClockRate,
  hipDeviceAttributeMultiprocessorCount,
  hipDeviceAttributeL2CacheSize,
  hipDeviceAttributeMaxThreadsPerMultiProcessor,
  hipDeviceAttributeComputeCapabilityMajor,
  hipDeviceAttributeComputeCapabilityMinor
};

struct hipDeviceProp_t {
  char name[256];
  size_t totalGlobalMem;
  size_t sharedMemPerBlock;
  int regsPerBlock;
  int warpSize;
  int maxThreadsPerBlock;
  int maxThreadsDim[3];
  int maxGridSize[3];
  int clockRate;
  int memoryClockRate;
  int memoryBusWidth;
  size_t totalConstMem;
  int major;
  int minor;
  int multiProcessorCount;
  int l2CacheSize;
  int maxThreadsPerMultiProcessor;
  int computeMode;
  int clockInstructionRate;
  int concurrentKernels;
  int pciDomainID;
  int pciBusID;
  int pciDeviceID;
  size_t maxSharedMemoryPerMultiProcessor;
  int isMultiGpuBoard;
  int canMapHostMemory;
  int gcnArch;
  char gcnArchName[256];
  int integrated;
  int cooperativeLaunch;
  int managedMemory;
  int concurrentManagedAccess;
  int ECCEnabled;
  size_t memPitch;
  size_t textureAlignment;
  int kernelExecTimeoutEnabled;
  int asyncEngineCount;
  size_t sharedMemPerBlockOptin;
};

struct hipFuncAttributes {
  int binaryVersion;
  int cacheModeCA;
  size_t constSizeBytes;
  size_t localSizeBytes;
  int maxDynamicSharedSizeBytes;
  int maxThreadsPerBlock;
  int numRegs;
  int preferredShmemCarveout;
  int ptxVersion;
  size_t sharedSizeBytes;
};

namespace xpile::hip_detail {
inline hipError_t &lastError() {
  static thread_local hipError_t e = hipSuccess;
  return e;
}
// Maps the shared implementation's result (same numeric codes for everything it returns).
inline hipError_t result(cudaError_t e) {
  (void)cudaGetLastError();  // the CUDA-side last error is not HIP's
  hipError_t h = static_cast<hipError_t>(static_cast<int>(e));
  if (h != hipSuccess) lastError() = h;
  return h;
}
inline hipError_t fail(hipError_t e) {
  lastError() = e;
  return e;
}
}  // namespace xpile::hip_detail

// ---- errors -------------------------------------------------------------------------------------
inline hipError_t hipGetLastError() {
  hipError_t e = ::xpile::hip_detail::lastError();
  ::xpile::hip_detail::lastError() = hipSuccess;
  return e;
}
inline hipError_t hipPeekAtLastError() { return ::xpile::hip_detail::lastError(); }
inline const char *hipGetErrorName(hipError_t e) {
  switch (e) {
#define XPILE_E(N) \
  case N: return #N;
    XPILE_E(hipSuccess) XPILE_E(hipErrorInvalidValue) XPILE_E(hipErrorOutOfMemory) XPILE_E(hipErrorNotInitialized)
    XPILE_E(hipErrorDeinitialized) XPILE_E(hipErrorInvalidConfiguration) XPILE_E(hipErrorInvalidPitchValue)
    XPILE_E(hipErrorInvalidSymbol) XPILE_E(hipErrorInvalidDevicePointer) XPILE_E(hipErrorInvalidMemcpyDirection)
    XPILE_E(hipErrorInsufficientDriver) XPILE_E(hipErrorMissingConfiguration) XPILE_E(hipErrorPriorLaunchFailure)
    XPILE_E(hipErrorInvalidDeviceFunction) XPILE_E(hipErrorNoDevice) XPILE_E(hipErrorInvalidDevice)
    XPILE_E(hipErrorInvalidImage) XPILE_E(hipErrorInvalidContext) XPILE_E(hipErrorNoBinaryForGpu)
    XPILE_E(hipErrorInvalidSource) XPILE_E(hipErrorFileNotFound) XPILE_E(hipErrorInvalidHandle)
    XPILE_E(hipErrorIllegalState) XPILE_E(hipErrorNotFound) XPILE_E(hipErrorNotReady) XPILE_E(hipErrorIllegalAddress)
    XPILE_E(hipErrorLaunchOutOfResources) XPILE_E(hipErrorLaunchTimeOut) XPILE_E(hipErrorPeerAccessAlreadyEnabled)
    XPILE_E(hipErrorPeerAccessNotEnabled) XPILE_E(hipErrorAssert) XPILE_E(hipErrorHostMemoryAlreadyRegistered)
    XPILE_E(hipErrorHostMemoryNotRegistered) XPILE_E(hipErrorLaunchFailure) XPILE_E(hipErrorCooperativeLaunchTooLarge)
    XPILE_E(hipErrorNotSupported) XPILE_E(hipErrorStreamCaptureUnsupported) XPILE_E(hipErrorUnknown)
#undef XPILE_E
  }
  return "hipErrorUnknown";
}
inline const char *hipGetErrorString(hipError_t e) {
  switch (e) {
  case hipSuccess: return "no error";
  case hipErrorInvalidValue: return "invalid argument";
  case hipErrorOutOfMemory: return "out of memory";
  case hipErrorInvalidDevice: return "invalid device ordinal";
  case hipErrorInvalidResourceHandle: return "invalid resource handle";
  case hipErrorInvalidMemcpyDirection: return "invalid copy direction for memcpy";
  case hipErrorNotReady: return "device not ready";
  default: return hipGetErrorName(e);
  }
}

// ---- devices ------------------------------------------------------------------------------------
inline hipError_t hipDeviceSynchronize() { return hipSuccess; }
inline hipError_t hipDeviceReset() {
  ::xpile::simt::platform().maxDynamicSharedBytes = ::xpile::hip_detail::kLdsBytes;
  ::xpile::hip_detail::lastError() = hipSuccess;
  return hipSuccess;
}
inline hipError_t hipSetDevice(int device) { return ::xpile::hip_detail::result(cudaSetDevice(device)); }
inline hipError_t hipGetDevice(int *device) { return ::xpile::hip_detail::result(cudaGetDevice(device)); }
inline hipError_t hipGetDeviceCount(int *count) { return ::xpile::hip_detail::result(cudaGetDeviceCount(count)); }
inline hipError_t hipSetDeviceFlags(unsigned) { return hipSuccess; }
inline hipError_t hipDeviceSetLimit(hipLimit_t, size_t) { return hipSuccess; }
inline hipError_t hipDeviceGetLimit(size_t *value, hipLimit_t limit) {
  return ::xpile::hip_detail::result(cudaDeviceGetLimit(value, static_cast<cudaLimit>(static_cast<int>(limit))));
}
inline hipError_t hipDeviceSetCacheConfig(hipFuncCache_t) { return hipSuccess; }
inline hipError_t hipDeviceCanAccessPeer(int *can, int, int) {
  if (can) *can = 0;
  return hipSuccess;
}
inline hipError_t hipDeviceGetStreamPriorityRange(int *least, int *greatest) {
  return ::xpile::hip_detail::result(cudaDeviceGetStreamPriorityRange(least, greatest));
}
inline hipError_t hipDriverGetVersion(int *v) {
  if (v) *v = HIP_VERSION;
  return hipSuccess;
}
inline hipError_t hipRuntimeGetVersion(int *v) {
  if (v) *v = HIP_VERSION;
  return hipSuccess;
}
inline hipError_t hipGetDeviceProperties(hipDeviceProp_t *prop, int device) {
  if (!prop) return ::xpile::hip_detail::fail(hipErrorInvalidValue);
  cudaDeviceProp c;
  if (hipError_t e = ::xpile::hip_detail::result(cudaGetDeviceProperties(&c, device))) return e;
  std::memset(prop, 0, sizeof *prop);
  std::snprintf(prop->name, sizeof prop->name, "%s", c.name);
  std::snprintf(prop->gcnArchName, sizeof prop->gcnArchName, "%s", "gfx90a");
  prop->gcnArch = 910;
  prop->totalGlobalMem = c.totalGlobalMem;
  prop->sharedMemPerBlock = ::xpile::simt::platform().maxSharedBytesPerBlock;
  prop->regsPerBlock = 65536;
  prop->warpSize = c.warpSize;
  prop->maxThreadsPerBlock = c.maxThreadsPerBlock;
  prop->maxThreadsDim[0] = 1024;
  prop->maxThreadsDim[1] = 1024;
  prop->maxThreadsDim[2] = 1024;
  prop->maxGridSize[0] = 2147483647;
  prop->maxGridSize[1] = 65536;
  prop->maxGridSize[2] = 65536;
  prop->clockRate = 1700000;
  prop->memoryClockRate = 1600000;
  prop->memoryBusWidth = 4096;
  prop->totalConstMem = 64 * 1024;
  prop->major = 9;
  prop->minor = 0;
  prop->multiProcessorCount = c.multiProcessorCount;
  prop->l2CacheSize = 8 * 1024 * 1024;
  prop->maxThreadsPerMultiProcessor = 2048;
  prop->clockInstructionRate = 1000000;
  prop->concurrentKernels = 1;
  prop->maxSharedMemoryPerMultiProcessor = ::xpile::hip_detail::kLdsBytes;
  prop->canMapHostMemory = 1;
  prop->cooperativeLaunch = 1;
  prop->managedMemory = 1;
  prop->concurrentManagedAccess = 1;
  prop->memPitch = std::numeric_limits<int>::max();
  prop->textureAlignment = 256;
  prop->asyncEngineCount = 1;
  prop->sharedMemPerBlockOptin = ::xpile::hip_detail::kLdsBytes;
  return hipSuccess;
}
inline hipError_t hipDeviceGetAttribute(int *value, hipDeviceAttribute_t attr, int device) {
  if (!value) return ::xpile::hip_detail::fail(hipErrorInvalidValue);
  hipDeviceProp_t p;
  if (hipError_t e = hipGetDeviceProperties(&p, device)) return e;
  switch (attr) {
  case hipDeviceAttributeMaxThreadsPerBlock: *value = p.maxThreadsPerBlock; break;
  case hipDeviceAttributeMaxBlockDimX: *value = p.maxThreadsDim[0]; break;
  case hipDeviceAttributeMaxBlockDimY: *value = p.maxThreadsDim[1]; break;
  case hipDeviceAttributeMaxBlockDimZ: *value = p.maxThreadsDim[2]; break;
  case hipDeviceAttributeMaxGridDimX: *value = p.maxGridSize[0]; break;
  case hipDeviceAttributeMaxGridDimY: *value = p.maxGridSize[1]; break;
  case hipDeviceAttributeMaxGridDimZ: *value = p.maxGridSize[2]; break;
  case hipDeviceAttributeMaxSharedMemoryPerBlock: *value = static_cast<int>(p.sharedMemPerBlock); break;
  case hipDeviceAttributeTotalConstantMemory: *value = static_cast<int>(p.totalConstMem); break;
  case hipDeviceAttributeWarpSize: *value = p.warpSize; break;
  case hipDeviceAttributeMaxRegistersPerBlock: *value = p.regsPerBlock; break;
  case hipDeviceAttributeClockRate: *value = p.clockRate; break;
  case hipDeviceAttributeMultiprocessorCount: *value = p.multiProcessorCount; break;
  case hipDeviceAttributeL2CacheSize: *value = p.l2CacheSize; break;
  case hipDeviceAttributeMaxThreadsPerMultiProcessor: *value = p.maxThreadsPerMultiProcessor; break;
  case hipDeviceAttributeComputeCapabilityMajor: *value = p.major; break;
  case hipDeviceAttributeComputeCapabilityMinor: *value = p.minor; break;
  default: return ::xpile::hip_detail::fail(hipErrorInvalidValue);
  }
  return hipSuccess;
}

// ---- memory -------------------------------------------------------------------------------------
namespace xpile::hip_detail {
template <typename T> inline hipError_t mallocLabelled(T **p, size_t bytes, const char *expr) {
  return result(::xpile::cuda_detail::deviceMalloc(reinterpret_cast<void **>(p), bytes, ::xpile::cuda_detail::labelFromExpression(expr)));
}
}  // namespace xpile::hip_detail
inline hipError_t hipMalloc(void **ptr, size_t size) { return ::xpile::hip_detail::result(::xpile::cuda_detail::deviceMalloc(ptr, size, {})); }
template <typename T> inline hipError_t hipMalloc(T **ptr, size_t size) { return hipMalloc(reinterpret_cast<void **>(ptr), size); }
inline hipError_t hipExtMallocWithFlags(void **ptr, size_t size, unsigned int) { return hipMalloc(ptr, size); }
inline hipError_t hipMallocManaged(void **ptr, size_t size, unsigned int = hipMemAttachGlobal) { return hipMalloc(ptr, size); }
template <typename T> inline hipError_t hipMallocManaged(T **ptr, size_t size, unsigned int flags = hipMemAttachGlobal) {
  return hipMallocManaged(reinterpret_cast<void **>(ptr), size, flags);
}
inline hipError_t hipMallocAsync(void **ptr, size_t size, hipStream_t) { return hipMalloc(ptr, size); }
template <typename T> inline hipError_t hipMallocAsync(T **ptr, size_t size, hipStream_t s) { return hipMallocAsync(reinterpret_cast<void **>(ptr), size, s); }
inline hipError_t hipMallocPitch(void **ptr, size_t *pitch, size_t width, size_t height) {
  return ::xpile::hip_detail::result(cudaMallocPitch(ptr, pitch, width, height));
}
inline hipError_t hipHostMalloc(void **ptr, size_t size, unsigned int flags = hipHostMallocDefault) {
  return ::xpile::hip_detail::result(cudaMallocHost(ptr, size, flags));
}
template <typename T> inline hipError_t hipHostMalloc(T **ptr, size_t size, unsigned int flags = hipHostMallocDefault) {
  return hipHostMalloc(reinterpret_cast<void **>(ptr), size, flags);
}
inline hipError_t hipMallocHost(void **ptr, size_t size) { return hipHostMalloc(ptr, size, 0); }
template <typename T> inline hipError_t hipMallocHost(T **ptr, size_t size) { return hipHostMalloc(reinterpret_cast<void **>(ptr), size, 0); }
inline hipError_t hipHostAlloc(void **ptr, size_t size, unsigned int flags) { return hipHostMalloc(ptr, size, flags); }
inline hipError_t hipFree(void *ptr) { return ::xpile::hip_detail::result(cudaFree(ptr)); }
inline hipError_t hipFreeAsync(void *ptr, hipStream_t) { return hipFree(ptr); }
inline hipError_t hipHostFree(void *ptr) { return ::xpile::hip_detail::result(cudaFreeHost(ptr)); }
inline hipError_t hipFreeHost(void *ptr) { return hipHostFree(ptr); }
inline hipError_t hipHostRegister(void *, size_t, unsigned int) { return hipSuccess; }
inline hipError_t hipHostUnregister(void *) { return hipSuccess; }
inline hipError_t hipHostGetDevicePointer(void **dev, void *host, unsigned int flags) {
  return ::xpile::hip_detail::result(cudaHostGetDevicePointer(dev, host, flags));
}
inline hipError_t hipMemGetInfo(size_t *free, size_t *total) { return ::xpile::hip_detail::result(cudaMemGetInfo(free, total)); }
inline hipError_t hipMemcpy(void *dst, const void *src, size_t count, hipMemcpyKind kind) {
  return ::xpile::hip_detail::result(cudaMemcpy(dst, src, count, static_cast<cudaMemcpyKind>(static_cast<int>(kind))));
}
inline hipError_t hipMemcpyAsync(void *dst, const void *src, size_t count, hipMemcpyKind kind, hipStream_t = nullptr) {
  return hipMemcpy(dst, src, count, kind);
}
inline hipError_t hipMemcpyWithStream(void *dst, const void *src, size_t count, hipMemcpyKind kind, hipStream_t) {
  return hipMemcpy(dst, src, count, kind);
}
inline hipError_t hipMemcpyHtoD(hipDeviceptr_t dst, void *src, size_t count) { return hipMemcpy(dst, src, count, hipMemcpyHostToDevice); }
inline hipError_t hipMemcpyDtoH(void *dst, hipDeviceptr_t src, size_t count) { return hipMemcpy(dst, src, count, hipMemcpyDeviceToHost); }
inline hipError_t hipMemcpyDtoD(hipDeviceptr_t dst, hipDeviceptr_t src, size_t count) { return hipMemcpy(dst, src, count, hipMemcpyDeviceToDevice); }
inline hipError_t hipMemcpy2D(void *dst, size_t dpitch, const void *src, size_t spitch, size_t width, size_t height, hipMemcpyKind kind) {
  return ::xpile::hip_detail::result(cudaMemcpy2D(dst, dpitch, src, spitch, width, height, static_cast<cudaMemcpyKind>(static_cast<int>(kind))));
}
inline hipError_t hipMemset(void *dst, int value, size_t count) { return ::xpile::hip_detail::result(cudaMemset(dst, value, count)); }
inline hipError_t hipMemsetAsync(void *dst, int value, size_t count, hipStream_t = nullptr) { return hipMemset(dst, value, count); }
inline hipError_t hipMemsetD32(hipDeviceptr_t dst, int value, size_t count) {
  ::xpile::cuda_detail::checkRange(dst, count * 4, "hipMemsetD32", "destination");
  for (size_t i = 0; i < count; ++i) std::memcpy(static_cast<char *>(dst) + 4 * i, &value, 4);
  return hipSuccess;
}
inline hipError_t hipMemsetD8(hipDeviceptr_t dst, unsigned char value, size_t count) { return hipMemset(dst, value, count); }
inline hipError_t hipMemPrefetchAsync(const void *, size_t, int, hipStream_t = nullptr) { return hipSuccess; }
// Symbols: HIP_SYMBOL(X) is X; the variable itself (an lvalue) or its address (a pointer prvalue).
template <typename S>
inline hipError_t hipMemcpyToSymbol(S &&symbol, const void *src, size_t count, size_t offset = 0, hipMemcpyKind kind = hipMemcpyHostToDevice) {
  return ::xpile::hip_detail::result(cudaMemcpyToSymbol(std::forward<S>(symbol), src, count, offset, static_cast<cudaMemcpyKind>(static_cast<int>(kind))));
}
template <typename S>
inline hipError_t hipMemcpyFromSymbol(void *dst, S &&symbol, size_t count, size_t offset = 0, hipMemcpyKind kind = hipMemcpyDeviceToHost) {
  return ::xpile::hip_detail::result(cudaMemcpyFromSymbol(dst, std::forward<S>(symbol), count, offset, static_cast<cudaMemcpyKind>(static_cast<int>(kind))));
}
template <typename S>
inline hipError_t hipMemcpyToSymbolAsync(S &&symbol, const void *src, size_t count, size_t offset, hipMemcpyKind kind, hipStream_t = nullptr) {
  return hipMemcpyToSymbol(std::forward<S>(symbol), src, count, offset, kind);
}
template <typename S>
inline hipError_t hipMemcpyFromSymbolAsync(void *dst, S &&symbol, size_t count, size_t offset, hipMemcpyKind kind, hipStream_t = nullptr) {
  return hipMemcpyFromSymbol(dst, std::forward<S>(symbol), count, offset, kind);
}
template <typename S> inline hipError_t hipGetSymbolAddress(void **devPtr, S &&symbol) {
  return ::xpile::hip_detail::result(cudaGetSymbolAddress(devPtr, std::forward<S>(symbol)));
}
template <typename S> inline hipError_t hipGetSymbolSize(size_t *size, S &&symbol) {
  return ::xpile::hip_detail::result(cudaGetSymbolSize(size, std::forward<S>(symbol)));
}

// ---- streams and events -------------------------------------------------------------------------
inline hipError_t hipStreamCreate(hipStream_t *s) { return ::xpile::hip_detail::result(cudaStreamCreate(s)); }
inline hipError_t hipStreamCreateWithFlags(hipStream_t *s, unsigned int flags) { return ::xpile::hip_detail::result(cudaStreamCreateWithFlags(s, flags)); }
inline hipError_t hipStreamCreateWithPriority(hipStream_t *s, unsigned int flags, int priority) {
  return ::xpile::hip_detail::result(cudaStreamCreateWithPriority(s, flags, priority));
}
inline hipError_t hipStreamDestroy(hipStream_t s) { return ::xpile::hip_detail::result(cudaStreamDestroy(s)); }
inline hipError_t hipStreamSynchronize(hipStream_t) { return hipSuccess; }
inline hipError_t hipStreamQuery(hipStream_t) { return hipSuccess; }
inline hipError_t hipStreamWaitEvent(hipStream_t, hipEvent_t, unsigned int = 0) { return hipSuccess; }
inline hipError_t hipEventCreate(hipEvent_t *e) { return ::xpile::hip_detail::result(cudaEventCreate(e)); }
inline hipError_t hipEventCreateWithFlags(hipEvent_t *e, unsigned flags) { return ::xpile::hip_detail::result(cudaEventCreateWithFlags(e, flags)); }
inline hipError_t hipEventRecord(hipEvent_t e, hipStream_t = nullptr) { return ::xpile::hip_detail::result(cudaEventRecord(e)); }
inline hipError_t hipEventSynchronize(hipEvent_t e) { return ::xpile::hip_detail::result(cudaEventSynchronize(e)); }
inline hipError_t hipEventQuery(hipEvent_t e) { return ::xpile::hip_detail::result(cudaEventQuery(e)); }
inline hipError_t hipEventDestroy(hipEvent_t e) { return ::xpile::hip_detail::result(cudaEventDestroy(e)); }
inline hipError_t hipEventElapsedTime(float *ms, hipEvent_t start, hipEvent_t stop) {
  return ::xpile::hip_detail::result(cudaEventElapsedTime(ms, start, stop));
}

// ---- execution control --------------------------------------------------------------------------
inline hipError_t hipFuncSetAttribute(const void *, hipFuncAttribute attr, int value) {
  if (attr == hipFuncAttributeMaxDynamicSharedMemorySize) {
    if (value < 0 || static_cast<size_t>(value) > ::xpile::hip_detail::kLdsBytes) return ::xpile::hip_detail::fail(hipErrorInvalidValue);
    return hipSuccess;  // the LDS limit is already the whole 64 KiB
  }
  if (attr == hipFuncAttributePreferredSharedMemoryCarveout) return hipSuccess;
  return ::xpile::hip_detail::fail(hipErrorInvalidValue);
}
template <typename T> inline hipError_t hipFuncSetAttribute(T *f, hipFuncAttribute attr, int value) {
  return hipFuncSetAttribute(reinterpret_cast<const void *>(f), attr, value);
}
inline hipError_t hipFuncGetAttributes(hipFuncAttributes *attr, const void *) {
  if (!attr) return ::xpile::hip_detail::fail(hipErrorInvalidValue);
  std::memset(attr, 0, sizeof *attr);
  attr->maxThreadsPerBlock = ::xpile::simt::platform().maxThreadsPerBlock;
  attr->maxDynamicSharedSizeBytes = static_cast<int>(::xpile::simt::platform().maxDynamicSharedBytes);
  attr->numRegs = 32;
  return hipSuccess;
}
template <typename T> inline hipError_t hipFuncGetAttributes(hipFuncAttributes *attr, T *f) {
  return hipFuncGetAttributes(attr, reinterpret_cast<const void *>(f));
}
inline hipError_t hipFuncSetCacheConfig(const void *, hipFuncCache_t) { return hipSuccess; }
template <typename T>
inline hipError_t hipOccupancyMaxPotentialBlockSize(int *gridSize, int *blockSize, T f, size_t dynSharedMemPerBlk = 0, int blockSizeLimit = 0) {
  return ::xpile::hip_detail::result(cudaOccupancyMaxPotentialBlockSize(gridSize, blockSize, f, dynSharedMemPerBlk, blockSizeLimit));
}
template <typename T>
inline hipError_t hipOccupancyMaxActiveBlocksPerMultiprocessor(int *numBlocks, T f, int blockSize, size_t dynSharedMemPerBlk) {
  return ::xpile::hip_detail::result(cudaOccupancyMaxActiveBlocksPerMultiprocessor(numBlocks, f, blockSize, dynSharedMemPerBlk));
}

// hipLaunchKernelGGL(kernel, grid, block, sharedBytes, stream, args...): a synchronous launch whose
// KernelInfo is named after the kernel expression (the executor printer may instead print
// xpile::simt::launch with the kernel's full KernelInfo).
namespace xpile::hip_detail {
template <typename... P, typename... A>
inline void launchGGL(const ::xpile::rt::KernelInfo &info, void (*kernel)(P...), dim3 grid, dim3 block, size_t sharedBytes, hipStream_t stream,
                      A &&...args) {
  ::xpile::simt::launch(info, kernel, grid, block, sharedBytes, static_cast<void *>(stream), std::forward<A>(args)...);
}
}  // namespace xpile::hip_detail
#define hipLaunchKernelGGL(kernel, ...)                                                                 \
  ::xpile::hip_detail::launchGGL(::xpile::rt::KernelInfo{#kernel}, kernel, __VA_ARGS__)

// Allocation labels, as for cudaMalloc (`::hipMalloc(...)` works too).
template <typename T> inline hipError_t __xpile_hipMalloc(T **ptr, size_t size, const char *expr) {
  return ::xpile::hip_detail::mallocLabelled(ptr, size, expr);
}
#define hipMalloc(ptr, size) __xpile_hipMalloc((ptr), (size), #ptr)

// =================================================================================================
// CDNA2 (gfx90a) matrix-core builtins.
//
// Each is warp-collective over the 64 lanes of a wavefront: every lane's A and B operands are gathered
// with xpile::simt::warpGather, the product is computed in float (int32 for i8), and each lane returns
// its own part of D = C + A*B (per element: acc = c, then acc += A[r][k]*B[k][c] for k = 0..K-1).
// cbsz/abid/blgp must be 0 (no broadcast / lane swizzle): anything else is an invalid-argument fault.
// Only single-block variants (M == N, 64 lanes) are provided. With G = 64 / M lane groups and
// KL = K / G operand values per lane, the gfx90a register layouts (AMD Instinct MI200 ISA, AMD matrix
// instruction calculator) are, for lane l, item i:
//   A (M x K):  A[l % M][KL * (l / M) + i]            i = 0 .. KL-1
//   B (K x N):  B[KL * (l / N) + i][l % N]            i = 0 .. KL-1
//   D (M x N):  D[(i / 4) * 4G + 4 * (l / M) + i % 4][l % N]   i = 0 .. M*N/64-1
// i.e. per builtin:
//   v_mfma_f32_16x16x16f16 / _i32_16x16x16i8 / _f32_16x16x16bf16_1k (G = 4, KL = 4, 4 results):
//        A[l%16][4(l/16)+i], B[4(l/16)+i][l%16], D[4(l/16)+i][l%16]
//   v_mfma_f32_32x32x8f16 (G = 2, KL = 4, 16 results):
//        A[l%32][4(l/32)+i], B[4(l/32)+i][l%32], D[8(i/4)+4(l/32)+i%4][l%32]
//   v_mfma_f32_16x16x4f32 (G = 4, KL = 1, 4 results):  A[l%16][l/16], B[l/16][l%16], D[4(l/16)+i][l%16]
//   v_mfma_f32_32x32x2f32 (G = 2, KL = 1, 16 results): A[l%32][l/32], B[l/32][l%32], D[8(i/4)+4(l/32)+i%4][l%32]
// Packed operands: i8 holds 4 signed bytes in an int (byte i = lowest bits first = item i); bf16_1k
// takes short4 holding bfloat16 bit patterns.
// =================================================================================================
// The 32x32 builtins take and return 16-float vectors (64 bytes), which x86 without AVX-512 passes
// in memory; clang warns about that ABI at every call (-Wpsabi). Only this one program uses the
// ABI, so the warning is switched off for the rest of the translation unit.
#pragma clang diagnostic ignored "-Wpsabi"
namespace xpile::hip_detail {
typedef _Float16 mfma_half4 __attribute__((ext_vector_type(4)));
typedef short mfma_short4 __attribute__((ext_vector_type(4)));
typedef float mfma_float4 __attribute__((ext_vector_type(4)));
typedef float mfma_float16 __attribute__((ext_vector_type(16)));
typedef int mfma_int4 __attribute__((ext_vector_type(4)));

template <typename Acc, int KL> struct MfmaOperands {
  Acc a[KL];
  Acc b[KL];
};

template <int M, int K, int KL, typename Acc, int CE>
inline void mfma(const char *name, const Acc (&a)[KL], const Acc (&b)[KL], const Acc (&c)[CE], Acc (&d)[CE], int cbsz, int abid, int blgp) {
  constexpr int G = 64 / M;
  static_assert(G * KL == K && CE * 64 == M * M, "mfma shape");
  if (cbsz != 0 || abid != 0 || blgp != 0)
    ::xpile::rt::fault(::xpile::rt::Fault::InvalidArgument, std::string(name) + ": only cbsz = abid = blgp = 0 is supported (got " +
                                                                std::to_string(cbsz) + ", " + std::to_string(abid) + ", " + std::to_string(blgp) + ")");
  if (::xpile::cuda_detail::laneCount() != 64)
    ::xpile::rt::fault(::xpile::rt::Fault::InvalidArgument,
                       std::string(name) + " needs a 64-lane wavefront (warp size is " + std::to_string(::xpile::cuda_detail::laneCount()) + ")");
  MfmaOperands<Acc, KL> mine;
  for (int i = 0; i < KL; ++i) {
    mine.a[i] = a[i];
    mine.b[i] = b[i];
  }
  MfmaOperands<Acc, KL> all[64];
  ::xpile::simt::warpGather(mine, all);
  Acc A[M][K], B[K][M];
  for (int l = 0; l < 64; ++l)
    for (int i = 0; i < KL; ++i) {
      A[l % M][KL * (l / M) + i] = all[l].a[i];
      B[KL * (l / M) + i][l % M] = all[l].b[i];
    }
  const int lane = static_cast<int>(::xpile::cuda_detail::laneId());
  for (int i = 0; i < CE; ++i) {
    const int row = (i / 4) * 4 * G + 4 * (lane / M) + i % 4, col = lane % M;
    Acc acc = c[i];
    for (int k = 0; k < K; ++k) acc += A[row][k] * B[k][col];
    d[i] = acc;
  }
}
template <typename V, int N, typename E> inline void unpack(const V &v, E (&out)[N]) {
  for (int i = 0; i < N; ++i) out[i] = static_cast<E>(v[i]);
}
template <typename V, int N, typename E> inline V pack(const E (&in)[N]) {
  V v;
  for (int i = 0; i < N; ++i) v[i] = in[i];
  return v;
}
}  // namespace xpile::hip_detail

inline ::xpile::hip_detail::mfma_float4 __builtin_amdgcn_mfma_f32_16x16x16f16(::xpile::hip_detail::mfma_half4 a, ::xpile::hip_detail::mfma_half4 b,
                                                                              ::xpile::hip_detail::mfma_float4 c, int cbsz, int abid, int blgp) {
  using namespace ::xpile::hip_detail;
  float av[4], bv[4], cv[4], dv[4];
  unpack(a, av);
  unpack(b, bv);
  unpack(c, cv);
  mfma<16, 16, 4>("__builtin_amdgcn_mfma_f32_16x16x16f16", av, bv, cv, dv, cbsz, abid, blgp);
  return pack<mfma_float4>(dv);
}
inline ::xpile::hip_detail::mfma_float16 __builtin_amdgcn_mfma_f32_32x32x8f16(::xpile::hip_detail::mfma_half4 a, ::xpile::hip_detail::mfma_half4 b,
                                                                              ::xpile::hip_detail::mfma_float16 c, int cbsz, int abid, int blgp) {
  using namespace ::xpile::hip_detail;
  float av[4], bv[4], cv[16], dv[16];
  unpack(a, av);
  unpack(b, bv);
  unpack(c, cv);
  mfma<32, 8, 4>("__builtin_amdgcn_mfma_f32_32x32x8f16", av, bv, cv, dv, cbsz, abid, blgp);
  return pack<mfma_float16>(dv);
}
inline ::xpile::hip_detail::mfma_float4 __builtin_amdgcn_mfma_f32_16x16x4f32(float a, float b, ::xpile::hip_detail::mfma_float4 c, int cbsz,
                                                                             int abid, int blgp) {
  using namespace ::xpile::hip_detail;
  float av[1] = {a}, bv[1] = {b}, cv[4], dv[4];
  unpack(c, cv);
  mfma<16, 4, 1>("__builtin_amdgcn_mfma_f32_16x16x4f32", av, bv, cv, dv, cbsz, abid, blgp);
  return pack<mfma_float4>(dv);
}
inline ::xpile::hip_detail::mfma_float16 __builtin_amdgcn_mfma_f32_32x32x2f32(float a, float b, ::xpile::hip_detail::mfma_float16 c, int cbsz,
                                                                              int abid, int blgp) {
  using namespace ::xpile::hip_detail;
  float av[1] = {a}, bv[1] = {b}, cv[16], dv[16];
  unpack(c, cv);
  mfma<32, 2, 1>("__builtin_amdgcn_mfma_f32_32x32x2f32", av, bv, cv, dv, cbsz, abid, blgp);
  return pack<mfma_float16>(dv);
}
inline ::xpile::hip_detail::mfma_int4 __builtin_amdgcn_mfma_i32_16x16x16i8(int a, int b, ::xpile::hip_detail::mfma_int4 c, int cbsz, int abid,
                                                                           int blgp) {
  using namespace ::xpile::hip_detail;
  int av[4], bv[4], cv[4], dv[4];
  for (int i = 0; i < 4; ++i) {
    av[i] = static_cast<signed char>(static_cast<unsigned int>(a) >> (8 * i));
    bv[i] = static_cast<signed char>(static_cast<unsigned int>(b) >> (8 * i));
  }
  unpack(c, cv);
  mfma<16, 16, 4>("__builtin_amdgcn_mfma_i32_16x16x16i8", av, bv, cv, dv, cbsz, abid, blgp);
  return pack<mfma_int4>(dv);
}
inline ::xpile::hip_detail::mfma_float4 __builtin_amdgcn_mfma_f32_16x16x16bf16_1k(::xpile::hip_detail::mfma_short4 a, ::xpile::hip_detail::mfma_short4 b,
                                                                                  ::xpile::hip_detail::mfma_float4 c, int cbsz, int abid, int blgp) {
  using namespace ::xpile::hip_detail;
  float av[4], bv[4], cv[4], dv[4];
  for (int i = 0; i < 4; ++i) {
    av[i] = ::xpile::half_detail::bf16BitsToFloat(static_cast<uint16_t>(a[i]));
    bv[i] = ::xpile::half_detail::bf16BitsToFloat(static_cast<uint16_t>(b[i]));
  }
  unpack(c, cv);
  mfma<16, 16, 4>("__builtin_amdgcn_mfma_f32_16x16x16bf16_1k", av, bv, cv, dv, cbsz, abid, blgp);
  return pack<mfma_float4>(dv);
}
