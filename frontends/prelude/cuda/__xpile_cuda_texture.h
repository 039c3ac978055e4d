// xpile prelude: the texture and surface *object* API of the CUDA runtime (types, host functions,
// device fetch/read/write templates), written from the public signatures of texture_types.h,
// surface_types.h, driver_types.h, cuda_runtime_api.h, channel_descriptor.h,
// texture_indirect_functions.h and surface_indirect_functions.h. Declarations only.
// Legacy texture references (`texture<T, dim>`, tex2D(texRef, x, y)) were removed in CUDA 12 and
// are deliberately absent: code using them fails to parse, as it fails to compile with nvcc 12+.
#pragma once

// --- types (texture_types.h, surface_types.h, driver_types.h) ---
enum cudaTextureAddressMode {
  cudaAddressModeWrap = 0,
  cudaAddressModeClamp = 1,
  cudaAddressModeMirror = 2,
  cudaAddressModeBorder = 3
};
enum cudaTextureFilterMode { cudaFilterModePoint = 0, cudaFilterModeLinear = 1 };
enum cudaTextureReadMode { cudaReadModeElementType = 0, cudaReadModeNormalizedFloat = 1 };
enum cudaSurfaceBoundaryMode { cudaBoundaryModeZero = 0, cudaBoundaryModeClamp = 1, cudaBoundaryModeTrap = 2 };
enum cudaSurfaceFormatMode { cudaFormatModeForced = 0, cudaFormatModeAuto = 1 };

enum cudaChannelFormatKind {
  cudaChannelFormatKindSigned = 0,
  cudaChannelFormatKindUnsigned = 1,
  cudaChannelFormatKindFloat = 2,
  cudaChannelFormatKindNone = 3,
  cudaChannelFormatKindNV12 = 4
};
struct cudaChannelFormatDesc {
  int x, y, z, w;
  enum cudaChannelFormatKind f;
};

struct cudaArray;
typedef struct cudaArray* cudaArray_t;
typedef const struct cudaArray* cudaArray_const_t;
struct cudaMipmappedArray;
typedef struct cudaMipmappedArray* cudaMipmappedArray_t;
typedef const struct cudaMipmappedArray* cudaMipmappedArray_const_t;

#define cudaArrayDefault 0x00
#define cudaArrayLayered 0x01
#define cudaArraySurfaceLoadStore 0x02
#define cudaArrayCubemap 0x04
#define cudaArrayTextureGather 0x08

struct cudaExtent {
  size_t width, height, depth;
};
static inline __host__ struct cudaExtent make_cudaExtent(size_t w, size_t h, size_t d) {
  struct cudaExtent e = {w, h, d};
  return e;
}

enum cudaResourceType {
  cudaResourceTypeArray = 0x00,
  cudaResourceTypeMipmappedArray = 0x01,
  cudaResourceTypeLinear = 0x02,
  cudaResourceTypePitch2D = 0x03
};
struct cudaResourceDesc {
  enum cudaResourceType resType;
  union {
    struct {
      cudaArray_t array;
    } array;
    struct {
      cudaMipmappedArray_t mipmap;
    } mipmap;
    struct {
      void* devPtr;
      struct cudaChannelFormatDesc desc;
      size_t sizeInBytes;
    } linear;
    struct {
      void* devPtr;
      struct cudaChannelFormatDesc desc;
      size_t width;
      size_t height;
      size_t pitchInBytes;
    } pitch2D;
    struct {
      int reserved[32];
    } reserved;
  } res;
  unsigned int flags;
};

enum cudaResourceViewFormat { cudaResViewFormatNone = 0x00 };
struct cudaResourceViewDesc {
  enum cudaResourceViewFormat format;
  size_t width, height, depth;
  unsigned int firstMipmapLevel, lastMipmapLevel;
  unsigned int firstLayer, lastLayer;
  unsigned int reserved[16];
};

struct cudaTextureDesc {
  enum cudaTextureAddressMode addressMode[3];
  enum cudaTextureFilterMode filterMode;
  enum cudaTextureReadMode readMode;
  int sRGB;
  float borderColor[4];
  int normalizedCoords;
  unsigned int maxAnisotropy;
  enum cudaTextureFilterMode mipmapFilterMode;
  float mipmapLevelBias;
  float minMipmapLevelClamp;
  float maxMipmapLevelClamp;
  int disableTrilinearOptimization;
  int seamlessCubemap;
};

typedef unsigned long long cudaTextureObject_t;
typedef unsigned long long cudaSurfaceObject_t;

// --- host API (cuda_runtime_api.h, channel_descriptor.h) ---
__host__ cudaError_t cudaMallocArray(cudaArray_t* array, const struct cudaChannelFormatDesc* desc, size_t width,
                                     size_t height = 0, unsigned int flags = 0);
__host__ cudaError_t cudaMalloc3DArray(cudaArray_t* array, const struct cudaChannelFormatDesc* desc,
                                       struct cudaExtent extent, unsigned int flags = 0);
__host__ cudaError_t cudaFreeArray(cudaArray_t array);
__host__ cudaError_t cudaMemcpy2DToArray(cudaArray_t dst, size_t wOffset, size_t hOffset, const void* src,
                                         size_t spitch, size_t width, size_t height, enum cudaMemcpyKind kind);
__host__ cudaError_t cudaMemcpy2DFromArray(void* dst, size_t dpitch, cudaArray_const_t src, size_t wOffset,
                                           size_t hOffset, size_t width, size_t height, enum cudaMemcpyKind kind);
__host__ cudaError_t cudaMemcpyToArray(cudaArray_t dst, size_t wOffset, size_t hOffset, const void* src,
                                       size_t count, enum cudaMemcpyKind kind);
__host__ struct cudaChannelFormatDesc cudaCreateChannelDesc(int x, int y, int z, int w,
                                                            enum cudaChannelFormatKind f);
template <class T>
__host__ struct cudaChannelFormatDesc cudaCreateChannelDesc(void);
__host__ cudaError_t cudaCreateTextureObject(cudaTextureObject_t* pTexObject, const struct cudaResourceDesc* pResDesc,
                                             const struct cudaTextureDesc* pTexDesc,
                                             const struct cudaResourceViewDesc* pResViewDesc);
__host__ cudaError_t cudaDestroyTextureObject(cudaTextureObject_t texObject);
__host__ cudaError_t cudaGetTextureObjectResourceDesc(struct cudaResourceDesc* pResDesc, cudaTextureObject_t texObject);
__host__ cudaError_t cudaGetTextureObjectTextureDesc(struct cudaTextureDesc* pTexDesc, cudaTextureObject_t texObject);
__host__ cudaError_t cudaCreateSurfaceObject(cudaSurfaceObject_t* pSurfObject, const struct cudaResourceDesc* pResDesc);
__host__ cudaError_t cudaDestroySurfaceObject(cudaSurfaceObject_t surfObject);
__host__ cudaError_t cudaGetSurfaceObjectResourceDesc(struct cudaResourceDesc* pResDesc,
                                                      cudaSurfaceObject_t surfObject);

// --- texture fetches (texture_indirect_functions.h): `T texN(obj, ...)` with T given explicitly,
// and `void texN(T *ret, obj, ...)` with T deduced ---
#define __XPILE_TEX(name, ...)                                      \
  template <class T>                                                \
  __device__ T name(cudaTextureObject_t texObject, __VA_ARGS__);    \
  template <class T>                                                \
  __device__ void name(T* ptr, cudaTextureObject_t obj, __VA_ARGS__);
__XPILE_TEX(tex1Dfetch, int x)
__XPILE_TEX(tex1D, float x)
__XPILE_TEX(tex2D, float x, float y)
__XPILE_TEX(tex3D, float x, float y, float z)
__XPILE_TEX(tex1DLayered, float x, int layer)
__XPILE_TEX(tex2DLayered, float x, float y, int layer)
__XPILE_TEX(texCubemap, float x, float y, float z)
__XPILE_TEX(texCubemapLayered, float x, float y, float z, int layer)
__XPILE_TEX(tex2Dgather, float x, float y, int comp = 0)
__XPILE_TEX(tex1DLod, float x, float level)
__XPILE_TEX(tex2DLod, float x, float y, float level)
__XPILE_TEX(tex3DLod, float x, float y, float z, float level)
__XPILE_TEX(tex1DLayeredLod, float x, int layer, float level)
__XPILE_TEX(tex2DLayeredLod, float x, float y, int layer, float level)
__XPILE_TEX(texCubemapLod, float x, float y, float z, float level)
__XPILE_TEX(texCubemapLayeredLod, float x, float y, float z, int layer, float level)
__XPILE_TEX(tex1DGrad, float x, float dPdx, float dPdy)
__XPILE_TEX(tex2DGrad, float x, float y, float2 dPdx, float2 dPdy)
__XPILE_TEX(tex3DGrad, float x, float y, float z, float4 dPdx, float4 dPdy)
__XPILE_TEX(tex1DLayeredGrad, float x, int layer, float dPdx, float dPdy)
__XPILE_TEX(tex2DLayeredGrad, float x, float y, int layer, float2 dPdx, float2 dPdy)
__XPILE_TEX(texCubemapGrad, float x, float y, float z, float4 dPdx, float4 dPdy)
__XPILE_TEX(texCubemapLayeredGrad, float x, float y, float z, int layer, float4 dPdx, float4 dPdy)
#undef __XPILE_TEX

// --- surface reads and writes (surface_indirect_functions.h); x is a byte offset ---
#define __XPILE_SURF(name, ...)                                                                                   \
  template <class T>                                                                                            \
  __device__ void name##read(T* ptr, cudaSurfaceObject_t obj, __VA_ARGS__,                                     \
                             cudaSurfaceBoundaryMode mode = cudaBoundaryModeTrap);                                \
  template <class T>                                                                                            \
  __device__ T name##read(cudaSurfaceObject_t surfObject, __VA_ARGS__,                                         \
                          cudaSurfaceBoundaryMode boundaryMode = cudaBoundaryModeTrap);                           \
  template <class T>                                                                                            \
  __device__ void name##write(T val, cudaSurfaceObject_t obj, __VA_ARGS__,                                     \
                              cudaSurfaceBoundaryMode mode = cudaBoundaryModeTrap);
__XPILE_SURF(surf1D, int x)
__XPILE_SURF(surf2D, int x, int y)
__XPILE_SURF(surf3D, int x, int y, int z)
__XPILE_SURF(surf1DLayered, int x, int layer)
__XPILE_SURF(surf2DLayered, int x, int y, int layer)
__XPILE_SURF(surfCubemap, int x, int y, int face)
__XPILE_SURF(surfCubemapLayered, int x, int y, int layerFace)
#undef __XPILE_SURF
