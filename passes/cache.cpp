#include "passes/cache.h"

#include "ast/dump.h"
#include "ast/visitor.h"
#include "passes/loop_nest.h"

namespace xpile::passes {

using namespace ast;
using namespace loops;

namespace {

// One read of the cached buffer: its subscripts, the loops around it inside the cached loop
// (outermost first) and the conditions it is read under.
struct Read {
  std::vector<ExprPtr> indices;
  std::vector<const For *> loops;
  std::vector<ExprPtr> guards;
  SourceLoc loc;
};

struct ReadFinder {
  std::string buffer;
  std::vector<Read> reads;
  std::vector<const For *> loops;
  std::vector<ExprPtr> guards;
  int unknown = 0;  // inside a condition the copy cannot reproduce (else branch, && right side, while)
  std::vector<std::pair<SourceLoc, std::string>> problems;

  void expr(const ExprPtr &e) {
    if (!e) return;
    if (auto *l = e->as<Load>()) {
      std::vector<ExprPtr> idx;
      const Expr *cur = l;
      while (auto *x = cur->as<Load>()) {
        idx.insert(idx.begin(), x->index);
        cur = x->base.get();
      }
      if (auto *v = cur->as<Var>(); v && v->name == buffer) {
        if (unknown) problems.push_back({e->loc, "is read under a condition the tile load cannot reproduce"});
        reads.push_back({idx, loops, guards, e->loc});
        for (auto &i : idx) expr(i);
        return;
      }
      expr(l->base);
      expr(l->index);
      return;
    }
    if (auto *v = e->as<Var>(); v && v->name == buffer) {
      problems.push_back({e->loc, "is used other than by subscript"});
      return;
    }
    if (auto *s = e->as<Select>()) {
      expr(s->cond);
      guards.push_back(s->cond);
      expr(s->thenValue);
      guards.pop_back();
      ++unknown;
      expr(s->elseValue);
      --unknown;
      return;
    }
    if (auto *b = e->as<Binary>(); b && (b->op == BinaryOp::LAnd || b->op == BinaryOp::LOr)) {
      expr(b->lhs);
      ++unknown;
      expr(b->rhs);
      --unknown;
      return;
    }
    // Generic descent for the remaining expression kinds.
    switch (e->kind) {
    case ExprKind::Unary: expr(e->as<Unary>()->operand); break;
    case ExprKind::Binary: expr(e->as<Binary>()->lhs); expr(e->as<Binary>()->rhs); break;
    case ExprKind::Assign: expr(e->as<AssignExpr>()->target); expr(e->as<AssignExpr>()->value); break;
    case ExprKind::Member: expr(e->as<Member>()->base); break;
    case ExprKind::Call:
      for (auto &a : e->as<Call>()->args) expr(a);
      break;
    case ExprKind::Cast: expr(e->as<Cast>()->operand); break;
    case ExprKind::InitList:
      for (auto &a : e->as<InitList>()->elements) expr(a);
      break;
    default: break;
    }
  }

  void stmt(const StmtPtr &s) {
    if (!s) return;
    switch (s->kind) {
    case StmtKind::Seq:
      for (auto &c : s->as<Seq>()->body) stmt(c);
      break;
    case StmtKind::Decl: expr(s->as<Decl>()->init); break;
    case StmtKind::Alloc: expr(s->as<Alloc>()->init); break;
    case StmtKind::Assign: expr(s->as<AssignStmt>()->target); expr(s->as<AssignStmt>()->value); break;
    case StmtKind::Eval: expr(s->as<Eval>()->value); break;
    case StmtKind::If: {
      auto *i = s->as<If>();
      expr(i->cond);
      guards.push_back(i->cond);
      stmt(i->thenBody);
      guards.pop_back();
      ++unknown;
      stmt(i->elseBody);
      --unknown;
      break;
    }
    case StmtKind::For: {
      auto *f = s->as<For>();
      expr(f->start);
      expr(f->end);
      loops.push_back(f);
      stmt(f->body);
      loops.pop_back();
      break;
    }
    case StmtKind::Loop: {
      auto *l = s->as<Loop>();
      ++unknown;
      stmt(l->init);
      expr(l->cond);
      expr(l->update);
      stmt(l->body);
      --unknown;
      break;
    }
    case StmtKind::Switch:
      ++unknown;
      expr(s->as<Switch>()->value);
      for (auto &c : s->as<Switch>()->cases)
        for (auto &b : c.body) stmt(b);
      --unknown;
      break;
    case StmtKind::Return: expr(s->as<Return>()->value); break;
    default: break;
    }
  }
};

// threadIdx.d -> a variable (the copy's own coordinates).
class ThreadToVar : public IRMutator {
public:
  std::map<int, ExprPtr> vars;
  ExprPtr visitParallelIndex(const ParallelIndex &p, const ExprPtr &self) override {
    if (p.axis == ParallelAxis::ThreadIdx && vars.count(p.dim)) return vars.at(p.dim);
    return self;
  }
};

std::set<int> threadDims(const ExprPtr &e) {
  struct V : IRVisitor {
    std::set<int> dims;
    void visitParallelIndex(const ParallelIndex &p) override {
      if (p.axis == ParallelAxis::ThreadIdx) dims.insert(p.dim);
    }
  } v;
  v.visit(e);
  return v.dims;
}

ExprPtr parallelIndex(ParallelAxis a, int dim) {
  auto p = std::make_shared<ParallelIndex>();
  p->axis = a;
  p->dim = dim;
  p->type = Type::scalarOf(ScalarType::U32);
  return p;
}

struct Dim {
  bool thread = false;
  int tdim = 0;
  std::string var;  // loop variable (loops) or the copy's coordinate name (threads)
  ExprPtr start;    // inlined
  int64_t extent = 0;
};

}  // namespace

bool cacheBuffer(Module &m, const CacheOptions &o, PassContext &ctx) {
  const std::string pass = "cache";
  ctx.params["loop"] = o.function.empty() ? o.loopVar : o.function + "/" + o.loopVar;
  ctx.params["buffer"] = o.buffer;
  bool gpu = m.dialect == Dialect::CUDA || m.dialect == Dialect::HIP;
  ctx.params["scope"] = gpu ? "shared" : "local";
  if (gpu) ctx.params["block_dim"] = o.blockDim;
  auto ref = selectLoop(m, o.function, o.loopVar, ctx, pass);
  if (!ref) return false;
  Function &fn = *ref->function;
  const For &loop = *ref->node;
  if (m.dialect == Dialect::BANG) {
    ctx.error(loop.loc, pass + ": BANG on-chip staging goes through __memcpy into NRAM; not supported by this pass yet");
    return false;
  }
  if (gpu && fn.kind != FunctionKind::Kernel) {
    ctx.error(fn.loc, pass + ": shared-memory tiles are loaded by the whole block; '" + fn.name + "' is not a kernel");
    return false;
  }

  // Names that keep one value: locals initialized once and never assigned, constant globals.
  Effects all = effectsOf(fn.body);
  std::map<std::string, ExprPtr> stable;
  std::map<std::string, int> declCount;
  // (a name declared twice, or also as a loop variable or parameter, is not one value)
  struct Decls : IRVisitor {
    std::vector<const Decl *> decls;
    std::map<std::string, int> *count;
    void visitDecl(const Decl &d) override { decls.push_back(&d); IRVisitor::visitDecl(d); }
    void visitFor(const For &f) override { ++(*count)[f.var]; IRVisitor::visitFor(f); }
    void visitAlloc(const Alloc &a) override { ++(*count)[a.name]; IRVisitor::visitAlloc(a); }
  } decls;
  decls.count = &declCount;
  decls.visit(fn);
  for (auto &p : fn.params) ++declCount[p.name];
  for (auto *d : decls.decls) ++declCount[d->name];
  for (auto *d : decls.decls)
    if (d->init && declCount[d->name] == 1 && !all.writes.count(d->name) && d->type && d->type->isInteger()) {
      Effects init = effectsOf(std::make_shared<Eval>([&] { auto e = std::make_shared<Eval>(); e->value = d->init; return *e; }()));
      if (init.accesses.empty() && init.opaque.empty()) stable[d->name] = d->init;
    }
  for (auto &item : m.items)
    if (auto *g = std::get_if<GlobalVar>(&item))
      if ((g->isConstexpr || (g->type && g->type->isConst)) && constValue(g->init) && !all.declared.count(g->name))
        stable[g->name] = g->init;
  auto inl = [&](ExprPtr e) {
    for (int k = 0; k < 16 && e; ++k) {
      ExprPtr next = substitute(e, stable);
      if (next == e) break;
      e = next;
    }
    return e;
  };

  for (auto &a : all.accesses)
    if (a.buffer == o.buffer && a.write) {
      ctx.error(a.loc, pass + ": '" + o.buffer + "' is written in '" + fn.name + "'; a tile of it could go stale");
      return false;
    }
  Effects inLoop = effectsOf(loop.body);
  if (!inLoop.exits.empty()) {
    ctx.error(inLoop.exits[0], pass + ": break/continue/return in the loop may skip reads the tile load would make");
    return false;
  }
  ReadFinder finder;
  finder.buffer = o.buffer;
  finder.stmt(loop.body);
  if (!finder.problems.empty()) {
    ctx.error(finder.problems[0].first, pass + ": '" + o.buffer + "' " + finder.problems[0].second);
    return false;
  }
  if (finder.reads.empty()) {
    ctx.error(loop.loc, pass + ": '" + o.buffer + "' is not read inside loop '" + loop.var + "'");
    return false;
  }

  // The footprint: the loops and thread indices the (inlined) subscript uses.
  const Read &r0 = finder.reads[0];
  std::vector<ExprPtr> index;
  for (auto &i : r0.indices) index.push_back(inl(i));
  std::set<std::string> used;
  std::set<int> tdims;
  for (auto &i : index) {
    for (auto &v : varsIn(i)) used.insert(v);
    for (int d : threadDims(i)) tdims.insert(d);
  }
  std::vector<Dim> dims;
  std::set<std::string> taken;
  if (!tdims.empty() && !gpu) {
    ctx.error(r0.loc, pass + ": thread indices in a CPU program");
    return false;
  }
  for (auto it = tdims.rbegin(); it != tdims.rend(); ++it) {
    if (static_cast<int>(o.blockDim.size()) <= *it || o.blockDim[*it] <= 0) {
      ctx.error(r0.loc, pass + ": the subscript of '" + o.buffer + "' uses threadIdx." + "xyz"[*it] +
                            "; give the block size (blockDim option) so the tile's extent is known");
      return false;
    }
    std::string name = freshName(fn, std::string("t") + "xyz"[*it], taken);
    taken.insert(name);
    dims.push_back({true, *it, name, intLit(0), o.blockDim[*it]});
  }
  for (auto *l : r0.loops) {
    if (!used.count(l->var)) continue;
    auto range = rangeOf(*l, ctx, pass, true);
    if (!range) return false;
    ExprPtr s = inl(range->start), e = inl(range->end);
    std::optional<int64_t> extent = constValue(binary(BinaryOp::Sub, e, s));
    if (auto *b = e->as<Binary>(); !extent && b && b->op == BinaryOp::Add && sameExpr(b->lhs, s))
      extent = constValue(b->rhs);
    if (!extent || *extent <= 0) {
      ctx.error(l->loc, pass + ": the tile spans loop '" + l->var + "', whose trip count '" + dumpExpr(e) + " - " +
                            dumpExpr(s) + "' is not a positive constant; split the loop first");
      return false;
    }
    dims.push_back({false, 0, l->var, s, *extent});
  }
  std::vector<ExprPtr> guards;
  for (auto &g : r0.guards) guards.push_back(inl(g));

  // Everything the copy evaluates must be available at the top of the loop body.
  std::set<std::string> allowed{loop.var};
  for (auto *f : ref->outer) allowed.insert(f->var);
  for (auto &d : dims) allowed.insert(d.var);
  std::set<int> tallowed;
  for (auto &d : dims)
    if (d.thread) tallowed.insert(d.tdim);
  auto check = [&](const ExprPtr &e, const char *what) {
    for (auto &v : varsIn(e))
      if (all.declared.count(v) && !allowed.count(v)) {
        ctx.error(r0.loc, pass + ": the " + what + " of '" + o.buffer + "' uses '" + v +
                              "', which is not known at the top of loop '" + loop.var + "'");
        return false;
      }
    for (int d : threadDims(e))
      if (!tallowed.count(d)) {
        ctx.error(r0.loc, pass + ": the " + what + " of '" + o.buffer + "' uses threadIdx." + "xyz"[d] +
                              ", which the tile does not span");
        return false;
      }
    return true;
  };
  for (auto &i : index)
    if (!check(i, "subscript")) return false;
  for (auto &g : guards)
    if (!check(g, "guard")) return false;
  for (auto &d : dims)
    for (auto &v : varsIn(d.start))
      for (auto &d2 : dims)
        if (v == d2.var) {
          ctx.error(r0.loc, pass + ": the tile's loops are not rectangular ('" + d.var + "' starts at '" + v + "')");
          return false;
        }

  // Every read must be the same element function under the same guards.
  for (auto &r : finder.reads) {
    bool same = r.indices.size() == index.size() && r.guards.size() == guards.size();
    for (size_t k = 0; same && k < index.size(); ++k) same = sameExpr(inl(r.indices[k]), index[k]);
    for (size_t k = 0; same && k < guards.size(); ++k) same = sameExpr(inl(r.guards[k]), guards[k]);
    for (auto &d : dims) {
      if (d.thread || !same) continue;
      const For *l = nullptr;
      for (auto *x : r.loops)
        if (x->var == d.var) l = x;
      same = l && sameExpr(inl(l->start), d.start);
    }
    if (!same) {
      ctx.error(r.loc, pass + ": '" + o.buffer + "' is read with different subscripts or guards (line " +
                           std::to_string(r0.loc.line) + " and " + std::to_string(r.loc.line) +
                           "); cache one access pattern at a time");
      return false;
    }
  }
  if (gpu) {
    // Barriers inside the loop need every thread of the block to run the same iterations.
    for (const ExprPtr &e : {loop.start, loop.end, loop.step})
      if (!threadDims(inl(e)).empty()) {
        ctx.error(loop.loc, pass + ": the bounds of loop '" + loop.var + "' depend on the thread; a barrier in it would deadlock");
        return false;
      }
    for (auto *f : ref->outer)
      for (const ExprPtr &e : {f->start, f->end})
        if (!threadDims(inl(e)).empty()) {
          ctx.error(f->loc, pass + ": loop '" + loop.var + "' runs inside a loop whose bounds depend on the thread");
          return false;
        }
    struct Enclosing : IRVisitor {
      const Stmt *target;
      std::vector<ExprPtr> conds, path;
      bool found = false, returns = false;
      void visitIf(const If &i) override {
        if (found) return;
        path.push_back(i.cond);
        IRVisitor::visitIf(i);
        if (!found) path.pop_back();
      }
      void visitFor(const For &f) override {
        if (&f == target) found = true;
        if (!found) IRVisitor::visitFor(f);
      }
      void visitReturn(const Return &) override { returns |= !found; }
    } enc;
    enc.target = &loop;
    enc.visit(fn);
    for (auto &c : enc.path)
      if (!threadDims(inl(c)).empty()) {
        ctx.error(loop.loc, pass + ": loop '" + loop.var + "' runs under a condition that depends on the thread ('" +
                                dumpExpr(c) + "'); a barrier there would deadlock");
        return false;
      }
    if (enc.returns) {
      ctx.error(loop.loc, pass + ": a return before loop '" + loop.var + "' may leave threads out of the barrier");
      return false;
    }
  }

  // The tile.
  TypePtr elemType;
  for (auto &p : fn.params)
    if (p.name == o.buffer && p.type && (p.type->kind == Type::Kind::Pointer || p.type->kind == Type::Kind::Array))
      elemType = p.type->element;
  if (!elemType)
    for (auto &item : m.items)
      if (auto *g = std::get_if<GlobalVar>(&item); g && g->name == o.buffer && g->type && g->type->element)
        elemType = g->type->element;
  if (!elemType) {
    ctx.error(r0.loc, pass + ": '" + o.buffer + "' is not a pointer or array parameter (or global) of '" + fn.name + "'");
    return false;
  }
  if (index.size() != 1 || elemType->kind != Type::Kind::Scalar) {
    ctx.error(r0.loc, pass + ": only one-dimensional buffers of scalars are cached");
    return false;
  }
  auto elem = std::make_shared<Type>(*elemType);
  elem->isConst = false;
  TypePtr tileType = elem;
  std::vector<int64_t> extents;
  for (auto it = dims.rbegin(); it != dims.rend(); ++it) tileType = Type::arrayOf(tileType, it->extent);
  for (auto &d : dims) extents.push_back(d.extent);
  std::string tile = freshName(fn, o.tileName.empty() ? o.buffer + "_tile" : o.tileName, taken);
  taken.insert(tile);
  auto alloc = std::make_shared<Alloc>();
  alloc->name = tile;
  alloc->type = tileType;
  alloc->space = gpu ? MemSpace::Shared : MemSpace::Local;
  alloc->loc = loop.loc;
  ExprPtr tileVar = var(tile, tileType);

  // Reads become tile reads: the thread's own index, the loop variable relative to its start.
  std::vector<ExprPtr> readIdx;
  for (auto &d : dims)
    readIdx.push_back(d.thread ? parallelIndex(ParallelAxis::ThreadIdx, d.tdim)
                               : binary(BinaryOp::Sub, var(d.var), d.start));
  StmtPtr compute = rewriteAccesses(loop.body, o.buffer, [&](const std::vector<ExprPtr> &) { return load(tileVar, readIdx); });

  // The copy: element (d1, ..., dn) of the tile holds buffer[index] at that point, where guarded.
  std::vector<ExprPtr> copyIdx;
  for (auto &d : dims) copyIdx.push_back(d.thread ? var(d.var) : binary(BinaryOp::Sub, var(d.var), d.start));
  ThreadToVar toVar;
  for (auto &d : dims)
    if (d.thread) toVar.vars[d.tdim] = var(d.var);
  ExprPtr src = load(var(o.buffer), {toVar.mutate(index[0])});
  auto assign = std::make_shared<AssignStmt>();
  assign->target = load(tileVar, copyIdx);
  assign->value = src;
  StmtPtr copyBody = assign;
  if (!guards.empty()) {
    ExprPtr cond = toVar.mutate(guards[0]);
    for (size_t k = 1; k < guards.size(); ++k) cond = binary(BinaryOp::LAnd, cond, toVar.mutate(guards[k]));
    auto g = std::make_shared<If>();
    g->cond = cond;
    g->thenBody = assign;
    copyBody = g;
  }
  std::vector<StmtPtr> body;
  if (!gpu) {
    StmtPtr cur = copyBody;
    for (auto it = dims.rbegin(); it != dims.rend(); ++it)
      cur = makeFor(it->var, nullptr, it->start, binary(BinaryOp::Add, it->start, intLit(it->extent)), intLit(1), cur);
    body.push_back(cur);
  } else {
    // Element e of the tile is loaded by thread e mod (threads in the block), consecutive threads
    // on consecutive elements.
    int64_t total = 1;
    for (auto &d : dims) total *= d.extent;
    ExprPtr tid = parallelIndex(ParallelAxis::ThreadIdx, 0), nthreads = parallelIndex(ParallelAxis::BlockDim, 0);
    for (int d = 1; d < static_cast<int>(o.blockDim.size()); ++d) {
      tid = binary(BinaryOp::Add, tid, binary(BinaryOp::Mul, parallelIndex(ParallelAxis::ThreadIdx, d), nthreads));
      nthreads = binary(BinaryOp::Mul, nthreads, parallelIndex(ParallelAxis::BlockDim, d));
    }
    tid = [&] { auto c = std::make_shared<Cast>(); c->operand = tid; c->type = Type::scalarOf(ScalarType::I32); return ExprPtr(c); }();
    std::string e = freshName(fn, "e", taken);
    std::vector<StmtPtr> inner;
    int64_t below = total;
    for (auto &d : dims) {
      below /= d.extent;
      ExprPtr coord = binary(BinaryOp::Div, var(e), intLit(below));
      if (below * d.extent != total) coord = binary(BinaryOp::Mod, coord, intLit(d.extent));
      inner.push_back(constDecl(d.var, nullptr, binary(BinaryOp::Add, d.start, coord)));
    }
    inner.push_back(copyBody);
    auto f = std::make_shared<For>();
    f->var = e;
    f->varType = Type::scalarOf(ScalarType::I32);
    f->start = tid;
    f->end = intLit(total);
    f->step = nthreads;
    f->body = block(inner);
    body.push_back(f);
    auto sync = std::make_shared<Sync>();
    sync->scope = SyncScope::Block;
    body.push_back(sync);
  }
  std::vector<StmtPtr> rest = bodyStmts(compute);
  // A loop already shaped `fill shared tiles; barrier; compute; barrier` (an earlier cache) takes
  // this fill next to the others, under the same barriers.
  auto isBarrier = [](const StmtPtr &s) { return s->as<Sync>() && s->as<Sync>()->scope == SyncScope::Block; };
  size_t fillEnd = 0;
  if (gpu && !rest.empty() && isBarrier(rest.back())) {
    while (fillEnd < rest.size() && !isBarrier(rest[fillEnd])) ++fillEnd;
    bool onlyShared = fillEnd > 0 && fillEnd + 1 < rest.size();
    Effects fill = effectsOf(std::vector<StmtPtr>(rest.begin(), rest.begin() + fillEnd));
    std::set<std::string> shared;
    struct Shared : IRVisitor {
      std::set<std::string> *names;
      void visitAlloc(const Alloc &a) override {
        if (a.space == MemSpace::Shared) names->insert(a.name);
      }
    } sh;
    sh.names = &shared;
    sh.visit(fn);
    for (auto &a : fill.accesses) onlyShared &= !a.write || shared.count(a.buffer);
    for (auto &w : fill.writes) onlyShared &= fill.declared.count(w) > 0;
    onlyShared &= fill.opaque.empty() && fill.syncs.empty();
    if (!onlyShared) fillEnd = 0;
  }
  if (fillEnd > 0) {
    body.pop_back();  // the existing barrier serves
    std::vector<StmtPtr> merged(rest.begin(), rest.begin() + fillEnd);
    merged.insert(merged.end(), body.begin(), body.end());
    merged.insert(merged.end(), rest.begin() + fillEnd, rest.end());
    body = merged;
  } else {
    for (auto &s : rest) body.push_back(s);
    if (gpu) {
      auto sync = std::make_shared<Sync>();
      sync->scope = SyncScope::Block;
      body.push_back(sync);  // nobody refills the tile while others still read it
    }
  }
  auto newLoop = std::make_shared<For>(loop);
  auto seq = std::make_shared<Seq>();
  seq->body = body;
  newLoop->body = seq;
  replaceStmts(fn, {{ref->loop.get(), {alloc, newLoop}}});

  ctx.params["tile"] = extents;
  ctx.params["tile_name"] = tile;
  ctx.stats["reads_cached"] = static_cast<int>(finder.reads.size());
  int64_t elements = 1;
  for (auto x : extents) elements *= x;
  ctx.stats["tile_bytes"] = elements * scalarTypeBytes(elem->scalar);
  return true;
}

}  // namespace xpile::passes
