// xpile prelude: CUB (block-, warp- and device-wide primitives), written from the public
// signatures of the classes and functions CUDA programs commonly use. Declarations only;
// TempStorage sizes are placeholders (the parse is host-side, nothing is code-generated).
#pragma once

#include <cuda_runtime.h>

namespace cub {

struct Sum { template <typename T> __host__ __device__ T operator()(const T &a, const T &b) const; };
struct Max { template <typename T> __host__ __device__ T operator()(const T &a, const T &b) const; };
struct Min { template <typename T> __host__ __device__ T operator()(const T &a, const T &b) const; };

enum BlockReduceAlgorithm { BLOCK_REDUCE_RAKING_COMMUTATIVE_ONLY, BLOCK_REDUCE_RAKING, BLOCK_REDUCE_WARP_REDUCTIONS };
enum BlockScanAlgorithm { BLOCK_SCAN_RAKING, BLOCK_SCAN_RAKING_MEMOIZE, BLOCK_SCAN_WARP_SCANS };
enum BlockLoadAlgorithm { BLOCK_LOAD_DIRECT, BLOCK_LOAD_STRIPED, BLOCK_LOAD_VECTORIZE, BLOCK_LOAD_TRANSPOSE,
                          BLOCK_LOAD_WARP_TRANSPOSE };
enum BlockStoreAlgorithm { BLOCK_STORE_DIRECT, BLOCK_STORE_STRIPED, BLOCK_STORE_VECTORIZE, BLOCK_STORE_TRANSPOSE,
                           BLOCK_STORE_WARP_TRANSPOSE };

template <typename T, int BLOCK_DIM_X, BlockReduceAlgorithm ALGORITHM = BLOCK_REDUCE_WARP_REDUCTIONS,
          int BLOCK_DIM_Y = 1, int BLOCK_DIM_Z = 1>
class BlockReduce {
public:
  struct TempStorage { T __xpile_storage[BLOCK_DIM_X * BLOCK_DIM_Y * BLOCK_DIM_Z]; };
  __device__ BlockReduce();
  __device__ BlockReduce(TempStorage &temp_storage);
  template <typename ReductionOp> __device__ T Reduce(T input, ReductionOp reduction_op);
  template <typename ReductionOp> __device__ T Reduce(T input, ReductionOp reduction_op, int num_valid);
  __device__ T Sum(T input);
  __device__ T Sum(T input, int num_valid);
};

template <typename T, int LOGICAL_WARP_THREADS = 32>
class WarpReduce {
public:
  struct TempStorage { T __xpile_storage[LOGICAL_WARP_THREADS]; };
  __device__ WarpReduce(TempStorage &temp_storage);
  template <typename ReductionOp> __device__ T Reduce(T input, ReductionOp reduction_op);
  template <typename ReductionOp> __device__ T Reduce(T input, ReductionOp reduction_op, int valid_items);
  __device__ T Sum(T input);
  __device__ T Sum(T input, int valid_items);
};

template <typename T, int BLOCK_DIM_X, BlockScanAlgorithm ALGORITHM = BLOCK_SCAN_RAKING, int BLOCK_DIM_Y = 1,
          int BLOCK_DIM_Z = 1>
class BlockScan {
public:
  struct TempStorage { T __xpile_storage[BLOCK_DIM_X * BLOCK_DIM_Y * BLOCK_DIM_Z]; };
  __device__ BlockScan();
  __device__ BlockScan(TempStorage &temp_storage);
  __device__ void InclusiveSum(T input, T &output);
  __device__ void InclusiveSum(T input, T &output, T &block_aggregate);
  __device__ void ExclusiveSum(T input, T &output);
  __device__ void ExclusiveSum(T input, T &output, T &block_aggregate);
  template <typename ScanOp> __device__ void InclusiveScan(T input, T &output, ScanOp scan_op);
  template <typename ScanOp> __device__ void ExclusiveScan(T input, T &output, T initial_value, ScanOp scan_op);
};

template <typename T, int WARP_THREADS = 32>
class WarpScan {
public:
  struct TempStorage { T __xpile_storage[WARP_THREADS]; };
  __device__ WarpScan(TempStorage &temp_storage);
  __device__ void InclusiveSum(T input, T &output);
  __device__ void ExclusiveSum(T input, T &output);
};

struct DeviceReduce {
  template <typename InputIteratorT, typename OutputIteratorT>
  static cudaError_t Sum(void *d_temp_storage, size_t &temp_storage_bytes, InputIteratorT d_in, OutputIteratorT d_out,
                         int num_items, cudaStream_t stream = 0);
  template <typename InputIteratorT, typename OutputIteratorT>
  static cudaError_t Max(void *d_temp_storage, size_t &temp_storage_bytes, InputIteratorT d_in, OutputIteratorT d_out,
                         int num_items, cudaStream_t stream = 0);
  template <typename InputIteratorT, typename OutputIteratorT>
  static cudaError_t Min(void *d_temp_storage, size_t &temp_storage_bytes, InputIteratorT d_in, OutputIteratorT d_out,
                         int num_items, cudaStream_t stream = 0);
  template <typename InputIteratorT, typename OutputIteratorT, typename ReductionOpT, typename T>
  static cudaError_t Reduce(void *d_temp_storage, size_t &temp_storage_bytes, InputIteratorT d_in,
                            OutputIteratorT d_out, int num_items, ReductionOpT reduction_op, T init,
                            cudaStream_t stream = 0);
};

struct DeviceScan {
  template <typename InputIteratorT, typename OutputIteratorT>
  static cudaError_t InclusiveSum(void *d_temp_storage, size_t &temp_storage_bytes, InputIteratorT d_in,
                                  OutputIteratorT d_out, int num_items, cudaStream_t stream = 0);
  template <typename InputIteratorT, typename OutputIteratorT>
  static cudaError_t ExclusiveSum(void *d_temp_storage, size_t &temp_storage_bytes, InputIteratorT d_in,
                                  OutputIteratorT d_out, int num_items, cudaStream_t stream = 0);
};

struct DeviceRadixSort {
  template <typename KeyT>
  static cudaError_t SortKeys(void *d_temp_storage, size_t &temp_storage_bytes, const KeyT *d_keys_in,
                              KeyT *d_keys_out, int num_items, int begin_bit = 0, int end_bit = sizeof(KeyT) * 8,
                              cudaStream_t stream = 0);
  template <typename KeyT, typename ValueT>
  static cudaError_t SortPairs(void *d_temp_storage, size_t &temp_storage_bytes, const KeyT *d_keys_in,
                               KeyT *d_keys_out, const ValueT *d_values_in, ValueT *d_values_out, int num_items,
                               int begin_bit = 0, int end_bit = sizeof(KeyT) * 8, cudaStream_t stream = 0);
};

}  // namespace cub
