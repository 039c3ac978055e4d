#include "passes/expansion.h"

#include "passes/loop_nest.h"

#include <algorithm>

namespace xpile::passes {

using namespace ast;
using namespace loops;

bool expandLoop(Module &m, const ExpansionOptions &o, PassContext &ctx) {
  const std::string pass = "expansion";
  ctx.params["loop"] = o.function.empty() ? o.loopVar : o.function + "/" + o.loopVar;
  auto ref = selectLoop(m, o.function, o.loopVar, ctx, pass);
  if (!ref) return false;
  const For &loop = *ref->node;
  auto r = rangeOf(loop, ctx, pass, false);
  if (!r) return false;
  std::vector<StmtPtr> stmts = bodyStmts(loop.body);

  std::vector<int> cuts = o.splitBefore;
  if (cuts.empty()) {
    // Cut wherever the statements so far declare nothing the rest uses.
    std::set<std::string> declared;
    for (size_t k = 0; k < stmts.size(); ++k) {
      if (k > 0) {
        Effects rest = effectsOf(std::vector<StmtPtr>(stmts.begin() + k, stmts.end()));
        bool uses = false;
        for (auto &d : declared) uses |= rest.reads.count(d) || rest.writes.count(d);
        if (!uses) cuts.push_back(static_cast<int>(k));
      }
      Effects fx = effectsOf(stmts[k]);
      declared.insert(fx.declared.begin(), fx.declared.end());
    }
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  ctx.params["split_before"] = cuts;
  if (cuts.empty()) {
    ctx.error(loop.loc, pass + ": the body of loop '" + loop.var + "' cannot be cut: " +
                            (stmts.size() < 2 ? "it has a single statement" : "every statement uses a local declared before it"));
    return false;
  }
  for (int c : cuts)
    if (c <= 0 || c >= static_cast<int>(stmts.size())) {
      ctx.error(loop.loc, pass + ": cut position " + std::to_string(c) + " is not between two of the " +
                              std::to_string(stmts.size()) + " statements of loop '" + loop.var + "'");
      return false;
    }
  std::vector<std::vector<StmtPtr>> parts;
  int prev = 0;
  for (int c : cuts) {
    parts.emplace_back(stmts.begin() + prev, stmts.begin() + c);
    prev = c;
  }
  parts.emplace_back(stmts.begin() + prev, stmts.end());

  std::vector<Effects> fx;
  std::set<std::string> variant;
  for (auto &p : parts) {
    fx.push_back(effectsOf(p));
    variant.insert(fx.back().writes.begin(), fx.back().writes.end());
    variant.insert(fx.back().declared.begin(), fx.back().declared.end());
  }
  auto roots = pointerRoots(*ref->function);
  for (size_t a = 0; a < parts.size(); ++a)
    for (size_t b = a + 1; b < parts.size(); ++b)
      if (!checkFuseOrFission(fx[a], fx[b], *r, false, variant, parts[b][0]->loc, ctx, pass, roots)) return false;

  std::vector<StmtPtr> loopsOut;
  for (auto &p : parts) {
    auto f = std::make_shared<For>(loop);
    bool needsBlock = p.size() > 1 || p[0]->kind == StmtKind::Decl || p[0]->kind == StmtKind::Alloc ||
                      loop.body->kind == StmtKind::Seq;
    if (needsBlock) {
      auto s = std::make_shared<Seq>();
      s->body = p;
      f->body = s;
    } else {
      f->body = p[0];
    }
    loopsOut.push_back(f);
  }
  replaceStmts(*ref->function, {{ref->loop.get(), loopsOut}});
  ctx.stats["loops_created"] = static_cast<int>(parts.size());
  return true;
}

}  // namespace xpile::passes
