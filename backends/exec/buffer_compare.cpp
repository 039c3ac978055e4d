#include "backends/exec/buffer_compare.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace xpile::exec {

Tolerance defaultTolerance(DType type) {
  switch (type) {
  case DType::F64: return {1e-9, 1e-12};
  case DType::F32: return {1e-4, 1e-5};
  case DType::F16: return {1e-2, 1e-3};
  case DType::BF16: return {2e-2, 1e-2};
  default: return {0, 0};
  }
}

std::optional<Mismatch> compareBuffers(DType type, const std::vector<uint8_t> &a, const std::vector<uint8_t> &b,
                                       const Tolerance &tol) {
  size_t size = std::max<size_t>(elementSize(type), 1);
  uint64_t na = a.size() / size, nb = b.size() / size, n = std::min(na, nb);
  std::optional<Mismatch> first;
  uint64_t count = 0;
  bool floating = isFloatType(type);
  for (uint64_t i = 0; i < n; ++i) {
    bool same;
    double x = elementAsDouble(type, a.data(), i), y = elementAsDouble(type, b.data(), i);
    if (!floating) same = std::memcmp(a.data() + i * size, b.data() + i * size, size) == 0;
    else if (std::isnan(x) || std::isnan(y)) same = std::isnan(x) && std::isnan(y);
    else if (std::isinf(x) || std::isinf(y)) same = x == y;
    else same = std::fabs(x - y) <= tol.atol + tol.rtol * std::fabs(y);
    if (!same) {
      if (!first) first = Mismatch{i, x, y, 0};
      ++count;
    }
  }
  if (na != nb) {
    if (!first)
      first = Mismatch{n, na > n ? elementAsDouble(type, a.data(), n) : NAN, nb > n ? elementAsDouble(type, b.data(), n) : NAN, 0};
    count += std::max(na, nb) - n;
  }
  if (first) first->count = count;
  return first;
}

}  // namespace xpile::exec
