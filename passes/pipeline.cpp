#include "passes/pipeline.h"

#include "ast/visitor.h"
#include "passes/loop_nest.h"

#include <algorithm>

namespace xpile::passes {

using namespace ast;
using namespace loops;

bool pipelineLoop(Module &m, const PipelineLoopOptions &o, PassContext &ctx) {
  const std::string pass = "pipeline";
  ctx.params["loop"] = o.function.empty() ? o.loopVar : o.function + "/" + o.loopVar;
  ctx.params["buffers"] = o.buffers;
  ctx.params["depth"] = o.depth;
  auto ref = selectLoop(m, o.function, o.loopVar, ctx, pass);
  if (!ref) return false;
  Function &fn = *ref->function;
  const For &loop = *ref->node;
  if (o.depth != 2) {
    ctx.error(loop.loc, pass + ": only double buffering (depth 2) is implemented, not depth " + std::to_string(o.depth));
    return false;
  }
  if (o.buffers.empty()) {
    ctx.error(loop.loc, pass + ": name the staged tiles to double-buffer");
    return false;
  }
  bool gpu = m.dialect == Dialect::CUDA || m.dialect == Dialect::HIP;
  if (m.dialect == Dialect::BANG) {
    ctx.error(loop.loc, pass + ": BANG pipelines go through asynchronous __memcpy and __sync; not supported yet");
    return false;
  }
  auto r = rangeOf(loop, ctx, pass, false);
  if (!r) return false;

  // The tiles: arrays of this function declared outside the loop, used only inside it.
  struct Allocs : IRVisitor {
    std::map<std::string, std::vector<const Alloc *>> found;
    void visitAlloc(const Alloc &a) override { found[a.name].push_back(&a); }
  } allocs;
  allocs.visit(fn);
  std::set<std::string> tiles(o.buffers.begin(), o.buffers.end());
  Effects whole = effectsOf(fn.body), inLoop = effectsOf(loop.body);
  for (auto &t : o.buffers) {
    auto &a = allocs.found[t];
    if (a.size() != 1 || !a[0]->type || a[0]->type->kind != Type::Kind::Array || a[0]->isExtern || a[0]->init ||
        (gpu && a[0]->space != MemSpace::Shared) || inLoop.declared.count(t)) {
      ctx.error(loop.loc, pass + ": '" + t + "' is not a " + (gpu ? "__shared__" : "local") +
                              " array declared once before loop '" + loop.var + "'");
      return false;
    }
    size_t all = 0, inside = 0;
    for (auto &x : whole.accesses) all += x.buffer == t;
    for (auto &x : inLoop.accesses) inside += x.buffer == t;
    if (all != inside) {
      ctx.error(a[0]->loc, pass + ": '" + t + "' is used outside loop '" + loop.var + "'");
      return false;
    }
  }

  // Split the body into stage and compute parts.
  std::vector<StmtPtr> stmts = bodyStmts(loop.body);
  auto isBarrier = [](const StmtPtr &s) { return s->as<Sync>() && s->as<Sync>()->scope == SyncScope::Block; };
  size_t p = 0;
  std::vector<StmtPtr> stage, compute;
  int barriers = 0;
  if (gpu) {
    while (p < stmts.size() && !isBarrier(stmts[p])) ++p;
    if (p == 0 || p == stmts.size()) {
      ctx.error(loop.loc, pass + ": the body of loop '" + loop.var +
                              "' is not 'fill the tiles; __syncthreads(); compute' (run cache first)");
      return false;
    }
    stage.assign(stmts.begin(), stmts.begin() + p);
    compute.assign(stmts.begin() + p + 1, stmts.end());
    ++barriers;
    if (!compute.empty() && isBarrier(compute.back())) {
      compute.pop_back();
      ++barriers;
    }
  } else {
    while (p < stmts.size()) {
      Effects fx = effectsOf(stmts[p]);
      bool fills = false, other = !fx.opaque.empty() || !fx.exits.empty();
      for (auto &a : fx.accesses)
        if (a.write) (tiles.count(a.buffer) ? fills : other) = true;
      for (auto &w : fx.writes) other |= !fx.declared.count(w);
      if (!fills || other) break;
      ++p;
    }
    stage.assign(stmts.begin(), stmts.begin() + p);
    compute.assign(stmts.begin() + p, stmts.end());
    if (stage.empty()) {
      ctx.error(loop.loc, pass + ": loop '" + loop.var + "' does not start by filling the tiles (run cache first)");
      return false;
    }
  }
  Effects fs = effectsOf(stage), fc = effectsOf(compute);
  if (!fs.opaque.empty() || !fs.exits.empty() || !fs.syncs.empty()) {
    ctx.error(stage[0]->loc, pass + ": the tile fill has calls, exits or barriers the pass cannot move");
    return false;
  }
  bool fillsAll = true;
  for (auto &t : o.buffers) {
    bool filled = false;
    for (auto &a : fs.accesses) filled |= a.buffer == t && a.write;
    fillsAll &= filled;
  }
  if (!fillsAll) {
    ctx.error(stage[0]->loc, pass + ": not every named tile is filled before the compute part");
    return false;
  }
  for (auto &a : fs.accesses)
    if (a.write && !tiles.count(a.buffer)) {
      ctx.error(a.loc, pass + ": the tile fill also writes '" + a.buffer + "'");
      return false;
    }
  for (auto &w : fs.writes)
    if (!fs.declared.count(w)) {
      ctx.error(stage[0]->loc, pass + ": the tile fill writes '" + w + "', which lives across iterations");
      return false;
    }
  if (!fc.opaque.empty()) {
    // Intrinsics (matrix-core ops on registers) in the compute part are fine as long as nothing
    // they could write is read by the fill: the fill may then read only read-only (const) inputs.
    bool ok = fc.opaque.size() == fc.intrinsicCalls;
    for (auto &a : fs.accesses) {
      if (a.write || tiles.count(a.buffer) || fs.declared.count(a.buffer)) continue;
      bool constParam = false;
      for (auto &prm : fn.params)
        if (prm.name == a.buffer && prm.type && prm.type->kind == Type::Kind::Pointer && prm.type->element &&
            prm.type->element->isConst)
          constParam = true;
      ok &= constParam;
    }
    if (!ok) {
      ctx.error(fc.opaque[0].first, pass + ": the compute part has " + fc.opaque[0].second +
                                        ", which might change what the fill reads one iteration early");
      return false;
    }
  }
  if (!fc.exits.empty()) {
    ctx.error(fc.exits[0], pass + ": break/continue/return in the compute part");
    return false;
  }
  // The fill now runs one iteration ahead of the compute: it must not read what the compute writes.
  for (auto &w : fc.writes)
    if (!fc.declared.count(w) && fs.reads.count(w)) {
      ctx.error(stage[0]->loc, pass + ": the tile fill reads '" + w + "', which the compute part changes");
      return false;
    }
  for (auto &a : fc.accesses) {
    if (!a.write) continue;
    if (tiles.count(a.buffer)) {
      ctx.error(a.loc, pass + ": the compute part writes the tile '" + a.buffer + "'");
      return false;
    }
    for (auto &b : fs.accesses)
      if (b.buffer == a.buffer) {
        ctx.error(b.loc, pass + ": the tile fill reads '" + a.buffer + "', which the compute part writes");
        return false;
      }
  }

  // Rebuild.
  std::map<std::string, TypePtr> newTypes;
  std::map<const Stmt *, std::vector<StmtPtr>> repl;
  for (auto &t : o.buffers) {
    const Alloc *a = allocs.found[t][0];
    auto na = std::make_shared<Alloc>(*a);
    na->type = Type::arrayOf(a->type, o.depth);
    newTypes[t] = na->type;
    repl[a] = {na};
  }
  auto retarget = [&](std::vector<StmtPtr> ss, ExprPtr which, const std::map<std::string, ExprPtr> &subst) {
    for (auto &s : ss) {
      if (!subst.empty()) s = simplify(substitute(s, subst));
      for (auto &t : o.buffers)
        s = rewriteAccesses(s, t, [&](const std::vector<ExprPtr> &idx) {
          std::vector<ExprPtr> all{which};
          all.insert(all.end(), idx.begin(), idx.end());
          return load(var(t, newTypes[t]), all);
        });
    }
    return ss;
  };
  auto ifBlock = [](ExprPtr cond, std::vector<StmtPtr> body) {
    auto g = std::make_shared<If>();
    g->cond = cond;
    auto s = std::make_shared<Seq>();
    s->body = std::move(body);
    g->thenBody = s;
    return g;
  };
  auto barrier = [] {
    auto s = std::make_shared<Sync>();
    s->scope = SyncScope::Block;
    return s;
  };
  TypePtr vt = loop.varType;
  std::string stageVar = freshName(fn, "stage");
  ExprPtr cur = var(stageVar), next = binary(BinaryOp::Sub, intLit(1), var(stageVar));
  ExprPtr ahead = binary(BinaryOp::Add, var(loop.var, vt), r->step);

  std::vector<StmtPtr> before;
  before.push_back(ifBlock(binary(BinaryOp::LT, r->start, r->end), retarget(stage, intLit(0), {{loop.var, r->start}})));
  if (gpu) before.push_back(barrier());
  std::vector<StmtPtr> body;
  ExprPtr iteration = binary(BinaryOp::Div, binary(BinaryOp::Sub, var(loop.var, vt), r->start), r->step);
  body.push_back(constDecl(stageVar, nullptr, binary(BinaryOp::Mod, iteration, intLit(2))));
  body.push_back(ifBlock(binary(BinaryOp::LT, ahead, r->end), retarget(stage, next, {{loop.var, ahead}})));
  for (auto &s : retarget(compute, cur, {})) body.push_back(s);
  if (gpu) body.push_back(barrier());
  auto nl = std::make_shared<For>(loop);
  auto seq = std::make_shared<Seq>();
  seq->body = body;
  nl->body = seq;
  before.push_back(nl);
  repl[&loop] = before;
  replaceStmts(fn, repl);
  ctx.params["stage_var"] = stageVar;
  ctx.stats["tiles_double_buffered"] = static_cast<int>(o.buffers.size());
  ctx.stats["barriers_removed"] = gpu ? barriers - 1 : 0;
  return true;
}

}  // namespace xpile::passes
