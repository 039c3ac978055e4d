#include "passes/runtime_api_mapping.h"

#include "ast/visitor.h"
#include "passes/data/data_files.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <functional>
#include <stdexcept>

namespace xpile::passes {

using namespace ast;

namespace {

const char *kTableFile = "cuda_hip_runtime.json";

RuntimeApiTable loadTable() {
  RuntimeApiTable t;
  const data::DataFile *file = nullptr;
  for (const auto &f : data::dataFiles())
    if (f.name == kTableFile) file = &f;
  if (!file) throw std::logic_error(std::string("passes/data/") + kTableFile + " is not embedded");
  auto j = nlohmann::json::parse(file->contents);
  // Several CUDA names may share one HIP name (cudaError_t and the driver's CUresult are both
  // hipError_t); going back, the name-correspondence pair wins over the hand-written ones.
  for (const auto &e : j.at("entries")) {
    RuntimeApiTable::Entry entry{e.at("cuda"), e.at("hip"), e.at("kind")};
    t.cudaToHip[entry.cuda] = entry.hip;
    bool byName = e.value("from", "") == "name";
    if (byName || !t.hipToCuda.count(entry.hip)) t.hipToCuda[entry.hip] = entry.cuda;
    t.entries.push_back(std::move(entry));
  }
  for (const auto &inc : j.at("includes")) {
    std::string c = inc.at("cuda"), h = inc.at("hip");
    t.includeCudaToHip[c] = h;
    if (!t.includeHipToCuda.count(h)) t.includeHipToCuda[h] = c;  // first listed is the canonical one
  }
  for (const auto &n : j.at("cuda_only")) t.cudaOnly.insert(n.get<std::string>());
  for (const auto &n : j.at("hip_only")) t.hipOnly.insert(n.get<std::string>());
  return t;
}

bool isIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool isIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Calls `rename` on every identifier token of C/C++ source text (a verbatim span, a #define line,
// a type spelling) and splices in its answer; string and character literals and comments are
// skipped, so only code is renamed. A tokenizer, not a pattern: the text is code the model
// carries without understanding it, and its identifiers must follow the rest of the module.
std::string renameIdentifiers(const std::string &text, const std::function<std::string(const std::string &)> &rename) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0, n = text.size();
  while (i < n) {
    char c = text[i];
    if (c == '"' || c == '\'') {  // literal, with escapes
      size_t j = i + 1;
      while (j < n && text[j] != c) j += text[j] == '\\' ? 2 : 1;
      j = std::min(n, j + 1);
      out.append(text, i, j - i);
      i = j;
    } else if (c == '/' && i + 1 < n && text[i + 1] == '/') {
      size_t j = text.find('\n', i);
      j = j == std::string::npos ? n : j;
      out.append(text, i, j - i);
      i = j;
    } else if (c == '/' && i + 1 < n && text[i + 1] == '*') {
      size_t j = text.find("*/", i + 2);
      j = j == std::string::npos ? n : j + 2;
      out.append(text, i, j - i);
      i = j;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {  // pp-number: 0x1fu, 1e-5f
      size_t j = i;
      while (j < n && (isIdentChar(text[j]) || text[j] == '.' ||
                       ((text[j] == '+' || text[j] == '-') && (text[j - 1] == 'e' || text[j - 1] == 'E' || text[j - 1] == 'p' || text[j - 1] == 'P'))))
        ++j;
      out.append(text, i, j - i);
      i = j;
    } else if (isIdentStart(c)) {
      size_t j = i;
      while (j < n && isIdentChar(text[j])) ++j;
      out += rename(text.substr(i, j - i));
      i = j;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

class RuntimeRenamer : public IRMutator {
public:
  RuntimeRenamer(const RuntimeApiTable &t, Dialect to, const std::set<std::string> &userNames,
                 const std::set<std::string> &kernels, PassContext &ctx)
      : table_(t), toHip_(to == Dialect::HIP), userNames_(userNames), kernels_(kernels), ctx_(ctx) {}

  int calls = 0, names = 0, types = 0, verbatim = 0, launches = 0;

  // The other dialect's name for `name`; nullopt when it is not a runtime name. Reports names that
  // belong to the source SDK and have no counterpart.
  std::optional<std::string> map(const std::string &name, const SourceLoc &loc) {
    if (userNames_.count(name)) return std::nullopt;  // the program's own declaration
    const auto &m = toHip_ ? table_.cudaToHip : table_.hipToCuda;
    if (auto it = m.find(name); it != m.end()) return it->second;
    const auto &only = toHip_ ? table_.cudaOnly : table_.hipOnly;
    if (only.count(name))
      ctx_.error(loc, "'" + name + "' has no " + (toHip_ ? "HIP" : "CUDA") + " equivalent (not declared by the " +
                          (toHip_ ? "HIP 5.2" : "CUDA 13") + " headers the mapping table was generated from)");
    return std::nullopt;
  }

  std::string renameText(const std::string &text, const SourceLoc &loc) {
    return renameIdentifiers(text, [&](const std::string &id) {
      if (auto to = map(id, loc)) {
        ++verbatim;
        return *to;
      }
      return id;
    });
  }

  TypePtr retype(const TypePtr &t, const SourceLoc &loc) {
    if (!t) return t;
    if (t->kind == Type::Kind::Named) {
      std::string spelled = renameIdentifiers(t->name, [&](const std::string &id) { return map(id, loc).value_or(id); });
      if (spelled == t->name) return t;
      ++types;
      auto copy = std::make_shared<Type>(*t);
      copy->name = spelled;
      return copy;
    }
    TypePtr element = retype(t->element, loc);
    if (element == t->element) return t;
    auto copy = std::make_shared<Type>(*t);
    copy->element = element;
    return copy;
  }

  std::vector<std::string> retemplate(const std::vector<std::string> &args, const SourceLoc &loc, bool &changed) {
    std::vector<std::string> out;
    for (const auto &a : args) {
      out.push_back(renameText(a, loc));
      changed |= out.back() != a;
    }
    return out;
  }

  Function mapFunction(const Function &f) {
    Function out = mutate(f);
    out.returnType = retype(f.returnType, f.loc);
    for (auto &p : out.params) p.type = retype(p.type, f.loc);
    return out;
  }

protected:
  ExprPtr visitCall(const Call &n, const ExprPtr &self) override {
    ExprPtr base = IRMutator::visitCall(n, self);
    const Call &c = *base->as<Call>();
    std::optional<std::string> callee;
    if (!c.receiver) callee = map(c.callee, c.loc);
    if (!callee && !c.receiver && c.callKind == CallKind::Runtime && !userNames_.count(c.callee) &&
        c.callee.rfind(toHip_ ? "cuda" : "hip", 0) == 0 && !table_.cudaOnly.count(c.callee) && !table_.hipOnly.count(c.callee))
      ctx_.error(c.loc, "runtime function '" + c.callee + "' is not in the CUDA/HIP mapping table");
    // hipHostMalloc(p, n[, flags]) is cudaMallocHost(p, n) or, with flags, cudaHostAlloc(p, n, flags).
    if (!toHip_ && c.callee == "hipHostMalloc") callee = c.args.size() >= 3 ? "cudaHostAlloc" : "cudaMallocHost";
    bool changed = false;
    auto targs = retemplate(c.templateArgs, c.loc, changed);
    // CUDA's C++ API takes kernels as `T *entry`; HIP 5.2's only as `const void *func`, to which a
    // function does not convert implicitly in C++.
    std::vector<ExprPtr> args = c.args;
    if (toHip_ && callee) {
      static const std::map<std::string, size_t> kFunctionArg = {
          {"hipFuncSetAttribute", 0}, {"hipFuncGetAttributes", 1}, {"hipFuncSetCacheConfig", 0},
          {"hipFuncSetSharedMemConfig", 0}, {"hipOccupancyMaxActiveBlocksPerMultiprocessor", 1}};
      auto it = kFunctionArg.find(*callee);
      auto *var = it != kFunctionArg.end() && it->second < args.size() ? args[it->second]->as<Var>() : nullptr;
      if (var && kernels_.count(var->name)) {
        auto cast = std::make_shared<Cast>();
        cast->style = CastStyle::Reinterpret;
        cast->operand = args[it->second];
        cast->type = Type::pointerTo(Type::scalarOf(ScalarType::Void, true));
        cast->loc = c.loc;
        args[it->second] = cast;
        changed = true;
      }
    }
    if (!callee && !changed) return base;
    auto copy = std::make_shared<Call>(c);
    copy->args = args;
    if (callee) {
      copy->callee = *callee;
      ++calls;
    }
    copy->templateArgs = targs;
    return copy;
  }

  ExprPtr visitVar(const Var &n, const ExprPtr &self) override {
    auto to = map(n.name, n.loc);
    if (!to) return self;
    ++names;
    auto copy = std::make_shared<Var>(n);
    copy->name = *to;
    return copy;
  }

  ExprPtr visitCast(const Cast &n, const ExprPtr &self) override {
    ExprPtr base = IRMutator::visitCast(n, self);
    TypePtr t = retype(base->type, n.loc);
    if (t == base->type) return base;
    auto copy = std::make_shared<Cast>(*base->as<Cast>());
    copy->type = t;
    return copy;
  }

  ExprPtr visitSizeOf(const SizeOf &n, const ExprPtr &self) override {
    ExprPtr base = IRMutator::visitSizeOf(n, self);
    TypePtr t = retype(base->as<SizeOf>()->operandType, n.loc);
    if (t == base->as<SizeOf>()->operandType) return base;
    auto copy = std::make_shared<SizeOf>(*base->as<SizeOf>());
    copy->operandType = t;
    return copy;
  }

  ExprPtr visitVerbatimExpr(const VerbatimExpr &n, const ExprPtr &self) override {
    std::string text = renameText(n.text, n.loc);
    if (text == n.text) return self;
    auto copy = std::make_shared<VerbatimExpr>(n);
    copy->text = text;
    return copy;
  }

  StmtPtr visitDecl(const Decl &n, const StmtPtr &self) override {
    StmtPtr base = IRMutator::visitDecl(n, self);
    TypePtr t = retype(n.type, n.loc);
    if (t == n.type) return base;
    auto copy = std::make_shared<Decl>(*base->as<Decl>());
    copy->type = t;
    return copy;
  }

  StmtPtr visitAlloc(const Alloc &n, const StmtPtr &self) override {
    StmtPtr base = IRMutator::visitAlloc(n, self);
    TypePtr t = retype(n.type, n.loc);
    if (t == n.type) return base;
    auto copy = std::make_shared<Alloc>(*base->as<Alloc>());
    copy->type = t;
    return copy;
  }

  StmtPtr visitFor(const For &n, const StmtPtr &self) override {
    StmtPtr base = IRMutator::visitFor(n, self);
    TypePtr t = retype(n.varType, n.loc);
    if (t == n.varType) return base;
    auto copy = std::make_shared<For>(*base->as<For>());
    copy->varType = t;
    return copy;
  }

  StmtPtr visitVerbatimStmt(const VerbatimStmt &n, const StmtPtr &self) override {
    std::string text = renameText(n.text, n.loc);
    if (text == n.text) return self;
    auto copy = std::make_shared<VerbatimStmt>(n);
    copy->text = text;
    return copy;
  }

  StmtPtr visitLaunch(const Launch &n, const StmtPtr &self) override {
    StmtPtr base = IRMutator::visitLaunch(n, self);
    bool changed = false;
    auto targs = retemplate(n.templateArgs, n.loc, changed);
    // hipLaunchKernelGGL has no CUDA form: the launch becomes <<<>>> (the configuration is data).
    bool unmacro = !toHip_ && n.viaMacro;
    StmtPtr out = base;
    if (changed || unmacro) {
      auto copy = std::make_shared<Launch>(*base->as<Launch>());
      copy->templateArgs = targs;
      if (unmacro) {
        copy->viaMacro = false;
        ++launches;
      }
      out = copy;
    }
    return toHip_ ? out : optInDynamicShared(*out->as<Launch>(), out);
  }

  // HIP gives a kernel up to 64 KiB of dynamic LDS as is; CUDA allows more than 48 KiB of dynamic
  // shared memory only after cudaFuncSetAttribute(MaxDynamicSharedMemorySize). A launch whose
  // dynamic size may exceed 48 KiB gets that opt-in right before it, guarded by the size.
  StmtPtr optInDynamicShared(const Launch &l, const StmtPtr &self) {
    const ExprPtr &bytes = l.config.sharedBytes;
    if (!bytes || l.config.isBang()) return self;
    if (auto *lit = bytes->as<IntLit>(); lit && lit->value <= 48 * 1024) return self;
    if (!pure(bytes)) return self;  // evaluated twice below: only side-effect-free sizes
    auto intLit = [&](int64_t v, const std::string &spelling) {
      auto e = std::make_shared<IntLit>();
      e->value = v;
      e->spelling = spelling;
      e->type = Type::scalarOf(ScalarType::I32);
      e->loc = l.loc;
      return e;
    };
    auto limit = std::make_shared<Binary>();
    limit->op = BinaryOp::Mul;
    limit->lhs = intLit(48, "48");
    limit->rhs = intLit(1024, "1024");
    auto cond = std::make_shared<Binary>();
    cond->op = BinaryOp::GT;
    cond->lhs = bytes;
    cond->rhs = limit;
    cond->loc = l.loc;
    auto kernel = std::make_shared<Var>();
    kernel->name = l.templateArgs.empty() ? l.kernel : l.kernel + "<" + [&] {
      std::string s;
      for (const auto &a : l.templateArgs) s += (s.empty() ? "" : ", ") + a;
      return s;
    }() + ">";
    auto attr = std::make_shared<Var>();
    attr->name = "cudaFuncAttributeMaxDynamicSharedMemorySize";
    auto size = std::make_shared<Cast>();
    size->operand = bytes;
    size->type = Type::scalarOf(ScalarType::I32);
    auto call = std::make_shared<Call>();
    call->callee = "cudaFuncSetAttribute";
    call->callKind = CallKind::Runtime;
    call->args = {kernel, attr, size};
    call->loc = l.loc;
    auto eval = std::make_shared<Eval>();
    eval->value = call;
    eval->loc = l.loc;
    auto guard = std::make_shared<If>();
    guard->cond = cond;
    guard->thenBody = eval;
    guard->loc = l.loc;
    auto seq = std::make_shared<Seq>();
    seq->scoped = false;
    seq->body = {guard, self};
    seq->loc = l.loc;
    ++sharedOptIns;
    return seq;
  }

  static bool pure(const ExprPtr &e) {
    if (!e) return true;
    switch (e->kind) {
    case ExprKind::IntLit: case ExprKind::Var: case ExprKind::SizeOf: case ExprKind::ParallelIndex: return true;
    case ExprKind::Cast: return pure(e->as<Cast>()->operand);
    case ExprKind::Binary: return pure(e->as<Binary>()->lhs) && pure(e->as<Binary>()->rhs);
    default: return false;
    }
  }

public:
  int sharedOptIns = 0;

protected:

private:
  const RuntimeApiTable &table_;
  bool toHip_;
  const std::set<std::string> &userNames_;
  const std::set<std::string> &kernels_;
  PassContext &ctx_;
};

}  // namespace

const RuntimeApiTable &runtimeApiTable() {
  static const RuntimeApiTable table = loadTable();
  return table;
}

bool mapRuntimeApi(Module &m, const RuntimeApiMappingOptions &o, PassContext &ctx) {
  ctx.params["mapRuntimeApi"] = {{"target", dialectName(o.target)}};
  bool gpu = [](Dialect d) { return d == Dialect::CUDA || d == Dialect::HIP; }(m.dialect);
  if (!gpu || (o.target != Dialect::CUDA && o.target != Dialect::HIP)) {
    ctx.error({}, std::string("runtime API mapping translates between cuda and hip, not ") + dialectName(m.dialect) +
                      " -> " + dialectName(o.target));
    return false;
  }
  if (m.dialect == o.target) return true;
  const RuntimeApiTable &table = runtimeApiTable();
  size_t errorsBefore = ctx.diagnostics.size();

  // Names the program declares itself are never runtime names, whatever they look like.
  std::set<std::string> userNames, kernels;
  for (const auto &item : m.items) {
    if (auto *f = std::get_if<Function>(&item)) {
      userNames.insert(f->name);
      if (f->kind == FunctionKind::Kernel) kernels.insert(f->name);
    } else if (auto *g = std::get_if<GlobalVar>(&item)) {
      userNames.insert(g->name);
    }
  }

  RuntimeRenamer r(table, o.target, userNames, kernels, ctx);
  for (auto &item : m.items) {
    if (auto *f = std::get_if<Function>(&item)) {
      *f = r.mapFunction(*f);
    } else if (auto *g = std::get_if<GlobalVar>(&item)) {
      g->type = r.retype(g->type, g->loc);
      g->init = r.mutate(g->init);
    } else if (auto *v = std::get_if<VerbatimDecl>(&item)) {
      v->text = r.renameText(v->text, v->loc);
    }
  }

  int includes = 0;
  const auto &incMap = o.target == Dialect::HIP ? table.includeCudaToHip : table.includeHipToCuda;
  std::vector<Include> mapped;
  for (const auto &inc : m.includes) {
    Include out = inc;
    if (auto it = incMap.find(inc.header); it != incMap.end()) {
      out.header = it->second;
      ++includes;
    }
    bool dup = false;  // cuda.h and cuda_runtime.h both become hip/hip_runtime.h
    for (const auto &have : mapped) dup |= have.header == out.header;
    if (!dup) mapped.push_back(out);
  }
  m.includes = mapped;

  ctx.stats["runtime_calls_mapped"] = ctx.stats.value("runtime_calls_mapped", 0) + r.calls;
  ctx.stats["runtime_names_mapped"] = ctx.stats.value("runtime_names_mapped", 0) + r.names;
  ctx.stats["runtime_types_mapped"] = ctx.stats.value("runtime_types_mapped", 0) + r.types;
  ctx.stats["verbatim_identifiers_mapped"] = ctx.stats.value("verbatim_identifiers_mapped", 0) + r.verbatim;
  ctx.stats["includes_mapped"] = ctx.stats.value("includes_mapped", 0) + includes;
  ctx.stats["launch_macros_rewritten"] = ctx.stats.value("launch_macros_rewritten", 0) + r.launches;
  ctx.stats["dynamic_shared_opt_ins"] = ctx.stats.value("dynamic_shared_opt_ins", 0) + r.sharedOptIns;

  for (size_t i = errorsBefore; i < ctx.diagnostics.size(); ++i)
    if (ctx.diagnostics[i].severity == Severity::Error) return false;
  m.dialect = o.target;
  return true;
}

}  // namespace xpile::passes
