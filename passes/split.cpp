#include "passes/split.h"

#include "passes/loop_nest.h"

namespace xpile::passes {

using namespace ast;
using namespace loops;

bool splitLoop(Module &m, const SplitOptions &o, PassContext &ctx) {
  const std::string pass = "split";
  std::string selector = o.function.empty() ? o.loopVar : o.function + "/" + o.loopVar;
  ctx.params["loop"] = selector;
  ctx.params["factor"] = o.factor;
  ctx.params["guard_tail"] = o.guardTail;
  auto ref = selectLoop(m, o.function, o.loopVar, ctx, pass);
  if (!ref) return false;
  const For &loop = *ref->node;
  if (o.factor < 2) {
    ctx.error(loop.loc, pass + ": split factor must be at least 2 (got " + std::to_string(o.factor) + ")");
    return false;
  }
  auto r = rangeOf(loop, ctx, pass, /*unitStep=*/true);
  if (!r) return false;

  const int64_t F = o.factor;
  ExprPtr trip = binary(BinaryOp::Sub, r->end, r->start);
  auto tripConst = constValue(trip);
  bool divides = tripConst && *tripConst % F == 0;
  bool guard = o.guardTail && !divides;
  bool remainder = !o.guardTail && !divides;

  std::string outer = freshName(*ref->function, loop.var + "_outer");
  std::string inner = freshName(*ref->function, loop.var + "_inner", {outer});
  TypePtr t = loop.varType;
  ExprPtr vo = var(outer, t), vi = var(inner, t);
  ExprPtr index = binary(BinaryOp::Add, binary(BinaryOp::Add, r->start, binary(BinaryOp::Mul, vo, intLit(F))), vi);
  // Whole tiles only for the remainder form, else tiles rounded up.
  ExprPtr tiles = remainder || divides ? binary(BinaryOp::Div, trip, intLit(F))
                                       : binary(BinaryOp::Div, binary(BinaryOp::Add, trip, intLit(F - 1)), intLit(F));
  ExprPtr guardExpr = guard ? binary(BinaryOp::LT, var(loop.var, t), r->end) : nullptr;

  // Validate the index mapping before touching the module: the tiles must cover exactly the
  // original range (or, with a remainder loop, exactly the part before the remainder).
  Range covered = *r;
  if (remainder) covered.end = binary(BinaryOp::Add, r->start, binary(BinaryOp::Mul, tiles, intLit(F)));
  std::vector<Range> box{{outer, intLit(0), tiles, intLit(1)}, {inner, intLit(0), intLit(F), intLit(1)}};
  ExprPtr rel = binary(BinaryOp::Sub, var(loop.var, t), r->start);
  std::vector<ExprPtr> inverse{binary(BinaryOp::Div, rel, intLit(F)), binary(BinaryOp::Mod, rel, intLit(F))};
  ExprPtr guardOnBox = guard ? binary(BinaryOp::LT, index, r->end) : nullptr;
  std::string why;
  if (!proveExactCover({covered}, box, guardOnBox, {index}, inverse, nullptr, &why)) {
    ctx.error(loop.loc, pass + ": could not prove the split index exact: " + why);
    return false;
  }

  std::vector<StmtPtr> innerBody{constDecl(loop.var, t, index)};
  if (guard) {
    auto g = std::make_shared<If>();
    g->cond = guardExpr;
    g->thenBody = loop.body;
    g->loc = loop.loc;
    innerBody.push_back(g);
  } else {
    for (auto &s : bodyStmts(loop.body)) innerBody.push_back(s);
  }
  auto innerLoop = std::make_shared<For>(*std::static_pointer_cast<const For>(
      makeFor(inner, t, intLit(0), intLit(F), intLit(1), block(innerBody), &loop)));
  innerLoop->independent = loop.independent;  // a subset of independent iterations stays independent
  if (loop.forKind == ForKind::Vectorized || loop.forKind == ForKind::Unrolled) {
    // SIMD lanes and unrolling belong to the elements of a tile, not to the tiles
    innerLoop->forKind = loop.forKind;
    innerLoop->unrollFactor = loop.unrollFactor;
  }
  auto outerFor = std::make_shared<For>(loop);  // keeps the loop's kind (parallel stays on the tiles)
  outerFor->var = outer;
  outerFor->start = intLit(0);
  outerFor->end = tiles;
  outerFor->step = intLit(1);
  outerFor->cmp = BinaryOp::LT;
  outerFor->body = innerLoop;
  if (loop.forKind == ForKind::Vectorized || loop.forKind == ForKind::Unrolled) {
    outerFor->forKind = ForKind::Serial;
    outerFor->unrollFactor = 0;
    outerFor->parallelClauses.clear();
  }
  std::vector<StmtPtr> replacement{outerFor};
  if (remainder) {
    auto rest = std::make_shared<For>(loop);
    rest->start = covered.end;
    rest->forKind = ForKind::Serial;
    rest->parallelClauses.clear();
    replacement.push_back(rest);
  }
  replaceStmts(*ref->function, {{ref->loop.get(), replacement}});

  ctx.stats["loops_split"] = 1;
  ctx.stats["guarded"] = guard;
  ctx.stats["remainder_loop"] = remainder;
  ctx.params["outer_var"] = outer;
  ctx.params["inner_var"] = inner;
  return true;
}

}  // namespace xpile::passes
