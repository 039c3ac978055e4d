#include "passes/contraction.h"

#include "ast/visitor.h"
#include "passes/loop_nest.h"

namespace xpile::passes {

using namespace ast;
using namespace loops;

bool contractLoops(Module &m, const ContractionOptions &o, PassContext &ctx) {
  const std::string pass = "contraction";
  ctx.params["producer"] = o.producer;
  ctx.params["consumer"] = o.consumer;
  ctx.params["buffer"] = o.buffer;
  auto prod = selectLoop(m, o.function, o.producer, ctx, pass);
  if (!prod) return false;
  auto cons = selectLoop(m, o.function, o.consumer, ctx, pass);
  if (!cons) return false;
  Function &fn = *prod->function;

  // The temporary: a local array of this function, without initializer.
  struct FindAlloc : IRVisitor {
    std::string name;
    const Alloc *alloc = nullptr;
    int declarations = 0;
    void visitAlloc(const Alloc &a) override {
      if (a.name == name) {
        alloc = &a;
        ++declarations;
      }
    }
  } find;
  find.name = o.buffer;
  find.visit(fn);
  if (!find.alloc || find.declarations != 1) {
    ctx.error(fn.loc, pass + ": '" + o.buffer + "' is not a local array of '" + fn.name + "' (declared once)");
    return false;
  }
  const Alloc &tmp = *find.alloc;
  if (tmp.init || tmp.isStatic || tmp.isExtern ||
      (tmp.space != MemSpace::Local && tmp.space != MemSpace::Default)) {
    ctx.error(tmp.loc, pass + ": '" + o.buffer + "' is initialized, static, extern or not in local memory");
    return false;
  }
  auto whole = effectsOf(fn.body);
  auto inProd = effectsOf(prod->loop), inCons = effectsOf(cons->loop);
  auto count = [&](const Effects &fx) {
    size_t n = 0;
    for (auto &a : fx.accesses) n += a.buffer == o.buffer;
    return n;
  };
  size_t total = count(whole), used = count(inProd) + count(inCons);
  // Uses other than subscripts (passing the array to a call, taking a pointer) count in reads.
  bool otherUse = false;
  {
    struct Uses : IRVisitor {
      std::string name;
      int bare = 0, subscripted = 0;
      void visitLoad(const Load &l) override {
        const Expr *e = &l;
        while (auto *x = e->as<Load>()) e = x->base.get();
        if (auto *v = e->as<Var>(); v && v->name == name) {
          ++subscripted;
          const Expr *q = &l;
          while (auto *x = q->as<Load>()) {
            visit(x->index);
            q = x->base.get();
          }
          return;
        }
        IRVisitor::visitLoad(l);
      }
      void visitVar(const Var &v) override { bare += v.name == name; }
    } uses;
    uses.name = o.buffer;
    uses.visit(fn);
    otherUse = uses.bare > 0;
  }
  if (otherUse || total != used) {
    ctx.error(tmp.loc, pass + ": '" + o.buffer + "' is used outside the producer and consumer loops; it cannot shrink");
    return false;
  }

  auto plan = planFusion(*prod, *cons, ctx, pass);
  if (!plan) return false;

  // Every access must use one subscript, the producer's single top-level write.
  std::vector<ExprPtr> subscript;
  const AssignStmt *write = nullptr;
  for (auto &s : plan->firstBody)
    if (auto *a = s->as<AssignStmt>(); a && !a->op && a->target->as<Load>()) {
      auto fx = effectsOf(s);
      for (auto &acc : fx.accesses)
        if (acc.buffer == o.buffer && acc.write) {
          if (write) {
            ctx.error(s->loc, pass + ": the producer writes '" + o.buffer + "' more than once per iteration");
            return false;
          }
          write = a;
          subscript = acc.indices;
        }
    }
  if (!write) {
    ctx.error(prod->node->loc, pass + ": the producer does not write '" + o.buffer +
                                   "' unconditionally at the top of its body");
    return false;
  }
  Effects fp = effectsOf(plan->firstBody), fc = effectsOf(plan->secondBody);
  for (auto &acc : fp.accesses)
    if (acc.buffer == o.buffer && (!acc.write || acc.loc.line != write->loc.line || acc.indices.size() != subscript.size())) {
      ctx.error(acc.loc, pass + ": the producer reads '" + o.buffer + "' or writes it elsewhere");
      return false;
    }
  for (auto &acc : fc.accesses) {
    if (acc.buffer != o.buffer) continue;
    bool same = !acc.write && acc.indices.size() == subscript.size();
    for (size_t k = 0; same && k < subscript.size(); ++k) same = sameExpr(acc.indices[k], subscript[k]);
    if (!same) {
      ctx.error(acc.loc, pass + ": the consumer " + (acc.write ? "writes '" : "reads '") + o.buffer +
                             "' at a different element than the producer wrote in the same iteration");
      return false;
    }
  }
  // (A subscript that does not change with the loop carries a value across iterations; planFusion
  // has refused that as a backward dependence.)
  for (auto &d : fp.declared)
    if (fc.declared.count(d) || d == o.buffer) {
      ctx.error(prod->node->loc, pass + ": both loops declare '" + d + "'; rename one before contracting");
      return false;
    }

  // Rebuild the fused body: the write becomes the scalar's declaration, reads become the scalar.
  TypePtr elem = std::make_shared<Type>(tmp.type->innermostElement());
  ExprPtr scalar = var(o.buffer, elem);
  std::vector<StmtPtr> body;
  for (auto &s : plan->firstBody) {
    if (s.get() == static_cast<const Stmt *>(write)) {
      auto d = std::make_shared<Decl>();
      d->name = o.buffer;
      d->type = elem;
      d->init = write->value;
      d->loc = write->loc;
      body.push_back(d);
    } else {
      body.push_back(s);
    }
  }
  for (auto &s : plan->secondBody) body.push_back(rewriteAccesses(s, o.buffer, [&](const std::vector<ExprPtr> &) {
    return scalar;
  }));
  auto fused = std::make_shared<For>(*plan->fused);
  auto seq = std::make_shared<Seq>();
  seq->body = body;
  fused->body = seq;
  auto repl = plan->replacements;
  repl[prod->node].back() = fused;
  repl[&tmp] = {};
  replaceStmts(fn, repl);
  ctx.stats["loops_fused"] = 2;
  int64_t elements = 1;
  for (const Type *t = tmp.type.get(); t && t->kind == Type::Kind::Array; t = t->element.get())
    elements *= t->extent.value_or(1);
  ctx.stats["elements_saved"] = elements - 1;
  return true;
}

}  // namespace xpile::passes
