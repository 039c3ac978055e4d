// xpile prelude: Thrust, written from the public signatures of the containers, execution
// policies and algorithms CUDA programs commonly use. Declarations only (the parse is host-side).
// rocThrust keeps the thrust:: namespace and header names, so porting touches only the CUDA
// backend's names (thrust::cuda, thrust/system/cuda/...).
#pragma once

#include <cuda_runtime.h>
#include <cstddef>

namespace thrust {

template <typename T> class device_ptr {
public:
  typedef T value_type;
  device_ptr();
  explicit device_ptr(T *p);
  T *get() const;
  T &operator*() const;
  T &operator[](std::ptrdiff_t i) const;
  device_ptr operator+(std::ptrdiff_t n) const;
  std::ptrdiff_t operator-(const device_ptr &other) const;
  device_ptr &operator++();
};
template <typename T> device_ptr<T> device_pointer_cast(T *p);
template <typename T> T *raw_pointer_cast(T *p);
template <typename T> T *raw_pointer_cast(const device_ptr<T> &p);

template <typename T> class device_vector {
public:
  typedef T value_type;
  typedef device_ptr<T> iterator;
  typedef device_ptr<const T> const_iterator;
  device_vector();
  explicit device_vector(std::size_t n);
  device_vector(std::size_t n, const T &value);
  template <typename Other> device_vector(const Other &other);
  template <typename InputIterator> device_vector(InputIterator first, InputIterator last);
  template <typename Other> device_vector &operator=(const Other &other);
  iterator begin();
  iterator end();
  const_iterator begin() const;
  const_iterator end() const;
  std::size_t size() const;
  void resize(std::size_t n);
  T *data();
  T &operator[](std::size_t i);
};

template <typename T> class host_vector {
public:
  typedef T value_type;
  typedef T *iterator;
  typedef const T *const_iterator;
  host_vector();
  explicit host_vector(std::size_t n);
  host_vector(std::size_t n, const T &value);
  template <typename Other> host_vector(const Other &other);
  template <typename InputIterator> host_vector(InputIterator first, InputIterator last);
  template <typename Other> host_vector &operator=(const Other &other);
  iterator begin();
  iterator end();
  std::size_t size() const;
  void resize(std::size_t n);
  T *data();
  T &operator[](std::size_t i);
};

template <typename T = void> struct plus { __host__ __device__ T operator()(const T &a, const T &b) const; };
template <typename T = void> struct minus { __host__ __device__ T operator()(const T &a, const T &b) const; };
template <typename T = void> struct multiplies { __host__ __device__ T operator()(const T &a, const T &b) const; };
template <typename T = void> struct maximum { __host__ __device__ T operator()(const T &a, const T &b) const; };
template <typename T = void> struct minimum { __host__ __device__ T operator()(const T &a, const T &b) const; };
template <typename T = void> struct negate { __host__ __device__ T operator()(const T &a) const; };
template <typename T = void> struct greater { __host__ __device__ bool operator()(const T &a, const T &b) const; };
template <typename T = void> struct less { __host__ __device__ bool operator()(const T &a, const T &b) const; };

namespace detail {
struct device_t {};
struct host_t {};
}  // namespace detail
extern const detail::device_t device;
extern const detail::host_t host;
namespace cuda {
struct par_t {
  par_t on(cudaStream_t stream) const;
};
extern const par_t par;
extern const par_t par_nosync;
}  // namespace cuda

template <typename It> struct __xpile_value_of { typedef typename It::value_type type; };
template <typename T> struct __xpile_value_of<T *> { typedef T type; };

// Algorithms: each with and without a leading execution policy.
#define __XPILE_THRUST_ALGORITHMS(POLICY, POLICY_COMMA)                                                            \
  template <POLICY typename It> typename __xpile_value_of<It>::type reduce(POLICY_COMMA It first, It last);                   \
  template <POLICY typename It, typename T> T reduce(POLICY_COMMA It first, It last, T init);                      \
  template <POLICY typename It, typename T, typename Op> T reduce(POLICY_COMMA It first, It last, T init, Op op); \
  template <POLICY typename It> void sort(POLICY_COMMA It first, It last);                                        \
  template <POLICY typename It, typename Cmp> void sort(POLICY_COMMA It first, It last, Cmp cmp);                 \
  template <POLICY typename K, typename V> void sort_by_key(POLICY_COMMA K kfirst, K klast, V vfirst);            \
  template <POLICY typename In, typename Out, typename Op>                                                        \
  Out transform(POLICY_COMMA In first, In last, Out out, Op op);                                                  \
  template <POLICY typename In1, typename In2, typename Out, typename Op>                                         \
  Out transform(POLICY_COMMA In1 first1, In1 last1, In2 first2, Out out, Op op);                                  \
  template <POLICY typename It, typename T> void fill(POLICY_COMMA It first, It last, const T &value);            \
  template <POLICY typename It> void sequence(POLICY_COMMA It first, It last);                                    \
  template <POLICY typename It, typename T> void sequence(POLICY_COMMA It first, It last, T init);                \
  template <POLICY typename In, typename Out> Out copy(POLICY_COMMA In first, In last, Out out);                  \
  template <POLICY typename In, typename Out> Out inclusive_scan(POLICY_COMMA In first, In last, Out out);         \
  template <POLICY typename In, typename Out> Out exclusive_scan(POLICY_COMMA In first, In last, Out out);         \
  template <POLICY typename It, typename T> std::ptrdiff_t count(POLICY_COMMA It first, It last, const T &value);
#define __XPILE_THRUST_POLICY_PARAM typename Policy,
#define __XPILE_THRUST_POLICY_ARG const Policy &policy,
__XPILE_THRUST_ALGORITHMS(, )
__XPILE_THRUST_ALGORITHMS(__XPILE_THRUST_POLICY_PARAM, __XPILE_THRUST_POLICY_ARG)
#undef __XPILE_THRUST_ALGORITHMS
#undef __XPILE_THRUST_POLICY_PARAM
#undef __XPILE_THRUST_POLICY_ARG

}  // namespace thrust
