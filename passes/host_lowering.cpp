#include "passes/host_lowering.h"

#include "ast/visitor.h"
#include "backends/c_family_printer.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <set>

namespace xpile::passes {

using namespace ast;

namespace {

// ---------------------------------------------------------------------------------------------
// Node construction

template <typename T> std::shared_ptr<T> make(const SourceLoc &loc) {
  auto n = std::make_shared<T>();
  n->loc = loc;
  return n;
}

TypePtr intType() { return Type::scalarOf(ScalarType::I32); }

ExprPtr intLit(int64_t v, const SourceLoc &loc = {}) {
  auto n = make<IntLit>(loc);
  n->value = v;
  n->type = intType();
  return n;
}

ExprPtr stringLit(const std::string &s, const SourceLoc &loc) {
  auto n = make<StringLit>(loc);
  n->value = s;
  n->type = Type::pointerTo(Type::scalarOf(ScalarType::Char, true));
  return n;
}

ExprPtr var(const std::string &name, TypePtr type, const SourceLoc &loc) {
  auto n = make<Var>(loc);
  n->name = name;
  n->type = std::move(type);
  return n;
}

ExprPtr binary(BinaryOp op, ExprPtr a, ExprPtr b, TypePtr type, const SourceLoc &loc) {
  auto n = make<Binary>(loc);
  n->op = op;
  n->lhs = std::move(a);
  n->rhs = std::move(b);
  n->type = std::move(type);
  return n;
}

ExprPtr unary(UnaryOp op, ExprPtr a, TypePtr type, const SourceLoc &loc) {
  auto n = make<Unary>(loc);
  n->op = op;
  n->operand = std::move(a);
  n->type = std::move(type);
  return n;
}

ExprPtr castTo(TypePtr t, ExprPtr e, const SourceLoc &loc) {
  auto n = make<Cast>(loc);
  n->style = CastStyle::C;
  n->type = std::move(t);
  n->operand = std::move(e);
  return n;
}

ExprPtr call(const std::string &callee, std::vector<ExprPtr> args, TypePtr type, const SourceLoc &loc) {
  auto n = make<Call>(loc);
  n->callee = callee;
  n->args = std::move(args);
  n->callKind = CallKind::Builtin;
  n->type = std::move(type);
  return n;
}

StmtPtr assign(ExprPtr target, ExprPtr value, const SourceLoc &loc) {
  auto n = make<AssignStmt>(loc);
  n->target = std::move(target);
  n->value = std::move(value);
  return n;
}

StmtPtr eval(ExprPtr e, const SourceLoc &loc) {
  auto n = make<Eval>(loc);
  n->value = std::move(e);
  return n;
}

// Statements spliced into the enclosing block (an empty one is "nothing").
StmtPtr splice(std::vector<StmtPtr> body, const SourceLoc &loc) {
  auto n = make<Seq>(loc);
  n->body = std::move(body);
  n->scoped = false;
  return n;
}

bool isNothing(const StmtPtr &s) {
  if (!s) return true;
  auto *seq = s->as<Seq>();
  if (!seq || seq->scoped) return false;
  for (const auto &c : seq->body)
    if (!isNothing(c)) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// The runtime's vocabulary

// "cudaMemcpy" -> "Memcpy", "hipHostMalloc" -> "HostMalloc"; nullopt for other names.
std::optional<std::string> apiSuffix(const std::string &name) {
  for (const char *prefix : {"cuda", "hip"}) {
    size_t n = std::char_traits<char>::length(prefix);
    if (name.size() > n && name.compare(0, n, prefix) == 0 && std::isupper(static_cast<unsigned char>(name[n])))
      return name.substr(n);
  }
  return std::nullopt;
}

enum class Handle { None, Error, Stream, Event, Dim3, DeviceProp, Other };

std::string bareName(std::string n) {
  for (const char *p : {"const ", "enum ", "struct "})
    if (n.rfind(p, 0) == 0) n = n.substr(std::char_traits<char>::length(p));
  return n;
}

Handle handleOf(const TypePtr &t) {
  if (!t || t->kind != Type::Kind::Named) return Handle::None;
  std::string n = bareName(t->name);
  if (n == "cudaError_t" || n == "cudaError" || n == "hipError_t") return Handle::Error;
  if (n == "cudaStream_t" || n == "hipStream_t") return Handle::Stream;
  if (n == "cudaEvent_t" || n == "hipEvent_t") return Handle::Event;
  if (n == "dim3") return Handle::Dim3;
  if (n == "cudaDeviceProp" || n == "hipDeviceProp_t") return Handle::DeviceProp;
  if (apiSuffix(n) || n.rfind("CU", 0) == 0) return Handle::Other;
  return Handle::None;
}

bool isIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// The identifiers of carried source text (string and character literals skipped): enough to tell
// whether a carried span names the runtime API.
std::vector<std::string> identifiers(const std::string &text) {
  std::vector<std::string> ids;
  for (size_t i = 0; i < text.size();) {
    char c = text[i];
    if (c == '"' || c == '\'') {
      for (++i; i < text.size() && text[i] != c; ++i)
        if (text[i] == '\\') ++i;
      ++i;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t b = i;
      while (i < text.size() && isIdentChar(text[i])) ++i;
      ids.push_back(text.substr(b, i - b));
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      while (i < text.size() && isIdentChar(text[i])) ++i;
    } else {
      ++i;
    }
  }
  return ids;
}

bool namesRuntime(const std::string &text) {
  for (const auto &id : identifiers(text))
    if (apiSuffix(id) || id == "dim3") return true;
  return false;
}

// Whether evaluating `e` could change anything (so dropping it would lose an effect).
bool hasSideEffects(const ExprPtr &e) {
  struct V : IRVisitor {
    bool found = false;
    void visitCall(const Call &c) override {
      if (c.callKind != CallKind::Math) found = true;
      IRVisitor::visitCall(c);
    }
    void visitAssignExpr(const AssignExpr &) override { found = true; }
    void visitUnary(const Unary &u) override {
      if (u.op == UnaryOp::PreInc || u.op == UnaryOp::PreDec || u.op == UnaryOp::PostInc || u.op == UnaryOp::PostDec)
        found = true;
      IRVisitor::visitUnary(u);
    }
    void visitVerbatimExpr(const VerbatimExpr &) override { found = true; }
  } v;
  v.visit(e);
  return v.found;
}

ExprPtr stripCasts(ExprPtr e) {
  while (e && e->kind == ExprKind::Cast) e = e->as<Cast>()->operand;
  return e;
}

// The object an out-parameter `&x` (or `(void **)&x`) designates: `x`; any other pointer `p`
// designates `*p`.
ExprPtr pointee(const ExprPtr &arg) {
  ExprPtr e = stripCasts(arg);
  if (auto *u = e ? e->as<Unary>() : nullptr; u && u->op == UnaryOp::AddrOf) return u->operand;
  TypePtr t = arg && arg->type && arg->type->kind == Type::Kind::Pointer ? arg->type->element : nullptr;
  return unary(UnaryOp::Deref, arg, t, arg ? arg->loc : SourceLoc{});
}

std::optional<CopyDirection> copyKind(const ExprPtr &e) {
  auto *v = e ? stripCasts(e)->as<Var>() : nullptr;
  if (!v) return std::nullopt;
  auto s = apiSuffix(v->name);
  if (!s) return std::nullopt;
  if (*s == "MemcpyHostToDevice") return CopyDirection::HostToDevice;
  if (*s == "MemcpyDeviceToHost") return CopyDirection::DeviceToHost;
  if (*s == "MemcpyDeviceToDevice") return CopyDirection::DeviceToDevice;
  if (*s == "MemcpyHostToHost") return CopyDirection::HostToHost;
  if (*s == "MemcpyDefault") return CopyDirection::Default;
  return std::nullopt;
}

// API calls that only manage the device, streams or events: nothing to do on a CPU, success.
const std::set<std::string> kNoOps = {
    "DeviceSynchronize", "ThreadSynchronize", "StreamSynchronize", "DeviceReset", "SetDevice", "SetDeviceFlags",
    "DeviceSetLimit", "DeviceSetCacheConfig", "DeviceSetSharedMemConfig", "FuncSetAttribute", "FuncSetCacheConfig",
    "FuncSetSharedMemConfig", "StreamCreate", "StreamCreateWithFlags", "StreamCreateWithPriority", "StreamDestroy",
    "StreamWaitEvent", "EventCreate", "EventCreateWithFlags", "EventSynchronize", "EventDestroy", "HostRegister",
    "HostUnregister", "ProfilerStart", "ProfilerStop", "MemPrefetchAsync", "MemAdvise", "DeviceEnablePeerAccess",
    "DeviceDisablePeerAccess", "CtxSynchronize"};

// ---------------------------------------------------------------------------------------------
// The lowering of one module

class HostLowerer : public IRMutator {
public:
  HostLowerer(PassContext &ctx, Dialect source) : ctx_(ctx), source_(source) {}

  TypePtr mapType(const TypePtr &t) {
    if (!t) return t;
    switch (handleOf(t)) {
    case Handle::Error: return Type::scalarOf(ScalarType::I32, t->isConst);
    case Handle::Stream: return Type::scalarOf(ScalarType::I32, t->isConst);  // a stream is "the" CPU: 0
    case Handle::Event: usesTime_ = true; return Type::named("struct timespec", t->isConst);
    case Handle::Dim3: usesDim3_ = true; return t;
    case Handle::DeviceProp:
      usesDeviceProp_ = usesMemset_ = true;  // <string.h>: size_t for its fields, strcpy for its name
      return Type::named("cudaDeviceProp", t->isConst);
    case Handle::Other: return t;  // reported where it is declared
    case Handle::None: break;
    }
    if (t->element) {
      TypePtr e = mapType(t->element);
      if (e != t->element) {
        auto copy = std::make_shared<Type>(*t);
        copy->element = e;
        return copy;
      }
    }
    return t;
  }

  void checkType(const TypePtr &t, const SourceLoc &loc, const std::string &what) {
    for (const Type *cur = t.get(); cur; cur = cur->element.get())
      if (cur->kind == Type::Kind::Named && handleOf(std::make_shared<Type>(*cur)) == Handle::Other)
        ctx_.error(loc, what + " has the runtime type '" + cur->name + "', which has no plain C equivalent");
  }

  Function lowerFunction(const Function &f) {
    Function out = f;
    if (out.kind != FunctionKind::Host) ++stats_["functions_made_host"];
    out.kind = FunctionKind::Host;
    out.launchBounds.reset();
    out.returnType = mapType(f.returnType);
    checkType(f.returnType, f.loc, "the result of '" + f.name + "'");
    for (auto &p : out.params) {
      checkType(p.type, f.loc, "parameter '" + p.name + "'");
      p.type = mapType(p.type);
    }
    streams_.clear();
    touched_.clear();
    out.body = mutate(f.body);
    return out;
  }

  bool usesTime_ = false, usesDim3_ = false, usesMemset_ = false, usesDeviceProp_ = false;
  std::map<std::string, int> stats_;
  std::set<std::string> errorVars_;  // locals declared with the runtime's error type

protected:
  // ---- Statements ----------------------------------------------------------------------------

  StmtPtr visitSeq(const Seq &node, const StmtPtr &self) override {
    std::vector<StmtPtr> body;
    bool changed = false;
    for (const auto &c : node.body) {
      StmtPtr m = mutate(c);
      changed |= m != c;
      // Statements a lowering produced are spliced in; a multi-variable declaration (itself an
      // unscoped sequence) stays one declaration.
      auto *seq = m ? m->as<Seq>() : nullptr;
      if (m != c && seq && !seq->scoped && c->kind != StmtKind::Seq) {
        for (const auto &s : seq->body) body.push_back(s);
      } else if (m) {
        body.push_back(m);
      }
    }
    if (!changed) return self;
    auto n = std::make_shared<Seq>(node);
    n->body = std::move(body);
    return n;
  }

  // Statements whose expressions may hoist statements in front of them (runtime calls lowered to
  // several statements).
  StmtPtr withPre(const StmtPtr &self, const std::function<StmtPtr()> &rebuild) {
    std::vector<StmtPtr> pre;
    auto *saved = pre_;
    pre_ = &pre;
    StmtPtr s = rebuild();
    pre_ = saved;
    if (pre.empty()) return s;
    if (s) pre.push_back(s);
    return splice(std::move(pre), self->loc);
  }

  StmtPtr visitEval(const Eval &node, const StmtPtr &self) override {
    return withPre(self, [&]() -> StmtPtr {
      auto *c = node.value ? node.value->as<Call>() : nullptr;
      if (c && isRuntimeCall(*c)) {
        lowerCall(*c);
        return nullptr;
      }
      return IRMutator::visitEval(node, self);
    });
  }

  StmtPtr visitDecl(const Decl &node, const StmtPtr &self) override {
    Handle h = handleOf(node.type);
    if (h == Handle::Stream) {
      // Streams vanish: every use of the variable becomes the default stream, 0.
      streams_.insert(node.name);
      if (node.init && hasSideEffects(node.init)) ctx_.error(node.loc, "stream initializer with side effects");
      ++stats_["streams_removed"];
      return splice({}, node.loc);
    }
    checkType(node.type, node.loc, "variable '" + node.name + "'");
    if (h == Handle::Error) errorVars_.insert(node.name);
    return withPre(self, [&]() -> StmtPtr {
      TypePtr type = mapType(node.type);
      ExprPtr init = h == Handle::Dim3 ? dim3Init(node.init, node.loc) : mutate(node.init);
      if (type == node.type && init == node.init) return self;
      auto n = std::make_shared<Decl>(node);
      n->type = type;
      n->init = init;
      return n;
    });
  }

  StmtPtr visitAlloc(const Alloc &node, const StmtPtr &self) override {
    if (handleOf(node.type ? TypePtr(std::make_shared<Type>(node.type->innermostElement())) : nullptr) ==
        Handle::Stream) {
      streams_.insert(node.name);
      ++stats_["streams_removed"];
      return splice({}, node.loc);
    }
    checkType(node.type, node.loc, "array '" + node.name + "'");
    if (node.space != MemSpace::Local && node.space != MemSpace::Default)
      ctx_.error(node.loc, std::string("a '") + memSpaceName(node.space) + "' buffer in host code");
    TypePtr type = mapType(node.type);
    ExprPtr init = mutate(node.init);
    if (type == node.type && init == node.init) return self;
    auto n = std::make_shared<Alloc>(node);
    n->type = type;
    n->init = init;
    return n;
  }

  StmtPtr visitAssignStmt(const AssignStmt &node, const StmtPtr &self) override {
    return withPre(self, [&] { return IRMutator::visitAssignStmt(node, self); });
  }
  StmtPtr visitIf(const If &node, const StmtPtr &self) override {
    std::vector<StmtPtr> pre;
    auto *saved = pre_;
    pre_ = &pre;
    ExprPtr cond = mutate(node.cond);
    pre_ = saved;
    StmtPtr thenBody = mutate(node.thenBody), elseBody = mutate(node.elseBody);
    StmtPtr s = self;
    if (cond != node.cond || thenBody != node.thenBody || elseBody != node.elseBody) {
      auto n = std::make_shared<If>(node);
      n->cond = cond;
      n->thenBody = thenBody;
      n->elseBody = elseBody;
      s = n;
    }
    if (pre.empty()) return s;
    pre.push_back(s);
    return splice(std::move(pre), node.loc);
  }
  StmtPtr visitReturn(const Return &node, const StmtPtr &self) override {
    return withPre(self, [&] { return IRMutator::visitReturn(node, self); });
  }
  StmtPtr visitFor(const For &node, const StmtPtr &self) override {
    StmtPtr s = IRMutator::visitFor(node, self);
    TypePtr t = mapType(node.varType);
    if (t == node.varType) return s;
    auto n = std::make_shared<For>(*s->as<For>());
    n->varType = t;
    return n;
  }

  StmtPtr visitHostAlloc(const HostAlloc &node, const StmtPtr &self) override {
    ++stats_["allocations"];
    return IRMutator::visitHostAlloc(node, self);
  }
  StmtPtr visitHostFree(const HostFree &node, const StmtPtr &self) override {
    ++stats_["frees"];
    return IRMutator::visitHostFree(node, self);
  }
  StmtPtr visitHostCopy(const HostCopy &node, const StmtPtr &self) override {
    ++stats_["copies"];
    auto n = std::make_shared<HostCopy>(node);
    n->dst = mutate(node.dst);
    n->src = mutate(node.src);
    n->bytes = mutate(node.bytes);
    n->async = false;  // the copy is complete when memcpy returns
    n->stream = nullptr;
    return n;
  }
  StmtPtr visitHostSync(const HostSync &node, const StmtPtr &) override {
    ++stats_["syncs_removed"];
    return splice({}, node.loc);
  }
  StmtPtr visitLaunch(const Launch &node, const StmtPtr &self) override {
    ctx_.error(node.loc, "host lowering needs launches recovered first: launch of '" + node.kernel + "'");
    return self;
  }
  StmtPtr visitSync(const Sync &node, const StmtPtr &self) override {
    ctx_.error(node.loc, std::string("device synchronization '") + syncScopeName(node.scope) + "' in host code");
    return self;
  }
  StmtPtr visitCopy(const Copy &node, const StmtPtr &self) override {
    ctx_.error(node.loc, "a device DMA copy in host code");
    return self;
  }
  StmtPtr visitVerbatimStmt(const VerbatimStmt &node, const StmtPtr &self) override {
    if (namesRuntime(node.text)) ctx_.error(node.loc, "carried source names the GPU runtime: " + node.text);
    return self;
  }

  // ---- Expressions ---------------------------------------------------------------------------

  ExprPtr visitCall(const Call &node, const ExprPtr &self) override {
    if (isRuntimeCall(node)) return lowerCall(node);
    if (node.callee == "dim3") return dim3Literal(node.args, node.loc);
    if (auto e = deviceFunction(node)) return e;
    if (node.callKind == CallKind::Warp || node.callKind == CallKind::Atomic ||
        (node.callKind == CallKind::Intrinsic && node.callee.rfind("__", 0) == 0))
      ctx_.error(node.loc, "device operation '" + node.callee + "' has no host equivalent");
    return IRMutator::visitCall(node, self);
  }

  // CUDA/HIP device functions left in recovered code whose host meaning is plain C: cached loads
  // are loads, fast-math variants the accurate functions, half arithmetic _Float16 arithmetic.
  ExprPtr deviceFunction(const Call &node) {
    const std::string &n = node.callee;
    const SourceLoc &loc = node.loc;
    size_t argc = node.args.size();
    auto a = [&](size_t i) { return mutate(node.args[i]); };
    auto mathCall = [&](const std::string &callee, std::vector<ExprPtr> args) {
      auto c = std::static_pointer_cast<const Call>(call(callee, std::move(args), node.type, loc));
      auto m = std::make_shared<Call>(*c);
      m->callKind = CallKind::Math;
      ++stats_["device_functions_mapped"];
      return m;
    };
    auto floatLit = [&](double v, const std::string &spelling, TypePtr t) {
      auto l = make<FloatLit>(loc);
      l->value = v;
      l->spelling = spelling;
      l->type = std::move(t);
      return l;
    };
    static const std::set<std::string> loads = {"__ldg", "__ldcg", "__ldca", "__ldcs", "__ldlu", "__ldcv"};
    if (loads.count(n) && argc == 1) {
      ++stats_["device_functions_mapped"];
      return unary(UnaryOp::Deref, a(0), node.type, loc);
    }
    static const std::set<std::string> fast = {"__expf", "__logf", "__sinf", "__cosf", "__tanf", "__powf", "__log2f",
                                               "__log10f", "__fmaf_rn", "__fsqrt_rn", "__frcp_rn"};
    if (fast.count(n)) {
      std::vector<ExprPtr> args;
      for (size_t i = 0; i < argc; ++i) args.push_back(a(i));
      if (n == "__frcp_rn" && argc == 1) return binary(BinaryOp::Div, floatLit(1.0, "1.0f", node.type), args[0], node.type, loc);
      std::string base = n.substr(2);
      if (base.size() > 3 && base.compare(base.size() - 3, 3, "_rn") == 0) base = base.substr(0, base.size() - 3);
      if (base == "fsqrt") base = "sqrtf";
      return mathCall(base, args);
    }
    if ((n == "rsqrtf" || n == "rsqrt") && argc == 1) {
      bool single = n == "rsqrtf";
      return binary(BinaryOp::Div, floatLit(1.0, single ? "1.0f" : "1.0", node.type), mathCall(single ? "sqrtf" : "sqrt", {a(0)}),
                    node.type, loc);
    }
    if (n == "__saturatef" && argc == 1) {
      auto lo = mathCall("fmaxf", {a(0), floatLit(0.0, "0.0f", node.type)});
      return mathCall("fminf", {lo, floatLit(1.0, "1.0f", node.type)});
    }
    static const std::map<std::string, BinaryOp> scalarOps = {
        {"__fdividef", BinaryOp::Div}, {"__fadd_rn", BinaryOp::Add}, {"__fsub_rn", BinaryOp::Sub},
        {"__fmul_rn", BinaryOp::Mul},  {"__fdiv_rn", BinaryOp::Div}, {"__hadd", BinaryOp::Add},
        {"__hsub", BinaryOp::Sub},     {"__hmul", BinaryOp::Mul},    {"__hdiv", BinaryOp::Div}};
    if (auto it = scalarOps.find(n); it != scalarOps.end() && argc == 2) {
      ++stats_["device_functions_mapped"];
      return binary(it->second, a(0), a(1), node.type, loc);
    }
    static const std::map<std::string, BinaryOp> pairOps = {
        {"__hadd2", BinaryOp::Add}, {"__hsub2", BinaryOp::Sub}, {"__hmul2", BinaryOp::Mul}};
    if (auto it = pairOps.find(n); it != pairOps.end() && argc == 2) {
      // Lane by lane: (half2){a.x + b.x, a.y + b.y}; each lane rounds to half like the intrinsic.
      ExprPtr x = a(0), y = a(1);
      if (hasSideEffects(x) || hasSideEffects(y)) {
        ctx_.error(loc, "'" + n + "' on operands with side effects");
        return nullptr;
      }
      TypePtr lane = node.type && node.type->kind == Type::Kind::Vector ? Type::scalarOf(node.type->scalar) : nullptr;
      auto list = make<InitList>(loc);
      for (const char *f : {"x", "y"}) {
        auto mx = make<Member>(loc), my = make<Member>(loc);
        mx->base = x;
        my->base = y;
        mx->field = my->field = f;
        mx->type = my->type = lane;
        list->elements.push_back(binary(it->second, mx, my, lane, loc));
      }
      ++stats_["device_functions_mapped"];
      return castTo(node.type, list, loc);
    }
    if (n == "__dp4a" && argc == 3) {
      // c + the four byte products, bytes signed for int operands and unsigned for unsigned ones,
      // summed in the executor's order: c + p0 + p1 + p2 + p3.
      ExprPtr x = a(0), y = a(1), acc = a(2);
      if (hasSideEffects(x) || hasSideEffects(y)) {
        ctx_.error(loc, "'__dp4a' on operands with side effects");
        return nullptr;
      }
      bool isUnsigned = node.type && node.type->kind == Type::Kind::Scalar && node.type->scalar == ScalarType::U32;
      TypePtr word = Type::scalarOf(isUnsigned ? ScalarType::U32 : ScalarType::I32);
      TypePtr byte = Type::scalarOf(isUnsigned ? ScalarType::U8 : ScalarType::I8);
      auto lane = [&](const ExprPtr &v, int i) {
        ExprPtr shifted = i ? binary(BinaryOp::Shr, v, intLit(8 * i, loc), word, loc) : v;
        return castTo(word, castTo(byte, shifted, loc), loc);
      };
      ExprPtr sum = acc;
      for (int i = 0; i < 4; ++i) sum = binary(BinaryOp::Add, sum, binary(BinaryOp::Mul, lane(x, i), lane(y, i), word, loc), word, loc);
      ++stats_["device_functions_mapped"];
      return sum;
    }
    if ((n == "__float2half" || n == "__float2half_rn" || n == "__half2float") && argc == 1) {
      ++stats_["device_functions_mapped"];
      return castTo(node.type, a(0), loc);
    }
    return nullptr;
  }

  ExprPtr visitVar(const Var &node, const ExprPtr &self) override {
    if (streams_.count(node.name)) return intLit(0, node.loc);
    auto s = apiSuffix(node.name);
    if (!s) return self;
    if (*s == "Success") return intLit(0, node.loc);
    if (auto d = copyKind(self)) return kindValue(*d, node.loc);
    ctx_.error(node.loc, "'" + node.name + "' has no plain C equivalent");
    return self;
  }

  ExprPtr visitMember(const Member &node, const ExprPtr &self) override {
    if (node.base && handleOf(node.base->type) == Handle::DeviceProp && !deviceProperty(node.field))
      ctx_.error(node.loc, "device property '" + node.field + "' has no CPU equivalent");
    // dim3(a, b).y -> b
    if (auto *c = node.base ? node.base->as<Call>() : nullptr; c && c->callee == "dim3" && !node.arrow) {
      size_t i = node.field == "x" ? 0 : node.field == "y" ? 1 : node.field == "z" ? 2 : 3;
      if (i < 3) return i < c->args.size() ? mutate(c->args[i]) : intLit(1, node.loc);
    }
    return IRMutator::visitMember(node, self);
  }

  ExprPtr visitCast(const Cast &node, const ExprPtr &self) override {
    if (handleOf(node.type) == Handle::Stream) return intLit(0, node.loc);
    ExprPtr e = IRMutator::visitCast(node, self);
    TypePtr t = mapType(node.type);
    if (t == node.type) return e;
    auto n = std::make_shared<Cast>(*e->as<Cast>());
    n->type = t;
    return n;
  }

  ExprPtr visitParallelIndex(const ParallelIndex &node, const ExprPtr &self) override {
    ctx_.error(node.loc, std::string("parallel index '") + parallelAxisName(node.axis) + "' in host code");
    return self;
  }

  ExprPtr visitVerbatimExpr(const VerbatimExpr &node, const ExprPtr &self) override {
    if (namesRuntime(node.text)) ctx_.error(node.loc, "carried source names the GPU runtime: " + node.text);
    return self;
  }

private:
  static ExprPtr kindValue(CopyDirection d, const SourceLoc &loc) {
    switch (d) {  // the enumerators' values in both runtimes
    case CopyDirection::HostToHost: return intLit(0, loc);
    case CopyDirection::HostToDevice: return intLit(1, loc);
    case CopyDirection::DeviceToHost: return intLit(2, loc);
    case CopyDirection::DeviceToDevice: return intLit(3, loc);
    case CopyDirection::Default: return intLit(4, loc);
    }
    return intLit(4, loc);
  }

  bool isRuntimeCall(const Call &c) const {
    return !c.receiver && (c.callKind == CallKind::Runtime || (c.callKind != CallKind::User && apiSuffix(c.callee)));
  }

  // `dim3 b(x, y)` -> `dim3 b = {x, y, 1}`; `dim3 b` -> `{1, 1, 1}`.
  ExprPtr dim3Init(const ExprPtr &init, const SourceLoc &loc) {
    auto *c = init ? init->as<Call>() : nullptr;
    if (init && !(c && c->callee == "dim3")) return mutate(init);
    auto list = make<InitList>(loc);
    for (size_t i = 0; i < 3; ++i) list->elements.push_back(c && i < c->args.size() ? dim3Field(c->args[i]) : intLit(1, loc));
    return list;
  }

  // A dim3 value in an expression: the compound literal `(dim3){x, y, z}`.
  ExprPtr dim3Literal(const std::vector<ExprPtr> &args, const SourceLoc &loc) {
    usesDim3_ = true;
    auto list = make<InitList>(loc);
    for (size_t i = 0; i < 3; ++i) list->elements.push_back(i < args.size() ? dim3Field(args[i]) : intLit(1, loc));
    return castTo(Type::named("dim3"), list, loc);
  }

  // A field of the dim3 struct (unsigned int): in C++ output a braced list may not narrow an int
  // expression (`(dim3){n / 64, 1, 1}` is ill-formed), so non-literal values are cast explicitly,
  // as the dim3 constructor converts them.
  ExprPtr dim3Field(const ExprPtr &e) {
    ExprPtr v = mutate(e);
    if (auto *l = v->as<IntLit>(); l && l->value >= 0) return v;
    if (v->type && v->type->kind == Type::Kind::Scalar && v->type->scalar == ScalarType::U32) return v;
    return castTo(Type::scalarOf(ScalarType::U32), v, v->loc);
  }

  void emit(StmtPtr s, const SourceLoc &loc, const std::string &callee) {
    if (!pre_) {
      ctx_.error(loc, "'" + callee + "' is used where its host equivalent cannot be placed before it");
      return;
    }
    pre_->push_back(std::move(s));
  }

  // Arguments a mapped call drops must not carry effects.
  // Variables they name may have lost their last read (`int device; cudaGetDevice(&device);
  // cudaSetDevice(device);`): remembered, so an unread variable can go afterwards.
  void dropArgs(const Call &c, size_t from = 0) {
    struct Names : IRVisitor {
      std::set<std::string> &out;
      explicit Names(std::set<std::string> &o) : out(o) {}
      void visitVar(const Var &v) override { out.insert(v.name); }
    } names(touched_);
    for (size_t i = from; i < c.args.size(); ++i) {
      names.visit(c.args[i]);
      if (hasSideEffects(c.args[i]))
        ctx_.error(c.args[i]->loc, "argument of '" + c.callee + "' has side effects that its host equivalent drops");
    }
  }

public:
  std::set<std::string> touched_;  // variables named by dropped arguments or set from device queries

private:

  ExprPtr arg(const Call &c, size_t i) { return i < c.args.size() ? mutate(c.args[i]) : nullptr; }

  bool isZero(const ExprPtr &e) {
    auto *l = e ? stripCasts(e)->as<IntLit>() : nullptr;
    return !e || (l && l->value == 0);
  }

  // The host equivalent of a runtime call: statements emitted before the statement that holds it,
  // and the value the call had (its error code: success).
  ExprPtr lowerCall(const Call &c) {
    const SourceLoc &loc = c.loc;
    std::string s = *apiSuffix(c.callee);
    size_t n = c.args.size();
    ++stats_["calls_mapped"];
    auto success = [&] { return intLit(0, loc); };
    auto need = [&](size_t k) {
      if (n >= k) return true;
      ctx_.error(loc, "'" + c.callee + "' with " + std::to_string(n) + " arguments");
      return false;
    };

    if (s == "Malloc" || s == "MallocManaged" || s == "MallocHost" || s == "HostAlloc" || s == "HostMalloc" ||
        s == "MallocAsync") {
      if (!need(2)) return success();
      auto a = make<HostAlloc>(loc);
      a->memory = s == "Malloc" || s == "MallocAsync" ? HostAlloc::Memory::Device
                  : s == "MallocManaged"              ? HostAlloc::Memory::Managed
                                                      : HostAlloc::Memory::PinnedHost;
      a->pointer = mutate(pointee(c.args[0]));
      a->bytes = arg(c, 1);
      dropArgs(c, 2);
      ++stats_["allocations"];
      emit(a, loc, c.callee);
      return success();
    }
    if (s == "MallocPitch") {  // rows are packed: the pitch is the width
      if (!need(4)) return success();
      emit(assign(mutate(pointee(c.args[1])), arg(c, 2), loc), loc, c.callee);
      auto a = make<HostAlloc>(loc);
      a->pointer = mutate(pointee(c.args[0]));
      a->bytes = binary(BinaryOp::Mul, arg(c, 2), arg(c, 3), c.args[2]->type, loc);
      ++stats_["allocations"];
      emit(a, loc, c.callee);
      return success();
    }
    if (s == "Free" || s == "FreeHost" || s == "HostFree" || s == "FreeAsync") {
      if (!need(1)) return success();
      auto f = make<HostFree>(loc);
      f->memory = s == "Free" || s == "FreeAsync" ? HostAlloc::Memory::Device : HostAlloc::Memory::PinnedHost;
      f->pointer = arg(c, 0);
      dropArgs(c, 1);
      ++stats_["frees"];
      emit(f, loc, c.callee);
      return success();
    }
    if (s == "Memcpy" || s == "MemcpyAsync" || s == "MemcpyPeer" || s == "MemcpyPeerAsync") {
      bool peer = s.find("Peer") != std::string::npos;
      if (!need(peer ? 5 : 3)) return success();
      auto k = make<HostCopy>(loc);
      k->dst = arg(c, 0);
      k->src = arg(c, peer ? 2 : 1);
      k->bytes = arg(c, peer ? 4 : 2);
      k->direction = peer ? CopyDirection::DeviceToDevice : copyKind(n > 3 ? c.args[3] : nullptr).value_or(CopyDirection::Default);
      if (peer) {
        dropArgs(c, 5);
        if (hasSideEffects(c.args[1]) || hasSideEffects(c.args[3])) dropArgs(c, 1);
      } else {
        dropArgs(c, 3);
      }
      ++stats_["copies"];
      emit(k, loc, c.callee);
      return success();
    }
    if (s == "MemcpyToSymbol" || s == "MemcpyToSymbolAsync" || s == "MemcpyFromSymbol" || s == "MemcpyFromSymbolAsync") {
      if (!need(3)) return success();
      bool to = s.rfind("MemcpyTo", 0) == 0;
      auto k = make<HostCopy>(loc);
      k->dst = arg(c, 0);
      k->src = arg(c, 1);
      k->bytes = arg(c, 2);
      k->direction = to ? CopyDirection::HostToDevice : CopyDirection::DeviceToHost;
      if (n > 3 && !isZero(c.args[3])) {
        // An offset into the symbol: copy at its address plus the offset, in bytes.
        ExprPtr sym = to ? k->dst : k->src;
        TypePtr bytePtr = Type::pointerTo(Type::scalarOf(ScalarType::Char, !to));
        ExprPtr at = binary(BinaryOp::Add, castTo(bytePtr, unary(UnaryOp::AddrOf, sym, nullptr, loc), loc), arg(c, 3),
                            bytePtr, loc);
        (to ? k->dst : k->src) = at;
      } else {
        (to ? k->toSymbol : k->fromSymbol) = true;
      }
      dropArgs(c, 4);
      ++stats_["copies"];
      emit(k, loc, c.callee);
      return success();
    }
    if (s == "Memcpy2D" || s == "Memcpy2DAsync") {
      // (dst, dpitch, src, spitch, width, height, kind): one memcpy per row.
      if (!need(7)) return success();
      std::string row = "row";
      for (int i = 2; usesName(c, row); ++i) row = "row" + std::to_string(i);
      auto sizeT = std::make_shared<Type>(*Type::scalarOf(ScalarType::U64));
      sizeT->name = "size_t";
      auto f = make<For>(loc);
      f->var = row;
      f->varType = sizeT;
      f->start = intLit(0, loc);
      f->end = arg(c, 5);
      f->step = intLit(1, loc);
      auto k = make<HostCopy>(loc);
      TypePtr dstT = Type::pointerTo(Type::scalarOf(ScalarType::Char));
      TypePtr srcT = Type::pointerTo(Type::scalarOf(ScalarType::Char, true));
      ExprPtr r = var(row, sizeT, loc);
      k->dst = binary(BinaryOp::Add, castTo(dstT, arg(c, 0), loc), binary(BinaryOp::Mul, r, arg(c, 1), sizeT, loc), dstT, loc);
      k->src = binary(BinaryOp::Add, castTo(srcT, arg(c, 2), loc), binary(BinaryOp::Mul, r, arg(c, 3), sizeT, loc), srcT, loc);
      k->bytes = arg(c, 4);
      k->direction = copyKind(c.args[6]).value_or(CopyDirection::Default);
      f->body = k;
      dropArgs(c, 7);
      ++stats_["copies"];
      emit(f, loc, c.callee);
      return success();
    }
    if (s == "Memset" || s == "MemsetAsync") {
      if (!need(3)) return success();
      usesMemset_ = true;
      emit(eval(call("memset", {arg(c, 0), arg(c, 1), arg(c, 2)}, Type::pointerTo(Type::scalarOf(ScalarType::Void)), loc), loc),
           loc, c.callee);
      dropArgs(c, 3);
      ++stats_["memsets"];
      return success();
    }
    if (kNoOps.count(s)) {
      dropArgs(c);
      ++stats_["calls_removed"];
      return success();
    }
    if (s == "StreamQuery" || s == "EventQuery") {  // everything is complete
      dropArgs(c);
      return success();
    }
    if (s == "GetLastError" || s == "PeekAtLastError") return success();
    if (s == "GetErrorString" || s == "GetErrorName") {
      if (!need(1)) return success();
      std::string ok = s == "GetErrorString" ? "no error" : source_ == Dialect::HIP ? "hipSuccess" : "cudaSuccess";
      std::string bad = s == "GetErrorString" ? "unknown error" : source_ == Dialect::HIP ? "hipErrorUnknown" : "cudaErrorUnknown";
      ExprPtr e = arg(c, 0);
      if (isZero(e)) return stringLit(ok, loc);
      auto sel = make<Select>(loc);
      sel->cond = binary(BinaryOp::EQ, e, intLit(0, loc), Type::scalarOf(ScalarType::Bool), loc);
      sel->thenValue = stringLit(ok, loc);
      sel->elseValue = stringLit(bad, loc);
      sel->type = sel->thenValue->type;
      return sel;
    }
    if (s == "GetDeviceProperties") {
      // The properties that mean something for the recovered program, field by field.
      if (!need(1)) return success();
      dropArgs(c, 1);
      ExprPtr prop = mutate(pointee(c.args[0]));
      auto field = [&](const std::string &name, TypePtr t) {
        auto m = make<Member>(loc);
        m->base = prop;
        m->field = name;
        m->type = std::move(t);
        return m;
      };
      usesMemset_ = true;  // <string.h> for the name
      emit(eval(call("strcpy", {field("name", nullptr), stringLit("xpile CPU", loc)}, nullptr, loc), loc), loc, c.callee);
      for (const char *f : {"warpSize", "multiProcessorCount", "maxThreadsPerBlock", "maxThreadsPerMultiProcessor",
                            "sharedMemPerBlock", "sharedMemPerMultiprocessor"})
        emit(assign(field(f, intType()), intLit(*deviceProperty(f), loc), loc), loc, c.callee);
      for (const char *f : {"maxThreadsDim", "maxGridSize"})
        for (int i = 0; i < 3; ++i) {
          auto l = make<Load>(loc);
          l->base = field(f, nullptr);
          l->index = intLit(i, loc);
          l->type = intType();
          emit(assign(l, intLit(*deviceProperty(std::string(f) + "[" + std::to_string(i) + "]"), loc), loc), loc,
               c.callee);
        }
      usesDeviceProp_ = true;
      return success();
    }
    if (s == "GetDevice" || s == "GetDeviceCount") {  // one device: the CPU, number 0
      if (!need(1)) return success();
      dropArgs(c);
      emit(assign(mutate(pointee(c.args[0])), intLit(s == "GetDevice" ? 0 : 1, loc), loc), loc, c.callee);
      return success();
    }
    if (s == "DeviceGetAttribute") {
      if (!need(2)) return success();
      auto *attr = stripCasts(c.args[1])->as<Var>();
      auto value = attr ? attributeValue(attr->name) : std::nullopt;
      if (!value) {
        ctx_.error(loc, "device attribute '" + (attr ? attr->name : std::string("?")) + "' has no CPU equivalent");
        return success();
      }
      dropArgs(c);
      emit(assign(mutate(pointee(c.args[0])), intLit(*value, loc), loc), loc, c.callee);
      return success();
    }
    if (s == "EventRecord") {  // the event holds the time it was recorded at
      if (!need(1)) return success();
      usesTime_ = true;
      ExprPtr ev = mutate(c.args[0]);
      emit(eval(call("timespec_get", {unary(UnaryOp::AddrOf, ev, nullptr, loc), var("TIME_UTC", intType(), loc)}, intType(), loc), loc),
           loc, c.callee);
      dropArgs(c, 1);
      ++stats_["events_timed"];
      return success();
    }
    if (s == "EventElapsedTime") {
      if (!need(3)) return success();
      ExprPtr a = mutate(c.args[1]), b = mutate(c.args[2]);
      TypePtr f32 = Type::scalarOf(ScalarType::F32);
      auto field = [&](const ExprPtr &ev, const char *name) {
        auto m = make<Member>(loc);
        m->base = ev;
        m->field = name;
        m->type = Type::scalarOf(ScalarType::I64);
        return m;
      };
      auto diff = [&](const char *name) {
        return castTo(f32, binary(BinaryOp::Sub, field(b, name), field(a, name), Type::scalarOf(ScalarType::I64), loc), loc);
      };
      auto lit = [&](double v, const char *spelling) {
        auto l = make<FloatLit>(loc);
        l->value = v;
        l->spelling = spelling;
        l->type = f32;
        return l;
      };
      ExprPtr ms = binary(BinaryOp::Add, binary(BinaryOp::Mul, diff("tv_sec"), lit(1000.0, "1000.0f"), f32, loc),
                          binary(BinaryOp::Div, diff("tv_nsec"), lit(1e6, "1.0e6f"), f32, loc), f32, loc);
      emit(assign(mutate(pointee(c.args[0])), ms, loc), loc, c.callee);
      return success();
    }
    ctx_.error(loc, "'" + c.callee + "' has no CPU equivalent");
    return success();
  }

  // The values cudaGetDeviceProperties reports for the CPU the recovered loops run on (the
  // source dialect's SIMT model: its warp, one multiprocessor, CUDA's launch limits).
  std::optional<int64_t> deviceProperty(const std::string &f) const {
    if (f == "name") return 0;
    if (f == "warpSize") return source_ == Dialect::HIP ? 64 : 32;
    if (f == "multiProcessorCount") return 1;
    if (f == "maxThreadsPerBlock" || f == "maxThreadsPerMultiProcessor") return 1024;
    if (f == "sharedMemPerBlock" || f == "sharedMemPerMultiprocessor") return source_ == Dialect::HIP ? 65536 : 49152;
    if (f == "maxThreadsDim" || f == "maxGridSize") return 0;
    if (f == "maxThreadsDim[0]" || f == "maxThreadsDim[1]") return 1024;
    if (f == "maxThreadsDim[2]") return 64;
    if (f == "maxGridSize[0]") return 2147483647;
    if (f == "maxGridSize[1]" || f == "maxGridSize[2]") return 65535;
    return std::nullopt;
  }

  std::optional<int64_t> attributeValue(const std::string &name) const {
    auto s = apiSuffix(name);
    if (!s) return std::nullopt;
    std::string a = *s;
    for (const char *p : {"DevAttr", "DeviceAttribute"})
      if (a.rfind(p, 0) == 0) a = a.substr(std::char_traits<char>::length(p));
    // The SIMT model the recovered loops implement: the source dialect's warp, one multiprocessor.
    if (a == "WarpSize") return source_ == Dialect::HIP ? 64 : 32;
    if (a == "MaxThreadsPerBlock") return 1024;
    if (a == "MultiProcessorCount" || a == "MultiprocessorCount") return 1;
    if (a == "MaxSharedMemoryPerBlock") return source_ == Dialect::HIP ? 65536 : 49152;
    return std::nullopt;
  }

  static bool usesName(const Call &c, const std::string &name) {
    struct V : IRVisitor {
      const std::string &n;
      bool found = false;
      explicit V(const std::string &n) : n(n) {}
      void visitVar(const Var &v) override { found |= v.name == n; }
    } v(name);
    for (const auto &a : c.args) v.visit(a);
    return v.found;
  }

  PassContext &ctx_;
  Dialect source_;
  std::vector<StmtPtr> *pre_ = nullptr;  // where hoisted statements go; null: nowhere
  std::set<std::string> streams_;
};

// ---------------------------------------------------------------------------------------------
// Folding: error codes are constants now (success), so checks on them disappear.

// Whether `s` writes variable `name` or takes its address (then it is not a constant).
bool writes(const StmtPtr &s, const std::string &name) {
  struct V : IRVisitor {
    const std::string &n;
    bool found = false;
    explicit V(const std::string &n) : n(n) {}
    bool isIt(const ExprPtr &e) {
      auto *v = e ? e->as<Var>() : nullptr;
      return v && v->name == n;
    }
    void visitAssignStmt(const AssignStmt &a) override {
      found |= isIt(a.target);
      IRVisitor::visitAssignStmt(a);
    }
    void visitAssignExpr(const AssignExpr &a) override {
      found |= isIt(a.target);
      IRVisitor::visitAssignExpr(a);
    }
    void visitUnary(const Unary &u) override {
      found |= u.op != UnaryOp::Neg && u.op != UnaryOp::Plus && u.op != UnaryOp::Not && u.op != UnaryOp::BitNot &&
               u.op != UnaryOp::Deref && isIt(u.operand);
      IRVisitor::visitUnary(u);
    }
    void visitDecl(const Decl &d) override {
      found |= d.name == n;  // shadowed: stop substituting
      IRVisitor::visitDecl(d);
    }
  } v(name);
  v.visit(s);
  return v.found;
}

class Folder : public IRMutator {
public:
  std::map<std::string, ExprPtr> constants;
  const std::set<std::string> *candidates = nullptr;
  int folded = 0;

protected:
  ExprPtr visitVar(const Var &node, const ExprPtr &self) override {
    auto it = constants.find(node.name);
    return it == constants.end() ? self : it->second;
  }

  ExprPtr visitBinary(const Binary &node, const ExprPtr &self) override {
    ExprPtr e = IRMutator::visitBinary(node, self);
    if (e == self) return e;  // only fold what substitution changed
    auto &b = *e->as<Binary>();
    auto *l = b.lhs->as<IntLit>(), *r = b.rhs->as<IntLit>();
    if (!l || !r) return e;
    int64_t x = l->value, y = r->value, v;
    switch (b.op) {
    case BinaryOp::EQ: v = x == y; break;
    case BinaryOp::NE: v = x != y; break;
    case BinaryOp::LT: v = x < y; break;
    case BinaryOp::LE: v = x <= y; break;
    case BinaryOp::GT: v = x > y; break;
    case BinaryOp::GE: v = x >= y; break;
    default: return e;
    }
    ++folded;
    return intLit(v, b.loc);
  }

  StmtPtr visitIf(const If &node, const StmtPtr &self) override {
    StmtPtr s = IRMutator::visitIf(node, self);
    auto &n = *s->as<If>();
    auto *lit = n.cond ? n.cond->as<IntLit>() : nullptr;
    if (s == self || !lit) return s;
    StmtPtr taken = lit->value ? n.thenBody : n.elseBody;
    return taken ? taken : splice({}, n.loc);
  }

  StmtPtr visitSeq(const Seq &node, const StmtPtr &self) override {
    // A `cudaError_t e = <success>;` whose variable is never written afterwards: substitute it.
    std::vector<StmtPtr> body;
    bool changed = false;
    std::vector<std::string> added;
    for (size_t i = 0; i < node.body.size(); ++i) {
      StmtPtr c = mutate(node.body[i]);
      changed |= c != node.body[i];
      auto *d = c ? c->as<Decl>() : nullptr;
      if (d && candidates && candidates->count(d->name) && d->init && d->init->as<IntLit>()) {
        bool written = false;
        for (size_t j = i + 1; j < node.body.size() && !written; ++j) written = writes(node.body[j], d->name);
        if (!written) {
          constants[d->name] = d->init;
          added.push_back(d->name);
          changed = true;
          ++folded;
          continue;  // the declaration goes: every use is the constant now
        }
      }
      if (c && !isNothing(c)) body.push_back(c);
      else changed = true;
    }
    for (const auto &n : added) constants.erase(n);
    if (!changed) return self;
    auto n = std::make_shared<Seq>(node);
    n->body = std::move(body);
    return n;
  }
};

// `do { ... } while (0)` around what was a macro body: its braces are enough (or nothing, when the
// body declares nothing), and an `if` whose branches came out empty disappears.
class Tidier : public IRMutator {
protected:
  static bool breaksOut(const StmtPtr &s) {
    struct V : IRVisitor {
      bool found = false;
      void visitBreak(const Break &) override { found = true; }
      void visitContinue(const Continue &) override { found = true; }
      void visitFor(const For &) override {}   // breaks inside belong to the inner loop
      void visitLoop(const Loop &) override {}
      void visitSwitch(const Switch &) override {}  // (a continue inside would not, but is rare)
    } v;
    if (auto *seq = s ? s->as<Seq>() : nullptr)
      for (const auto &c : seq->body) v.visit(c);
    else
      v.visit(s);
    return v.found;
  }

  StmtPtr visitLoop(const Loop &node, const StmtPtr &self) override {
    StmtPtr s = IRMutator::visitLoop(node, self);
    auto &n = *s->as<Loop>();
    auto *lit = n.cond ? n.cond->as<IntLit>() : nullptr;
    if (n.form != Loop::Form::DoWhile || !lit || lit->value != 0 || breaksOut(n.body)) return s;
    auto *seq = n.body ? n.body->as<Seq>() : nullptr;
    std::vector<StmtPtr> body = seq ? seq->body : std::vector<StmtPtr>{n.body};
    bool declares = false;
    for (const auto &c : body) declares |= c && (c->kind == StmtKind::Decl || c->kind == StmtKind::Alloc);
    if (!declares) return splice(body, n.loc);
    auto block = make<Seq>(n.loc);
    block->body = body;
    return block;
  }

  StmtPtr visitIf(const If &node, const StmtPtr &self) override {
    StmtPtr s = IRMutator::visitIf(node, self);
    auto &n = *s->as<If>();
    if (isNothing(n.thenBody) && isNothing(n.elseBody) && !hasSideEffects(n.cond)) return splice({}, n.loc);
    return s;
  }

  StmtPtr visitSeq(const Seq &node, const StmtPtr &self) override {
    std::vector<StmtPtr> body;
    bool changed = false;
    for (const auto &c : node.body) {
      StmtPtr m = mutate(c);
      changed |= m != c;
      auto *seq = m ? m->as<Seq>() : nullptr;
      if (m != c && seq && !seq->scoped) {
        for (const auto &x : seq->body) body.push_back(x);
      } else if (m) {
        body.push_back(m);
      }
    }
    if (!changed) return self;
    auto n = std::make_shared<Seq>(node);
    n->body = std::move(body);
    return n;
  }
};

// Variables the lowering left unread (their reads were arguments of dropped calls) go, with the
// constant stores into them: C compilers rightly warn about set-but-unused variables.
class DeadVariables : public IRMutator {
public:
  std::set<std::string> dead;
  int removed = 0;

  static std::set<std::string> unread(const StmtPtr &body, const std::set<std::string> &candidates) {
    struct Reads : IRVisitor {
      std::map<std::string, int> reads;
      void visitVar(const Var &v) override { ++reads[v.name]; }
      void visitAssignStmt(const AssignStmt &a) override {
        auto *v = a.target ? a.target->as<Var>() : nullptr;
        if (v && !a.op) visit(a.value);  // a plain store does not read its target
        else IRVisitor::visitAssignStmt(a);
      }
    } r;
    r.visit(body);
    std::set<std::string> out;
    for (const auto &n : candidates)
      if (!r.reads.count(n)) out.insert(n);
    return out;
  }

protected:
  StmtPtr visitDecl(const Decl &node, const StmtPtr &self) override {
    if (dead.count(node.name) && node.type && node.type->kind == Type::Kind::Scalar && !hasSideEffects(node.init)) {
      ++removed;
      return splice({}, node.loc);
    }
    return self;
  }
  StmtPtr visitAssignStmt(const AssignStmt &node, const StmtPtr &self) override {
    auto *v = node.target ? node.target->as<Var>() : nullptr;
    if (v && dead.count(v->name) && !node.op && !hasSideEffects(node.value)) return splice({}, node.loc);
    return self;
  }
};

// The macro a `#define` line defines ("" when the text is not a #define).
std::string definedMacro(const std::string &text) {
  std::vector<std::string> ids = identifiers(text);
  size_t hash = text.find_first_not_of(" \t");
  if (hash == std::string::npos || text[hash] != '#' || ids.size() < 2 || ids[0] != "define") return "";
  return ids[1];
}

}  // namespace

bool lowerHostCode(Module &m, const HostLoweringOptions &o, PassContext &ctx) {
  size_t errorsBefore = ctx.diagnostics.size();
  auto failed = [&] {
    for (size_t i = errorsBefore; i < ctx.diagnostics.size(); ++i)
      if (ctx.diagnostics[i].severity == Severity::Error) return true;
    return false;
  };
  ctx.params["host_lowering.target"] = dialectName(o.target);
  if (o.target != Dialect::C && o.target != Dialect::VNNI) {
    ctx.error({}, std::string("host lowering targets C or VNNI, not ") + dialectName(o.target));
    return false;
  }
  if (m.dialect != Dialect::CUDA && m.dialect != Dialect::HIP) {
    ctx.error({}, std::string("host lowering expects CUDA or HIP host code, not ") + dialectName(m.dialect));
    return false;
  }
  for (const auto &item : m.items)
    if (auto *f = std::get_if<Function>(&item); f && f->kind == FunctionKind::Kernel)
      ctx.error(f->loc, "host lowering needs kernels recovered first: '" + f->name + "' is still a kernel");
  if (failed()) return false;
  ctx.params["host_lowering.warp_size"] = m.dialect == Dialect::HIP ? 64 : 32;
  ctx.params["host_lowering.events"] = "timespec_get";  // elapsed times are measured, not 0

  Module out = m;
  HostLowerer lower(ctx, m.dialect);
  std::vector<TopLevel> items;
  int macrosDropped = 0;
  for (auto &item : out.items) {
    if (auto *f = std::get_if<Function>(&item)) {
      Function g = lower.lowerFunction(*f);
      if (g.body) {
        // Error codes are success now: checks on them fold away, then the macro scaffolding.
        Folder folder;
        folder.candidates = &lower.errorVars_;
        g.body = folder.mutate(g.body);
        DeadVariables dead;
        dead.dead = DeadVariables::unread(g.body, lower.touched_);
        if (!dead.dead.empty()) g.body = dead.mutate(g.body);
        lower.stats_["variables_removed"] += dead.removed;
        Tidier tidier;
        g.body = tidier.mutate(g.body);
        lower.stats_["checks_folded"] += folder.folded;
      }
      items.push_back(g);
    } else if (auto *g = std::get_if<GlobalVar>(&item)) {
      lower.checkType(g->type, g->loc, "global '" + g->name + "'");
      GlobalVar v = *g;
      v.type = lower.mapType(g->type);
      if (v.space == MemSpace::Global || v.space == MemSpace::Constant) v.space = MemSpace::Default;
      if (v.space == MemSpace::Shared) ctx.error(g->loc, "a __shared__ variable in host code: '" + g->name + "'");
      v.init = g->init ? lower.mutate(g->init) : nullptr;
      items.push_back(v);
    } else {
      auto &v = std::get<VerbatimDecl>(item);
      // `using namespace nvcuda;`: the device namespace of wmma, whose fragments loop recovery
      // lowered; plain C++ has no such namespace.
      if (v.reason == "UsingDirective declaration") {
        auto ids = identifiers(v.text);
        if (std::find(ids.begin(), ids.end(), "nvcuda") != ids.end()) {
          ++lower.stats_["device_namespaces_dropped"];
          continue;
        }
      }
      if (namesRuntime(v.text)) {
        // Macros over the runtime (CUDA_CHECK) were expanded where they were used; they go.
        if (!definedMacro(v.text).empty()) {
          ++macrosDropped;
          continue;
        }
        ctx.error(v.loc, "carried declaration names the GPU runtime and cannot be lowered");
      }
      items.push_back(item);
    }
  }
  if (failed()) return false;

  if (lower.usesDeviceProp_) {
    VerbatimDecl d;
    d.text = "typedef struct {\n  char name[256];\n  int warpSize, multiProcessorCount, maxThreadsPerBlock, "
             "maxThreadsPerMultiProcessor;\n  int maxThreadsDim[3], maxGridSize[3];\n  size_t sharedMemPerBlock, "
             "sharedMemPerMultiprocessor;\n} cudaDeviceProp;";
    d.reason = "Typedef declaration";  // the device properties host lowering gives values to
    items.insert(items.begin(), d);
  }
  if (lower.usesDim3_) {
    // dim3 in host code is just three unsigned extents.
    VerbatimDecl d;
    d.text = "typedef struct {\n  unsigned int x, y, z;\n} dim3;";
    d.reason = "Typedef declaration";  // dim3 for host code, made by host lowering
    items.insert(items.begin(), d);
  }
  out.items = std::move(items);

  std::vector<Include> includes;
  for (const auto &inc : out.includes)
    if (!backends::isHeaderOf(inc.header, Dialect::CUDA) && !backends::isHeaderOf(inc.header, Dialect::HIP))
      includes.push_back(inc);
  auto addInclude = [&](const std::string &c, const std::string &cxx) {
    for (const auto &inc : includes)
      if (inc.header == c || inc.header == cxx) return;
    includes.push_back({c, true, {}});
  };
  if (lower.usesMemset_) addInclude("string.h", "cstring");
  if (lower.usesTime_) addInclude("time.h", "ctime");
  // The GPU runtime headers declared the math functions device code calls (fmaf, expf, ...).
  struct MathCalls : IRVisitor {
    bool found = false;
    void visitCall(const Call &c) override {
      found |= c.callKind == CallKind::Math;
      IRVisitor::visitCall(c);
    }
  } math;
  math.visit(out);
  if (math.found) addInclude("math.h", "cmath");
  out.includes = std::move(includes);
  out.dialect = o.target;

  for (const auto &[k, v] : lower.stats_) ctx.stats["host_lowering." + k] = v;
  ctx.stats["host_lowering.macros_dropped"] = macrosDropped;
  m = std::move(out);
  return true;
}

}  // namespace xpile::passes
