// The x86 target description: every AVX-512 / AVX-512 VNNI intrinsic xpile knows, with its exact
// semantics as scalar C. Each entry says what the intrinsic takes and returns and builds a plain C
// helper function (an ast::Function) whose body is the scalar loop the hardware performs, lane by
// lane, with the rounding, NaN, mask and memory rules of the instruction. Detensorize replaces the
// intrinsic calls of a program by calls to these helpers; tensorize emits the intrinsics whose
// helper it proved equal to the loop it replaces; tests compare each helper bit for bit with the
// real instruction on this CPU.
//
// The target description lives in backends/ (with the printers and executors of the dialect),
// not in passes/, because it describes the platform, not a transformation: the executors and the
// cost model are meant to read it too.
//
// Vector registers become unions of lane arrays, one per width (`xp_m512`, `xp_m256`, `xp_m128`):
// the x86 types differ only in how their bits are read (__m512 as 16 floats, __m512i as 16 int32 or
// 64 bytes, ...), so every type of one width maps to one union and the reinterpreting casts of the
// x86 headers (`(__v16sf)x`) disappear. Masks (__mmask8..64) are uint8_t..uint64_t, as in the
// headers.
#pragma once

#include "ast/module.h"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace xpile::backends::vnni {

// What an intrinsic takes or returns.
enum class Operand {
  None,                         // void result
  V128, V256, V512,             // a vector register of that many bits (any element type)
  Mask8, Mask16, Mask32, Mask64,
  F32, I32, I64,                // scalars
  Imm,                          // an integer immediate (rounding mode, predicate, shuffle control)
  ConstPtr, Ptr,                // memory operands (void const * / void *)
};

struct IntrinsicParam {
  std::string name;
  Operand kind = Operand::None;
  // Imm only: the values a test tries (every valid encoding, or a representative set).
  std::vector<int> immValues;
};

// The memory an intrinsic reads or writes, as data (buffer_extent sizes device buffers from it):
// lane i of `lanes` lanes touches bytes [i * laneBytes, (i + 1) * laneBytes) after the pointer
// operand, and when there is a mask operand only the lanes whose bit is set touch memory. A gather
// addresses lane i through an index vector instead (`indexParam`): its footprint depends on data.
struct MemoryFootprint {
  int pointerParam = -1;  // index into Intrinsic::params of the memory operand
  bool reads = false, writes = false;
  int laneBytes = 0;
  int lanes = 0;
  int maskParam = -1;   // index of the mask operand, or -1 when every lane is accessed
  int indexParam = -1;  // gathers: index of the vector of per-lane element indices
};

struct Intrinsic {
  std::string name;    // as the program calls it: "_mm512_add_ps"
  std::string helper;  // the C helper's name: "mm512_add_ps"
  Operand result = Operand::None;
  std::vector<IntrinsicParam> params;
  std::string semantics;  // one line: what the helper computes, order and rounding included
  // Element type and lane count of the result (or of the memory operand of a store), for tensorize
  // and the cost model: "f32" x 16, "i32" x 16, "u8" x 64, ...
  std::string element;
  int lanes = 0;
  // Pure function of its operands (no memory access): safe to duplicate or reorder.
  bool pure = true;
  // Set exactly for the intrinsics that access memory (pure == false).
  std::optional<MemoryFootprint> memory;
};

// Every intrinsic of the catalogue, in a fixed order.
const std::vector<Intrinsic> &intrinsics();

// The entry for `name`, or null when the catalogue does not know it.
const Intrinsic *findIntrinsic(const std::string &name);

// The entry whose C helper (what detensorize calls) is `helper` ("mm512_maskz_loadu_ps"), or null.
const Intrinsic *findIntrinsicByHelper(const std::string &helper);

// True for names the x86 headers reserve for intrinsics and their builtins (`_mm*`, `_mm512_*`,
// `__builtin_ia32_*`), whether or not the catalogue knows them.
bool isX86IntrinsicName(const std::string &name);

// The width in bits of an x86 vector type spelled `name` (__m512, __m512i, __m256i, __v16sf,
// __v16hi, ...), or 0 when it is not one. Masks are scalars in the AST and are not vector types.
int x86VectorBits(const std::string &name);

// The C spelling of the vector of that width ("xp_m512").
std::string cVectorTypeName(int bits);

// A call of a compiler builtin that the x86 headers' macros expand to (`_mm512_roundscale_ps(x, 8)`
// reaches the AST as `__builtin_ia32_rndscaleps_mask(x, 8, _mm512_undefined_ps(), -1, 4)`),
// rewritten back into the documented intrinsic it came from, with its arguments in that
// intrinsic's order. nullopt when `call` is not such a builtin or its form is not recognised.
struct Resugared {
  std::string name;
  std::vector<ast::ExprPtr> args;
};
std::optional<Resugared> resugarBuiltin(const ast::Call &call);

// The C definitions a set of helpers needs, in dependency order: the vector unions first (as
// top-level verbatim typedefs) and then one function per helper (each helper's own scalar helpers,
// such as the half-precision conversions, before it). `names` are intrinsic names.
struct HelperDefinitions {
  std::vector<ast::VerbatimDecl> typedefs;
  std::vector<ast::Function> functions;
  bool needsMath = false;  // the bodies call <math.h> functions (fmaf, rintf, ldexpf, ...)
};
HelperDefinitions helperDefinitions(const std::set<std::string> &names);

// The widths of vector types used by the helpers of `names` (for the typedefs).
std::set<int> helperVectorWidths(const std::set<std::string> &names);

// The C typedef of the vector union of `bits` bits.
std::string vectorTypedef(int bits);

// The AST type of an operand kind in the C form (xp_m512, uint16_t, const void *, ...).
ast::TypePtr operandType(Operand kind);

}  // namespace xpile::backends::vnni
