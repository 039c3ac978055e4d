#include "passes/loop_bind.h"

#include "ast/dump.h"
#include "ast/visitor.h"
#include "passes/bind_builders.h"
#include "passes/buffer_extent.h"
#include "passes/dependence_analysis.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace xpile::passes {
namespace {

using namespace ast;
namespace b = build;

std::vector<StmtPtr> flatten(const StmtPtr &s) {
  std::vector<StmtPtr> out;
  if (!s) return out;
  if (auto *q = s->as<Seq>()) {
    for (auto &c : q->body) {
      auto sub = flatten(c);
      if (c->as<Seq>() && c->as<Seq>()->scoped && sub.size() != 1) {
        out.push_back(c);
        continue;
      }
      out.insert(out.end(), sub.begin(), sub.end());
    }
    return out;
  }
  out.push_back(s);
  return out;
}

// Constants printed by name (C lowering's enumerators: `K` for 128) printed by value instead: an
// enumerator local to the host function is not in scope in a kernel outlined from it.
StmtPtr valuesOfNamedConstants(const StmtPtr &s) {
  struct M : IRMutator {
    ExprPtr visitIntLit(const IntLit &n, const ExprPtr &self) override {
      if (n.spelling.empty() || !(std::isalpha(static_cast<unsigned char>(n.spelling[0])) || n.spelling[0] == '_'))
        return self;
      auto lit = std::make_shared<IntLit>(n);
      lit->spelling.clear();
      return lit;
    }
  } m;
  return m.mutate(s);
}

bool containsParallelFor(const StmtPtr &s) {
  struct V : IRVisitor {
    bool found = false;
    void visitFor(const For &f) override {
      found |= f.forKind == ForKind::Parallel;
      IRVisitor::visitFor(f);
    }
  } v;
  v.visit(s);
  return v.found;
}

std::set<std::string> varsIn(const ExprPtr &e) {
  struct V : IRVisitor {
    std::set<std::string> out;
    void visitVar(const Var &n) override { out.insert(n.name); }
  } v;
  v.visit(e);
  return v.out;
}

bool isPtr(const TypePtr &t) { return t && t->kind == Type::Kind::Pointer; }

bool callsReturningPointers(const ExprPtr &e) {
  struct V : IRVisitor {
    bool found = false;
    void visitCall(const Call &c) override {
      found |= isPtr(c.type);
      IRVisitor::visitCall(c);
    }
  } v;
  v.visit(e);
  return v.found;
}

// The bytes of a host allocation `(T *)malloc(n)`, `aligned_alloc(a, n)` or `calloc(k, n)`, when
// they can be evaluated again without side effects; null otherwise.
ExprPtr allocatedBytes(const ExprPtr &init) {
  const Expr *e = init.get();
  while (e && e->as<Cast>()) e = e->as<Cast>()->operand.get();
  auto *c = e ? e->as<Call>() : nullptr;
  if (!c || c->callKind == CallKind::User) return nullptr;
  ExprPtr bytes;
  if (c->callee == "malloc" && c->args.size() == 1) bytes = c->args[0];
  else if (c->callee == "aligned_alloc" && c->args.size() == 2) bytes = c->args[1];
  else if (c->callee == "calloc" && c->args.size() == 2) bytes = b::binary(BinaryOp::Mul, c->args[0], c->args[1]);
  if (!bytes) return nullptr;
  struct V : IRVisitor {
    bool effects = false;
    void visitCall(const Call &) override { effects = true; }
    void visitAssignExpr(const AssignExpr &) override { effects = true; }
    void visitUnary(const Unary &u) override {
      effects |= u.op == UnaryOp::PreInc || u.op == UnaryOp::PreDec || u.op == UnaryOp::PostInc ||
                 u.op == UnaryOp::PostDec;
      IRVisitor::visitUnary(u);
    }
  } v;
  v.visit(bytes);
  return v.effects ? nullptr : bytes;
}

TypePtr unqualified(const TypePtr &t) {
  if (!t || !t->isConst) return t;
  auto u = std::make_shared<Type>(*t);
  u->isConst = false;
  return u;
}

// ---------------------------------------------------------------------------------------------
// OpenMP

class OmpBinder {
public:
  OmpBinder(const Function &fn, const LoopBindOptions &o, PassContext &ctx) : fn_(fn), o_(o), ctx_(ctx) {}
  int bound = 0, sequential = 0;

  StmtPtr rebuild(const StmtPtr &s) {
    if (!s) return s;
    switch (s->kind) {
    case StmtKind::Seq: {
      auto n = std::make_shared<Seq>(*s->as<Seq>());
      for (auto &c : n->body) c = rebuild(c);
      return n;
    }
    case StmtKind::If: {
      auto n = std::make_shared<If>(*s->as<If>());
      n->thenBody = rebuild(n->thenBody);
      n->elseBody = rebuild(n->elseBody);
      return n;
    }
    case StmtKind::For: {
      auto &f = *s->as<For>();
      if (f.forKind == ForKind::Parallel) return s;  // already a parallel region
      if (f.forKind == ForKind::Serial && !containsParallelFor(f.body)) {
        LoopDependence d = analyzeLoopDependence(fn_, f);
        if (d.parallel) {
          auto n = std::make_shared<For>(f);
          n->forKind = ForKind::Parallel;
          if (!o_.ompSchedule.empty()) n->parallelClauses = "schedule(" + o_.ompSchedule + ")";
          ++bound;
          return n;
        }
        ctx_.note(d.loc.valid() ? d.loc : f.loc, "loop over '" + f.var + "' stays sequential: " + d.reason);
      }
      ++sequential;
      auto n = std::make_shared<For>(f);
      n->body = rebuild(n->body);
      return n;
    }
    case StmtKind::Loop: {
      auto n = std::make_shared<Loop>(*s->as<Loop>());
      n->body = rebuild(n->body);
      return n;
    }
    default: return s;
    }
  }

private:
  const Function &fn_;
  const LoopBindOptions &o_;
  PassContext &ctx_;
};

// ---------------------------------------------------------------------------------------------
// GPU

struct Nest {
  const For *outer = nullptr;            // the outermost loop of the nest (the statement replaced)
  std::vector<const For *> band;         // perfectly nested parallel loops, outermost first
  std::vector<std::vector<StmtPtr>> pre; // declarations between band[i] and band[i + 1]
  size_t firstBound = 0;                 // band[firstBound..] are bound to grid axes
  std::string kernelName;
};

class GpuBinder {
public:
  GpuBinder(Module &m, const Function &fn, const LoopBindOptions &o, PassContext &ctx)
      : module_(m), fn_(fn), o_(o), ctx_(ctx) {
    for (auto &p : fn.params) params_[p.name] = p.type;
    for (auto &item : m.items)
      if (auto *g = std::get_if<GlobalVar>(&item); g && !isCompileTimeConstant(*g)) globals_.insert(g->name);
  }

  // `static const int64_t kChunk = 16384;`: a const integer with a literal value is a constant
  // expression, which CUDA and HIP device code may read without a device copy.
  static bool isCompileTimeConstant(const GlobalVar &g) {
    if (!g.type || g.type->kind != Type::Kind::Scalar || !g.type->isInteger() || !(g.type->isConst || g.isConstexpr))
      return false;
    const Expr *e = g.init.get();
    while (e && (e->as<Cast>() || (e->as<Unary>() && e->as<Unary>()->op == UnaryOp::Neg)))
      e = e->as<Cast>() ? e->as<Cast>()->operand.get() : e->as<Unary>()->operand.get();
    return e && e->as<IntLit>();
  }

  std::vector<Function> kernels;
  std::set<std::string> deviceCallees;
  int sequentialLoops = 0;

  // Returns the new body, or null on error.
  StmtPtr run() {
    collectLocals(fn_.body);
    find(fn_.body);
    if (failed_) return nullptr;
    if (nests_.empty()) return fn_.body;
    std::set<const Stmt *> regions;
    for (auto &n : nests_) regions.insert(n.outer);
    std::vector<BufferUse> params;
    for (auto &u : analyzeBufferExtents(fn_, &regions, &module_)) {
      // A local buffer's twin has the allocation's size (the analysis reports pointers into it
      // under their own names).
      if (!localBufferOf(u.name).empty()) continue;
      if (!u.isParam) {
        ctx_.error(u.loc, "a kernel would use '" + u.name + "', which is not a parameter of '" + fn_.name + "'");
        return nullptr;
      }
      if (!u.count) {
        if (ExprPtr given = givenExtent(u.name)) {
          u.count = given;
          ctx_.note(u.loc, "'" + u.name + "' sized by the given extent " + dumpExpr(given) + " (" + u.error + ")");
          ctx_.stats["given_extents"][fn_.name + ":" + u.name] = dumpExpr(given);
        } else {
          ctx_.error(u.loc, u.error + "; give its element count with --extent " + fn_.name + ":" + u.name + "=EXPR");
          return nullptr;
        }
      }
      if (!u.elementType) u.elementType = params_.at(u.name)->element;  // unsized accesses carry none
      params.push_back(u);
    }
    uses_ = params;
    // Device buffers in the entry's parameter order, with the element type unqualified.
    auto rank = [&](const BufferUse &u) {
      for (size_t i = 0; i < fn_.params.size(); ++i)
        if (fn_.params[i].name == u.name) return i;
      return fn_.params.size();
    };
    std::stable_sort(uses_.begin(), uses_.end(), [&](auto &x, auto &y) { return rank(x) < rank(y); });
    for (auto &u : uses_) u.elementType = unqualified(u.elementType);
    hostTouchesBuffers_ = hostUsesBuffers(fn_.body, regions);
    if (hasReturn(fn_.body)) {
      ctx_.error(fn_.loc, "'" + fn_.name + "' returns early; device buffers would not be released");
      return nullptr;
    }
    for (size_t i = 0; i < nests_.size(); ++i)
      nests_[i].kernelName = fn_.name + (nests_.size() == 1 ? "_kernel" : "_kernel" + std::to_string(i));
    for (auto &n : nests_) kernels.push_back(outline(n));
    if (failed_) return nullptr;

    StmtPtr body = replace(fn_.body);
    std::vector<StmtPtr> pro, epi;
    for (auto &u : uses_) {
      auto twin = deviceTwin(u.name, u.elementType,
                             b::binary(BinaryOp::Mul, b::cast(sizeType(false), u.count), b::sizeOf(u.elementType),
                                       sizeType(false)));
      pro.insert(pro.end(), twin.begin(), twin.end());
    }
    if (!hostTouchesBuffers_) {
      for (auto &u : uses_)
        if (needsCopyIn(u)) pro.push_back(copy(u.name, CopyDirection::HostToDevice));
      for (auto &u : uses_)
        if (u.written) epi.push_back(copy(u.name, CopyDirection::DeviceToHost));
    }
    for (auto &u : uses_) epi.push_back(deviceFree(u.name));
    // Local buffers' twins: allocated after the host buffer, freed before it (or at the end).
    std::vector<StmtPtr> all = pro;
    std::set<std::string> freed;
    for (auto &s : flatten(body)) {
      std::string name = freedLocalBuffer(*s);
      if (!name.empty() && freed.insert(name).second) all.push_back(deviceFree(name));
      all.push_back(s);
      for (auto &[n, lb] : localBuffers_)
        if (lb.used && lb.decl == s.get()) {
          auto twin = deviceTwin(n, unqualified(localTypes_.at(n)->element), lb.bytes);
          all.insert(all.end(), twin.begin(), twin.end());
        }
    }
    for (auto &[n, lb] : localBuffers_)
      if (lb.used && !freed.count(n)) epi.push_back(deviceFree(n));
    all.insert(all.end(), epi.begin(), epi.end());
    return b::seq(all, true, fn_.body->loc);
  }

  const std::vector<BufferUse> &uses() const { return uses_; }
  bool perLaunchCopies() const { return hostTouchesBuffers_; }

private:
  const Module &module_;
  const Function &fn_;
  const LoopBindOptions &o_;
  PassContext &ctx_;

  // The user's element count for a buffer parameter of this entry, if given.
  ExprPtr givenExtent(const std::string &param) const {
    auto f = o_.givenExtents.find(fn_.name);
    if (f == o_.givenExtents.end()) return nullptr;
    auto p = f->second.find(param);
    return p == f->second.end() ? nullptr : p->second;
  }
  std::map<std::string, TypePtr> params_;
  std::map<std::string, TypePtr> localTypes_;
  std::map<std::string, ExprPtr> localDefs_;
  std::set<std::string> globals_;
  std::vector<Nest> nests_;
  std::map<const Stmt *, size_t> nestOf_;
  std::vector<BufferUse> uses_;  // pointer parameters the kernels use
  bool hostTouchesBuffers_ = false;
  bool failed_ = false;

  // A buffer the entry allocates itself at its top level (`float *t = (float *)malloc(bytes)`,
  // `t` never assigned). Kernels may read it (never write: see writtenLocalBuffer) from a device
  // twin of the same size, allocated after it, freed with it and copied in before each launch
  // that uses it (the host may write it between launches).
  struct LocalBuffer {
    const Stmt *decl = nullptr;
    ExprPtr bytes;
    bool used = false;  // by some kernel
  };
  std::map<std::string, LocalBuffer> localBuffers_;
  std::set<std::string> assigned_;  // locals assigned after their declaration (`=`, not `+=`)

  static std::string devName(const std::string &n) { return "d_" + n; }

  // The local buffer a pointer variable points into, through definitions such as `p = t + off`
  // (offsets by `+=` stay inside the buffer); "" for none.
  std::string localBufferOf(const std::string &name, int depth = 0) {
    if (localBuffers_.count(name)) return name;
    auto d = localDefs_.find(name);
    if (depth > 16 || d == localDefs_.end() || assigned_.count(name) || callsReturningPointers(d->second)) return "";
    for (auto &v : varsIn(d->second)) {
      auto t = localTypes_.find(v);
      if (t == localTypes_.end() || !isPtr(t->second)) continue;
      if (std::string lb = localBufferOf(v, depth + 1); !lb.empty()) return lb;
    }
    return "";
  }

  // A local buffer the nest may write, else "": one it names (or a non-const pointer into it)
  // other than to read an element or to initialise a `const T *`. Loop recovery hoists a block's
  // dynamic shared memory into one such buffer, reused by every block on the host: bound to GPU
  // threads, iterations writing it would share it (a race the fiber executor would not show).
  std::string writtenLocalBuffer(const For &f) {
    struct V : IRVisitor {
      GpuBinder &g;
      std::map<std::string, int> mentions, reads;
      std::set<const Expr *> stores;
      int constInit = 0;  // inside the initialiser of a `const T *`: every mention reads
      explicit V(GpuBinder &g) : g(g) {}
      bool writable(const Var &v) {
        auto t = g.localTypes_.find(v.name);
        return t != g.localTypes_.end() && isPtr(t->second) && t->second->element && !t->second->element->isConst &&
               !g.localBufferOf(v.name).empty();
      }
      void visitVar(const Var &v) override {
        if (!writable(v)) return;
        ++mentions[v.name];
        if (constInit) ++reads[v.name];
      }
      void visitLoad(const Load &l) override {
        auto *base = l.base->as<Var>();
        if (base && !constInit && !stores.count(&l) && writable(*base)) ++reads[base->name];
        IRVisitor::visitLoad(l);
      }
      void visitAssignStmt(const AssignStmt &a) override {
        stores.insert(a.target.get());
        IRVisitor::visitAssignStmt(a);
      }
      void visitAssignExpr(const AssignExpr &a) override {
        stores.insert(a.target.get());
        IRVisitor::visitAssignExpr(a);
      }
      void visitUnary(const Unary &u) override {
        if (u.op == UnaryOp::PreInc || u.op == UnaryOp::PreDec || u.op == UnaryOp::PostInc || u.op == UnaryOp::PostDec)
          stores.insert(u.operand.get());
        IRVisitor::visitUnary(u);
      }
      void visitDecl(const Decl &d) override {
        bool readOnly = isPtr(d.type) && d.type->element && d.type->element->isConst;
        constInit += readOnly;
        IRVisitor::visitDecl(d);
        constInit -= readOnly;
      }
    } v(*this);
    v.visit(std::make_shared<For>(f));
    for (auto &[name, n] : v.mentions)
      if (n > v.reads[name]) return localBufferOf(name);
    return "";
  }

  // `free(t)` of a local buffer a kernel uses: its name, else "".
  std::string freedLocalBuffer(const Stmt &s) const {
    auto *e = s.as<Eval>();
    auto *c = e ? e->value->as<Call>() : nullptr;
    if (!c || c->callee != "free" || c->callKind == CallKind::User || c->args.size() != 1) return "";
    const Expr *p = c->args[0].get();
    while (p->as<Cast>()) p = p->as<Cast>()->operand.get();
    auto *v = p->as<Var>();
    auto lb = v ? localBuffers_.find(v->name) : localBuffers_.end();
    return lb != localBuffers_.end() && lb->second.used ? v->name : "";
  }

  // `const size_t n_bytes = bytes; T *d_n = nullptr; cudaMalloc(&d_n, n_bytes);`: the size once,
  // by name, as a GPU engineer writes it.
  std::vector<StmtPtr> deviceTwin(const std::string &name, const TypePtr &elem, const ExprPtr &byteCount) const {
    auto alloc = std::make_shared<HostAlloc>();
    alloc->pointer = b::var(devName(name), Type::pointerTo(elem));
    alloc->bytes = b::var(bytesName(name), Type::scalarOf(ScalarType::U64));
    return {b::decl(bytesName(name), sizeType(true), byteCount, fn_.loc),
            b::decl(devName(name), Type::pointerTo(elem), b::var("nullptr", nullptr), fn_.loc), alloc};
  }

  static StmtPtr deviceFree(const std::string &name) {
    auto f = std::make_shared<HostFree>();
    f->pointer = b::var(devName(name), nullptr);
    return f;
  }

  void collectLocals(const StmtPtr &s) {
    struct V : IRVisitor {
      GpuBinder &g;
      explicit V(GpuBinder &g) : g(g) {}
      void visitDecl(const Decl &d) override {
        g.localTypes_[d.name] = d.type;
        if (d.init) g.localDefs_[d.name] = d.init;
        IRVisitor::visitDecl(d);
      }
      void visitFor(const For &f) override {
        g.localTypes_[f.var] = f.varType ? f.varType : b::i32();
        IRVisitor::visitFor(f);
      }
      void visitAssignStmt(const AssignStmt &a) override {
        assign(a.target, a.op.has_value());
        IRVisitor::visitAssignStmt(a);
      }
      void visitAssignExpr(const AssignExpr &a) override {
        assign(a.target, a.op.has_value());
        IRVisitor::visitAssignExpr(a);
      }
      void visitUnary(const Unary &u) override {
        if (u.op == UnaryOp::PreInc || u.op == UnaryOp::PreDec || u.op == UnaryOp::PostInc || u.op == UnaryOp::PostDec)
          assign(u.operand, true);
        IRVisitor::visitUnary(u);
      }
      void assign(const ExprPtr &target, bool compound) {
        if (auto *v = target->as<Var>()) (compound ? offset : g.assigned_).insert(v->name);
      }
      std::set<std::string> offset;  // `p += n`, `p++`
    } v(*this);
    v.visit(s);
    for (auto &item : flatten(s)) {
      auto *d = item->as<Decl>();
      ExprPtr bytes = d && isPtr(d->type) && d->init ? allocatedBytes(d->init) : nullptr;
      if (bytes && !assigned_.count(d->name) && !v.offset.count(d->name)) localBuffers_[d->name] = {item.get(), bytes};
    }
  }

  bool parallel(const For &f) {
    if (f.forKind != ForKind::Serial && f.forKind != ForKind::Parallel) return false;
    LoopDependence d = analyzeLoopDependence(fn_, f);
    if (!d.parallel) ctx_.note(d.loc.valid() ? d.loc : f.loc, "loop over '" + f.var + "' stays sequential: " + d.reason);
    return d.parallel;
  }

  // Whether a nest can run on the device: every free variable is a parameter or a host local
  // (scalars by value, local buffers, pointers derived from parameters and local buffers), no
  // host globals.
  bool outlinable(const For &f) {
    std::set<std::string> used, declared;
    struct V : IRVisitor {
      std::set<std::string> &used, &declared;
      V(std::set<std::string> &u, std::set<std::string> &d) : used(u), declared(d) {}
      void visitVar(const Var &n) override { used.insert(n.name); }
      void visitDecl(const Decl &d) override { declared.insert(d.name); IRVisitor::visitDecl(d); }
      void visitAlloc(const Alloc &a) override { declared.insert(a.name); IRVisitor::visitAlloc(a); }
      void visitFor(const For &f) override { declared.insert(f.var); IRVisitor::visitFor(f); }
    } v(used, declared);
    v.visit(std::make_shared<For>(f));
    for (auto &n : used) {
      if (declared.count(n) || params_.count(n)) continue;
      if (globals_.count(n)) {
        ctx_.note(f.loc, "loop over '" + f.var + "' stays on the host: it uses the host global '" + n + "'");
        return false;
      }
      auto t = localTypes_.find(n);
      if (t == localTypes_.end()) continue;  // an enumerator or function name
      if (isPtr(t->second) && !localBuffers_.count(n)) {
        auto d = localDefs_.find(n);
        if (d == localDefs_.end() || !derivedFromBuffers(d->second)) {
          ctx_.note(f.loc, "loop over '" + f.var + "' stays on the host: it uses the host pointer '" + n + "'");
          return false;
        }
      }
    }
    if (std::string lb = writtenLocalBuffer(f); !lb.empty()) {
      ctx_.note(f.loc, "loop over '" + f.var + "' stays on the host: it writes '" + lb + "', which '" + fn_.name +
                           "' allocates (its iterations may share it as scratch)");
      return false;
    }
    return true;
  }

  // Whether a pointer definition offsets a parameter or a local buffer (not the pointer a call
  // returns, such as an allocation's).
  bool derivedFromBuffers(const ExprPtr &e) {
    if (callsReturningPointers(e)) return false;
    for (auto &v : varsIn(e)) {
      if (params_.count(v) || localBuffers_.count(v)) continue;
      auto t = localTypes_.find(v);
      if (t == localTypes_.end() || isPtr(t->second)) return false;  // other pointer locals: not chased
    }
    return true;
  }

  void find(const StmtPtr &s) {
    if (!s || failed_) return;
    switch (s->kind) {
    case StmtKind::Seq:
      for (auto &c : s->as<Seq>()->body) find(c);
      return;
    case StmtKind::If:
      find(s->as<If>()->thenBody);
      find(s->as<If>()->elseBody);
      return;
    case StmtKind::For: {
      auto &f = *s->as<For>();
      if (parallel(f) && outlinable(f)) {
        nestOf_[s.get()] = nests_.size();
        nests_.push_back(makeNest(f));
        return;
      }
      ++sequentialLoops;
      return find(f.body);
    }
    case StmtKind::Loop: ++sequentialLoops; return find(s->as<Loop>()->body);
    default: return;
    }
  }

  // The band: while the body is declarations followed by one loop that is parallel and whose
  // bounds do not depend on the band so far, the band grows.
  Nest makeNest(const For &f) {
    Nest n;
    n.outer = &f;
    n.band.push_back(&f);
    std::set<std::string> bandNames = {f.var};
    while (true) {
      auto items = flatten(n.band.back()->body);
      if (items.empty() || !items.back()->as<For>()) break;
      std::vector<StmtPtr> decls(items.begin(), items.end() - 1);
      bool ok = std::all_of(decls.begin(), decls.end(), [](auto &d) { return d->kind == StmtKind::Decl; });
      if (!ok) break;
      auto &inner = *items.back()->as<For>();
      std::set<std::string> names = bandNames;
      for (auto &d : decls) names.insert(d->as<Decl>()->name);
      for (auto &e : {inner.start, inner.end, inner.step})
        for (auto &v : varsIn(e)) ok &= !names.count(v);
      if (!ok || !parallel(inner)) break;
      n.pre.push_back(decls);
      n.band.push_back(&inner);
      bandNames = names;
      bandNames.insert(inner.var);
    }
    int maxBound = std::clamp(o_.maxBoundLoops, 1, 3);
    n.firstBound = n.band.size() > size_t(maxBound) ? n.band.size() - maxBound : 0;
    return n;
  }

  bool hostUsesBuffers(const StmtPtr &body, const std::set<const Stmt *> &regions) {
    std::set<std::string> bufs;
    for (auto &u : uses_) bufs.insert(u.name);
    struct V : IRVisitor {
      const std::set<const Stmt *> &regions;
      const std::set<std::string> &bufs;
      bool found = false;
      V(const std::set<const Stmt *> &r, const std::set<std::string> &b) : regions(r), bufs(b) {}
      void visitFor(const For &f) override {
        if (!regions.count(&f)) IRVisitor::visitFor(f);
      }
      void visitVar(const Var &n) override { found |= bufs.count(n.name) > 0; }
    } v(regions, bufs);
    v.visit(body);
    return v.found;
  }

  static bool hasReturn(const StmtPtr &s) {
    struct V : IRVisitor {
      bool found = false;
      void visitReturn(const Return &) override { found = true; }
    } v;
    v.visit(s);
    return v.found;
  }

  static TypePtr sizeType(bool isConst) {
    auto t = std::make_shared<Type>(*Type::scalarOf(ScalarType::U64, isConst));
    t->name = "size_t";
    return t;
  }
  std::string bytesName(const std::string &n) const {
    std::string name = n + "_bytes";
    while (params_.count(name) || localTypes_.count(name)) name += "_";
    return name;
  }

  bool needsCopyIn(const BufferUse &u) const {
    // A buffer the kernels only write is copied in as well unless a store provably writes all of
    // it: the copy back covers the whole extent, and unwritten elements must come back unchanged.
    return u.read || !u.denselyWritten;
  }

  // A whole-buffer copy between a parameter or local buffer and its device twin.
  StmtPtr copy(const std::string &name, CopyDirection dir) const {
    auto c = std::make_shared<HostCopy>();
    c->direction = dir;
    auto p = params_.find(name);
    ExprPtr host = b::var(name, p != params_.end() ? p->second : localTypes_.at(name));
    ExprPtr dev = b::var(devName(name), nullptr);
    c->dst = dir == CopyDirection::HostToDevice ? dev : host;
    c->src = dir == CopyDirection::HostToDevice ? host : dev;
    c->bytes = b::var(bytesName(name), Type::scalarOf(ScalarType::U64));
    return c;
  }

  // Trip count of a canonical increasing loop, as a host expression.
  static ExprPtr tripCount(const For &f) {
    auto *st = f.start->as<IntLit>();
    auto *sp = f.step->as<IntLit>();
    bool zeroStart = st && st->value == 0, unit = sp && sp->value == 1;
    ExprPtr span = zeroStart ? f.end : b::binary(BinaryOp::Sub, f.end, f.start);
    if (f.cmp == BinaryOp::LE) span = b::binary(BinaryOp::Add, span, b::intLit(1));
    if (unit) return span;
    return b::binary(BinaryOp::Div, b::binary(BinaryOp::Add, span, b::binary(BinaryOp::Sub, f.step, b::intLit(1))),
                     f.step);
  }

  static ExprPtr ceilDiv(const ExprPtr &n, int d) {
    return b::binary(BinaryOp::Div, b::binary(BinaryOp::Add, n, b::intLit(d - 1)), b::intLit(d));
  }

  // Replaces `continue` of the bound loop itself (not of loops inside it) by `return`.
  static StmtPtr continueToReturn(const StmtPtr &s) {
    if (!s) return s;
    switch (s->kind) {
    case StmtKind::Continue: {
      auto r = std::make_shared<Return>();
      r->loc = s->loc;
      return r;
    }
    case StmtKind::Seq: {
      auto n = std::make_shared<Seq>(*s->as<Seq>());
      for (auto &c : n->body) c = continueToReturn(c);
      return n;
    }
    case StmtKind::If: {
      auto n = std::make_shared<If>(*s->as<If>());
      n->thenBody = continueToReturn(n->thenBody);
      n->elseBody = continueToReturn(n->elseBody);
      return n;
    }
    default: return s;  // loops and switches own their continues/breaks
    }
  }

  struct KernelArg {
    Param param;
    ExprPtr hostValue;
  };

  Function outline(Nest &n) {
    const For &outer = *n.outer;
    // Free variables of the nest, in parameter order first, then host locals.
    std::set<std::string> used, declared;
    struct V : IRVisitor {
      std::set<std::string> &used, &declared;
      std::set<std::string> &callees;
      V(std::set<std::string> &u, std::set<std::string> &d, std::set<std::string> &c) : used(u), declared(d), callees(c) {}
      void visitVar(const Var &v) override { used.insert(v.name); }
      void visitDecl(const Decl &d) override { declared.insert(d.name); IRVisitor::visitDecl(d); }
      void visitAlloc(const Alloc &a) override { declared.insert(a.name); IRVisitor::visitAlloc(a); }
      void visitFor(const For &f) override { declared.insert(f.var); IRVisitor::visitFor(f); }
      void visitCall(const Call &c) override {
        if (c.callKind == CallKind::User) callees.insert(c.callee);
        IRVisitor::visitCall(c);
      }
    } v(used, declared, deviceCallees);
    StmtPtr outerPtr = std::make_shared<For>(outer);
    v.visit(outerPtr);
    std::vector<KernelArg> args;
    for (auto &p : fn_.params)
      if (used.count(p.name) && !declared.count(p.name))
        args.push_back({p, isPtr(p.type) ? b::var(devName(p.name), nullptr) : b::var(p.name, p.type)});
    std::set<std::string> localBufs;  // the local buffers the kernel uses
    for (auto &name : used) {
      if (declared.count(name) || params_.count(name) || !localTypes_.count(name)) continue;
      TypePtr t = localTypes_.at(name);
      ExprPtr host = b::var(name, t);
      if (isPtr(t)) host = localBuffers_.count(name) ? b::var(devName(name), t) : toDevice(localDefs_.at(name));
      args.push_back({{name, t}, host});
    }
    for (auto &name : used)
      if (std::string lb = localBufferOf(name); !lb.empty()) {
        localBuffers_.at(lb).used = true;
        localBufs.insert(lb);
      }

    // Kernel body: global indices of the bound loops, the guard, the band's declarations and the
    // unbound outer loops of the band around the innermost body.
    std::vector<StmtPtr> body;
    ExprPtr guard;
    size_t nb = n.band.size() - n.firstBound;
    for (size_t k = 0; k < nb; ++k) {
      const For &f = *n.band[n.band.size() - 1 - k];  // innermost on x
      TypePtr vt = f.varType ? f.varType : b::i32();
      ExprPtr gid = b::binary(BinaryOp::Add,
                              b::binary(BinaryOp::Mul, b::parallelIndex(ParallelAxis::BlockIdx, int(k)),
                                        b::parallelIndex(ParallelAxis::BlockDim, int(k))),
                              b::parallelIndex(ParallelAxis::ThreadIdx, int(k)));
      auto *st = f.start->as<IntLit>();
      auto *sp = f.step->as<IntLit>();
      ExprPtr idx = gid;
      if (!(sp && sp->value == 1)) idx = b::binary(BinaryOp::Mul, b::cast(vt, idx), f.step);
      if (!(st && st->value == 0)) idx = b::binary(BinaryOp::Add, f.start, idx);
      body.push_back(b::decl(f.var, vt, idx, f.loc));
      ExprPtr cond = b::binary(f.cmp == BinaryOp::LE ? BinaryOp::LE : BinaryOp::LT, b::var(f.var, vt), f.end);
      guard = guard ? b::binary(BinaryOp::LAnd, cond, guard) : cond;
    }
    // Innermost: the band's declarations from the last unbound level on (they may use every band
    // variable), then the innermost body. Unbound outer loops of the band (independent, so any
    // order is correct) wrap it as sequential loops, each with the declarations that follow it.
    size_t fb = n.firstBound;
    std::vector<StmtPtr> inner;
    for (size_t i = fb > 0 ? fb - 1 : 0; i < n.pre.size(); ++i)
      for (auto &d : n.pre[i]) inner.push_back(d);
    StmtPtr innermostBody = n.band.back()->body;
    if (fb == 0) innermostBody = continueToReturn(innermostBody);
    for (auto &s : flatten(innermostBody)) inner.push_back(s);
    StmtPtr work = b::seq(inner, true);
    for (size_t i = fb; i-- > 0;) {
      auto loop = std::make_shared<For>(*n.band[i]);
      loop->body = work;
      loop->forKind = ForKind::Serial;
      work = loop;
      if (i > 0) {
        std::vector<StmtPtr> withDecls = n.pre[i - 1];
        withDecls.push_back(work);
        work = b::seq(withDecls, true);
      }
    }
    body.push_back(b::ifThen(guard, work, outer.loc));

    Function k;
    k.name = n.kernelName;
    k.kind = FunctionKind::Kernel;
    k.returnType = Type::scalarOf(ScalarType::Void);
    for (auto &a : args) k.params.push_back(a.param);
    k.body = valuesOfNamedConstants(b::seq(body, true, outer.loc));
    k.loc = outer.loc;

    // The launch, on the host where the nest was.
    auto launch = std::make_shared<Launch>();
    launch->kernel = k.name;
    launch->loc = outer.loc;
    for (auto &a : args) launch->args.push_back(a.hostValue);
    std::vector<ExprPtr> trips;
    for (size_t i = 0; i < nb; ++i) trips.push_back(tripCount(*n.band[n.band.size() - 1 - i]));
    if (nb == 1) {
      launch->config.grid = ceilDiv(trips[0], o_.blockSize);
      launch->config.block = b::intLit(o_.blockSize);
    } else {
      TypePtr dim3 = Type::named("dim3");
      std::vector<ExprPtr> g = {ceilDiv(trips[0], o_.blockX), ceilDiv(trips[1], o_.blockY)};
      std::vector<ExprPtr> bl = {b::intLit(o_.blockX), b::intLit(o_.blockY)};
      if (nb == 3) {
        g.push_back(trips[2]);
        bl.push_back(b::intLit(1));
      }
      launch->config.grid = b::call("dim3", g, CallKind::Builtin, dim3);
      launch->config.block = b::call("dim3", bl, CallKind::Builtin, dim3);
    }
    // An empty launch is an error on a GPU: launch only when every bound loop has iterations.
    ExprPtr nonEmpty;
    for (auto &t : trips) {
      auto *lit = t->as<IntLit>();
      if (lit && lit->value > 0) continue;
      ExprPtr c = b::binary(BinaryOp::GT, t, b::intLit(0));
      nonEmpty = nonEmpty ? b::binary(BinaryOp::LAnd, nonEmpty, c) : c;
    }
    std::vector<StmtPtr> host;
    if (hostTouchesBuffers_)
      for (auto &u : uses_) host.push_back(copy(u.name, CopyDirection::HostToDevice));
    for (auto &lb : localBufs) host.push_back(copy(lb, CopyDirection::HostToDevice));  // read only
    host.push_back(nonEmpty ? b::ifThen(nonEmpty, launch, outer.loc) : StmtPtr(launch));
    if (hostTouchesBuffers_)
      for (auto &u : uses_)
        if (u.written) host.push_back(copy(u.name, CopyDirection::DeviceToHost));
    launches_[&outer] = b::seq(host, false, outer.loc);
    return k;
  }

  std::map<const Stmt *, StmtPtr> launches_;

  // A host pointer expression over parameters and local buffers, re-expressed over the device copies.
  ExprPtr toDevice(const ExprPtr &e) {
    struct M : IRMutator {
      GpuBinder &g;
      explicit M(GpuBinder &g) : g(g) {}
      ExprPtr visitVar(const Var &v, const ExprPtr &self) override {
        auto p = g.params_.find(v.name);
        if (p != g.params_.end() && isPtr(p->second)) return b::var(devName(v.name), p->second, v.loc);
        if (g.localBuffers_.count(v.name)) return b::var(devName(v.name), g.localTypes_.at(v.name), v.loc);
        return self;
      }
    } m(*this);
    return m.mutate(e);
  }

  StmtPtr replace(const StmtPtr &s) {
    if (!s) return s;
    if (auto it = launches_.find(s.get()); it != launches_.end()) return it->second;
    switch (s->kind) {
    case StmtKind::Seq: {
      auto n = std::make_shared<Seq>(*s->as<Seq>());
      for (auto &c : n->body) c = replace(c);
      return n;
    }
    case StmtKind::If: {
      auto n = std::make_shared<If>(*s->as<If>());
      n->thenBody = replace(n->thenBody);
      n->elseBody = replace(n->elseBody);
      return n;
    }
    case StmtKind::For: {
      auto n = std::make_shared<For>(*s->as<For>());
      n->body = replace(n->body);
      return n;
    }
    case StmtKind::Loop: {
      auto n = std::make_shared<Loop>(*s->as<Loop>());
      n->body = replace(n->body);
      return n;
    }
    default: return s;
    }
  }
};

}  // namespace

namespace {

// A typedef made by host or C lowering for a type CUDA and HIP have built in ("} dim3;").
bool definesGpuBuiltinType(const VerbatimDecl &v) {
  if (v.reason != "Typedef declaration") return false;
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n = {"dim3"};
    for (const char *base : {"char", "uchar", "short", "ushort", "int", "uint", "long", "ulong", "longlong",
                             "ulonglong", "float", "double"})
      for (int lanes = 1; lanes <= 4; ++lanes) n.push_back(base + std::to_string(lanes));
    return n;
  }();
  for (const auto &name : names) {
    std::string tail = " " + name + ";";
    if (v.text.size() > tail.size() && v.text.compare(v.text.size() - tail.size(), tail.size(), tail) == 0 &&
        v.text.rfind("typedef struct", 0) == 0)
      return true;
  }
  return false;
}

}  // namespace

bool bindLoops(Module &m, const LoopBindOptions &o, PassContext &ctx) {
  if (m.dialect != Dialect::C) {
    ctx.error({}, std::string("loop bind expects a plain C module, not ") + dialectName(m.dialect));
    return false;
  }
  bool gpu = o.target == Dialect::CUDA || o.target == Dialect::HIP;
  if (!gpu && o.target != Dialect::VNNI) {
    ctx.error({}, std::string("loop bind cannot target ") + dialectName(o.target));
    return false;
  }
  ctx.params["loop_bind.target"] = dialectName(o.target);
  if (gpu) {
    ctx.params["loop_bind.block_size"] = o.blockSize;
    ctx.params["loop_bind.block_x"] = o.blockX;
    ctx.params["loop_bind.block_y"] = o.blockY;
    ctx.params["loop_bind.max_bound_loops"] = std::clamp(o.maxBoundLoops, 1, 3);
  } else {
    ctx.params["loop_bind.omp_schedule"] = o.ompSchedule;
  }

  Module out = m;
  out.items.clear();
  int kernels = 0, loopsBound = 0, sequential = 0, perLaunch = 0, hostOnly = 0;
  std::set<std::string> deviceCallees;
  for (auto &item : m.items) {
    // Host and C lowering give plain C its own dim3 / float4 structs; on a GPU the target's
    // built-in types take their place (the fields and layout are the same).
    if (auto *v = std::get_if<VerbatimDecl>(&item); v && gpu && definesGpuBuiltinType(*v)) continue;
    auto *fn = std::get_if<Function>(&item);
    if (!fn || !fn->body || fn->kind != FunctionKind::Host || (gpu && fn->isStatic)) {
      out.items.push_back(item);
      continue;
    }
    Function nf = *fn;
    if (!gpu) {
      OmpBinder ob(*fn, o, ctx);
      nf.body = ob.rebuild(fn->body);
      loopsBound += ob.bound;
      sequential += ob.sequential;
      out.items.push_back(nf);
      continue;
    }
    GpuBinder gb(m, *fn, o, ctx);
    StmtPtr body = gb.run();
    if (!body) return false;
    nf.body = body;
    for (auto &k : gb.kernels) out.items.push_back(k);
    if (gb.kernels.empty()) {
      ctx.warning(fn->loc, "'" + fn->name + "' has no loop nest that can run on the device; it stays sequential host code");
      ++hostOnly;
    }
    kernels += int(gb.kernels.size());
    sequential += gb.sequentialLoops;
    perLaunch += gb.perLaunchCopies() ? 1 : 0;
    deviceCallees.insert(gb.deviceCallees.begin(), gb.deviceCallees.end());
    out.items.push_back(nf);
  }
  // Helpers called from kernels (and, transitively, from those helpers) run on both sides.
  if (gpu) {
    bool grew = true;
    while (grew) {
      grew = false;
      for (auto &item : out.items)
        if (auto *f = std::get_if<Function>(&item); f && deviceCallees.count(f->name) && f->body) {
          struct V : IRVisitor {
            std::set<std::string> &c;
            bool grew = false;
            explicit V(std::set<std::string> &c) : c(c) {}
            void visitCall(const Call &n) override {
              if (n.callKind == CallKind::User) grew |= c.insert(n.callee).second;
              IRVisitor::visitCall(n);
            }
          } v(deviceCallees);
          v.visit(f->body);
          grew |= v.grew;
        }
    }
    int helpers = 0;
    for (auto &item : out.items)
      if (auto *f = std::get_if<Function>(&item); f && deviceCallees.count(f->name) && f->kind == FunctionKind::Host) {
        f->kind = FunctionKind::HostDevice;
        ++helpers;
      }
    ctx.stats["loop_bind.kernels"] = kernels;
    ctx.stats["loop_bind.host_device_helpers"] = helpers;
    ctx.stats["loop_bind.entries_with_copies_per_launch"] = perLaunch;
    ctx.stats["loop_bind.host_only_entries"] = hostOnly;
  } else {
    ctx.stats["loop_bind.parallel_loops"] = loopsBound;
  }
  ctx.stats["loop_bind.sequential_host_loops"] = sequential;
  if (ctx.hasErrors()) return false;
  out.dialect = o.target;
  if (gpu) {
    // The result is CUDA/HIP C++: name it so (the executor and compilers pick the language by it).
    out.isCxx = true;
    std::string base = out.sourceFile.substr(0, out.sourceFile.rfind('.'));
    if (base.empty()) base = "bound";
    out.sourceFile = base + (o.target == Dialect::CUDA ? ".cu" : ".hip");
  }
  m = std::move(out);
  return true;
}

}  // namespace xpile::passes
