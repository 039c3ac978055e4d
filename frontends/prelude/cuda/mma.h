// xpile prelude: stands in for mma.h, the warp matrix (tensor core) API in
// namespace nvcuda::wmma.
//
// The SDK declares one explicit specialisation of `fragment` per supported
// shape/type; here one generic template covers them all, with the element
// count of the SDK for the common shapes (half operands: 16 elements per
// thread, every other operand or accumulator: rows*cols/32). Unsupported
// combinations therefore type-check here although nvcc rejects them.
#pragma once
#include "__xpile_cuda_prelude.h"
#include "cuda_fp16.h"
#include "cuda_bf16.h"

namespace nvcuda {
namespace wmma {

// Fragment roles and layouts (tag types, as in the SDK).
struct matrix_a {};
struct matrix_b {};
struct accumulator {};
struct row_major {};
struct col_major {};
enum layout_t { mem_row_major, mem_col_major };

namespace precision {
struct tf32 {};
}  // namespace precision
namespace experimental {
namespace precision {
struct u4 {};
struct s4 {};
struct b1 {};
}  // namespace precision
enum bmmaBitOp { bmmaBitOpXOR = 1, bmmaBitOpAND = 2 };
enum bmmaAccumulateOp { bmmaAccumulateOpPOPC = 1 };
}  // namespace experimental

// Storage element of a fragment: tf32 operands are stored as float.
template <typename T>
struct __xpile_storage {
  typedef T type;
};
template <>
struct __xpile_storage<precision::tf32> {
  typedef float type;
};

// Rows x cols of the tile each role covers in an M x N x K product.
template <typename Use, int M, int N, int K>
struct __xpile_tile;
template <int M, int N, int K>
struct __xpile_tile<matrix_a, M, N, K> {
  enum { elems = M * K };
};
template <int M, int N, int K>
struct __xpile_tile<matrix_b, M, N, K> {
  enum { elems = K * N };
};
template <int M, int N, int K>
struct __xpile_tile<accumulator, M, N, K> {
  enum { elems = M * N };
};

template <typename Use, int M, int N, int K, typename T>
struct __xpile_num_elements {
  enum { value = __xpile_tile<Use, M, N, K>::elems / 32 };
};
template <int M, int N, int K>
struct __xpile_num_elements<matrix_a, M, N, K, __half> {
  enum { value = 16 };
};
template <int M, int N, int K>
struct __xpile_num_elements<matrix_b, M, N, K, __half> {
  enum { value = 16 };
};

// A warp-wide matrix fragment; each thread owns x[0 .. num_elements).
template <typename Use, int M, int N, int K, typename T, typename Layout = void>
class fragment {
 public:
  typedef typename __xpile_storage<T>::type storage_element_type;
  typedef T element_type;
  enum { num_elements = __xpile_num_elements<Use, M, N, K, T>::value };
  storage_element_type x[num_elements];
};

template <typename Use, int M, int N, int K, typename T, typename Layout>
__device__ void fill_fragment(fragment<Use, M, N, K, T, Layout>& f,
                              const typename __xpile_storage<T>::type& v);

// Operand fragments carry their layout in the type.
template <typename Use, int M, int N, int K, typename T, typename Layout>
__device__ void load_matrix_sync(fragment<Use, M, N, K, T, Layout>& a,
                                 const typename __xpile_storage<T>::type* p, unsigned ldm);
// Accumulators take the memory layout as an argument.
template <int M, int N, int K, typename T>
__device__ void load_matrix_sync(fragment<accumulator, M, N, K, T>& a, const T* p, unsigned ldm,
                                 layout_t layout);
template <int M, int N, int K, typename T>
__device__ void store_matrix_sync(T* p, const fragment<accumulator, M, N, K, T>& a, unsigned ldm,
                                  layout_t layout);

// D = A * B + C.
template <int M, int N, int K, typename TAB, typename LA, typename LB, typename TC, typename TD>
__device__ void mma_sync(fragment<accumulator, M, N, K, TD>& d,
                         const fragment<matrix_a, M, N, K, TAB, LA>& a,
                         const fragment<matrix_b, M, N, K, TAB, LB>& b,
                         const fragment<accumulator, M, N, K, TC>& c, bool satf = false);

// Round a float to tf32 precision (result still stored as float).
__device__ float __float_to_tf32(float in);

}  // namespace wmma
}  // namespace nvcuda
