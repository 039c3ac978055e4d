#include "passes/fuse.h"

#include "passes/loop_nest.h"

namespace xpile::passes {

using namespace ast;
using namespace loops;

namespace {

bool collapse(const LoopRef &ref, PassContext &ctx, const std::string &pass) {
  const For &outer = *ref.node;
  auto stmts = bodyStmts(outer.body);
  if (stmts.size() != 1 || stmts[0]->kind != StmtKind::For) {
    ctx.error(outer.loc, pass + ": collapse needs loop '" + outer.var + "' to hold exactly one loop (it has " +
                             std::to_string(stmts.size()) + " statements)");
    return false;
  }
  const For &inner = *stmts[0]->as<For>();
  auto ro = rangeOf(outer, ctx, pass, true), ri = rangeOf(inner, ctx, pass, true);
  if (!ro || !ri) return false;
  for (const ExprPtr &e : {ri->start, ri->end})
    if (varsIn(e).count(outer.var)) {
      ctx.error(inner.loc, pass + ": the bounds of loop '" + inner.var + "' depend on '" + outer.var +
                               "'; only rectangular nests collapse");
      return false;
    }
  std::string v = freshName(*ref.function, outer.var + "_" + inner.var);
  TypePtr t = outer.varType;
  ExprPtr tripI = binary(BinaryOp::Sub, ri->end, ri->start);
  ExprPtr trip = binary(BinaryOp::Mul, binary(BinaryOp::Sub, ro->end, ro->start), tripI);
  ExprPtr iv = binary(BinaryOp::Add, ro->start, binary(BinaryOp::Div, var(v, t), tripI));
  ExprPtr jv = binary(BinaryOp::Add, ri->start, binary(BinaryOp::Mod, var(v, t), tripI));
  // The new loop must visit each (i, j) pair exactly once. When both trip counts are negative
  // their product is positive, so unless Z3 shows that cannot happen the loop runs under a guard
  // that the outer range is not empty.
  std::vector<Range> original{*ro, *ri};
  std::vector<ExprPtr> inverse{binary(BinaryOp::Add,
                                      binary(BinaryOp::Mul, binary(BinaryOp::Sub, var(outer.var, t), ro->start), tripI),
                                      binary(BinaryOp::Sub, var(inner.var, inner.varType), ri->start))};
  std::vector<Range> box{{v, intLit(0), trip, intLit(1)}};
  ExprPtr nonEmpty = binary(BinaryOp::LT, ro->start, ro->end);
  std::string why;
  ExprPtr guard;
  if (!proveExactCover(original, box, nullptr, {iv, jv}, inverse, nullptr, &why)) {
    guard = nonEmpty;
    if (!proveExactCover(original, box, nullptr, {iv, jv}, inverse, guard, &why)) {
      ctx.error(outer.loc, pass + ": could not prove the collapsed index exact: " + why);
      return false;
    }
  }
  std::vector<StmtPtr> body{constDecl(outer.var, t, iv), constDecl(inner.var, inner.varType, jv)};
  for (auto &s : bodyStmts(inner.body)) body.push_back(s);
  auto f = std::make_shared<For>(outer);
  f->var = v;
  f->start = intLit(0);
  f->end = trip;
  f->step = intLit(1);
  f->cmp = BinaryOp::LT;
  f->body = block(body);
  f->independent = outer.independent && inner.independent;
  StmtPtr result = f;
  if (guard) {
    auto g = std::make_shared<If>();
    g->cond = guard;
    g->thenBody = f;
    g->loc = outer.loc;
    result = g;
  }
  replaceStmts(*ref.function, {{ref.loop.get(), {result}}});
  ctx.stats["guarded"] = guard != nullptr;
  ctx.params["collapse"] = true;
  ctx.params["fused_var"] = v;
  ctx.stats["loops_fused"] = 2;
  return true;
}

}  // namespace

bool fuseLoops(Module &m, const FuseOptions &o, PassContext &ctx) {
  const std::string pass = "fuse";
  ctx.params["loop"] = o.function.empty() ? o.loopVar : o.function + "/" + o.loopVar;
  auto first = selectLoop(m, o.function, o.loopVar, ctx, pass);
  if (!first) return false;
  if (o.secondLoop.empty()) return collapse(*first, ctx, pass);
  ctx.params["second"] = o.secondLoop;
  auto second = selectLoop(m, o.function, o.secondLoop, ctx, pass);
  if (!second) return false;
  if (second->function != first->function) {
    ctx.error(second->node->loc, pass + ": the loops are in different functions");
    return false;
  }
  auto plan = planFusion(*first, *second, ctx, pass);
  if (!plan) return false;
  replaceStmts(*first->function, plan->replacements);
  ctx.stats["loops_fused"] = 2;
  ctx.stats["statements_hoisted"] = plan->hoisted;
  return true;
}

}  // namespace xpile::passes
