// AST matchers shared by the checks: "inside device code" (a __global__ or __device__ function),
// "a reference to threadIdx" (the prelude declares it as `extern const __device__ uint3 threadIdx`).
#pragma once

#include <clang/ASTMatchers/ASTMatchers.h>

namespace xpile::checks {

inline auto inDeviceCode() {
  using namespace clang::ast_matchers;
  return hasAncestor(functionDecl(anyOf(hasAttr(clang::attr::CUDAGlobal), hasAttr(clang::attr::CUDADevice))));
}

inline auto threadIndexReference() {
  using namespace clang::ast_matchers;
  return declRefExpr(to(varDecl(hasName("threadIdx"))));
}

// An expression computed from threadIdx: it mentions threadIdx, or a variable initialised from it.
inline auto derivedFromThreadIndex() {
  using namespace clang::ast_matchers;
  auto fromThreadIndex = anyOf(threadIndexReference(), hasDescendant(threadIndexReference()));
  auto variableFromThreadIndex = declRefExpr(to(varDecl(hasInitializer(expr(fromThreadIndex)))));
  return expr(anyOf(fromThreadIndex, variableFromThreadIndex, hasDescendant(variableFromThreadIndex)));
}

}  // namespace xpile::checks
