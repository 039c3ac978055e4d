// Comparing two runs' buffers element by element with dtype-aware tolerances, for `xpile verify`.
#pragma once

#include "backends/exec/arg_spec.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace xpile::exec {

struct Tolerance {
  double rtol = 0, atol = 0;  // |a - b| <= atol + rtol * |b| passes; integers compare exactly
};

// Defaults per dtype: exact for integers; for floats a small multiple of the type's precision,
// loose enough for reassociated sums (a translation may reorder a reduction).
Tolerance defaultTolerance(DType type);

struct Mismatch {
  uint64_t index = 0;
  double a = 0, b = 0;  // both values (NaN when an element is missing)
  uint64_t count = 0;   // how many elements differ in total
};

// The first mismatch between two raw little-endian buffers of `type`, or nullopt when they agree.
// NaN equals NaN; infinities must match exactly; buffers of different sizes mismatch where the
// shorter one ends.
std::optional<Mismatch> compareBuffers(DType type, const std::vector<uint8_t> &a, const std::vector<uint8_t> &b,
                                       const Tolerance &tol);

}  // namespace xpile::exec
