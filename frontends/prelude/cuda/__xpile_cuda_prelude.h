// xpile prelude for CUDA: everything cuda_runtime.h makes visible, declared
// from scratch (no NVIDIA SDK needed). Signatures follow the CUDA 12 runtime
// API; only declarations, since the front end never generates code.
#ifndef XPILE_PRELUDE_CUDA_H
#define XPILE_PRELUDE_CUDA_H

#if defined(__HIP__)
#error "the CUDA prelude was included in a HIP parse: use -isystem frontends/prelude/hip"
#endif

// What nvcc/clang define for CUDA sources. __CUDA_ARCH__ is deliberately NOT
// defined: the parse is host-side, exactly like nvcc's host pass.
#ifndef __CUDACC__
#define __CUDACC__ 1
#endif
#define __CUDACC_VER_MAJOR__ 12
#define __CUDACC_VER_MINOR__ 0
#define __CUDACC_VER_BUILD__ 0
#define CUDART_VERSION 12000
#define __CUDART_API_VERSION 12000
#define __XPILE_PRELUDE__ 1
#define __XPILE_PRELUDE_CUDA__ 1

#include "__xpile_gpu_common.h"

// ---------------------------------------------------------------------------
// Warp-level primitives (sm_30+ *_sync forms, plus the pre-CUDA-9 forms
// without a mask that legacy code still uses).
// ---------------------------------------------------------------------------
#define __XPILE_SHFL(T)                                                          \
  __device__ T __shfl_sync(unsigned mask, T var, int srcLane, int width = warpSize);       \
  __device__ T __shfl_up_sync(unsigned mask, T var, unsigned int delta, int width = warpSize); \
  __device__ T __shfl_down_sync(unsigned mask, T var, unsigned int delta, int width = warpSize); \
  __device__ T __shfl_xor_sync(unsigned mask, T var, int laneMask, int width = warpSize);  \
  __device__ T __shfl(T var, int srcLane, int width = warpSize);                          \
  __device__ T __shfl_up(T var, unsigned int delta, int width = warpSize);                \
  __device__ T __shfl_down(T var, unsigned int delta, int width = warpSize);              \
  __device__ T __shfl_xor(T var, int laneMask, int width = warpSize);
__XPILE_SHFL(int)
__XPILE_SHFL(unsigned int)
__XPILE_SHFL(long)
__XPILE_SHFL(unsigned long)
__XPILE_SHFL(long long)
__XPILE_SHFL(unsigned long long)
__XPILE_SHFL(float)
__XPILE_SHFL(double)
#undef __XPILE_SHFL

__device__ void __syncwarp(unsigned mask = 0xffffffffu);
__device__ unsigned __ballot_sync(unsigned mask, int predicate);
__device__ int __any_sync(unsigned mask, int predicate);
__device__ int __all_sync(unsigned mask, int predicate);
__device__ unsigned __uni_sync(unsigned mask, int predicate);
__device__ unsigned __activemask(void);
__device__ unsigned int __ballot(int predicate);  // pre-CUDA-9, no mask
__device__ int __any(int predicate);
__device__ int __all(int predicate);
__device__ unsigned int __match_any_sync(unsigned mask, int value);
__device__ unsigned int __match_any_sync(unsigned mask, unsigned value);
__device__ unsigned int __match_any_sync(unsigned mask, long long value);
__device__ unsigned int __match_any_sync(unsigned mask, unsigned long long value);
__device__ unsigned int __match_any_sync(unsigned mask, float value);
__device__ unsigned int __match_all_sync(unsigned mask, int value, int* pred);
__device__ unsigned int __match_all_sync(unsigned mask, unsigned value, int* pred);
// sm_80 warp reductions.
__device__ unsigned __reduce_add_sync(unsigned mask, unsigned value);
__device__ int __reduce_add_sync(unsigned mask, int value);
__device__ unsigned __reduce_min_sync(unsigned mask, unsigned value);
__device__ int __reduce_min_sync(unsigned mask, int value);
__device__ unsigned __reduce_max_sync(unsigned mask, unsigned value);
__device__ int __reduce_max_sync(unsigned mask, int value);
__device__ unsigned __reduce_and_sync(unsigned mask, unsigned value);
__device__ unsigned __reduce_or_sync(unsigned mask, unsigned value);
__device__ unsigned __reduce_xor_sync(unsigned mask, unsigned value);
__device__ unsigned int __lanemask_lt(void);

// ---------------------------------------------------------------------------
// Runtime API: types.
// ---------------------------------------------------------------------------
enum cudaError {
  cudaSuccess = 0,
  cudaErrorInvalidValue = 1,
  cudaErrorMemoryAllocation = 2,
  cudaErrorInitializationError = 3,
  cudaErrorCudartUnloading = 4,
  cudaErrorProfilerDisabled = 5,
  cudaErrorInvalidConfiguration = 9,
  cudaErrorInvalidPitchValue = 12,
  cudaErrorInvalidSymbol = 13,
  cudaErrorInvalidHostPointer = 16,
  cudaErrorInvalidDevicePointer = 17,
  cudaErrorInvalidTexture = 18,
  cudaErrorInvalidMemcpyDirection = 21,
  cudaErrorInsufficientDriver = 35,
  cudaErrorMissingConfiguration = 52,
  cudaErrorPriorLaunchFailure = 53,
  cudaErrorInvalidDeviceFunction = 98,
  cudaErrorNoDevice = 100,
  cudaErrorInvalidDevice = 101,
  cudaErrorStartupFailure = 127,
  cudaErrorInvalidKernelImage = 200,
  cudaErrorNoKernelImageForDevice = 209,
  cudaErrorPeerAccessUnsupported = 217,
  cudaErrorInvalidPtx = 218,
  cudaErrorInvalidSource = 300,
  cudaErrorFileNotFound = 301,
  cudaErrorInvalidResourceHandle = 400,
  cudaErrorIllegalState = 401,
  cudaErrorSymbolNotFound = 500,
  cudaErrorNotReady = 600,
  cudaErrorIllegalAddress = 700,
  cudaErrorLaunchOutOfResources = 701,
  cudaErrorLaunchTimeout = 702,
  cudaErrorPeerAccessAlreadyEnabled = 704,
  cudaErrorPeerAccessNotEnabled = 705,
  cudaErrorAssert = 710,
  cudaErrorHostMemoryAlreadyRegistered = 712,
  cudaErrorHostMemoryNotRegistered = 713,
  cudaErrorIllegalInstruction = 715,
  cudaErrorMisalignedAddress = 716,
  cudaErrorLaunchFailure = 719,
  cudaErrorCooperativeLaunchTooLarge = 720,
  cudaErrorNotPermitted = 800,
  cudaErrorNotSupported = 801,
  cudaErrorStreamCaptureUnsupported = 900,
  cudaErrorTimeout = 909,
  cudaErrorUnknown = 999
};
typedef enum cudaError cudaError_t;

enum cudaMemcpyKind {
  cudaMemcpyHostToHost = 0,
  cudaMemcpyHostToDevice = 1,
  cudaMemcpyDeviceToHost = 2,
  cudaMemcpyDeviceToDevice = 3,
  cudaMemcpyDefault = 4
};

// Opaque handles, as in driver_types.h.
typedef struct CUstream_st* cudaStream_t;
typedef struct CUevent_st* cudaEvent_t;
typedef struct CUgraph_st* cudaGraph_t;
typedef struct CUgraphExec_st* cudaGraphExec_t;
typedef struct CUfunc_st* cudaFunction_t;

#define cudaStreamLegacy ((cudaStream_t)0x1)
#define cudaStreamPerThread ((cudaStream_t)0x2)
#define cudaStreamDefault 0x00
#define cudaStreamNonBlocking 0x01
#define cudaEventDefault 0x00
#define cudaEventBlockingSync 0x01
#define cudaEventDisableTiming 0x02
#define cudaEventInterprocess 0x04
#define cudaHostAllocDefault 0x00
#define cudaHostAllocPortable 0x01
#define cudaHostAllocMapped 0x02
#define cudaHostAllocWriteCombined 0x04
#define cudaHostRegisterDefault 0x00
#define cudaMemAttachGlobal 0x01
#define cudaMemAttachHost 0x02
#define cudaDeviceScheduleAuto 0x00
#define cudaDeviceScheduleSpin 0x01
#define cudaDeviceScheduleYield 0x02
#define cudaDeviceScheduleBlockingSync 0x04
#define cudaDeviceMapHost 0x08
#define cudaCpuDeviceId ((int)-1)
#define cudaInvalidDeviceId ((int)-2)

enum cudaFuncAttribute {
  cudaFuncAttributeMaxDynamicSharedMemorySize = 8,
  cudaFuncAttributePreferredSharedMemoryCarveout = 9,
  cudaFuncAttributeMax
};

enum cudaFuncCache {
  cudaFuncCachePreferNone = 0,
  cudaFuncCachePreferShared = 1,
  cudaFuncCachePreferL1 = 2,
  cudaFuncCachePreferEqual = 3
};

enum cudaSharedMemConfig {
  cudaSharedMemBankSizeDefault = 0,
  cudaSharedMemBankSizeFourByte = 1,
  cudaSharedMemBankSizeEightByte = 2
};

enum cudaLimit {
  cudaLimitStackSize = 0x00,
  cudaLimitPrintfFifoSize = 0x01,
  cudaLimitMallocHeapSize = 0x02
};

enum cudaDeviceAttr {
  cudaDevAttrMaxThreadsPerBlock = 1,
  cudaDevAttrMaxBlockDimX = 2,
  cudaDevAttrMaxBlockDimY = 3,
  cudaDevAttrMaxBlockDimZ = 4,
  cudaDevAttrMaxGridDimX = 5,
  cudaDevAttrMaxGridDimY = 6,
  cudaDevAttrMaxGridDimZ = 7,
  cudaDevAttrMaxSharedMemoryPerBlock = 8,
  cudaDevAttrTotalConstantMemory = 9,
  cudaDevAttrWarpSize = 10,
  cudaDevAttrMaxRegistersPerBlock = 12,
  cudaDevAttrClockRate = 13,
  cudaDevAttrMultiProcessorCount = 16,
  cudaDevAttrL2CacheSize = 38,
  cudaDevAttrMaxThreadsPerMultiProcessor = 39,
  cudaDevAttrComputeCapabilityMajor = 75,
  cudaDevAttrComputeCapabilityMinor = 76,
  cudaDevAttrMaxSharedMemoryPerMultiprocessor = 81,
  cudaDevAttrMaxSharedMemoryPerBlockOptin = 97
};

// The commonly used fields of cudaDeviceProp (CUDA 12 layout subset).
struct cudaDeviceProp {
  char name[256];
  size_t totalGlobalMem;
  size_t sharedMemPerBlock;
  int regsPerBlock;
  int warpSize;
  size_t memPitch;
  int maxThreadsPerBlock;
  int maxThreadsDim[3];
  int maxGridSize[3];
  int clockRate;
  size_t totalConstMem;
  int major;
  int minor;
  size_t textureAlignment;
  int deviceOverlap;
  int multiProcessorCount;
  int kernelExecTimeoutEnabled;
  int integrated;
  int canMapHostMemory;
  int computeMode;
  int concurrentKernels;
  int ECCEnabled;
  int pciBusID;
  int pciDeviceID;
  int pciDomainID;
  int asyncEngineCount;
  int unifiedAddressing;
  int memoryClockRate;
  int memoryBusWidth;
  int l2CacheSize;
  int persistingL2CacheMaxSize;
  int maxThreadsPerMultiProcessor;
  int streamPrioritiesSupported;
  size_t sharedMemPerMultiprocessor;
  int regsPerMultiprocessor;
  int managedMemory;
  int isMultiGpuBoard;
  int concurrentManagedAccess;
  int cooperativeLaunch;
  size_t sharedMemPerBlockOptin;
  int maxBlocksPerMultiProcessor;
  size_t reservedSharedMemPerBlock;
};

struct cudaFuncAttributes {
  size_t sharedSizeBytes;
  size_t constSizeBytes;
  size_t localSizeBytes;
  int maxThreadsPerBlock;
  int numRegs;
  int ptxVersion;
  int binaryVersion;
  int cacheModeCA;
  int maxDynamicSharedSizeBytes;
  int preferredShmemCarveout;
};

struct cudaPointerAttributes {
  int type;
  int device;
  void* devicePointer;
  void* hostPointer;
};

// ---------------------------------------------------------------------------
// Runtime API: functions (cuda_runtime_api.h C forms, then the C++ template
// conveniences that cuda_runtime.h adds).
// ---------------------------------------------------------------------------
extern "C" {
// Errors
__host__ __device__ cudaError_t cudaGetLastError(void);
__host__ __device__ cudaError_t cudaPeekAtLastError(void);
__host__ __device__ const char* cudaGetErrorString(cudaError_t error);
__host__ __device__ const char* cudaGetErrorName(cudaError_t error);
// Devices
__host__ cudaError_t cudaDeviceSynchronize(void);
__host__ cudaError_t cudaDeviceReset(void);
__host__ cudaError_t cudaSetDevice(int device);
__host__ __device__ cudaError_t cudaGetDevice(int* device);
__host__ cudaError_t cudaGetDeviceCount(int* count);
__host__ cudaError_t cudaGetDeviceProperties(struct cudaDeviceProp* prop, int device);
__host__ __device__ cudaError_t cudaDeviceGetAttribute(int* value, enum cudaDeviceAttr attr, int device);
__host__ cudaError_t cudaSetDeviceFlags(unsigned int flags);
__host__ cudaError_t cudaDeviceSetLimit(enum cudaLimit limit, size_t value);
__host__ cudaError_t cudaDeviceGetLimit(size_t* value, enum cudaLimit limit);
__host__ cudaError_t cudaDeviceSetCacheConfig(enum cudaFuncCache cacheConfig);
__host__ cudaError_t cudaDeviceCanAccessPeer(int* canAccessPeer, int device, int peerDevice);
__host__ cudaError_t cudaDeviceEnablePeerAccess(int peerDevice, unsigned int flags);
__host__ cudaError_t cudaDeviceGetStreamPriorityRange(int* leastPriority, int* greatestPriority);
__host__ cudaError_t cudaDriverGetVersion(int* driverVersion);
__host__ cudaError_t cudaRuntimeGetVersion(int* runtimeVersion);
// Memory
__host__ __device__ cudaError_t cudaMalloc(void** devPtr, size_t size);
__host__ cudaError_t cudaMallocManaged(void** devPtr, size_t size, unsigned int flags = cudaMemAttachGlobal);
__host__ cudaError_t cudaMallocHost(void** ptr, size_t size);
__host__ cudaError_t cudaHostAlloc(void** pHost, size_t size, unsigned int flags);
__host__ cudaError_t cudaMallocPitch(void** devPtr, size_t* pitch, size_t width, size_t height);
__host__ cudaError_t cudaMallocAsync(void** devPtr, size_t size, cudaStream_t hStream);
__host__ __device__ cudaError_t cudaFree(void* devPtr);
__host__ cudaError_t cudaFreeHost(void* ptr);
__host__ cudaError_t cudaFreeAsync(void* devPtr, cudaStream_t hStream);
__host__ cudaError_t cudaHostRegister(void* ptr, size_t size, unsigned int flags);
__host__ cudaError_t cudaHostUnregister(void* ptr);
__host__ cudaError_t cudaHostGetDevicePointer(void** pDevice, void* pHost, unsigned int flags);
__host__ cudaError_t cudaMemGetInfo(size_t* free, size_t* total);
__host__ cudaError_t cudaPointerGetAttributes(struct cudaPointerAttributes* attributes, const void* ptr);
__host__ cudaError_t cudaMemcpy(void* dst, const void* src, size_t count, enum cudaMemcpyKind kind);
__host__ __device__ cudaError_t cudaMemcpyAsync(void* dst, const void* src, size_t count,
                                                enum cudaMemcpyKind kind, cudaStream_t stream = 0);
__host__ cudaError_t cudaMemcpy2D(void* dst, size_t dpitch, const void* src, size_t spitch,
                                  size_t width, size_t height, enum cudaMemcpyKind kind);
__host__ __device__ cudaError_t cudaMemcpy2DAsync(void* dst, size_t dpitch, const void* src,
                                                  size_t spitch, size_t width, size_t height,
                                                  enum cudaMemcpyKind kind, cudaStream_t stream = 0);
__host__ cudaError_t cudaMemcpyPeer(void* dst, int dstDevice, const void* src, int srcDevice,
                                    size_t count);
__host__ cudaError_t cudaMemcpyPeerAsync(void* dst, int dstDevice, const void* src,
                                         int srcDevice, size_t count, cudaStream_t stream = 0);
__host__ cudaError_t cudaMemset(void* devPtr, int value, size_t count);
__host__ __device__ cudaError_t cudaMemsetAsync(void* devPtr, int value, size_t count,
                                                cudaStream_t stream = 0);
__host__ cudaError_t cudaMemset2D(void* devPtr, size_t pitch, int value, size_t width, size_t height);
__host__ cudaError_t cudaMemcpyToSymbol(const void* symbol, const void* src, size_t count,
                                        size_t offset = 0,
                                        enum cudaMemcpyKind kind = cudaMemcpyHostToDevice);
__host__ cudaError_t cudaMemcpyFromSymbol(void* dst, const void* symbol, size_t count,
                                          size_t offset = 0,
                                          enum cudaMemcpyKind kind = cudaMemcpyDeviceToHost);
__host__ cudaError_t cudaMemcpyToSymbolAsync(const void* symbol, const void* src, size_t count,
                                             size_t offset, enum cudaMemcpyKind kind,
                                             cudaStream_t stream = 0);
__host__ cudaError_t cudaMemcpyFromSymbolAsync(void* dst, const void* symbol, size_t count,
                                               size_t offset, enum cudaMemcpyKind kind,
                                               cudaStream_t stream = 0);
__host__ cudaError_t cudaGetSymbolAddress(void** devPtr, const void* symbol);
__host__ cudaError_t cudaGetSymbolSize(size_t* size, const void* symbol);
__host__ cudaError_t cudaMemPrefetchAsync(const void* devPtr, size_t count, int dstDevice,
                                          cudaStream_t stream = 0);
// Streams
__host__ cudaError_t cudaStreamCreate(cudaStream_t* pStream);
__host__ __device__ cudaError_t cudaStreamCreateWithFlags(cudaStream_t* pStream, unsigned int flags);
__host__ cudaError_t cudaStreamCreateWithPriority(cudaStream_t* pStream, unsigned int flags,
                                                  int priority);
__host__ __device__ cudaError_t cudaStreamDestroy(cudaStream_t stream);
__host__ cudaError_t cudaStreamSynchronize(cudaStream_t stream);
__host__ cudaError_t cudaStreamQuery(cudaStream_t stream);
__host__ __device__ cudaError_t cudaStreamWaitEvent(cudaStream_t stream, cudaEvent_t event,
                                                    unsigned int flags = 0);
// Events
__host__ cudaError_t cudaEventCreate(cudaEvent_t* event);
__host__ __device__ cudaError_t cudaEventCreateWithFlags(cudaEvent_t* event, unsigned int flags);
__host__ __device__ cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t stream = 0);
__host__ cudaError_t cudaEventQuery(cudaEvent_t event);
__host__ cudaError_t cudaEventSynchronize(cudaEvent_t event);
__host__ __device__ cudaError_t cudaEventDestroy(cudaEvent_t event);
__host__ cudaError_t cudaEventElapsedTime(float* ms, cudaEvent_t start, cudaEvent_t end);
// Execution control
__host__ cudaError_t cudaFuncSetAttribute(const void* func, enum cudaFuncAttribute attr, int value);
__host__ cudaError_t cudaFuncGetAttributes(struct cudaFuncAttributes* attr, const void* func);
__host__ cudaError_t cudaFuncSetCacheConfig(const void* func, enum cudaFuncCache cacheConfig);
__host__ cudaError_t cudaLaunchKernel(const void* func, dim3 gridDim, dim3 blockDim, void** args,
                                      size_t sharedMem, cudaStream_t stream);
__host__ cudaError_t cudaLaunchCooperativeKernel(const void* func, dim3 gridDim, dim3 blockDim,
                                                 void** args, size_t sharedMem,
                                                 cudaStream_t stream);
__host__ cudaError_t cudaOccupancyMaxActiveBlocksPerMultiprocessor(int* numBlocks, const void* func,
                                                                   int blockSize,
                                                                   size_t dynamicSMemSize);
// Graphs: only the handles and the capture entry points (no graph editing).
__host__ cudaError_t cudaGraphDestroy(cudaGraph_t graph);
__host__ cudaError_t cudaGraphExecDestroy(cudaGraphExec_t graphExec);
__host__ cudaError_t cudaGraphLaunch(cudaGraphExec_t graphExec, cudaStream_t stream);

// Kernel launch configuration used by Clang for `k<<<g, b, s, st>>>(...)`.
// Clang picks __cudaPushCallConfiguration when it knows a CUDA >= 9.2 SDK
// version and cudaConfigureCall otherwise (no CUDA installation found, as
// with the recommended --cuda-path); both are declared so either works.
unsigned __cudaPushCallConfiguration(dim3 gridDim, dim3 blockDim, size_t sharedMem = 0,
                                     cudaStream_t stream = 0);
cudaError_t __cudaPopCallConfiguration(dim3* gridDim, dim3* blockDim, size_t* sharedMem,
                                       void* stream);
cudaError_t cudaConfigureCall(dim3 gridDim, dim3 blockDim, size_t sharedMem = 0,
                              cudaStream_t stream = 0);
}  // extern "C"

// C++ API conveniences from cuda_runtime.h.
template <class T>
__host__ cudaError_t cudaMalloc(T** devPtr, size_t size);
template <class T>
__host__ cudaError_t cudaMallocManaged(T** devPtr, size_t size,
                                       unsigned int flags = cudaMemAttachGlobal);
template <class T>
__host__ cudaError_t cudaMallocHost(T** ptr, size_t size, unsigned int flags = 0);
__host__ cudaError_t cudaMallocHost(void** ptr, size_t size, unsigned int flags);
template <class T>
__host__ cudaError_t cudaHostAlloc(T** ptr, size_t size, unsigned int flags);
template <class T>
__host__ cudaError_t cudaMallocPitch(T** devPtr, size_t* pitch, size_t width, size_t height);
template <class T>
__host__ cudaError_t cudaMallocAsync(T** devPtr, size_t size, cudaStream_t stream);
__host__ cudaError_t cudaEventCreate(cudaEvent_t* event, unsigned int flags);
template <class T>
__host__ cudaError_t cudaMemcpyToSymbol(const T& symbol, const void* src, size_t count,
                                        size_t offset = 0,
                                        enum cudaMemcpyKind kind = cudaMemcpyHostToDevice);
template <class T>
__host__ cudaError_t cudaMemcpyFromSymbol(void* dst, const T& symbol, size_t count,
                                          size_t offset = 0,
                                          enum cudaMemcpyKind kind = cudaMemcpyDeviceToHost);
template <class T>
__host__ cudaError_t cudaMemcpyToSymbolAsync(const T& symbol, const void* src, size_t count,
                                             size_t offset = 0,
                                             enum cudaMemcpyKind kind = cudaMemcpyHostToDevice,
                                             cudaStream_t stream = 0);
template <class T>
__host__ cudaError_t cudaMemcpyFromSymbolAsync(void* dst, const T& symbol, size_t count,
                                               size_t offset = 0,
                                               enum cudaMemcpyKind kind = cudaMemcpyDeviceToHost,
                                               cudaStream_t stream = 0);
template <class T>
__host__ cudaError_t cudaGetSymbolAddress(void** devPtr, const T& symbol);
template <class T>
__host__ cudaError_t cudaGetSymbolSize(size_t* size, const T& symbol);
template <class T>
__host__ cudaError_t cudaFuncSetAttribute(T* entry, enum cudaFuncAttribute attr, int value);
template <class T>
__host__ cudaError_t cudaFuncGetAttributes(struct cudaFuncAttributes* attr, T* entry);
template <class T>
__host__ cudaError_t cudaFuncSetCacheConfig(T* func, enum cudaFuncCache cacheConfig);
template <class T>
__host__ cudaError_t cudaLaunchKernel(const T* func, dim3 gridDim, dim3 blockDim, void** args,
                                      size_t sharedMem = 0, cudaStream_t stream = 0);
template <class T>
__host__ cudaError_t cudaOccupancyMaxActiveBlocksPerMultiprocessor(int* numBlocks, T func,
                                                                   int blockSize,
                                                                   size_t dynamicSMemSize);
template <class T>
__host__ cudaError_t cudaOccupancyMaxPotentialBlockSize(int* minGridSize, int* blockSize, T func,
                                                        size_t dynamicSMemSize = 0,
                                                        int blockSizeLimit = 0);

// The texture and surface object API (legacy texture references are absent, as in CUDA 12).
#include "__xpile_cuda_texture.h"

#endif  // XPILE_PRELUDE_CUDA_H
