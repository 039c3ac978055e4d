// Buffer extents: for each buffer a function (or a part of it) accesses, how many elements from
// the buffer's start are touched, as an expression over the function's scalar parameters. Loop
// bind needs this to size device buffers and copies for entries that receive bare host pointers.
//
// The analysis is an interval analysis of index expressions: an index is rewritten as a polynomial
// over loop variables, parameters and opaque terms (divisions, selects), after substituting the
// definitions of single-assignment locals (`const int P = (H - R) / stride + 1`) and resolving
// pointer offsets (`const float *xr = x + r * cols` makes `xr[c]` the element `r * cols + c` of
// `x`). Its maximum over the iteration space comes from monotonicity: a loop variable whose
// coefficients are all non-negative is replaced by its largest value, innermost loop first (an
// inner bound may mention an outer variable). Guards narrow ranges: after `if (x < 0 || x >= L)
// continue;`, and inside `if (y >= 0 && y < H)`, the variable lies in [0, L-1].
//
// Contract (the kernel-library convention of the corpus): integer scalar parameters are sizes and
// are non-negative. Where several accesses give different maxima and none is provably the largest
// (Z3, for every parameter value where the competing access executes), the count is their max.
#pragma once

#include "ast/module.h"

#include <set>
#include <string>
#include <vector>

namespace xpile::passes {

struct BufferUse {
  std::string name;           // the pointer parameter (or, when !isParam, the local/global pointer)
  bool isParam = true;
  ast::TypePtr elementType;   // the pointee type
  bool read = false, written = false;
  ast::ExprPtr count;         // accesses lie in [0, count); null when it cannot be determined
  // One unconditional store writes every element of [0, count) (a mixed-radix index over its
  // loops), so a device copy need not be initialised from the host.
  bool denselyWritten = false;
  std::string error;          // why count is null ("cannot determine how many elements of 'x' ...")
  ast::SourceLoc loc;         // the first access (or the one that could not be analysed)
};

// Every buffer accessed by `fn`, restricted to the statements in `regions` when given (loops
// to be outlined; the rest of the function still provides loop ranges and local definitions).
// Results come in order of first access.
//
// With the module, calls are followed: a pointer passed to a function of the module counts with
// the callee's own extents (its size parameters replaced by the arguments), a pointer passed to a
// detensorized x86 intrinsic helper with the intrinsic's memory footprint from the catalogue
// (backends/vnni/intrinsic_catalogue.h), narrowed by its mask when the mask is a prefix of lanes
// (`(1u << n) - 1`, a literal, `n >= 16 ? 0xFFFF : ...`, through locals, mask arrays filled in
// a loop and mask functions made of early returns), and const integer globals count as their values. Without
// it (or for calls it cannot follow) a pointer passed to a call cannot be sized.
std::vector<BufferUse> analyzeBufferExtents(const ast::Function &fn,
                                            const std::set<const ast::Stmt *> *regions = nullptr,
                                            const ast::Module *module = nullptr);

}  // namespace xpile::passes
