#include "passes/reorder.h"

#include "passes/loop_nest.h"

#include <z3++.h>

#include <algorithm>

namespace xpile::passes {

using namespace ast;
using namespace loops;

namespace {

z3::expr lexLess(const std::vector<z3::expr> &a, const std::vector<z3::expr> &b) {
  z3::expr result = a[0].ctx().bool_val(false);
  for (size_t k = a.size(); k-- > 0;) result = a[k] < b[k] || (a[k] == b[k] && result);
  return result;
}

}  // namespace

bool reorderLoops(Module &m, const ReorderOptions &o, PassContext &ctx) {
  const std::string pass = "reorder";
  ctx.params["loop"] = o.function.empty() ? o.loopVar : o.function + "/" + o.loopVar;
  ctx.params["order"] = o.order;
  auto ref = selectLoop(m, o.function, o.loopVar, ctx, pass);
  if (!ref) return false;
  size_t depth = o.order.size();
  if (depth < 2) {
    ctx.error(ref->node->loc, pass + ": the new order must name at least two loops");
    return false;
  }
  // Walk down the nest: every level but the last must hold exactly the next loop.
  std::vector<const For *> nest{ref->node};
  while (nest.size() < depth) {
    auto stmts = bodyStmts(nest.back()->body);
    if (stmts.size() != 1 || stmts[0]->kind != StmtKind::For) {
      size_t loopsHere = 0;
      for (auto &s : stmts) loopsHere += s->kind == StmtKind::For;
      ctx.error(nest.back()->loc, pass + ": not a perfect nest: the body of loop '" + nest.back()->var + "' has " +
                                      std::to_string(stmts.size()) + " statements" +
                                      (loopsHere ? " besides the loop" : " and no loop") +
                                      "; only perfectly nested loops can be permuted");
      return false;
    }
    nest.push_back(stmts[0]->as<For>());
  }
  std::vector<std::string> vars;
  for (auto *f : nest) vars.push_back(f->var);
  std::vector<std::string> sortedOld = vars, sortedNew = o.order;
  std::sort(sortedOld.begin(), sortedOld.end());
  std::sort(sortedNew.begin(), sortedNew.end());
  if (sortedOld != sortedNew) {
    std::string have;
    for (auto &v : vars) have += (have.empty() ? "" : ", ") + v;
    ctx.error(ref->node->loc, pass + ": the new order must be a permutation of the nest's loops (" + have + ")");
    return false;
  }
  std::vector<Range> ranges;
  for (auto *f : nest) {
    auto r = rangeOf(*f, ctx, pass, false);
    if (!r) return false;
    for (const ExprPtr &e : {r->start, r->end, r->step})
      for (auto &v : varsIn(e))
        if (std::find(vars.begin(), vars.end(), v) != vars.end()) {
          ctx.error(f->loc, pass + ": the bounds of loop '" + f->var + "' depend on loop '" + v +
                                "' of the nest (not rectangular)");
          return false;
        }
    ranges.push_back(*r);
  }

  const StmtPtr &body = nest.back()->body;
  Effects fx = effectsOf(body);
  if (!fx.opaque.empty()) {
    ctx.error(fx.opaque[0].first, pass + ": cannot analyse " + fx.opaque[0].second + "; refusing to reorder");
    return false;
  }
  if (!fx.exits.empty() || !fx.syncs.empty()) {
    ctx.error(fx.exits.empty() ? fx.syncs[0] : fx.exits[0],
              pass + ": break/continue/return or a barrier in the nest's body; refusing to reorder");
    return false;
  }
  for (auto &w : fx.writes)
    if (!fx.declared.count(w)) {
      ctx.error(nest.back()->loc, pass + ": scalar '" + w + "' is updated across iterations of the nest; "
                                  "reordering would change the order of its updates");
      return false;
    }
  std::set<std::string> variant = fx.declared;
  variant.insert(fx.writes.begin(), fx.writes.end());
  std::vector<size_t> perm;  // new position k holds old loop perm[k]
  for (auto &v : o.order) perm.push_back(std::find(vars.begin(), vars.end(), v) - vars.begin());
  auto roots = pointerRoots(*ref->function);
  for (size_t x = 0; x < fx.accesses.size(); ++x)
    for (size_t y = 0; y < fx.accesses.size(); ++y) {
      const Access &a = fx.accesses[x], &b = fx.accesses[y];
      if (!a.write && !b.write) continue;
      auto root = [&](const std::string &n) { return roots.count(n) ? roots.at(n) : n; };
      if (a.buffer != b.buffer) {
        if (root(a.buffer) != root(b.buffer)) continue;
        ctx.error(a.loc, pass + ": '" + a.buffer + "' and '" + b.buffer + "' point into the same array; refusing to reorder");
        return false;
      }
      std::string why;
      auto flips = [&](const std::vector<z3::expr> &i1, const std::vector<z3::expr> &i2) {
        std::vector<z3::expr> n1, n2;
        for (size_t k : perm) {
          n1.push_back(i1[k]);
          n2.push_back(i2[k]);
        }
        return lexLess(i1, i2) && lexLess(n2, n1);
      };
      if (mayConflict(a, b, ranges, variant, flips, &why)) {
        ctx.error(a.loc, pass + ": a dependence would be reversed: " + why);
        return false;
      }
    }

  // Rebuild innermost first: each level takes the header of the loop now placed there.
  StmtPtr cur = body;
  for (size_t k = depth; k-- > 0;) {
    auto f = std::make_shared<For>(*nest[perm[k]]);
    f->body = cur;
    cur = f;
  }
  replaceStmts(*ref->function, {{ref->loop.get(), {cur}}});
  ctx.stats["loops_reordered"] = static_cast<int>(depth);
  return true;
}

}  // namespace xpile::passes
