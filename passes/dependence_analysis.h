// Dependence analysis: may the iterations of a canonical loop run in any order, concurrently?
//
// A loop is parallel when
//   - every scalar it writes is private: declared inside the body (a reduction into such a scalar
//     stays sequential inside one iteration), never a variable declared outside;
//   - no two distinct iterations touch the same buffer element where one of them writes. Z3 decides
//     this: the body's accesses are written for two copies of the iteration (i1 != i2, inner loop
//     variables within their bounds, locals replaced by their definitions, values it cannot model
//     free), and a pair that can hit the same element is a dependence;
//   - the body has no break out of the loop, no return, no call that takes a pointer or has effects
//     the analysis cannot see (printf, malloc, atomics, runtime calls), and no verbatim code.
// Distinct pointer parameters are assumed not to alias: this is the kernel-library contract of the
// corpus (inputs `const T *`, outputs `T *`, separate tensors). Pointer locals are resolved to the
// parameter they offset (`yr = y + r * cols`). Loops marked For::independent (recovered grid and
// thread loops, OpenMP loops) are parallel by construction.
#pragma once

#include "ast/module.h"

#include <string>

namespace xpile::passes {

struct LoopDependence {
  bool parallel = false;
  bool byConstruction = false;  // For::independent: no analysis was needed
  std::string reason;           // why not parallel ("'acc' is declared outside the loop and written in it")
  ast::SourceLoc loc;           // the statement or access responsible
};

// `loop` must be a node of `fn`'s body (the analysis reads the definitions visible at it).
LoopDependence analyzeLoopDependence(const ast::Function &fn, const ast::For &loop);

}  // namespace xpile::passes
