#include "passes/warp_size_portability.h"

#include "ast/visitor.h"
#include "backends/kernel_resources.h"

#include <algorithm>
#include <map>
#include <optional>

namespace xpile::passes {

using namespace ast;

namespace {

int warpOf(Dialect d) { return d == Dialect::CUDA ? 32 : d == Dialect::HIP ? 64 : 0; }

// ---------------------------------------------------------------------------------------------
// Values of integer expressions, as intervals: enough to bound shuffle offsets and widths written
// as constants, constexpr globals, const locals, loop variables (`for (o = 32; o > 0; o >>= 1)`)
// and warpSize.

struct Interval {
  int64_t lo = 0, hi = 0;
  bool generic = false;  // derived from warpSize: follows the target's warp size
};

struct Definitions {
  struct Local {
    ExprPtr init;
    int decls = 0, writes = 0;
    bool halving = false;  // loop variable only ever halved (o >>= 1, o /= 2) until it reaches 0
    const For *loop = nullptr;  // canonical loop variable
  };
  std::map<std::string, Local> locals;
  const std::map<std::string, ExprPtr> *globals = nullptr;
};

class DefinitionCollector : public IRVisitor {
public:
  explicit DefinitionCollector(Definitions &d) : d_(d) {}

protected:
  void visitDecl(const Decl &n) override {
    auto &l = d_.locals[n.name];
    l.init = n.init;
    ++l.decls;
    IRVisitor::visitDecl(n);
  }
  void visitFor(const For &n) override {
    auto &l = d_.locals[n.var];
    l.loop = &n;
    ++l.decls;
    IRVisitor::visitFor(n);
  }
  void visitLoop(const Loop &n) override {
    IRVisitor::visitLoop(n);
    // `for (int o = S; o > 0; o >>= 1)`: the update halves the variable; not a write that can grow it.
    auto *init = n.init ? n.init->as<Decl>() : nullptr;
    auto *upd = n.update ? n.update->as<AssignExpr>() : nullptr;
    if (!init || !upd || !upd->op) return;
    auto *target = upd->target->as<Var>();
    auto *by = upd->value->as<IntLit>();
    bool halves = by && ((*upd->op == BinaryOp::Shr && by->value >= 1) || (*upd->op == BinaryOp::Div && by->value >= 2));
    if (target && target->name == init->name && halves) {
      auto &l = d_.locals[init->name];
      l.halving = true;
      --l.writes;  // the update was counted as a write below
    }
  }
  void written(const ExprPtr &target) {
    if (auto *v = target ? target->as<Var>() : nullptr) ++d_.locals[v->name].writes;
  }
  void visitAssignStmt(const AssignStmt &n) override {
    written(n.target);
    IRVisitor::visitAssignStmt(n);
  }
  void visitAssignExpr(const AssignExpr &n) override {
    written(n.target);
    IRVisitor::visitAssignExpr(n);
  }
  void visitUnary(const Unary &n) override {
    if (n.op == UnaryOp::PreInc || n.op == UnaryOp::PreDec || n.op == UnaryOp::PostInc || n.op == UnaryOp::PostDec ||
        n.op == UnaryOp::AddrOf)
      written(n.operand);
    IRVisitor::visitUnary(n);
  }

private:
  Definitions &d_;
};

std::optional<Interval> bound(const ExprPtr &e, const Definitions &d, int warp, int depth = 0) {
  if (!e || depth > 32) return std::nullopt;
  switch (e->kind) {
  case ExprKind::IntLit: {
    int64_t v = e->as<IntLit>()->value;
    return Interval{v, v};
  }
  case ExprKind::Cast: return bound(e->as<Cast>()->operand, d, warp, depth + 1);
  case ExprKind::ParallelIndex:
    if (e->as<ParallelIndex>()->axis == ParallelAxis::WarpSize) return Interval{warp, warp, true};
    return std::nullopt;
  case ExprKind::Var: {
    const std::string &name = e->as<Var>()->name;
    auto it = d.locals.find(name);
    if (it != d.locals.end()) {
      const auto &l = it->second;
      if (l.decls != 1 || l.writes > 0) return std::nullopt;
      if (l.loop) {
        auto s = bound(l.loop->start, d, warp, depth + 1), t = bound(l.loop->end, d, warp, depth + 1);
        if (!s || !t || !l.loop->step || !l.loop->step->as<IntLit>() || l.loop->step->as<IntLit>()->value <= 0) return std::nullopt;
        int64_t hi = l.loop->cmp == BinaryOp::LE ? t->hi : t->hi - 1;
        return Interval{s->lo, std::max(s->lo, hi), s->generic || t->generic};
      }
      auto init = bound(l.init, d, warp, depth + 1);
      if (init && l.halving) return Interval{0, init->hi, init->generic};
      return init;
    }
    if (d.globals) {
      auto g = d.globals->find(name);
      if (g != d.globals->end()) return bound(g->second, d, warp, depth + 1);
    }
    return std::nullopt;
  }
  case ExprKind::Binary: {
    auto &b = *e->as<Binary>();
    auto x = bound(b.lhs, d, warp, depth + 1), y = bound(b.rhs, d, warp, depth + 1);
    if (!x || !y) return std::nullopt;
    bool generic = x->generic || y->generic;
    bool nonneg = x->lo >= 0 && y->lo >= 0;
    switch (b.op) {
    case BinaryOp::Add: return Interval{x->lo + y->lo, x->hi + y->hi, generic};
    case BinaryOp::Sub: return Interval{x->lo - y->hi, x->hi - y->lo, generic};
    case BinaryOp::Mul:
      if (nonneg) return Interval{x->lo * y->lo, x->hi * y->hi, generic};
      return std::nullopt;
    case BinaryOp::Div:
      if (nonneg && y->lo > 0) return Interval{x->lo / y->hi, x->hi / y->lo, generic};
      return std::nullopt;
    case BinaryOp::Mod:
      if (nonneg && y->lo > 0) return Interval{0, std::min(x->hi, y->hi - 1), generic};
      return std::nullopt;
    case BinaryOp::Shr:
      if (nonneg && y->hi < 63) return Interval{x->lo >> y->hi, x->hi >> y->lo, generic};
      return std::nullopt;
    case BinaryOp::Shl:
      if (nonneg && y->hi < 32) return Interval{x->lo << y->lo, x->hi << y->hi, generic};
      return std::nullopt;
    case BinaryOp::BitAnd:
      if (nonneg) return Interval{0, std::min(x->hi, y->hi), generic};
      return std::nullopt;
    default: return std::nullopt;
    }
  }
  default: return std::nullopt;
  }
}

// ---------------------------------------------------------------------------------------------
// Building expressions.

TypePtr u32() { return Type::scalarOf(ScalarType::U32); }
TypePtr i32() { return Type::scalarOf(ScalarType::I32); }

ExprPtr intLit(int64_t v, const SourceLoc &loc, const std::string &spelling = "", TypePtr type = nullptr) {
  auto l = std::make_shared<IntLit>();
  l->value = v;
  l->spelling = spelling;
  l->type = type ? type : i32();
  l->loc = loc;
  return l;
}

ExprPtr call(const std::string &callee, std::vector<ExprPtr> args, const SourceLoc &loc, TypePtr type, CallKind kind = CallKind::Warp) {
  auto c = std::make_shared<Call>();
  c->callee = callee;
  c->args = std::move(args);
  c->callKind = kind;
  c->type = std::move(type);
  c->loc = loc;
  return c;
}

ExprPtr binary(BinaryOp op, ExprPtr a, ExprPtr b, TypePtr type) {
  auto e = std::make_shared<Binary>();
  e->op = op;
  e->loc = a->loc;
  e->lhs = std::move(a);
  e->rhs = std::move(b);
  e->type = std::move(type);
  return e;
}

ExprPtr cast(TypePtr t, ExprPtr e) {
  auto c = std::make_shared<Cast>();
  c->style = CastStyle::C;
  c->loc = e->loc;
  c->operand = std::move(e);
  c->type = std::move(t);
  return c;
}

bool isAllOnes32(const ExprPtr &e) {
  if (!e) return false;
  if (auto *c = e->as<Cast>()) return isAllOnes32(c->operand);
  if (auto *l = e->as<IntLit>()) return l->value == 0xffffffffLL || l->value == -1 || l->value == static_cast<int64_t>(~0ull);
  if (auto *c = e->as<Call>()) return c->callee == "__activemask" && c->args.empty();
  return false;
}

// The lane's 32-lane half of a 64-bit wavefront ballot: (unsigned)(ballot >> (__lane_id() & 32)).
ExprPtr halfOf(ExprPtr ballot, const SourceLoc &loc) {
  ExprPtr lane = call("__lane_id", {}, loc, u32());
  ExprPtr shift = binary(BinaryOp::BitAnd, lane, intLit(32, loc), u32());
  return cast(u32(), binary(BinaryOp::Shr, std::move(ballot), shift, Type::scalarOf(ScalarType::U64)));
}

std::string stripNs(const std::string &callee) {
  size_t p = callee.rfind("::");
  return p == std::string::npos ? callee : callee.substr(p + 2);
}

bool isShuffle(const std::string &n) { return n == "__shfl" || n == "__shfl_up" || n == "__shfl_down" || n == "__shfl_xor"; }

// ---------------------------------------------------------------------------------------------

class WarpAdapter : public IRMutator {
public:
  WarpAdapter(int from, int to, const std::map<std::string, ExprPtr> &globals, PassContext &ctx)
      : from_(from), to_(to), ctx_(ctx) {
    defs_.globals = &globals;
  }

  void setFunction(const Function &f) {
    defs_.locals.clear();
    if (f.body) {
      DefinitionCollector c(defs_);
      c.visit(f.body);
    }
  }

  std::map<std::string, int> stats;
  void count(const std::string &what, int n = 1) { stats[what] += n; }

protected:
  bool widening() const { return to_ > from_; }

  ExprPtr visitParallelIndex(const ParallelIndex &n, const ExprPtr &self) override {
    if (n.axis != ParallelAxis::WarpSize) return self;
    if (widening()) {  // the program means its own warp size, which stays 32 lanes per logical warp
      count("warp_size_reads_fixed");
      return intLit(from_, n.loc);
    }
    count("warp_size_reads");  // warp-size generic: the target's warpSize is the right value
    return self;
  }

  ExprPtr visitBinary(const Binary &n, const ExprPtr &self) override {
    // Lane arithmetic with the warp size as a literal (tid % 32, tid / 32, tid & 31): consistent
    // with collectives confined to `from_` lanes, counted for the report.
    if (auto *l = n.rhs->as<IntLit>()) {
      bool mentionsLane = false;
      struct Finder : IRVisitor {
        bool *found;
        void visitParallelIndex(const ParallelIndex &p) override { *found |= p.axis == ParallelAxis::ThreadIdx; }
      } finder;
      finder.found = &mentionsLane;
      finder.visit(n.lhs);
      if (mentionsLane && (((n.op == BinaryOp::Mod || n.op == BinaryOp::Div) && l->value == from_) ||
                           (n.op == BinaryOp::BitAnd && l->value == from_ - 1)))
        count("lane_arithmetic_literals");
    }
    return IRMutator::visitBinary(n, self);
  }

  ExprPtr visitCall(const Call &n, const ExprPtr &self) override {
    ExprPtr base = IRMutator::visitCall(n, self);
    if (n.callKind != CallKind::Warp && n.callee.rfind("__builtin_amdgcn_", 0) != 0 && n.callee != "__lane_id") return base;
    const Call &c = *base->as<Call>();
    std::string name = stripNs(c.callee);
    return widening() ? widen(c, name, base) : narrow(c, name, base);
  }

  StmtPtr visitSync(const Sync &n, const StmtPtr &self) override {
    if (n.scope != SyncScope::Warp) return self;
    if (!widening()) {
      ctx_.error(n.loc, "__syncwarp on a " + std::to_string(from_) + "-lane wavefront synchronizes " + std::to_string(from_) +
                            " lanes: it needs " + std::to_string(from_) + "-lane wavefronts, which " + std::to_string(to_) +
                            "-lane warps cannot express");
      return self;
    }
    if (!n.args.empty() && !isAllOnes32(n.args[0]))
      ctx_.note(n.loc, "__syncwarp with a partial mask becomes a barrier of the whole wavefront (a superset of the mask)");
    // HIP 5.2 has no __syncwarp: a wavefront runs in lockstep, so the barrier is the compiler's
    // wave barrier between release/acquire fences at wavefront scope (what HIP 6 defines it as).
    count("syncwarps_mapped");
    auto seq = std::make_shared<Seq>();
    seq->scoped = false;
    seq->loc = n.loc;
    auto eval = [&](ExprPtr e) {
      auto s = std::make_shared<Eval>();
      s->value = std::move(e);
      s->loc = n.loc;
      return s;
    };
    auto str = std::make_shared<StringLit>();
    str->value = "wavefront";
    auto fence = [&](const char *order, int value) {
      return eval(call("__builtin_amdgcn_fence", {intLit(value, n.loc, order), str}, n.loc, Type::scalarOf(ScalarType::Void),
                       CallKind::Intrinsic));
    };
    seq->body = {fence("__ATOMIC_RELEASE", 3),
                 eval(call("__builtin_amdgcn_wave_barrier", {}, n.loc, Type::scalarOf(ScalarType::Void), CallKind::Intrinsic)),
                 fence("__ATOMIC_ACQUIRE", 2)};
    return seq;
  }

private:
  // 32 -> 64: confine each collective to the lane's 32-lane half of the wavefront.
  ExprPtr widen(const Call &c, const std::string &name, const ExprPtr &self) {
    std::string plain = name;
    std::vector<ExprPtr> args = c.args;
    bool sync = name.size() > 5 && name.compare(name.size() - 5, 5, "_sync") == 0;
    if (sync) {
      plain = name.substr(0, name.size() - 5);
      if (args.empty()) return self;
      if (!isAllOnes32(args[0])) {
        if (isShuffle(plain) || plain == "__ballot" || plain == "__any" || plain == "__all")
          ctx_.note(c.loc, "the lane mask of '" + name + "' is dropped: HIP's " + plain +
                               " takes none (lanes outside the mask read values CUDA leaves undefined)");
        count("partial_masks_dropped");
      } else {
        count("full_masks_dropped");
      }
      if (plain == "__ballot" && !isAllOnes32(args[0])) {
        ExprPtr mask = args[0];
        args.erase(args.begin());
        count("ballots_confined");
        return binary(BinaryOp::BitAnd, mask, halfOf(call("__ballot", args, c.loc, Type::scalarOf(ScalarType::U64)), c.loc), u32());
      }
      args.erase(args.begin());
    }
    if (isShuffle(plain)) {
      if (args.size() < 2) return self;
      if (args.size() == 2) args.push_back(intLit(from_, c.loc));
      count("shuffles_confined");
      return call(plain, args, c.loc, c.type);
    }
    if (plain == "__ballot" && args.size() == 1) {
      count("ballots_confined");
      return halfOf(call("__ballot", args, c.loc, Type::scalarOf(ScalarType::U64)), c.loc);
    }
    if ((plain == "__any" || plain == "__all") && args.size() == 1) {
      count("votes_confined");
      ExprPtr mine = halfOf(call("__ballot", args, c.loc, Type::scalarOf(ScalarType::U64)), c.loc);
      if (plain == "__any") return binary(BinaryOp::NE, mine, intLit(0, c.loc, "0u", u32()), Type::scalarOf(ScalarType::Bool));
      // all: every active lane of the half voted yes
      ExprPtr active = halfOf(call("__ballot", {intLit(1, c.loc)}, c.loc, Type::scalarOf(ScalarType::U64)), c.loc);
      return binary(BinaryOp::EQ, mine, active, Type::scalarOf(ScalarType::Bool));
    }
    if (name == "__activemask" && args.empty()) {
      count("activemasks_confined");
      return halfOf(call("__ballot", {intLit(1, c.loc)}, c.loc, Type::scalarOf(ScalarType::U64)), c.loc);
    }
    if (name == "__lane_id") return self;
    ctx_.error(c.loc, "warp operation '" + name + "' has no equivalent on " + std::to_string(to_) + "-lane HIP wavefronts (HIP 5.2)");
    return self;
  }

  // 64 -> 32: keep what provably stays within 32 lanes, report what needs the whole wavefront.
  ExprPtr narrow(const Call &c, const std::string &name, const ExprPtr &self) {
    auto needs = [&](const std::string &why) {
      ctx_.error(c.loc, "'" + name + "' " + why + ": it needs " + std::to_string(from_) + "-lane wavefronts, which " +
                            std::to_string(to_) + "-lane warps cannot express");
      count("collectives_needing_wide_wavefronts");
      return self;
    };
    std::string plain = name;
    std::vector<ExprPtr> args = c.args;
    bool sync = name.size() > 5 && name.compare(name.size() - 5, 5, "_sync") == 0;
    if (sync) {
      plain = name.substr(0, name.size() - 5);
      if (!args.empty()) args.erase(args.begin());  // a 64-bit mask: replaced by the full 32-lane one
    }
    if (isShuffle(plain)) {
      if (args.size() < 2) return self;
      bool generic = false;
      if (args.size() >= 3) {
        auto w = bound(args[2], defs_, to_);
        if (!w) return needs("has a width that cannot be bounded");
        if (w->hi > to_) return needs("has width " + std::to_string(w->hi));
        generic = w->generic;
      } else {
        auto x = bound(args[1], defs_, to_);
        if (x && x->generic) {
          generic = true;
        } else if (plain == "__shfl_xor") {
          if (!x) return needs("has an xor offset that cannot be bounded");
          if (x->lo < 0 || x->hi >= to_) return needs("exchanges across the " + std::to_string(to_) + "-lane boundary (offset up to " +
                                                      std::to_string(x->hi) + ")");
        } else {
          return needs("moves values across the whole " + std::to_string(from_) + "-lane wavefront (default width)");
        }
      }
      if (generic) {
        count("warp_size_generic_collectives");
        ctx_.warning(c.loc, "'" + name + "' is written for any warp size (through warpSize); it runs with " + std::to_string(to_) +
                                "-lane warps, which is correct only if the kernel makes no other " + std::to_string(from_) +
                                "-lane assumption");
      }
      count("shuffles_narrowed");
      args.insert(args.begin(), intLit(0xffffffffLL, c.loc, "0xffffffffu", u32()));
      return call(plain + "_sync", args, c.loc, c.type);
    }
    if (plain == "__ballot" || plain == "__ballot64") return needs("returns a " + std::to_string(from_) + "-bit lane mask");
    if (plain == "__any" || plain == "__all") return needs("votes over the whole wavefront");
    if (plain == "__activemask" || plain.rfind("__lanemask", 0) == 0 || plain == "__lane_id")
      return needs("names lanes of the " + std::to_string(from_) + "-lane wavefront");
    if (name == "__builtin_amdgcn_wave_barrier" || name == "__builtin_amdgcn_readfirstlane" || name == "__builtin_amdgcn_ds_swizzle" ||
        name == "__builtin_amdgcn_mov_dpp" || name == "__builtin_amdgcn_update_dpp" || name == "__builtin_amdgcn_ds_bpermute")
      return needs("operates on the whole wavefront");
    if (c.callKind == CallKind::Warp) return needs("is a wavefront operation with no " + std::to_string(to_) + "-lane form");
    return self;
  }

  int from_, to_;
  PassContext &ctx_;
  Definitions defs_;
};

int64_t typeBytes(const Type &t) {
  switch (t.kind) {
  case Type::Kind::Scalar: return scalarTypeBytes(t.scalar);
  case Type::Kind::Vector: return scalarTypeBytes(t.scalar) * t.lanes;
  case Type::Kind::Array: return t.extent && t.element ? *t.extent * typeBytes(*t.element) : 0;
  case Type::Kind::Pointer: return 8;
  default: return 0;
  }
}

}  // namespace

bool adaptWarpSize(Module &m, const WarpSizeOptions &o, PassContext &ctx) {
  const int from = o.sourceWarp ? o.sourceWarp : warpOf(ctx.source);
  const int to = o.targetWarp ? o.targetWarp : warpOf(ctx.target);
  ctx.params["adaptWarpSize"] = {{"sourceWarp", from}, {"targetWarp", to}};
  if (from <= 0 || to <= 0 || ((from != 32 && from != 64) || (to != 32 && to != 64))) {
    ctx.error({}, "warp-size portability needs warp sizes of 32 or 64 (got " + std::to_string(from) + " -> " + std::to_string(to) +
                      "; set the options or ctx.source/ctx.target to cuda/hip)");
    return false;
  }
  const size_t diagnosticsBefore = ctx.diagnostics.size();
  std::map<std::string, ExprPtr> constGlobals;  // constexpr / const file-scope integers (kWarp)
  for (const auto &item : m.items)
    if (auto *g = std::get_if<GlobalVar>(&item); g && g->init && (g->isConstexpr || (g->type && g->type->isConst)))
      constGlobals[g->name] = g->init;

  WarpAdapter adapter(from, to, constGlobals, ctx);
  // Static shared memory limit of the target: CUDA 48 KiB static per block, gfx90a 64 KiB of LDS.
  const bool toHip = ctx.target == Dialect::HIP || (ctx.target != Dialect::CUDA && to == 64);
  const int64_t sharedLimit = toHip ? 64 * 1024 : 48 * 1024;
  int launchBoundsConverted = 0;
  for (auto &item : m.items) {
    auto *f = std::get_if<Function>(&item);
    if (!f || !f->body) continue;
    if (from != to) {
      adapter.setFunction(*f);
      *f = adapter.mutate(*f);
    }
    if (f->kind != FunctionKind::Kernel) continue;
    int64_t shared = 0;
    for (const auto &t : backends::kernelResources(m, *f).shared) shared += t ? typeBytes(*t) : 0;
    if (shared > sharedLimit)
      ctx.error(f->loc, "kernel '" + f->name + "' uses " + std::to_string(shared) + " bytes of static shared memory, over the " +
                            std::to_string(sharedLimit / 1024) + " KiB " + (toHip ? "of LDS on gfx90a" : "CUDA allows statically"));
    if (f->launchBounds) {
      LaunchBounds &lb = *f->launchBounds;
      if (lb.maxThreadsPerBlock > 1024)
        ctx.error(f->loc, "kernel '" + f->name + "': __launch_bounds__(" + std::to_string(lb.maxThreadsPerBlock) +
                              ") exceeds the 1024 threads per block of both targets");
      if (lb.minBlocksPerMultiprocessor > 0 && from != to) {
        if (toHip) {
          // CUDA: min resident blocks per SM; HIP: min waves per execution unit (4 SIMDs per CU,
          // at most 8 waves each on gfx90a). Same occupancy request, other unit.
          int64_t wavesPerBlock = (lb.maxThreadsPerBlock + to - 1) / to;
          int64_t waves = std::min<int64_t>(8, (lb.minBlocksPerMultiprocessor * wavesPerBlock + 3) / 4);
          ctx.note(f->loc, "__launch_bounds__ of '" + f->name + "': " + std::to_string(lb.minBlocksPerMultiprocessor) +
                               " min blocks per SM becomes " + std::to_string(waves) + " min waves per EU");
          lb.minBlocksPerMultiprocessor = std::max<int64_t>(1, waves);
        } else {
          ctx.note(f->loc, "__launch_bounds__ of '" + f->name + "': the HIP min-waves-per-EU hint (" +
                               std::to_string(lb.minBlocksPerMultiprocessor) + ") has no CUDA meaning and is dropped");
          lb.minBlocksPerMultiprocessor = 0;
        }
        ++launchBoundsConverted;
      }
    }
  }
  for (const auto &[what, n] : adapter.stats) ctx.stats[what] = ctx.stats.value(what, 0) + n;
  if (launchBoundsConverted) ctx.stats["launch_bounds_converted"] = ctx.stats.value("launch_bounds_converted", 0) + launchBoundsConverted;
  for (size_t i = diagnosticsBefore; i < ctx.diagnostics.size(); ++i)
    if (ctx.diagnostics[i].severity == Severity::Error) return false;
  return true;
}

}  // namespace xpile::passes
