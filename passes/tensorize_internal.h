// Internal to the tensorize pass (tensorize.cpp, tensorize_dpbusd.cpp): the small AST builders
// both halves use, and the int8 dot-product rewrites that tensorize.cpp dispatches to.
#pragma once

#include "ast/stmt.h"

#include <functional>
#include <string>
#include <vector>

namespace xpile::passes::tensorize_detail {

// ---- Builders -------------------------------------------------------------------------------
ast::ExprPtr makeVar(const std::string &name, ast::TypePtr type);
ast::ExprPtr makeInt(int64_t value, const std::string &spelling = "");
ast::ExprPtr makeBin(ast::BinaryOp op, ast::ExprPtr a, ast::ExprPtr b, ast::TypePtr type = nullptr);
ast::ExprPtr makeCast(ast::TypePtr type, ast::ExprPtr operand);
// A call of a catalogue intrinsic, typed from its catalogue entry (__m512, __m512i, __mmask16, ...).
ast::ExprPtr intrinsic(const std::string &name, std::vector<ast::ExprPtr> args);
ast::StmtPtr makeDecl(const std::string &name, ast::TypePtr type, ast::ExprPtr init);
ast::StmtPtr makeEval(ast::ExprPtr value);
ast::StmtPtr makeSeq(std::vector<ast::StmtPtr> body);

// `const __mmask<lanes>` (a named unsigned scalar, as <immintrin.h> spells it).
ast::TypePtr maskType(int lanes);
// The lanes left from `i` to `end`, at most `cap` of them, as a `lanes`-bit mask:
// `(__mmask16)(end - i >= 16 ? 0xFFFF : (1u << (end - i)) - 1u)` (end > i).
ast::ExprPtr tailMask(const ast::ExprPtr &end, const std::string &i, const ast::TypePtr &iType, int cap, int lanes);

// The vector form of loop `original`: the same loop with step `step` and body `body`. With a
// `disjoint` condition (the buffers written and read do not overlap), the vector loop runs under it
// and the original loop otherwise.
ast::StmtPtr vectorLoop(const ast::For &original, int step, std::vector<ast::StmtPtr> body, const ast::ExprPtr &disjoint);

// ---- Expression queries -----------------------------------------------------------------------
bool mentions(const ast::ExprPtr &e, const std::string &name);
std::string typeName(const ast::TypePtr &t);  // for messages

// ---- Loop rewrites ------------------------------------------------------------------------------
// One loop rewritten into vector code, or why not.
struct LoopRewrite {
  ast::StmtPtr stmt;       // the replacement; null when the loop stays as it is
  bool candidate = false;  // the loop has the shape the rewrite looks for: a refusal is worth recording
  std::string why;         // the refusal
  std::string kind;        // what was vectorized ("int8 GEMM (dpbusd)")
};

// A name the function does not use yet, built from `base` (loops::freshName).
using FreshName = std::function<std::string(const std::string &)>;

// The int8 GEMM at its column loop j: `for j { int32_t acc = c; for k acc += (int32_t)A[..k] *
// (int32_t)B[..k..j]; C[..j] = acc; }` (or `for j for k C[..j] += ...`) with one operand u8 and the
// other s8 (tensorize_dpbusd.cpp).
LoopRewrite int8GemmAtColumnLoop(const ast::For &j, const FreshName &fresh);
// The int8 dot product at an innermost loop k: `acc += (int32_t)a[..k] * (int32_t)b[..k]`.
LoopRewrite int8DotProduct(const ast::For &k, const FreshName &fresh);

}  // namespace xpile::passes::tensorize_detail
