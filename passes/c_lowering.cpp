#include "passes/c_lowering.h"

#include "ast/visitor.h"
#include "backends/c_family_printer.h"

#include <cctype>
#include <map>
#include <set>

namespace xpile::passes {

using namespace ast;

namespace {

template <typename T> std::shared_ptr<T> make(const SourceLoc &loc) {
  auto n = std::make_shared<T>();
  n->loc = loc;
  return n;
}

ExprPtr var(const std::string &name, TypePtr type, const SourceLoc &loc) {
  auto n = make<Var>(loc);
  n->name = name;
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

// `&e`, with `&*p` simplified to `p`.
ExprPtr addressOf(const ExprPtr &e) {
  if (auto *u = e->as<Unary>(); u && u->op == UnaryOp::Deref) return u->operand;
  return unary(UnaryOp::AddrOf, e, e->type ? Type::pointerTo(e->type) : nullptr, e->loc);
}

bool isLvalue(const ExprPtr &e) {
  if (!e) return false;
  switch (e->kind) {
  case ExprKind::Var: case ExprKind::Load: case ExprKind::Member: return true;
  case ExprKind::Unary: return e->as<Unary>()->op == UnaryOp::Deref;
  default: return false;
  }
}

bool hasSideEffects(const ExprPtr &e) {
  struct V : IRVisitor {
    bool found = false;
    void visitCall(const Call &c) override {
      if (c.callKind != CallKind::Math) found = true;
      IRVisitor::visitCall(c);
    }
    void visitAssignExpr(const AssignExpr &) override { found = true; }
    void visitUnary(const Unary &u) override {
      found |= u.op == UnaryOp::PreInc || u.op == UnaryOp::PreDec || u.op == UnaryOp::PostInc || u.op == UnaryOp::PostDec;
      IRVisitor::visitUnary(u);
    }
    void visitVerbatimExpr(const VerbatimExpr &) override { found = true; }
  } v;
  v.visit(e);
  return v.found;
}

// Integer types whose values an enumerator (an int) holds with the same type after promotion.
bool isIntLike(const TypePtr &t) {
  return t && t->kind == Type::Kind::Scalar &&
         (t->scalar == ScalarType::I32 || t->scalar == ScalarType::I16 || t->scalar == ScalarType::I8 ||
          t->scalar == ScalarType::U16 || t->scalar == ScalarType::U8 || t->scalar == ScalarType::Char);
}

bool isIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Identifiers of carried text (string/character literals and comments skipped).
std::vector<std::string> identifiers(const std::string &text) {
  std::vector<std::string> ids;
  for (size_t i = 0; i < text.size();) {
    char c = text[i];
    if (c == '"' || c == '\'') {
      for (++i; i < text.size() && text[i] != c; ++i)
        if (text[i] == '\\') ++i;
      ++i;
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
      size_t e = text.find("*/", i + 2);
      i = e == std::string::npos ? text.size() : e + 2;
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

// Whether carried text has a `(` outside comments and literals (a member function, in a record).
bool hasParen(const std::string &text) {
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '"' || c == '\'') {
      for (++i; i < text.size() && text[i] != c; ++i)
        if (text[i] == '\\') ++i;
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
      size_t e = text.find("*/", i + 2);
      i = e == std::string::npos ? text.size() : e + 1;
    } else if (c == '(') {
      return true;
    }
  }
  return false;
}

std::string lastComponent(const std::string &qualified) {
  size_t p = qualified.rfind("::");
  return p == std::string::npos ? qualified : qualified.substr(p + 2);
}
std::string qualifierOf(const std::string &qualified) {
  size_t p = qualified.rfind("::");
  return p == std::string::npos ? "" : qualified.substr(0, p);
}

// A namespace path as lookup sees it: anonymous namespaces are transparent.
std::string normalizeNs(const std::string &ns) {
  std::string out;
  size_t start = 0;
  while (start <= ns.size() && !ns.empty()) {
    size_t sep = ns.find("::", start);
    std::string part = ns.substr(start, sep == std::string::npos ? std::string::npos : sep - start);
    if (part != "(anonymous)" && !part.empty()) out += (out.empty() ? "" : "::") + part;
    if (sep == std::string::npos) break;
    start = sep + 2;
  }
  return out;
}
std::string parentNs(const std::string &ns) { return qualifierOf(ns); }
std::string joinNs(const std::string &a, const std::string &b) { return a.empty() ? b : b.empty() ? a : a + "::" + b; }

// A readable C identifier piece for a template argument or type: "4", "float", "m1" (for -1).
std::string mangle(const std::string &s) {
  std::string out;
  for (char c : s) {
    if (isIdentChar(c)) out += c;
    else if (c == '-') out += "m";
    else if (c == '*') out += "p";
    else if (c == '.') out += "_";
    else if (c == ' ' || c == ':' || c == ',' || c == '<' || c == '>') {
      if (!out.empty() && out.back() != '_') out += "_";
    }
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

std::string typeMangle(const TypePtr &t) {
  if (!t) return "v";
  switch (t->kind) {
  case Type::Kind::Scalar: return scalarTypeName(t->scalar);
  case Type::Kind::Vector: return std::string(scalarTypeName(t->scalar)) + "x" + std::to_string(t->lanes);
  case Type::Kind::Named: return mangle(t->name);
  case Type::Kind::Pointer: return typeMangle(t->element) + "p";
  case Type::Kind::Reference: return typeMangle(t->element) + "r";
  case Type::Kind::Array: return typeMangle(t->element) + "a";
  }
  return "t";
}

// The type with references, const and typedef spellings removed, for overload matching.
std::string matchKey(TypePtr t) {
  if (t && t->kind == Type::Kind::Reference) t = t->element;
  if (!t) return "?";
  if (t->kind == Type::Kind::Scalar) return scalarTypeName(t->scalar);
  if (t->kind == Type::Kind::Pointer) return matchKey(t->element) + "*";
  if (t->kind == Type::Kind::Named) return t->name;
  return describe(*t);
}


// A reference parameter passed by value in C: `const T &` to a scalar, vector or pointer, which
// the callee only reads (readers expect `float s`, not `const float *s`).
bool constRefByValue(const TypePtr &t) {
  return t && t->kind == Type::Kind::Reference && t->element && t->element->isConst &&
         (t->element->kind == Type::Kind::Scalar || t->element->kind == Type::Kind::Vector ||
          t->element->kind == Type::Kind::Pointer);
}

TypePtr withoutReference(const TypePtr &t, bool byValue) {
  if (!t || t->kind != Type::Kind::Reference) return t;
  if (byValue) {  // `const float &s` -> `float s`: the copy is the callee's own
    auto copy = std::make_shared<Type>(*t->element);
    copy->isConst = false;
    return copy;
  }
  return Type::pointerTo(t->element);
}

// ---------------------------------------------------------------------------------------------

struct FunctionInfo {
  size_t item;        // index into Module::items
  std::string key;    // normalized namespace + "::" + name
  std::string cname;  // the C name
  std::vector<TypePtr> params;  // original parameter types
  std::vector<std::string> templateArgs;
};

class CLowerer : public IRMutator {
public:
  CLowerer(Module &m, PassContext &ctx) : m_(m), ctx_(ctx) {}

  bool run();

private:
  // ---- Names ---------------------------------------------------------------------------------
  void collectNames();
  // The key ("ns::name") a reference written `spelled` inside namespace `ns` resolves to.
  std::optional<std::string> resolve(const std::string &spelled, const std::string &ns,
                                     const std::map<std::string, std::string> &table) const;
  std::optional<std::string> resolveFunctionKey(const std::string &spelled) const;
  const FunctionInfo *pickOverload(const Call &c, const std::string &key);

  // ---- Items ---------------------------------------------------------------------------------
  void lowerFunction(Function &f, const FunctionInfo &info);
  void lowerGlobal(GlobalVar &g, std::vector<TopLevel> &out);
  void lowerVerbatim(const VerbatimDecl &v, std::vector<TopLevel> &out);
  std::optional<int64_t> constantValue(const ExprPtr &e) const;
  void lowerIncludes();
  // Internal-linkage constants and carried typedefs nothing refers to: C compilers warn about
  // the former, and the latter may carry attributes only the source compiler knew.
  void removeUnused(std::vector<TopLevel> &items);

  // ---- Expressions and statements ------------------------------------------------------------
  ExprPtr visitVar(const Var &node, const ExprPtr &self) override;
  ExprPtr enumeratorConstant(const SourceLoc &loc, int64_t value, const std::string &spelling);
  ExprPtr visitCall(const Call &node, const ExprPtr &self) override;
  ExprPtr visitMember(const Member &node, const ExprPtr &self) override;
  ExprPtr visitUnary(const Unary &node, const ExprPtr &self) override;
  ExprPtr visitCast(const Cast &node, const ExprPtr &self) override;
  ExprPtr visitSizeOf(const SizeOf &node, const ExprPtr &self) override {
    ExprPtr e = IRMutator::visitSizeOf(node, self);
    TypePtr t = mapType(node.operandType, node.loc);
    if (t == node.operandType) return e;
    auto n = std::make_shared<SizeOf>(*e->as<SizeOf>());
    n->operandType = t;
    return n;
  }
  ExprPtr visitBoolLit(const BoolLit &node, const ExprPtr &self) override {
    needBool_ = true;
    return self;
  }
  ExprPtr visitVerbatimExpr(const VerbatimExpr &node, const ExprPtr &self) override {
    ctx_.error(node.loc, "C++ " + (node.reason.empty() ? std::string("expression") : node.reason) +
                             " has no C equivalent: " + node.text);
    return self;
  }
  StmtPtr visitDecl(const Decl &node, const StmtPtr &self) override;
  StmtPtr visitAlloc(const Alloc &node, const StmtPtr &self) override;
  StmtPtr visitFor(const For &node, const StmtPtr &self) override;
  StmtPtr visitLoop(const Loop &node, const StmtPtr &self) override;
  StmtPtr visitVerbatimStmt(const VerbatimStmt &node, const StmtPtr &self) override {
    if (node.reason.rfind("xpile:", 0) == 0) return self;  // written in C by a pass
    ctx_.error(node.loc, "C++ " + (node.reason.empty() ? std::string("statement") : node.reason) +
                             " has no C equivalent: " + node.text);
    return self;
  }
  StmtPtr visitLaunch(const Launch &node, const StmtPtr &self) override {
    ctx_.error(node.loc, "a kernel launch cannot be expressed in C: '" + node.kernel + "'");
    return self;
  }
  ExprPtr mapStdCall(const Call &node, const std::string &name);
  // The struct standing for a short vector type ("float4"), declared once; nullopt if none.
  std::optional<std::string> vectorStruct(ScalarType s, int lanes);
  std::map<std::string, std::string> vectorStructs_;  // name -> typedef text
  ExprPtr numericLimit(const Call &node, const std::string &callee);
  TypePtr mapType(const TypePtr &t, const SourceLoc &loc);

  Module &m_;
  PassContext &ctx_;
  std::vector<FunctionInfo> functions_;
  std::map<std::string, std::vector<size_t>> functionsByKey_;  // key -> indices into functions_
  std::map<std::string, std::string> globals_;                  // key -> C name (globals, records)
  std::map<std::string, std::string> records_;                  // record key -> C name
  std::string currentNs_;
  std::set<std::string> locals_;      // names declared in the current function
  std::set<std::string> pointerRefs_; // reference params/locals that became pointers
  std::map<std::string, int> stats_;
  std::map<std::string, int64_t> enumValues_;  // C name -> value of constants made enumerators
  std::map<std::string, int64_t> localEnums_;  // the same for the current function's constexpr locals
  // Locals a C++ `const int` made constant expressions for: intrinsic arguments (immediates) and
  // case labels, with their address never taken.
  std::set<std::string> immediates_;
  static std::set<std::string> immediateNames(const StmtPtr &body) {
    struct V : IRVisitor {
      std::set<std::string> names, addressed;
      int depth = 0;  // inside an intrinsic's arguments or a case label
      void visitVar(const Var &v) override {
        if (depth) names.insert(v.name);
      }
      void visitCall(const Call &c) override {
        bool intrinsic = c.callKind == CallKind::Intrinsic;
        depth += intrinsic;
        IRVisitor::visitCall(c);
        depth -= intrinsic;
      }
      void visitSwitch(const Switch &s) override {
        visit(s.value);
        for (const auto &c : s.cases) {
          ++depth;
          visit(c.label);
          --depth;
          for (const auto &st : c.body) visit(st);
        }
      }
      void visitUnary(const Unary &u) override {
        if (auto *v = u.operand ? u.operand->as<Var>() : nullptr; v && u.op == UnaryOp::AddrOf) addressed.insert(v->name);
        IRVisitor::visitUnary(u);
      }
    } v;
    v.visit(body);
    std::set<std::string> out;
    for (const auto &n : v.names)
      if (!v.addressed.count(n)) out.insert(n);
    return out;
  }
  // An expression as C prints it (the text of an enumerator's value).
  static std::string printC(const ExprPtr &e) {
    Module scratch;
    scratch.isCxx = false;
    scratch.dialect = Dialect::C;
    return backends::makePrinter(scratch, Dialect::C)->printExpr(e);
  }
  bool needBool_ = false, needMath_ = false, needFloat_ = false, needLimits_ = false, needStddef_ = false,
       needAssert_ = false, needStdint_ = false;
};

void CLowerer::collectNames() {
  // Count plain names across namespaces: a name defined in one namespace only keeps its spelling.
  std::map<std::string, std::set<std::string>> nsOfName;
  for (size_t i = 0; i < m_.items.size(); ++i) {
    if (auto *f = std::get_if<Function>(&m_.items[i])) nsOfName[f->name].insert(normalizeNs(f->ns));
    else if (auto *g = std::get_if<GlobalVar>(&m_.items[i])) nsOfName[g->name].insert(normalizeNs(g->ns));
  }
  auto baseName = [&](const std::string &ns, const std::string &name) {
    if (nsOfName[name].size() <= 1 || ns.empty()) return name;
    return mangle(ns) + "_" + name;
  };
  for (size_t i = 0; i < m_.items.size(); ++i) {
    if (auto *g = std::get_if<GlobalVar>(&m_.items[i])) {
      std::string ns = normalizeNs(g->ns);
      globals_[joinNs(ns, g->name)] = baseName(ns, g->name);
    }
  }
  // Functions: one C name per distinct signature; template instances add their arguments,
  // overloads their parameter types.
  std::map<std::string, std::set<std::string>> signatures;
  for (size_t i = 0; i < m_.items.size(); ++i) {
    auto *f = std::get_if<Function>(&m_.items[i]);
    if (!f) continue;
    FunctionInfo info;
    info.item = i;
    std::string ns = normalizeNs(f->ns);
    info.key = joinNs(ns, f->name);
    for (const auto &p : f->params) info.params.push_back(p.type);
    if (f->templateInstance) info.templateArgs = f->templateInstance->arguments;
    std::string sig;
    for (const auto &p : f->params) sig += matchKey(p.type) + ",";
    if (!f->templateInstance) signatures[info.key].insert(sig);
    info.cname = baseName(ns, f->name);
    if (f->templateInstance) {
      for (const auto &a : f->templateInstance->arguments) info.cname += "_" + mangle(a);
      ++stats_["template_instances_named"];
    }
    functionsByKey_[info.key].push_back(functions_.size());
    functions_.push_back(info);
  }
  for (auto &info : functions_) {
    auto &f = std::get<Function>(m_.items[info.item]);
    if (f.templateInstance || signatures[info.key].size() <= 1 || f.name == "main") continue;
    for (const auto &p : f.params) info.cname += "_" + typeMangle(p.type);
    if (f.params.empty()) info.cname += "_void";
    ++stats_["overloads_renamed"];
  }
}

std::optional<std::string> CLowerer::resolve(const std::string &spelled, const std::string &ns,
                                             const std::map<std::string, std::string> &table) const {
  std::string name = spelled;
  bool global = false;
  if (name.rfind("::", 0) == 0) {
    name = name.substr(2);
    global = true;
  }
  std::string q = normalizeNs(qualifierOf(name)), last = lastComponent(name);
  for (std::string scope = global ? "" : ns;; scope = parentNs(scope)) {
    std::string key = joinNs(joinNs(scope, q), last);
    if (table.count(key)) return key;
    if (scope.empty()) break;
  }
  return std::nullopt;
}

std::optional<std::string> CLowerer::resolveFunctionKey(const std::string &spelled) const {
  std::map<std::string, std::string> keys;
  for (const auto &[k, v] : functionsByKey_) keys[k] = k;
  return resolve(spelled, currentNs_, keys);
}

const FunctionInfo *CLowerer::pickOverload(const Call &c, const std::string &key) {
  std::vector<const FunctionInfo *> cands;
  for (size_t i : functionsByKey_[key]) cands.push_back(&functions_[i]);
  auto distinct = [](const std::vector<const FunctionInfo *> &v) {
    std::set<std::string> names;
    for (auto *f : v) names.insert(f->cname);
    return names.size();
  };
  auto filter = [&](auto pred) {
    std::vector<const FunctionInfo *> kept;
    for (auto *f : cands)
      if (pred(*f)) kept.push_back(f);
    if (!kept.empty()) cands = kept;
    return !kept.empty();
  };
  if (distinct(cands) <= 1) return cands.empty() ? nullptr : cands[0];
  if (!c.templateArgs.empty())
    filter([&](const FunctionInfo &f) {
      if (f.templateArgs.size() < c.templateArgs.size()) return false;
      for (size_t i = 0; i < c.templateArgs.size(); ++i)
        if (mangle(f.templateArgs[i]) != mangle(c.templateArgs[i])) return false;
      return true;
    });
  if (distinct(cands) > 1) filter([&](const FunctionInfo &f) { return f.params.size() == c.args.size(); });
  if (distinct(cands) > 1)
    filter([&](const FunctionInfo &f) {
      for (size_t i = 0; i < c.args.size(); ++i)
        if (!c.args[i]->type || matchKey(c.args[i]->type) != matchKey(f.params[i])) return false;
      return true;
    });
  if (distinct(cands) > 1) {
    ctx_.error(c.loc, "cannot tell which overload of '" + c.callee + "' this call means");
    return nullptr;
  }
  return cands[0];
}

// ---------------------------------------------------------------------------------------------
// Types

TypePtr CLowerer::mapType(const TypePtr &t, const SourceLoc &loc) {
  if (!t) return t;
  if (t->kind == Type::Kind::Named) {
    if (t->name.find('<') != std::string::npos) {
      ctx_.error(loc, "C++ template type '" + t->name + "' has no C equivalent");
      return t;
    }
    std::string name = t->name;
    std::string prefix;
    for (const char *kw : {"const ", "struct ", "enum ", "union "})
      if (name.rfind(kw, 0) == 0) {
        prefix += kw;
        name = name.substr(std::char_traits<char>::length(kw));
      }
    if (name.find("::") != std::string::npos || records_.count(name)) {
      auto key = resolve(name, currentNs_, records_);
      std::string cname = key ? records_.at(*key) : lastComponent(name);
      if (prefix + cname != t->name) {
        auto copy = std::make_shared<Type>(*t);
        copy->name = prefix + cname;
        return copy;
      }
    }
    return t;
  }
  if (t->kind == Type::Kind::Scalar && t->scalar == ScalarType::Bool) needBool_ = true;
  if (t->kind == Type::Kind::Scalar && (t->name == "size_t" || t->name == "ptrdiff_t")) needStddef_ = true;  // <stddef.h>
  if (t->kind == Type::Kind::Scalar && t->name.size() > 2 && t->name.compare(t->name.size() - 2, 2, "_t") == 0 &&
      (t->name.rfind("int", 0) == 0 || t->name.rfind("uint", 0) == 0))
    needStdint_ = true;
  if (t->kind == Type::Kind::Vector) {
    // float4 and friends: a struct with the same fields (x, y, z, w), which is all CUDA gives them.
    auto name = vectorStruct(t->scalar, t->lanes);
    if (!name) {
      ctx_.error(loc, "vector type " + describe(*t) + " has no C equivalent");
      return t;
    }
    return Type::named(*name, t->isConst);
  }
  if (t->element) {
    TypePtr e = mapType(t->element, loc);
    if (t->kind == Type::Kind::Reference) {
      ctx_.error(loc, "a reference nested in a type has no C equivalent");
      return t;
    }
    if (e != t->element) {
      auto copy = std::make_shared<Type>(*t);
      copy->element = e;
      return copy;
    }
  }
  return t;
}

std::optional<std::string> CLowerer::vectorStruct(ScalarType s, int lanes) {
  const char *base = nullptr, *field = nullptr;
  switch (s) {
  case ScalarType::F32: base = "float"; field = "float"; break;
  case ScalarType::F64: base = "double"; field = "double"; break;
  case ScalarType::F16: base = "half"; field = "_Float16"; break;
  case ScalarType::I32: base = "int"; field = "int"; break;
  case ScalarType::U32: base = "uint"; field = "unsigned int"; break;
  case ScalarType::I8: case ScalarType::Char: base = "char"; field = "signed char"; break;
  case ScalarType::U8: base = "uchar"; field = "unsigned char"; break;
  case ScalarType::I16: base = "short"; field = "short"; break;
  case ScalarType::U16: base = "ushort"; field = "unsigned short"; break;
  case ScalarType::I64: base = "longlong"; field = "long long"; break;
  case ScalarType::U64: base = "ulonglong"; field = "unsigned long long"; break;
  default: return std::nullopt;
  }
  if (lanes < 1 || lanes > 4) return std::nullopt;
  std::string name = base + std::to_string(lanes);
  if (!vectorStructs_.count(name)) {
    std::string fields;
    for (int i = 0; i < lanes; ++i) fields += std::string(i ? ", " : "") + "xyzw"[i];
    // CUDA aligns its vector types to their size (up to 16 bytes): keep that for vector loads.
    int bytes = lanes * scalarTypeBytes(s);
    int align = bytes == 3 * scalarTypeBytes(s) ? scalarTypeBytes(s) : bytes > 16 ? 16 : bytes;
    vectorStructs_[name] = "typedef struct {\n  " + std::string(field) + " " + fields + ";\n} __attribute__((aligned(" +
                           std::to_string(align) + "))) " + name + ";";
    ++stats_["vector_types_made_structs"];
  }
  return name;
}

// ---------------------------------------------------------------------------------------------
// Expressions

// A use of an enumerator: an int literal with its value, printed as `spelling` when given.
ExprPtr CLowerer::enumeratorConstant(const SourceLoc &loc, int64_t value, const std::string &spelling) {
  auto lit = std::make_shared<IntLit>();
  lit->loc = loc;
  lit->value = value;
  lit->spelling = spelling;
  lit->type = Type::scalarOf(ScalarType::I32);
  ++stats_["enumerators_as_constants"];
  return lit;
}

ExprPtr CLowerer::visitVar(const Var &node, const ExprPtr &self) {
  if (node.name == "nullptr") {
    needStddef_ = true;
    return var("NULL", node.type ? Type::pointerTo(Type::scalarOf(ScalarType::Void)) : nullptr, node.loc);
  }
  if (pointerRefs_.count(node.name)) {
    // A reference that became a pointer: its uses read through it.
    TypePtr t = node.type;
    return unary(UnaryOp::Deref, self, t, node.loc);
  }
  if (auto it = localEnums_.find(node.name); it != localEnums_.end() && locals_.count(node.name)) {
    return enumeratorConstant(node.loc, it->second, node.name);
  }
  if (locals_.count(node.name)) return self;
  std::string name;
  if (auto key = resolve(node.name, currentNs_, globals_)) name = globals_.at(*key);
  else if (auto fkey = resolveFunctionKey(node.name)) {
    auto &ids = functionsByKey_[*fkey];
    std::set<std::string> names;
    for (size_t i : ids) names.insert(functions_[i].cname);
    if (names.size() > 1) ctx_.error(node.loc, "the address of overloaded function '" + node.name + "'");
    name = functions_[ids.front()].cname;
  } else if (node.name.find("::") != std::string::npos) {
    if (node.name.rfind("std::", 0) == 0) ctx_.error(node.loc, "'" + node.name + "' has no C equivalent");
    name = lastComponent(node.name);
  } else {
    return self;
  }
  if (auto it = enumValues_.find(name); it != enumValues_.end()) {
    // A constant made an enumerator is an integer constant expression: analyses after this pass
    // (buffer extents, dependences) see its value, printers its name.
    return enumeratorConstant(node.loc, it->second, name);
  }
  if (name == node.name) return self;
  auto n = std::make_shared<Var>(node);
  n->name = name;
  ++stats_["names_flattened"];
  return n;
}

ExprPtr CLowerer::visitMember(const Member &node, const ExprPtr &self) {
  ExprPtr base = mutate(node.base);
  // (*p).f reads better as p->f.
  if (auto *u = base->as<Unary>(); u && u->op == UnaryOp::Deref && !node.arrow) {
    auto n = std::make_shared<Member>(node);
    n->base = u->operand;
    n->arrow = true;
    return n;
  }
  if (base == node.base) return self;
  auto n = std::make_shared<Member>(node);
  n->base = base;
  return n;
}

ExprPtr CLowerer::visitUnary(const Unary &node, const ExprPtr &self) {
  ExprPtr e = IRMutator::visitUnary(node, self);
  if (auto *u = e->as<Unary>(); u && u->op == UnaryOp::AddrOf)
    if (auto *inner = u->operand->as<Unary>(); inner && inner->op == UnaryOp::Deref) return inner->operand;
  return e;
}

ExprPtr CLowerer::visitCast(const Cast &node, const ExprPtr &self) {
  ExprPtr e = IRMutator::visitCast(node, self);
  TypePtr t = mapType(node.type, node.loc);
  auto &c = *e->as<Cast>();
  CastStyle style = c.style == CastStyle::Implicit ? CastStyle::Implicit : CastStyle::C;
  if (t == c.type && style == c.style) return e;
  if (style != c.style) ++stats_["casts_made_c"];
  auto n = std::make_shared<Cast>(c);
  n->type = t;
  n->style = style;
  return n;
}

ExprPtr CLowerer::numericLimit(const Call &node, const std::string &callee) {
  // std::numeric_limits<T>::what() -> the <float.h>/<limits.h>/<math.h> macro.
  size_t open = callee.find('<'), close = callee.find(">::");
  if (open == std::string::npos || close == std::string::npos) return nullptr;
  std::string t = callee.substr(open + 1, close - open - 1), what = callee.substr(close + 3);
  std::string prefix = t == "float" ? "FLT" : t == "double" ? "DBL" : "";
  std::string name;
  bool negate = false;
  if (!prefix.empty()) {
    if (what == "infinity") name = "INFINITY", needMath_ = true;
    else if (what == "quiet_NaN") name = "NAN", needMath_ = true;
    else if (what == "max") name = prefix + "_MAX";
    else if (what == "lowest") name = prefix + "_MAX", negate = true;
    else if (what == "min") name = prefix + "_MIN";
    else if (what == "epsilon") name = prefix + "_EPSILON";
    if (!name.empty() && name.rfind(prefix, 0) == 0) needFloat_ = true;
  } else {
    static const std::map<std::string, std::string> ints = {
        {"int", "INT"}, {"unsigned int", "UINT"}, {"long", "LONG"}, {"unsigned long", "ULONG"},
        {"long long", "LLONG"}, {"unsigned long long", "ULLONG"}, {"short", "SHRT"}, {"char", "CHAR"},
        {"signed char", "SCHAR"}, {"unsigned char", "UCHAR"}, {"int32_t", "INT32"}, {"int64_t", "INT64"},
        {"uint32_t", "UINT32"}, {"uint64_t", "UINT64"}, {"int8_t", "INT8"}, {"uint8_t", "UINT8"},
        {"int16_t", "INT16"}, {"uint16_t", "UINT16"}};
    auto it = ints.find(t);
    if (it == ints.end()) return nullptr;
    bool isUnsigned = it->second[0] == 'U';
    bool fixed = it->second.find_first_of("0123456789") != std::string::npos;
    if (what == "max") name = it->second + "_MAX";
    else if (what == "min" || what == "lowest") name = isUnsigned ? "0" : it->second + "_MIN";
    if (name.empty()) return nullptr;
    if (name != "0") (fixed ? needStdint_ : needLimits_) = true;
  }
  if (name.empty()) return nullptr;
  ExprPtr v = var(name, node.type, node.loc);
  return negate ? unary(UnaryOp::Neg, v, node.type, node.loc) : v;
}

ExprPtr CLowerer::mapStdCall(const Call &node, const std::string &name) {
  std::vector<ExprPtr> args;
  for (const auto &a : node.args) args.push_back(mutate(a));
  auto rebuilt = [&](const std::string &callee) {
    auto n = std::make_shared<Call>(node);
    n->callee = callee;
    n->args = args;
    n->templateArgs.clear();
    return n;
  };
  TypePtr t = node.type;
  bool isF32 = t && t->kind == Type::Kind::Scalar && t->scalar == ScalarType::F32;
  bool isF64 = t && t->kind == Type::Kind::Scalar && t->scalar == ScalarType::F64;
  if ((name == "min" || name == "max") && args.size() == 2) {
    ++stats_["std_calls_mapped"];
    // std::min(a, b) is `b < a ? b : a` and std::max(a, b) is `a < b ? b : a`, exactly (NaNs
    // included); with effects in the operands, fminf/fmaxf keep single evaluation.
    if (!hasSideEffects(args[0]) && !hasSideEffects(args[1])) {
      auto cmp = make<Binary>(node.loc);
      cmp->op = BinaryOp::LT;
      cmp->lhs = name == "min" ? args[1] : args[0];
      cmp->rhs = name == "min" ? args[0] : args[1];
      cmp->type = Type::scalarOf(ScalarType::Bool);
      auto sel = make<Select>(node.loc);
      sel->cond = cmp;
      sel->thenValue = args[1];
      sel->elseValue = args[0];
      sel->type = t;
      return sel;
    }
    if (isF32 || isF64) {
      needMath_ = true;
      return rebuilt(std::string(name == "min" ? "fmin" : "fmax") + (isF32 ? "f" : ""));
    }
    ctx_.error(node.loc, "std::" + name + " of operands with side effects");
    return rebuilt(name);
  }
  static const std::set<std::string> cMath = {
      "sqrt", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "pow", "sin", "cos", "tan", "asin",
      "acos", "atan", "atan2", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "floor", "ceil", "round",
      "trunc", "fmod", "fma", "erf", "erfc", "cbrt", "hypot", "rint", "nearbyint", "copysign", "ldexp",
      "frexp", "fmin", "fmax", "fdim", "lround", "lrint", "remainder", "tgamma", "lgamma", "fabs"};
  if (cMath.count(name) || name == "abs") {
    ++stats_["std_calls_mapped"];
    if (name == "abs" && !isF32 && !isF64) {
      needLimits_ = false;
      std::string callee = t && t->kind == Type::Kind::Scalar &&
                                   (t->scalar == ScalarType::I64 || t->scalar == ScalarType::U64)
                               ? "llabs"
                               : "abs";
      return rebuilt(callee);
    }
    needMath_ = true;
    std::string base = name == "abs" ? "fabs" : name;
    // The float overload of C++ is C's `f` function; the double one keeps the plain name.
    return rebuilt(isF32 && base != "lround" && base != "lrint" ? base + "f" : base);
  }
  static const std::set<std::string> cLib = {"memcpy", "memset", "memmove", "memcmp", "strlen", "malloc", "calloc",
                                             "realloc", "free", "aligned_alloc", "abort", "exit", "printf",
                                             "fprintf", "snprintf", "puts", "qsort", "isnan", "isinf", "isfinite",
                                             "signbit"};
  if (cLib.count(name)) {
    if (name == "isnan" || name == "isinf" || name == "isfinite" || name == "signbit") needMath_ = true;
    ++stats_["std_calls_mapped"];
    return rebuilt(name);
  }
  ctx_.error(node.loc, "'std::" + name + "' has no C equivalent");
  return rebuilt(name);
}

ExprPtr CLowerer::visitCall(const Call &node, const ExprPtr &self) {
  if (node.receiver) {
    ctx_.error(node.loc, "member function call '" + node.callee + "' has no C equivalent");
    return self;
  }
  if (node.callee.rfind("std::numeric_limits<", 0) == 0) {
    if (auto e = numericLimit(node, node.callee)) return e;
    ctx_.error(node.loc, "'" + node.callee + "' has no C equivalent");
    return self;
  }
  if (node.callee.rfind("std::", 0) == 0 && node.callee.find("::", 5) == std::string::npos)
    return mapStdCall(node, node.callee.substr(5));
  if (node.callee.rfind("make_", 0) == 0 && node.type && node.type->kind == Type::Kind::Vector &&
      node.callKind != CallKind::User) {
    // make_float4(a, b, c, d) -> (float4){a, b, c, d}
    TypePtr t = mapType(node.type, node.loc);
    auto list = make<InitList>(node.loc);
    for (const auto &a : node.args) list->elements.push_back(mutate(a));
    auto c = make<Cast>(node.loc);
    c->style = CastStyle::C;
    c->type = t;
    c->operand = list;
    return c;
  }
  // CUDA's device min/max (overloaded for every arithmetic type), left by loop recovery.
  if ((node.callee == "min" || node.callee == "max") && node.callKind != CallKind::User && node.args.size() == 2)
    return mapStdCall(node, node.callee);
  if (node.callKind == CallKind::Math) needMath_ = true;
  // C++'s float overloads of <cmath> functions called unqualified (`sqrt(x)` on a float).
  if (node.callKind == CallKind::Math && node.type && node.type->kind == Type::Kind::Scalar &&
      node.type->scalar == ScalarType::F32 && node.callee.find("::") == std::string::npos) {
    static const std::set<std::string> overloaded = {"sqrt", "exp", "log", "pow", "sin", "cos", "tan", "tanh",
                                                     "floor", "ceil", "fabs", "round", "trunc", "fmod", "exp2",
                                                     "log2", "erf", "fmin", "fmax", "atan2", "atan", "asin",
                                                     "acos", "sinh", "cosh", "log10", "log1p", "expm1", "rint",
                                                     "fma", "cbrt", "hypot"};
    bool floatArgs = !node.args.empty();
    for (const auto &a : node.args)
      floatArgs &= a->type && a->type->kind == Type::Kind::Scalar && a->type->scalar == ScalarType::F32;
    if (overloaded.count(node.callee) && floatArgs) return mapStdCall(node, node.callee);
  }
  std::optional<std::string> key;
  if (node.callKind == CallKind::User || functionsByKey_.count(normalizeNs(node.callee)) ||
      node.callee.find("::") != std::string::npos)
    key = resolveFunctionKey(node.callee);
  if (!key) {
    if (node.callee.find("::") != std::string::npos) ctx_.error(node.loc, "'" + node.callee + "' has no C equivalent");
    if (!node.templateArgs.empty())
      ctx_.error(node.loc, "call of template '" + node.callee + "' that names no instance of this file");
    return IRMutator::visitCall(node, self);
  }
  const FunctionInfo *target = pickOverload(node, *key);
  if (!target) return IRMutator::visitCall(node, self);
  auto n = std::make_shared<Call>(node);
  n->callee = target->cname;
  n->templateArgs.clear();
  n->args.clear();
  if (node.args.size() < target->params.size())
    ctx_.error(node.loc, "call of '" + node.callee + "' relies on default arguments, which the AST does not carry");
  for (size_t i = 0; i < node.args.size(); ++i) {
    ExprPtr a = mutate(node.args[i]);
    TypePtr p = i < target->params.size() ? target->params[i] : nullptr;
    if (p && p->kind == Type::Kind::Reference && !constRefByValue(p)) {
      // The reference parameter is a pointer now: pass the object's address.
      if (!isLvalue(a)) ctx_.error(a->loc, "a temporary bound to reference parameter of '" + node.callee + "'");
      a = addressOf(a);
      ++stats_["reference_arguments"];
    }
    n->args.push_back(a);
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Statements

StmtPtr CLowerer::visitDecl(const Decl &node, const StmtPtr &self) {
  auto n = std::make_shared<Decl>(node);
  n->init = mutate(node.init);
  n->isConstexpr = false;  // `const` says the same in C (extents are numbers in the AST)
  bool immediate = node.type && node.type->isConst && !node.type->isVolatile && immediates_.count(node.name);
  if ((node.isConstexpr || immediate) && isIntLike(node.type) && n->init && !node.isStatic) {
    // A constexpr int may feed what needs a constant expression (an intrinsic's immediate, a
    // case label): in C that is an enumerator.
    auto v = constantValue(n->init);
    if (v && *v >= INT32_MIN && *v <= INT32_MAX) {
      auto e = make<VerbatimStmt>(node.loc);
      e->text = "enum { " + node.name + " = " + printC(n->init) + " };";
      e->reason = "xpile: integer constant as an enumerator (C lowering)";
      locals_.insert(node.name);
      pointerRefs_.erase(node.name);
      localEnums_[node.name] = *v;
      ++stats_["constants_made_enumerators"];
      return e;
    }
  }
  if (node.type && node.type->kind == Type::Kind::Reference) {
    bool lvalue = isLvalue(n->init);
    if (!lvalue && !(node.type->element && node.type->element->isConst)) {
      ctx_.error(node.loc, "reference '" + node.name + "' bound to a temporary");
      return self;
    }
    if (lvalue) {
      n->type = mapType(Type::pointerTo(node.type->element), node.loc);
      n->init = addressOf(n->init);
      pointerRefs_.insert(node.name);
    } else {
      n->type = mapType(node.type->element, node.loc);  // a const reference to a temporary: its value
    }
    ++stats_["references_made_pointers"];
    locals_.insert(node.name);
    return n;
  }
  locals_.insert(node.name);
  pointerRefs_.erase(node.name);
  n->type = mapType(node.type, node.loc);
  return n;
}

StmtPtr CLowerer::visitAlloc(const Alloc &node, const StmtPtr &self) {
  auto n = std::make_shared<Alloc>(node);
  n->init = mutate(node.init);
  n->type = mapType(node.type, node.loc);
  locals_.insert(node.name);
  pointerRefs_.erase(node.name);
  return n;
}

StmtPtr CLowerer::visitFor(const For &node, const StmtPtr &self) {
  locals_.insert(node.var);
  pointerRefs_.erase(node.var);
  StmtPtr s = IRMutator::visitFor(node, self);
  TypePtr varType = mapType(node.varType, node.loc);
  if (varType != node.varType) {
    auto n = std::make_shared<For>(*s->as<For>());
    n->varType = varType;
    s = n;
  }
  if (node.forKind != ForKind::Unrolled) return s;
  // `#pragma unroll` is no C pragma (gcc -Wall rejects it); the hint does not change meaning.
  auto n = std::make_shared<For>(*s->as<For>());
  n->forKind = ForKind::Serial;
  n->unrollFactor = 0;
  ++stats_["unroll_hints_dropped"];
  return n;
}

StmtPtr CLowerer::visitLoop(const Loop &node, const StmtPtr &self) {
  StmtPtr s = IRMutator::visitLoop(node, self);
  if (node.unrollFactor < 0) return s;
  auto n = std::make_shared<Loop>(*s->as<Loop>());
  n->unrollFactor = -1;
  ++stats_["unroll_hints_dropped"];
  return n;
}

// ---------------------------------------------------------------------------------------------
// Items

void CLowerer::lowerFunction(Function &f, const FunctionInfo &info) {
  currentNs_ = normalizeNs(f.ns);
  locals_.clear();
  pointerRefs_.clear();
  localEnums_.clear();
  immediates_ = immediateNames(f.body);
  if (f.returnType && f.returnType->kind == Type::Kind::Reference)
    ctx_.error(f.loc, "function '" + f.name + "' returns a reference");
  for (auto &p : f.params) {
    locals_.insert(p.name);
    if (p.type && p.type->kind == Type::Kind::Reference) {
      bool byValue = constRefByValue(p.type);
      if (!byValue) pointerRefs_.insert(p.name);
      p.type = withoutReference(p.type, byValue);
      ++stats_["references_made_pointers"];
    }
    p.type = mapType(p.type, f.loc);
  }
  f.returnType = mapType(f.returnType, f.loc);
  if (f.ns.find("(anonymous)") != std::string::npos) f.isStatic = true;  // internal linkage, as in C++
  // A C `inline` definition alone provides no external definition: make it static inline.
  if (f.isInline && !f.isStatic && f.name != "main") f.isStatic = true;
  f.isExternC = false;
  if (f.templateInstance) f.templateInstance.reset();
  f.name = info.cname;
  f.ns.clear();
  if (f.body) f.body = mutate(f.body);
}

std::optional<int64_t> CLowerer::constantValue(const ExprPtr &e) const {
  if (!e) return std::nullopt;
  if (auto *l = e->as<IntLit>()) return l->value;
  if (auto *c = e->as<Cast>()) {
    if (c->type && c->type->isInteger()) return constantValue(c->operand);
    return std::nullopt;
  }
  if (auto *u = e->as<Unary>()) {
    auto v = constantValue(u->operand);
    if (!v) return std::nullopt;
    if (u->op == UnaryOp::Neg) return -*v;
    if (u->op == UnaryOp::Plus) return *v;
    if (u->op == UnaryOp::BitNot) return ~*v;
    return std::nullopt;
  }
  if (auto *b = e->as<Binary>()) {
    auto x = constantValue(b->lhs), y = constantValue(b->rhs);
    if (!x || !y) return std::nullopt;
    switch (b->op) {
    case BinaryOp::Add: return *x + *y;
    case BinaryOp::Sub: return *x - *y;
    case BinaryOp::Mul: return *x * *y;
    case BinaryOp::Div: return *y ? std::optional<int64_t>(*x / *y) : std::nullopt;
    case BinaryOp::Mod: return *y ? std::optional<int64_t>(*x % *y) : std::nullopt;
    case BinaryOp::Shl: return *x << *y;
    case BinaryOp::Shr: return *x >> *y;
    case BinaryOp::BitAnd: return *x & *y;
    case BinaryOp::BitOr: return *x | *y;
    case BinaryOp::BitXor: return *x ^ *y;
    default: return std::nullopt;
    }
  }
  if (auto *v = e->as<Var>()) {
    if (auto it = localEnums_.find(v->name); it != localEnums_.end()) return it->second;
    if (auto it = enumValues_.find(v->name); it != enumValues_.end()) return it->second;
  }
  return std::nullopt;
}


void CLowerer::lowerGlobal(GlobalVar &g, std::vector<TopLevel> &out) {
  currentNs_ = normalizeNs(g.ns);
  locals_.clear();
  pointerRefs_.clear();
  std::string cname = globals_.at(joinNs(currentNs_, g.name));
  ExprPtr init = g.init ? mutate(g.init) : nullptr;
  TypePtr t = mapType(g.type, g.loc);
  bool constant = g.isConstexpr || (t && t->isConst);
  bool intLike = isIntLike(t);
  if (constant && intLike && init && !g.isExtern) {
    // C has no constexpr and a `const int` is no constant expression there (array extents in
    // carried structs, case labels, other constants' initializers): an enumerator is, with the
    // same type (int) and value.
    auto v = constantValue(init);
    if (v && *v >= INT32_MIN && *v <= INT32_MAX) {
      VerbatimDecl d;
      d.text = "enum { " + cname + " = " + printC(init) + " };";
      d.reason = "xpile: integer constant as an enumerator (C lowering)";
      d.loc = g.loc;
      enumValues_[cname] = *v;
      ++stats_["constants_made_enumerators"];
      // Consecutive constants stay one block, as they were written.
      auto *prev = out.empty() ? nullptr : std::get_if<VerbatimDecl>(&out.back());
      if (prev && prev->reason == d.reason) prev->text += "\n" + d.text;
      else out.push_back(d);
      return;
    }
  }
  if (g.ns.find("(anonymous)") != std::string::npos) g.isStatic = true;
  if (g.isConstexpr && !g.isExtern) g.isStatic = true;  // constexpr implies internal linkage
  g.name = cname;
  g.ns.clear();
  g.type = t;
  if (g.isConstexpr && t && !t->isConst) {
    auto copy = std::make_shared<Type>(*t);
    copy->isConst = true;
    g.type = copy;
  }
  g.init = init;
  g.isConstexpr = false;
  out.push_back(g);
}

namespace {
// Named types a module uses (declarations, parameters, casts, sizeof), to tell whether a carried
// C++ record matters.
struct NamedTypeUses : IRVisitor {
  std::set<std::string> names;
  void add(const TypePtr &t) {
    for (const Type *cur = t.get(); cur; cur = cur->element.get())
      if (cur->kind == Type::Kind::Named) names.insert(lastComponent(cur->name));
  }
  void visitDecl(const Decl &d) override {
    add(d.type);
    IRVisitor::visitDecl(d);
  }
  void visitAlloc(const Alloc &a) override {
    add(a.type);
    IRVisitor::visitAlloc(a);
  }
  void visitCast(const Cast &c) override {
    add(c.type);
    IRVisitor::visitCast(c);
  }
  void visitSizeOf(const SizeOf &s) override {
    add(s.operandType);
    IRVisitor::visitSizeOf(s);
  }
  void visitVar(const Var &v) override { add(v.type); }
  void visitMember(const Member &m) override {
    add(m.base ? m.base->type : nullptr);
    IRVisitor::visitMember(m);
  }
};
}  // namespace

void CLowerer::lowerVerbatim(const VerbatimDecl &v, std::vector<TopLevel> &out) {
  VerbatimDecl d = v;
  d.ns.clear();
  size_t first = v.text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && v.text[first] == '#') return out.push_back(d);
  const std::string &r = v.reason;
  if (r == "template without instantiations" || r == "template declaration" || r == "UsingDirective declaration" ||
      r == "Using declaration" || r == "Empty declaration") {
    ++stats_["cxx_declarations_dropped"];  // instances are plain functions now; using changes nothing
    return;
  }
  if (r == "StaticAssert declaration") {
    needAssert_ = true;  // C11's static_assert macro
    return out.push_back(d);
  }
  if (r == "Typedef declaration") return out.push_back(d);
  if (r.rfind("xpile:", 0) == 0) return out.push_back(d);  // written in C by a pass (detensorize's unions)
  std::vector<std::string> ids = identifiers(v.text);
  if (r == "CXXRecord declaration" || r == "Record declaration" || r == "Enum declaration") {
    std::string kw = ids.empty() ? "" : ids[0];
    std::string name = ids.size() > 1 ? ids[1] : "";
    size_t brace = v.text.find('{');
    bool named = brace != std::string::npos && identifiers(v.text.substr(0, brace)).size() == 2;
    bool cxxOnly = kw == "class" || (kw != "enum" && hasParen(v.text));
    for (const auto &id : ids)
      cxxOnly |= id == "public" || id == "private" || id == "protected" || id == "virtual" || id == "template" ||
                 id == "operator";
    if (kw == "enum" && name == "class") cxxOnly = true;
    if (cxxOnly) {
      NamedTypeUses uses;
      for (const auto &item : m_.items)
        if (auto *f = std::get_if<Function>(&item)) {
          for (const auto &p : f->params) uses.add(p.type);
          uses.add(f->returnType);
          uses.visit(f->body);
        } else if (auto *g = std::get_if<GlobalVar>(&item)) {
          uses.add(g->type);
        }
      if (!named || uses.names.count(name)) {
        ctx_.error(v.loc, "C++ " + kw + " '" + name + "' (member functions, access control or templates) has no C equivalent");
        return;
      }
      ctx_.warning(v.loc, "unused C++ " + kw + " '" + name + "' dropped");
      return;
    }
    if (named && (kw == "struct" || kw == "union" || kw == "enum")) {
      // C++ names a record by its tag alone; C needs the typedef.
      VerbatimDecl t;
      t.text = "typedef " + kw + " " + name + " " + name + ";";
      t.reason = "xpile: tag name as a type (C lowering)";
      t.loc = v.loc;
      out.push_back(t);
      ++stats_["records_typedefed"];
    }
    return out.push_back(d);
  }
  ctx_.error(v.loc, "carried C++ " + (r.empty() ? std::string("declaration") : r) + " has no C equivalent");
}

void CLowerer::lowerIncludes() {
  static const std::map<std::string, std::string> cxxToC = {
      {"cmath", "math.h"},     {"cstdint", "stdint.h"}, {"cstdio", "stdio.h"},     {"cstdlib", "stdlib.h"},
      {"cstring", "string.h"}, {"cfloat", "float.h"},   {"climits", "limits.h"},   {"cstddef", "stddef.h"},
      {"cassert", "assert.h"}, {"ctime", "time.h"},     {"cinttypes", "inttypes.h"}, {"cstdarg", "stdarg.h"},
      {"cerrno", "errno.h"},   {"cctype", "ctype.h"},   {"cstdbool", "stdbool.h"}};
  std::vector<Include> incs;
  auto has = [&](const std::string &h) {
    for (const auto &i : incs)
      if (i.header == h) return true;
    return false;
  };
  for (const auto &inc : m_.includes) {
    Include c = inc;
    if (auto it = cxxToC.find(inc.header); it != cxxToC.end()) {
      c.header = it->second;
      ++stats_["headers_mapped"];
    } else if (inc.angled && inc.header.find('.') == std::string::npos) {
      // A C++ library header (<algorithm>, <limits>): what the code used from it was mapped above.
      ++stats_["headers_dropped"];
      continue;
    }
    if (!has(c.header)) incs.push_back(c);
  }
  auto add = [&](const std::string &h) {
    if (!has(h)) incs.push_back({h, true, {}});
  };
  if (needBool_) add("stdbool.h");
  if (needStddef_ && !has("stdio.h") && !has("stdlib.h") && !has("string.h") && !has("time.h")) add("stddef.h");
  if (needMath_) add("math.h");
  if (needFloat_) add("float.h");
  if (needLimits_) add("limits.h");
  if (needAssert_) add("assert.h");
  if (needStdint_) add("stdint.h");
  m_.includes = incs;
}

void CLowerer::removeUnused(std::vector<TopLevel> &items) {
  struct Uses : NamedTypeUses {
    void visitVar(const Var &v) override {
      names.insert(v.name);
      NamedTypeUses::visitVar(v);
    }
    void visitCall(const Call &c) override {
      names.insert(c.callee);
      NamedTypeUses::visitCall(c);
    }
  } uses;
  auto typedefName = [](const std::string &text) {
    std::vector<std::string> ids = identifiers(text);
    std::string name;
    for (const auto &id : ids) {
      if (id == "__attribute__") break;
      name = id;
    }
    return name;
  };
  for (const auto &item : items) {
    if (auto *f = std::get_if<Function>(&item)) {
      for (const auto &p : f->params) uses.add(p.type);
      uses.add(f->returnType);
      uses.visit(f->body);
    } else if (auto *g = std::get_if<GlobalVar>(&item)) {
      uses.add(g->type);
      uses.visit(g->init);
    } else {
      auto &v = std::get<VerbatimDecl>(item);
      std::vector<std::string> ids = identifiers(v.text);
      std::string own = v.reason == "Typedef declaration" ? typedefName(v.text) : "";
      for (const auto &id : ids)
        if (id != own) uses.names.insert(id);
    }
  }
  std::vector<TopLevel> kept;
  for (auto &item : items) {
    if (auto *g = std::get_if<GlobalVar>(&item);
        g && g->isStatic && g->type && g->type->isConst && !uses.names.count(g->name)) {
      ++stats_["unused_constants_dropped"];
      continue;
    }
    if (auto *v = std::get_if<VerbatimDecl>(&item);
        v && v->reason == "Typedef declaration" && !uses.names.count(typedefName(v->text))) {
      ++stats_["unused_typedefs_dropped"];
      continue;
    }
    kept.push_back(std::move(item));
  }
  items = std::move(kept);
}

bool CLowerer::run() {
  size_t errorsBefore = ctx_.diagnostics.size();
  // Records first: types name them.
  for (const auto &item : m_.items)
    if (auto *v = std::get_if<VerbatimDecl>(&item)) {
      std::vector<std::string> ids = identifiers(v->text);
      if ((v->reason == "CXXRecord declaration" || v->reason == "Record declaration" || v->reason == "Enum declaration") &&
          ids.size() > 1)
        records_[joinNs(normalizeNs(v->ns), ids[1])] = ids[1];
    }
  collectNames();
  std::map<size_t, size_t> infoOfItem;
  for (size_t i = 0; i < functions_.size(); ++i) infoOfItem[functions_[i].item] = i;
  std::vector<TopLevel> out;
  for (size_t i = 0; i < m_.items.size(); ++i) {
    if (auto *f = std::get_if<Function>(&m_.items[i])) {
      Function g = *f;
      lowerFunction(g, functions_[infoOfItem.at(i)]);
      out.push_back(g);
    } else if (auto *g = std::get_if<GlobalVar>(&m_.items[i])) {
      GlobalVar copy = *g;
      lowerGlobal(copy, out);
    } else {
      lowerVerbatim(std::get<VerbatimDecl>(m_.items[i]), out);
    }
  }
  for (size_t i = errorsBefore; i < ctx_.diagnostics.size(); ++i)
    if (ctx_.diagnostics[i].severity == Severity::Error) return false;
  removeUnused(out);
  std::vector<TopLevel> withTypes;
  for (const auto &[name, text] : vectorStructs_) {
    VerbatimDecl d;
    d.text = text;
    d.reason = "Typedef declaration";  // a CUDA vector type as a C struct (C lowering)
    withTypes.push_back(d);
  }
  for (auto &item : out) withTypes.push_back(std::move(item));
  m_.items = std::move(withTypes);
  lowerIncludes();
  m_.isCxx = false;
  m_.dialect = Dialect::C;
  for (const auto &[k, v] : stats_) ctx_.stats["c_lowering." + k] = v;
  return true;
}

}  // namespace

bool lowerCxxToC(Module &m, const CLoweringOptions &, PassContext &ctx) {
  Module work = m;
  CLowerer lowerer(work, ctx);
  if (!lowerer.run()) return false;
  m = std::move(work);
  return true;
}

}  // namespace xpile::passes
