// Types of the shared AST. One small value-semantics model covers every dialect: scalars (including
// half and bfloat16), short vectors (float4, half2), pointers with the memory space they point into,
// fixed-size arrays, references, and named types that the model carries by spelling (dim3,
// cudaStream_t, __m512i, wmma fragments, user structs).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace xpile::ast {

enum class ScalarType {
  Void, Bool, Char, I8, U8, I16, U16, I32, U32, I64, U64, F16, BF16, F32, F64,
};

// Where a variable or buffer lives. Default means "the dialect's natural place" (registers for
// locals, host memory for host code).
enum class MemSpace {
  Default,
  Global,    // CUDA/HIP __device__ globals, BANG __mlu_device__ (GDRAM)
  Shared,    // CUDA/HIP __shared__
  Constant,  // CUDA/HIP __constant__, BANG __mlu_const__
  Local,     // per-thread arrays
  NRAM,      // BANG __nram__
  WRAM,      // BANG __wram__
  SRAM,      // BANG __mlu_shared__
  LDRAM,     // BANG __ldram__
};

struct Type;
using TypePtr = std::shared_ptr<const Type>;

struct Type {
  enum class Kind { Scalar, Vector, Pointer, Reference, Array, Named };

  Kind kind = Kind::Scalar;
  ScalarType scalar = ScalarType::Void;  // Scalar, and the lane type of Vector
  int lanes = 0;                         // Vector: number of lanes (float4 -> 4)
  TypePtr element;                       // Pointer / Reference / Array: what it points at or holds
  std::optional<int64_t> extent;         // Array: number of elements; empty for `T x[]`
  // Named: the type as spelled in the source dialect. Scalar: an optional portable spelling the
  // program used (a standard typedef such as "size_t", "uint8_t", "int64_t"); printers prefer it.
  std::string name;
  bool isConst = false;
  bool isVolatile = false;
  bool isRestrict = false;

  static TypePtr scalarOf(ScalarType s, bool isConst = false);
  static TypePtr vectorOf(ScalarType s, int lanes);
  static TypePtr pointerTo(TypePtr pointee, bool isConst = false, bool isRestrict = false);
  static TypePtr referenceTo(TypePtr referee);
  static TypePtr arrayOf(TypePtr element, std::optional<int64_t> extent);
  static TypePtr named(std::string spelling, bool isConst = false);

  bool isScalar() const { return kind == Kind::Scalar; }
  bool isFloat() const;
  bool isInteger() const;
  // The innermost element type of nested arrays (float[4][8] -> float).
  const Type &innermostElement() const;
};

bool operator==(const Type &a, const Type &b);
inline bool operator!=(const Type &a, const Type &b) { return !(a == b); }

// Short stable names used by dumps and the JSON form: "f32", "bf16", "u8", ...
const char *scalarTypeName(ScalarType s);
std::optional<ScalarType> scalarTypeFromName(const std::string &name);
int scalarTypeBytes(ScalarType s);
const char *memSpaceName(MemSpace m);

// A readable, dialect-neutral spelling: "f32*", "const f16[128]", "float4", "named(cudaStream_t)".
std::string describe(const Type &t);

}  // namespace xpile::ast
