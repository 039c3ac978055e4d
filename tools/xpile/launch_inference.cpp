#include "tools/xpile/launch_inference.h"

#include "ast/visitor.h"
#include "backends/c_family_printer.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

namespace xpile::tools {

namespace {

using namespace ast;

constexpr unsigned kDefaultThreads = 256;     // a block when nothing says otherwise
constexpr uint64_t kMaxThreads = 1024;        // the most threads a CUDA/HIP block may have
constexpr uint64_t kGridStrideBlocks = 1024;  // a grid-stride loop covers any grid: at most this many blocks
constexpr int kMaxDepth = 16;                 // locals resolved through at most this many definitions
const char kAxisNames[] = "xyz";

ExprPtr stripCasts(ExprPtr e) {
  while (e && e->kind == ExprKind::Cast) e = e->as<Cast>()->operand;
  return e;
}

std::optional<int> axisOf(const ExprPtr &e, ParallelAxis axis) {
  const ParallelIndex *p = e ? e->as<ParallelIndex>() : nullptr;
  if (p && p->axis == axis && p->dim >= 0 && p->dim < 3) return p->dim;
  return std::nullopt;
}

bool endsInReturn(const StmtPtr &s) {
  if (!s) return false;
  if (s->kind == StmtKind::Return) return true;
  const Seq *seq = s->as<Seq>();
  return seq && !seq->body.empty() && endsInReturn(seq->body.back());
}

void splitOn(const ExprPtr &e, BinaryOp op, std::vector<ExprPtr> &terms) {
  ExprPtr s = stripCasts(e);
  const Binary *b = s ? s->as<Binary>() : nullptr;
  if (b && b->op == op) {
    splitOn(b->lhs, op, terms);
    splitOn(b->rhs, op, terms);
  } else if (s) {
    terms.push_back(s);
  }
}

// Which of threadIdx/blockIdx .x/.y/.z a kernel uses, the device functions it calls included.
class AxisUsage : public IRVisitor {
public:
  explicit AxisUsage(const Module &m) : module_(m) {}
  bool thread[3] = {}, block[3] = {};

protected:
  void visitParallelIndex(const ParallelIndex &n) override {
    if (n.dim < 0 || n.dim > 2) return;
    if (n.axis == ParallelAxis::ThreadIdx) thread[n.dim] = true;
    if (n.axis == ParallelAxis::BlockIdx) block[n.dim] = true;
  }
  void visitCall(const Call &n) override {
    if (n.callKind == CallKind::User && seen_.insert(n.callee).second)
      if (const Function *f = module_.findFunction(n.callee); f && f->body) visit(f->body);
    IRVisitor::visitCall(n);
  }

private:
  const Module &module_;
  std::set<std::string> seen_;
};

// Where a comparison bounding an index was found, and how the note names it.
enum class BoundForm { Guard, EarlyReturn, Loop };
const char *const kFormNames[] = {"the guard", "the early return", "the loop"};

// The kernel's work needs `index < bound` (`<=` when inclusive); `text` is the comparison as written.
struct Bound {
  ExprPtr index, bound;
  bool inclusive = false;
  BoundForm form = BoundForm::Guard;
  std::string text;
};

// One subscripting of a static __shared__ array: the subscripts outermost first, and for each axis
// whether the access sits under a condition comparing threadIdx of that axis itself (`if
// (threadIdx.x < 32) s[threadIdx.x]` reads a tile smaller than the block).
struct TileAccess {
  std::vector<ExprPtr> subscripts;
  bool threadGuarded[3] = {};
};

struct Tile {
  std::string name;
  std::vector<int64_t> extents;  // outermost first
  std::vector<TileAccess> accesses;
};

// Everything the inference reads from the kernel body, and the arithmetic over it.
class KernelReader : public IRVisitor {
public:
  KernelReader(const Function &kernel, std::map<std::string, int64_t> params, backends::CFamilyPrinter &printer)
      : params_(std::move(params)), printer_(printer) {
    visit(kernel.body);
  }

  std::vector<Bound> bounds;
  std::vector<Tile> tiles;

  std::string print(const ExprPtr &e) { return printer_.printExpr(e); }

  // `e` with casts removed and locals replaced by their definitions.
  ExprPtr resolve(ExprPtr e, bool throughStepped = true) const {
    e = stripCasts(e);
    for (int i = 0; i < kMaxDepth && e; ++i) {
      const Var *v = e->as<Var>();
      if (!v || !resolvable(v->name, throughStepped)) break;
      e = stripCasts(locals_.at(v->name));
    }
    return e;
  }

  // `step` is `blockDim.a * gridDim.a`: the axis.
  std::optional<int> gridStrideAxis(const ExprPtr &step) const {
    ExprPtr s = resolve(step, false);
    const Binary *mul = s ? s->as<Binary>() : nullptr;
    if (!mul || mul->op != BinaryOp::Mul) return std::nullopt;
    ExprPtr a = resolve(mul->lhs, false), b = resolve(mul->rhs, false);
    for (auto [dim, grid] : {std::pair{a, b}, std::pair{b, a}}) {
      auto d = axisOf(dim, ParallelAxis::BlockDim);
      if (d && axisOf(grid, ParallelAxis::GridDim) == d) return d;
    }
    return std::nullopt;
  }

  // A variable every step of which (`i += blockDim.x * gridDim.x`) strides over the grid of `axis`.
  bool stridesGrid(const ExprPtr &index, int axis) const {
    ExprPtr e = stripCasts(index);
    const Var *v = e ? e->as<Var>() : nullptr;
    auto it = v ? steps_.find(v->name) : steps_.end();
    if (it == steps_.end()) return false;
    return std::all_of(it->second.begin(), it->second.end(),
                       [&](const ExprPtr &s) { return gridStrideAxis(s) == axis; });
  }

  // `blockIdx.a * blockDim.a + threadIdx.a` (any order; blockDim.a may be a constant, which then
  // fixes the block): the axis and that constant.
  struct GlobalIndex {
    int axis = 0;
    std::optional<int64_t> blockSize;
    ExprPtr expr;
  };
  std::optional<GlobalIndex> globalIndex(const ExprPtr &index) const {
    ExprPtr e = resolve(index);
    const Binary *add = e ? e->as<Binary>() : nullptr;
    if (!add || add->op != BinaryOp::Add) return std::nullopt;
    for (auto [t, m] : {std::pair{add->lhs, add->rhs}, std::pair{add->rhs, add->lhs}}) {
      auto axis = axisOf(resolve(t), ParallelAxis::ThreadIdx);
      ExprPtr me = resolve(m);
      const Binary *mul = me ? me->as<Binary>() : nullptr;
      if (!axis || !mul || mul->op != BinaryOp::Mul) continue;
      for (auto [b, s] : {std::pair{mul->lhs, mul->rhs}, std::pair{mul->rhs, mul->lhs}}) {
        if (axisOf(resolve(b), ParallelAxis::BlockIdx) != axis) continue;
        if (axisOf(resolve(s), ParallelAxis::BlockDim) == axis) return GlobalIndex{*axis, std::nullopt, e};
        if (auto size = evaluate(s); size && *size > 0) return GlobalIndex{*axis, size, e};
      }
    }
    return std::nullopt;
  }

  // The value of an expression of integer literals and scalar parameters (through locals).
  std::optional<int64_t> evaluate(const ExprPtr &expr, int depth = 0) const {
    ExprPtr e = stripCasts(expr);
    if (!e || depth > kMaxDepth) return std::nullopt;
    if (const IntLit *lit = e->as<IntLit>()) return lit->value;
    if (const Var *v = e->as<Var>()) {
      if (auto it = params_.find(v->name); it != params_.end() && !locals_.count(v->name)) return it->second;
      if (resolvable(v->name, false)) return evaluate(locals_.at(v->name), depth + 1);
      return std::nullopt;
    }
    if (const Unary *u = e->as<Unary>()) {
      auto a = evaluate(u->operand, depth + 1);
      if (a && u->op == UnaryOp::Neg) return -*a;
      if (a && u->op == UnaryOp::Plus) return a;
      return std::nullopt;
    }
    const Binary *b = e->as<Binary>();
    if (!b) return std::nullopt;
    auto l = evaluate(b->lhs, depth + 1), r = evaluate(b->rhs, depth + 1);
    if (!l || !r) return std::nullopt;
    int64_t out = 0;
    switch (b->op) {
    case BinaryOp::Add: if (__builtin_add_overflow(*l, *r, &out)) return std::nullopt; return out;
    case BinaryOp::Sub: if (__builtin_sub_overflow(*l, *r, &out)) return std::nullopt; return out;
    case BinaryOp::Mul: if (__builtin_mul_overflow(*l, *r, &out)) return std::nullopt; return out;
    case BinaryOp::Div: if (*r == 0) return std::nullopt; return *l / *r;
    case BinaryOp::Mod: if (*r == 0) return std::nullopt; return *l % *r;
    case BinaryOp::Shl: if (*r < 0 || *r > 62 || *l < 0 || *l > (INT64_MAX >> *r)) return std::nullopt; return *l << *r;
    case BinaryOp::Shr: if (*r < 0 || *r > 63) return std::nullopt; return *l >> *r;
    default: return std::nullopt;
    }
  }

  // `threadIdx.a ± constant`: an offset into a tile larger than the block (a stencil's halo).
  bool offsetThreadIndex(const ExprPtr &subscript, int axis) const {
    ExprPtr e = resolve(subscript);
    const Binary *b = e ? e->as<Binary>() : nullptr;
    if (!b || (b->op != BinaryOp::Add && b->op != BinaryOp::Sub)) return false;
    return (axisOf(resolve(b->lhs), ParallelAxis::ThreadIdx) == axis && evaluate(b->rhs)) ||
           (b->op == BinaryOp::Add && axisOf(resolve(b->rhs), ParallelAxis::ThreadIdx) == axis && evaluate(b->lhs));
  }

protected:
  void visitDecl(const Decl &n) override {
    declare(n.name, n.init);
    IRVisitor::visitDecl(n);
  }
  void visitAlloc(const Alloc &n) override {
    if (n.space == MemSpace::Shared && !n.isExtern) {
      Tile tile{n.name, {}, {}};
      for (TypePtr t = n.type; t && t->kind == Type::Kind::Array; t = t->element) {
        if (!t->extent || *t->extent <= 0) {
          tile.extents.clear();
          break;
        }
        tile.extents.push_back(*t->extent);
      }
      if (!tile.extents.empty()) tiles.push_back(tile);
    }
    IRVisitor::visitAlloc(n);
  }
  void visitAssignStmt(const AssignStmt &n) override {
    assigned(n.target, n.op, n.value);
    IRVisitor::visitAssignStmt(n);
  }
  void visitAssignExpr(const AssignExpr &n) override {
    assigned(n.target, n.op, n.value);
    IRVisitor::visitAssignExpr(n);
  }
  void visitUnary(const Unary &n) override {
    if (n.op == UnaryOp::PreInc || n.op == UnaryOp::PreDec || n.op == UnaryOp::PostInc || n.op == UnaryOp::PostDec ||
        n.op == UnaryOp::AddrOf)
      assigned(n.operand, std::nullopt, nullptr);
    IRVisitor::visitUnary(n);
  }
  void visitLoad(const Load &n) override {
    std::vector<ExprPtr> subscripts{n.index};
    ExprPtr base = stripCasts(n.base);
    while (base && base->kind == ExprKind::Load) {
      subscripts.push_back(base->as<Load>()->index);
      base = stripCasts(base->as<Load>()->base);
    }
    std::reverse(subscripts.begin(), subscripts.end());
    if (const Var *v = base ? base->as<Var>() : nullptr)
      for (Tile &tile : tiles)
        if (tile.name == v->name && tile.extents.size() == subscripts.size()) {
          TileAccess access{subscripts, {}};
          for (int a = 0; a < 3; ++a) access.threadGuarded[a] = threadGuards_[a] > 0;
          tile.accesses.push_back(access);
        }
    IRVisitor::visitLoad(n);
  }
  void visitIf(const If &n) override {
    bool exits = !n.elseBody && endsInReturn(n.thenBody);
    addBounds(n.cond, exits ? BoundForm::EarlyReturn : BoundForm::Guard);
    visit(n.cond);
    guarded(n.cond, [&] {
      visit(n.thenBody);
      visit(n.elseBody);
    });
  }
  void visitSelect(const Select &n) override {
    visit(n.cond);
    guarded(n.cond, [&] {
      visit(n.thenValue);
      visit(n.elseValue);
    });
  }
  void visitFor(const For &n) override {
    declare(n.var, n.start);
    steps_[n.var].push_back(n.step);
    if (n.cmp == BinaryOp::LT || n.cmp == BinaryOp::LE) {
      auto var = std::make_shared<Var>();
      var->name = n.var;
      bounds.push_back({var, n.end, n.cmp == BinaryOp::LE, BoundForm::Loop,
                        n.var + (n.cmp == BinaryOp::LE ? " <= " : " < ") + print(n.end)});
    }
    IRVisitor::visitFor(n);
  }
  void visitLoop(const Loop &n) override {
    if (n.cond) addBounds(n.cond, BoundForm::Loop);
    IRVisitor::visitLoop(n);
  }

private:
  bool resolvable(const std::string &name, bool throughStepped) const {
    auto it = locals_.find(name);
    if (it == locals_.end() || !it->second || unresolvable_.count(name)) return false;
    auto steps = steps_.find(name);
    if (steps == steps_.end()) return true;
    // A variable that moves is its first value only when every move strides over the grid.
    return throughStepped && std::all_of(steps->second.begin(), steps->second.end(),
                                         [&](const ExprPtr &s) { return gridStrideAxis(s).has_value(); });
  }
  void declare(const std::string &name, const ExprPtr &init) {
    if (!locals_.emplace(name, init).second) unresolvable_.insert(name);  // two variables of one name
  }
  void assigned(const ExprPtr &target, std::optional<BinaryOp> op, const ExprPtr &value) {
    ExprPtr t = stripCasts(target);
    const Var *v = t ? t->as<Var>() : nullptr;
    if (!v) return;
    if (op == BinaryOp::Add && value) steps_[v->name].push_back(value);
    else unresolvable_.insert(v->name);
  }
  // The comparisons of a condition that bound an index: the conjuncts of a guard, the disjuncts of
  // an early return's condition (negated).
  void addBounds(const ExprPtr &cond, BoundForm form) {
    bool exits = form == BoundForm::EarlyReturn;
    std::vector<ExprPtr> terms;
    splitOn(cond, exits ? BinaryOp::LOr : BinaryOp::LAnd, terms);
    for (const ExprPtr &term : terms) {
      const Binary *b = term->as<Binary>();
      if (!b) continue;
      // Normalized to `index < bound` / `index <= bound` for the work to happen.
      bool lhsIsIndex = false, inclusive = false;
      switch (b->op) {
      case BinaryOp::LT: lhsIsIndex = !exits, inclusive = exits; break;
      case BinaryOp::LE: lhsIsIndex = !exits, inclusive = !exits; break;
      case BinaryOp::GT: lhsIsIndex = exits, inclusive = exits; break;
      case BinaryOp::GE: lhsIsIndex = exits, inclusive = !exits; break;
      default: continue;
      }
      bounds.push_back({lhsIsIndex ? b->lhs : b->rhs, lhsIsIndex ? b->rhs : b->lhs, inclusive, form, print(term)});
    }
  }
  // Runs `body` counting it as under `cond` for each axis whose threadIdx `cond` compares directly.
  template <typename F> void guarded(const ExprPtr &cond, F body) {
    std::vector<ExprPtr> terms;
    splitOn(cond, BinaryOp::LAnd, terms);
    bool axes[3] = {};
    for (const ExprPtr &term : terms)
      if (const Binary *b = term->as<Binary>(); b && b->op >= BinaryOp::LT && b->op <= BinaryOp::NE)
        for (const ExprPtr &side : {b->lhs, b->rhs})
          if (auto a = axisOf(resolve(side), ParallelAxis::ThreadIdx)) axes[*a] = true;
    for (int a = 0; a < 3; ++a) threadGuards_[a] += axes[a];
    body();
    for (int a = 0; a < 3; ++a) threadGuards_[a] -= axes[a];
  }

  std::map<std::string, int64_t> params_;
  backends::CFamilyPrinter &printer_;
  std::map<std::string, ExprPtr> locals_;  // a local's (or loop variable's) first value
  std::set<std::string> unresolvable_;     // declared twice, or assigned other than by `+=`
  std::map<std::string, std::vector<ExprPtr>> steps_;  // `v += step`, loop steps included
  int threadGuards_[3] = {};
};

// "16x16", "4" (the first `dims` components).
std::string dimsText(const unsigned v[3], int dims) {
  std::string s;
  for (int a = 0; a < dims; ++a) s += (a ? "x" : "") + std::to_string(v[a]);
  return s;
}

// `total` threads over `axes` axes, as square as divisors allow, x the widest: 256 -> 16x16, 128 ->
// 16x8, 256 over three axes -> 8x8x4.
std::vector<unsigned> spread(unsigned total, size_t axes) {
  std::vector<unsigned> out;
  for (; axes > 1; --axes) {
    unsigned d = 1;
    while (d < total) {
      uint64_t power = 1;
      for (size_t i = 0; i < axes; ++i) power *= d;
      if (power >= total && total % d == 0) break;
      ++d;
    }
    out.push_back(d);
    total /= d;
  }
  out.push_back(std::max(1u, total));
  return out;
}

std::optional<int64_t> scalarValue(const exec::ArgSpec &a) {
  if (a.kind != exec::ArgSpec::Kind::Scalar || exec::isFloatType(a.type)) return std::nullopt;
  if (exec::isSignedType(a.type)) return a.intValue;
  if (a.uintValue > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  return static_cast<int64_t>(a.uintValue ? a.uintValue : static_cast<uint64_t>(a.intValue));
}

// Today's rule, when the kernel shows nothing: a 1-D block, and a grid covering the largest buffer.
InferredLaunch largestBufferLaunch(const Function &kernel, const std::vector<exec::ArgSpec> &args,
                                   const exec::LaunchSpec &given) {
  InferredLaunch out;
  exec::LaunchSpec &l = out.launch;
  if (given.hasBlock) std::copy(given.block, given.block + 3, l.block);
  else l.block[0] = kernel.launchBounds ? static_cast<unsigned>(kernel.launchBounds->maxThreadsPerBlock) : kDefaultThreads;
  uint64_t elements = 1;
  for (const auto &a : args)
    if (a.kind == exec::ArgSpec::Kind::Buffer) elements = std::max<uint64_t>(elements, a.count);
  uint64_t threads = uint64_t(l.block[0]) * l.block[1] * l.block[2];
  l.grid[0] = static_cast<unsigned>((elements + threads - 1) / threads);
  l.hasGrid = l.hasBlock = true;
  out.note = "launch configuration inferred: block " + dimsText(l.block, l.block[2] > 1 ? 3 : l.block[1] > 1 ? 2 : 1) +
             (given.hasBlock ? " (given)" : kernel.launchBounds ? " (from __launch_bounds__)" : " (default)") +
             ", grid " + std::to_string(l.grid[0]) +
             " (one thread per element of the largest buffer); give --launch to set it";
  return out;
}

}  // namespace

InferredLaunch inferLaunch(const Module &m, const Function &kernel, const std::vector<exec::ArgSpec> &args,
                           const exec::LaunchSpec &given) {
  std::map<std::string, int64_t> params;
  for (size_t i = 0; i < kernel.params.size() && i < args.size(); ++i)
    if (auto v = scalarValue(args[i])) params[kernel.params[i].name] = *v;
  AxisUsage usage(m);
  usage.visit(kernel.body);
  auto printer = backends::makePrinter(m, m.dialect);
  KernelReader reader(kernel, params, *printer);

  // Per axis: the extent (threads, or blocks), and the block fixed by the kernel.
  struct Axis {
    std::optional<uint64_t> threads, blocks;
    int64_t value = 0;  // the bound as computed
    bool gridStride = false;
    const Bound *bound = nullptr;
    std::optional<unsigned> block;
    std::string blockFrom;
  } axes[3];
  bool found = false;
  for (const Bound &b : reader.bounds) {
    auto value = reader.evaluate(b.bound);
    if (!value) continue;
    uint64_t extent = static_cast<uint64_t>(std::max<int64_t>(1, *value + (b.inclusive ? 1 : 0)));
    if (auto g = reader.globalIndex(b.index)) {
      Axis &a = axes[g->axis];
      if (!a.threads && !a.blocks) {
        a.threads = extent, a.value = *value, a.bound = &b, found = true;
        a.gridStride = reader.stridesGrid(b.index, g->axis);
      }
      if (g->blockSize && !a.block && static_cast<uint64_t>(*g->blockSize) <= kMaxThreads)
        a.block = static_cast<unsigned>(*g->blockSize), a.blockFrom = "the index '" + reader.print(g->expr) + "'";
    } else if (auto axis = axisOf(reader.resolve(b.index), ParallelAxis::BlockIdx)) {
      Axis &a = axes[*axis];
      if (!a.threads && !a.blocks) a.blocks = extent, a.value = *value, a.bound = &b, found = true;
    }
  }
  // Tiles subscripted exactly by threadIdx and never by threadIdx plus a constant (accesses under a
  // test of that threadIdx aside): the smallest such dimension per axis, so no thread subscripts
  // past a tile.
  std::optional<unsigned> tileBlock[3];
  std::string tileName[3];
  for (const Tile &tile : reader.tiles)
    for (size_t k = 0; k < tile.extents.size(); ++k)
      for (int axis = 0; axis < 3; ++axis) {
        bool exact = false, offset = false;
        for (const TileAccess &access : tile.accesses) {
          if (access.threadGuarded[axis]) continue;
          exact = exact || axisOf(reader.resolve(access.subscripts[k]), ParallelAxis::ThreadIdx) == axis;
          offset = offset || reader.offsetThreadIndex(access.subscripts[k], axis);
        }
        if (exact && !offset && static_cast<uint64_t>(tile.extents[k]) <= kMaxThreads &&
            (!tileBlock[axis] || *tileBlock[axis] > tile.extents[k]))
          tileBlock[axis] = static_cast<unsigned>(tile.extents[k]), tileName[axis] = tile.name;
      }
  for (int axis = 0; axis < 3; ++axis)
    if (tileBlock[axis])
      axes[axis].block = tileBlock[axis], axes[axis].blockFrom = "the __shared__ tile '" + tileName[axis] + "'";
  for (const Axis &a : axes) found = found || a.block;
  if (!found) return largestBufferLaunch(kernel, args, given);

  InferredLaunch out;
  out.fromKernel = true;
  exec::LaunchSpec &l = out.launch;
  l.hasGrid = l.hasBlock = true;
  std::string blockFrom[3];
  if (given.hasBlock) {
    std::copy(given.block, given.block + 3, l.block);
    for (auto &f : blockFrom) f = "given";
  } else {
    // Fixed axes first; __launch_bounds__ (or 256 threads) spread over the other threadIdx axes.
    uint64_t fixed = 1;
    for (const Axis &a : axes) fixed *= a.block.value_or(1);
    std::optional<uint64_t> bound;
    if (kernel.launchBounds && kernel.launchBounds->maxThreadsPerBlock > 0)
      bound = static_cast<uint64_t>(kernel.launchBounds->maxThreadsPerBlock);
    if (fixed > bound.value_or(kMaxThreads))  // more threads than __launch_bounds__ or the hardware allow
      for (Axis &a : axes) a.block.reset();
    std::vector<int> free;
    fixed = 1;
    for (int axis = 0; axis < 3; ++axis) {
      if (axes[axis].block) {
        l.block[axis] = *axes[axis].block, blockFrom[axis] = axes[axis].blockFrom;
        fixed *= l.block[axis];
      } else if (usage.thread[axis]) {
        free.push_back(axis);
      }
    }
    if (!free.empty()) {
      auto threads = static_cast<unsigned>(std::max<uint64_t>(1, (bound ? *bound : kDefaultThreads) / fixed));
      std::vector<unsigned> sizes = spread(threads, free.size());
      std::string from = bound ? "__launch_bounds__(" + std::to_string(*bound) + ")"
                         : fixed == 1 ? "the default for a " + std::to_string(free.size()) + "-D kernel"
                                      : "the default of " + std::to_string(kDefaultThreads) + " threads";
      for (size_t i = 0; i < free.size(); ++i) l.block[free[i]] = sizes[i], blockFrom[free[i]] = from;
    }
  }

  // The grid: each extent over the block; axes that use blockIdx without a bound cover what the
  // others leave of the largest buffer; the others are 1.
  std::string gridParts;
  auto addPart = [&](const std::string &part) { gridParts += (gridParts.empty() ? "" : ", ") + part; };
  const BoundForm *lastForm = nullptr;
  uint64_t covered = 1;
  std::vector<int> rest;
  for (int axis = 0; axis < 3; ++axis) {
    const Axis &a = axes[axis];
    std::string name(1, kAxisNames[axis]);
    if (!a.bound) {
      if (usage.block[axis]) rest.push_back(axis);
      continue;
    }
    std::string value = reader.print(a.bound->bound);
    ExprPtr bare = stripCasts(a.bound->bound);
    uint64_t extent = a.threads ? *a.threads : *a.blocks;
    value = bare->as<IntLit>() ? std::to_string(a.value)
            : bare->as<Var>()  ? value + "=" + std::to_string(a.value)
                               : value + " = " + std::to_string(a.value);
    std::string from = (lastForm && *lastForm == a.bound->form ? "" : std::string(kFormNames[static_cast<int>(a.bound->form)]) + " ") +
                       "'" + a.bound->text + "'";
    if (a.gridStride && a.bound->form == BoundForm::Loop) from = "the grid-stride loop '" + a.bound->text + "'";
    lastForm = &a.bound->form;
    uint64_t grid = a.blocks ? extent : (extent + l.block[axis] - 1) / l.block[axis];
    if (a.blocks) {
      addPart(name + " counts " + value + " blocks from " + from);
    } else if (a.gridStride && grid > kGridStrideBlocks) {
      grid = kGridStrideBlocks;
      addPart(name + " covers " + value + " from " + from + ", capped at " + std::to_string(grid) + " blocks");
    } else {
      addPart(name + " covers " + value + " from " + from);
    }
    l.grid[axis] = static_cast<unsigned>(std::min<uint64_t>(grid, UINT32_MAX));
    covered *= uint64_t(l.grid[axis]) * l.block[axis];
  }
  uint64_t elements = 1;
  for (const auto &a : args)
    if (a.kind == exec::ArgSpec::Kind::Buffer) elements = std::max<uint64_t>(elements, a.count);
  for (int axis : rest) {
    uint64_t per = covered * l.block[axis];
    l.grid[axis] = static_cast<unsigned>(std::min<uint64_t>(std::max<uint64_t>(1, (elements + per - 1) / per), UINT32_MAX));
    addPart(std::string(1, kAxisNames[axis]) + " covers " + (covered == 1 ? "" : "the rest of ") +
            "the largest buffer (" + std::to_string(elements) + " elements)");
    covered *= uint64_t(l.grid[axis]) * l.block[axis];
  }

  int dims = 1;
  for (int axis = 0; axis < 3; ++axis)
    if (usage.thread[axis] || usage.block[axis] || l.block[axis] > 1 || l.grid[axis] > 1) dims = axis + 1;
  std::string blockNote;
  bool same = true;
  for (int axis = 1; axis < dims; ++axis) same = same && blockFrom[axis] == blockFrom[0];
  if (same && (blockFrom[0].rfind("the default", 0) == 0 || blockFrom[0] == "given")) blockNote = blockFrom[0];
  else if (same && !blockFrom[0].empty()) blockNote = "from " + blockFrom[0];
  else
    for (int axis = 0; axis < dims; ++axis)
      if (!blockFrom[axis].empty())
        blockNote += (blockNote.empty() ? "" : ", ") + std::string(1, kAxisNames[axis]) + " from " + blockFrom[axis];
  out.note = "launch configuration inferred from the kernel's index arithmetic: block " + dimsText(l.block, dims) +
             (blockNote.empty() ? "" : " (" + blockNote + ")") + ", grid " + dimsText(l.grid, dims);
  if (given.hasGrid) out.note += " (given)";
  else if (!gridParts.empty()) out.note += " (" + gridParts + ")";
  out.note += "; give --launch to set it";
  return out;
}

}  // namespace xpile::tools
