// Shared helpers of the loop and memory passes (split, fuse, reorder, expansion, contraction, cache,
// pipeline): finding a loop by selector, rebuilding statements by identity, building expressions,
// substituting variables, summarizing what a statement reads and writes, and asking Z3 whether two
// accesses of a loop nest can touch the same element in a given order of iterations.
#pragma once

#include "ast/module.h"
#include "passes/pass.h"

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace z3 {
class expr;
}

namespace xpile::passes::loops {

// ---- Selecting loops ---------------------------------------------------------------------------
//
// A loop is named by its function and a path of loop variables from the function body inwards:
// "i", "i/j", "r/c#2". Each component names a canonical `For` by its variable, searched in the
// statements below the previous component (not inside other loops); `var#n` picks the n-th such
// loop (0-based) when several siblings share the variable (softmax's three `c` loops). A path may
// also carry the function: "gemm_f32/i/j" with an empty function name.
struct LoopRef {
  ast::Function *function = nullptr;
  ast::StmtPtr loop;                    // the owning pointer of the For
  const ast::For *node = nullptr;       // loop.get() as a For
  std::vector<const ast::For *> outer;  // enclosing For loops, outermost first
};

std::optional<LoopRef> selectLoop(ast::Module &m, const std::string &function, const std::string &path,
                                  PassContext &ctx, const std::string &pass);

// The statements a For's body consists of (a scoped Seq is opened, anything else is one statement).
std::vector<ast::StmtPtr> bodyStmts(const ast::StmtPtr &body);

// The sequence that directly holds `target` in `f` and its position there, if any.
struct SeqSlot {
  const ast::Seq *seq = nullptr;
  size_t index = 0;
};
std::optional<SeqSlot> findSlot(const ast::Function &f, const ast::Stmt *target);

// Rebuilds `f` with each statement of the map replaced by its statements (spliced into the
// enclosing sequence; an empty vector deletes; wrapped in a block where a single statement is needed).
void replaceStmts(ast::Function &f, const std::map<const ast::Stmt *, std::vector<ast::StmtPtr>> &repl);

// ---- Building expressions ---------------------------------------------------------------------
ast::ExprPtr intLit(int64_t v);
ast::ExprPtr var(const std::string &name, ast::TypePtr type = nullptr);
// Folds the obvious identities (x + 0, x * 1, constant operands) so printed code stays readable.
ast::ExprPtr binary(ast::BinaryOp op, ast::ExprPtr a, ast::ExprPtr b);
ast::ExprPtr load(ast::ExprPtr base, std::vector<ast::ExprPtr> indices);
std::optional<int64_t> constValue(const ast::ExprPtr &e);  // integer literal arithmetic only
bool sameExpr(const ast::ExprPtr &a, const ast::ExprPtr &b);  // structural equality
ast::StmtPtr block(std::vector<ast::StmtPtr> body);             // scoped Seq (unwrapped when one stmt)
ast::StmtPtr makeFor(const std::string &v, ast::TypePtr type, ast::ExprPtr start, ast::ExprPtr end,
                     ast::ExprPtr step, ast::StmtPtr body, const ast::For *like = nullptr);
ast::StmtPtr constDecl(const std::string &name, ast::TypePtr type, ast::ExprPtr init);

// Replaces free uses of variables (not below a declaration of the same name).
ast::ExprPtr substitute(const ast::ExprPtr &e, const std::map<std::string, ast::ExprPtr> &map);
ast::StmtPtr substitute(const ast::StmtPtr &s, const std::map<std::string, ast::ExprPtr> &map);
// Folds `x + 0`, `0 + x`, `x * 1`, constant arithmetic, ... left behind by substitution.
ast::StmtPtr simplify(const ast::StmtPtr &s);
ast::ExprPtr simplify(const ast::ExprPtr &e);
// Rewrites every access `buffer[...]` with `fn(indices)` (the new expression for the access).
ast::StmtPtr rewriteAccesses(const ast::StmtPtr &s, const std::string &buffer,
                             const std::function<ast::ExprPtr(const std::vector<ast::ExprPtr> &)> &fn);

// A name not used anywhere in `f` (base, base_1, ...).
std::string freshName(const ast::Function &f, const std::string &base, const std::set<std::string> &taken = {});

// ---- Effects ----------------------------------------------------------------------------------
struct Access {
  std::string buffer;                  // the variable subscripted (a pointer or an array)
  std::vector<ast::ExprPtr> indices;   // outermost subscript first: t[i][j] -> {i, j}
  bool write = false;
  ast::SourceLoc loc;
};

struct Effects {
  std::set<std::string> reads, writes;  // scalars and pointers read / assigned (not subscripted)
  std::set<std::string> declared;       // names declared inside (locals, arrays, loop variables)
  std::vector<Access> accesses;         // subscripted reads and writes
  // Things the analysis cannot see through: user/builtin/atomic calls, verbatim code, address-of.
  std::vector<std::pair<ast::SourceLoc, std::string>> opaque;
  size_t intrinsicCalls = 0;  // how many of `opaque` are target intrinsic or warp calls
  // Control leaving the statement other than by falling through (break/continue not inside an inner
  // loop, return) and barriers.
  std::vector<ast::SourceLoc> exits, syncs;
  std::map<std::string, const ast::For *> innerLoops;  // loop variables declared inside
};
Effects effectsOf(const ast::StmtPtr &s);
Effects effectsOf(const std::vector<ast::StmtPtr> &ss);
std::set<std::string> varsIn(const ast::ExprPtr &e);

// Normalized range of a canonical loop: var in [start, end) by step (`<=` becomes end + 1).
struct Range {
  std::string var;
  ast::ExprPtr start, end, step;
};
// Fails (error in ctx) unless the loop is increasing by a positive step with bounds that the loop
// body does not modify.
std::optional<Range> rangeOf(const ast::For &f, PassContext &ctx, const std::string &pass, bool unitStep);

// ---- Dependences ------------------------------------------------------------------------------
//
// Asks whether access `a` executed at iteration vector I1 and access `b` at I2 of the loops `dims`
// can touch the same element while `order(I1, I2)` holds. Variables of `variant` (written inside
// the region) and inner loop variables are independent unknowns per access; everything else is a
// shared symbolic constant. Index terms Z3 cannot model (calls, loads, division by non-constants)
// become unknowns too, so the answer is conservative: false only when Z3 proves no conflict.
using OrderFn = std::function<z3::expr(const std::vector<z3::expr> &i1, const std::vector<z3::expr> &i2)>;
bool mayConflict(const Access &a, const Access &b, const std::vector<Range> &dims,
                 const std::set<std::string> &variant, const OrderFn &order, std::string *why = nullptr);

// Checks that two statement groups of one loop `r` may be separated (fission: all of `first`, then
// all of `second`) or brought together (fusion of two loops: first(i) then second(i) per
// iteration). Both are legal under the same condition: no instance of `first` at iteration i1
// conflicts with an instance of `second` at an earlier iteration i2 < i1, and no scalar declared
// outside flows between the groups. `fusion` only changes the wording and the check on locals
// (fission cannot split a local's declaration from its uses). Reports the reason in ctx.
// Distinct buffer names are taken to be distinct arrays (kernel arguments do not overlap), except
// names that `roots` maps to the same array (pointers derived from one another).
bool checkFuseOrFission(const Effects &first, const Effects &second, const Range &r, bool fusion,
                        const std::set<std::string> &variant, const ast::SourceLoc &loc, PassContext &ctx,
                        const std::string &pass, const std::map<std::string, std::string> &roots = {});

// Proves with Z3 that the loops `box` (outermost first; bounds may use outer loop variables), with
// `guard` (null: none), visit every point of the `original` loops exactly once through `index` (one
// expression of the box variables per original loop): every guarded point maps into the original
// ranges, no two guarded points map to the same point, and `inverse` (one expression of the
// original variables per box loop) maps each original point back to a guarded point that visits it.
// `assume` (null: none) is a condition under which the new loops run (an enclosing guard).
bool proveExactCover(const std::vector<Range> &original, const std::vector<Range> &box, const ast::ExprPtr &guard,
                     const std::vector<ast::ExprPtr> &index, const std::vector<ast::ExprPtr> &inverse,
                     const ast::ExprPtr &assume, std::string *why);

// ---- Fusion of two sibling loops (fuse and contraction) ---------------------------------------
//
// `first` and `second` are loops of one sequence, `first` before `second`, with the same range.
// Statements between them must not interact with `first` (they are hoisted above it). The second
// loop's variable is renamed to the first's. Legality as checkFuseOrFission.
struct FusionPlan {
  std::map<const ast::Stmt *, std::vector<ast::StmtPtr>> replacements;  // apply with replaceStmts
  std::shared_ptr<ast::For> fused;                                     // also in `replacements`
  std::vector<ast::StmtPtr> firstBody, secondBody;                     // bodies as fused (renamed)
  size_t hoisted = 0;
};
std::optional<FusionPlan> planFusion(const LoopRef &first, const LoopRef &second, PassContext &ctx,
                                     const std::string &pass);

// Roots of pointer variables declared from other pointers (`const float *xr = x + r * cols`), so
// two names for one array are seen as one buffer when checking aliasing.
std::map<std::string, std::string> pointerRoots(const ast::Function &f);

}  // namespace xpile::passes::loops
