#include "backends/c_family_printer.h"

#include "backends/kernel_resources.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace xpile::backends {

using namespace ast;

namespace {

const char *dialectDisplayName(Dialect d) {
  switch (d) {
  case Dialect::CUDA: return "CUDA";
  case Dialect::HIP: return "HIP";
  case Dialect::BANG: return "BANG C";
  case Dialect::VNNI: return "C with VNNI";
  case Dialect::C: return "C";
  }
  return "?";
}

std::string trim(const std::string &s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

bool startsWith(const std::string &s, const std::string &prefix) { return s.rfind(prefix, 0) == 0; }

bool isIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Index of the bracket closing the one opened at `open`, skipping string and character literals;
// npos when unbalanced.
size_t matchingClose(const std::string &s, size_t open) {
  int depth = 0;
  for (size_t i = open; i < s.size(); ++i) {
    char c = s[i];
    if (c == '"' || c == '\'') {
      for (++i; i < s.size() && s[i] != c; ++i)
        if (s[i] == '\\') ++i;
      continue;
    }
    if (c == '(' || c == '[' || c == '{') ++depth;
    if (c == ')' || c == ']' || c == '}') {
      if (--depth == 0) return i;
    }
  }
  return std::string::npos;
}

bool hasTopLevelComma(const std::string &s) {
  int depth = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '"' || c == '\'') {
      for (++i; i < s.size() && s[i] != c; ++i)
        if (s[i] == '\\') ++i;
      continue;
    }
    if (c == '(' || c == '[' || c == '{') ++depth;
    else if (c == ')' || c == ']' || c == '}') --depth;
    else if (c == ',' && depth == 0) return true;
  }
  return false;
}

// A verbatim expression that binds as tightly as a name: `x`, `1.0f`, `ns::f(a, b)`, `a.b(c)`, `(a + b)`.
bool isPrimaryText(const std::string &text) {
  if (text.empty()) return false;
  bool plain = true;
  for (char c : text)
    if (!isIdentChar(c) && c != '.' && c != ':') plain = false;
  if (plain) return true;
  size_t open = text.find('(');
  if (open == std::string::npos || matchingClose(text, open) != text.size() - 1) return false;
  for (size_t i = 0; i < open; ++i)
    if (!isIdentChar(text[i]) && text[i] != '.' && text[i] != ':') return false;
  return true;
}

// The precedence a verbatim expression has: exact for names and calls, otherwise the loosest it can
// be (assignment, or comma when it has a top-level comma) so that it is parenthesized when needed.
int verbatimPrecedence(const std::string &text) {
  if (isPrimaryText(text)) return kPrecPrimary;
  return hasTopLevelComma(text) ? kPrecComma : kPrecAssign;
}

bool isLiteralOne(const ExprPtr &e) {
  auto *lit = e ? e->as<IntLit>() : nullptr;
  return !e || (lit && lit->value == 1);
}

bool isLiteralZero(const ExprPtr &e) {
  auto *lit = e ? e->as<IntLit>() : nullptr;
  return lit && lit->value == 0;
}

// Shortest decimal form that reads back as the same value.
std::string shortestFloat(double v, bool single) {
  char buf[64];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (single ? std::strtof(buf, nullptr) == static_cast<float>(v) : std::strtod(buf, nullptr) == v) break;
  }
  std::string s = buf;
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

std::string escapeString(const std::string &value) {
  std::string s = "\"";
  for (unsigned char c : value) {
    switch (c) {
    case '"': s += "\\\""; break;
    case '\\': s += "\\\\"; break;
    case '\n': s += "\\n"; break;
    case '\t': s += "\\t"; break;
    case '\r': s += "\\r"; break;
    default:
      if (c < 0x20 || c >= 0x7f) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\%03o", c);  // three digits: never swallows a following digit
        s += buf;
      } else {
        s += static_cast<char>(c);
      }
    }
  }
  return s + "\"";
}

bool isBitwise(BinaryOp op) { return op == BinaryOp::BitAnd || op == BinaryOp::BitOr || op == BinaryOp::BitXor; }

// Parentheses that precedence does not need but compilers ask for (-Wparentheses) and readers
// appreciate: `a && b` inside `||`, `+`/`-` inside shifts, and mixed operators inside `& | ^`.
bool wantsClarityParens(BinaryOp parent, const ExprPtr &child) {
  auto *b = child ? child->as<Binary>() : nullptr;
  if (!b || b->op == parent) return false;
  if (parent == BinaryOp::LOr) return b->op == BinaryOp::LAnd;
  if (parent == BinaryOp::Shl || parent == BinaryOp::Shr) return b->op == BinaryOp::Add || b->op == BinaryOp::Sub;
  if (isBitwise(parent)) return binaryPrecedence(b->op) > binaryPrecedence(parent);
  return false;
}

// The axis whose size strides a loop bound to `axis` (threadIdx -> blockDim, taskId -> taskDim).
std::optional<ParallelAxis> strideAxis(ParallelAxis axis) {
  switch (axis) {
  case ParallelAxis::ThreadIdx: return ParallelAxis::BlockDim;
  case ParallelAxis::BlockIdx: return ParallelAxis::GridDim;
  case ParallelAxis::TaskId: return ParallelAxis::TaskDim;
  case ParallelAxis::TaskIdX: return ParallelAxis::TaskDimX;
  case ParallelAxis::TaskIdY: return ParallelAxis::TaskDimY;
  case ParallelAxis::TaskIdZ: return ParallelAxis::TaskDimZ;
  case ParallelAxis::ClusterId: return ParallelAxis::ClusterDim;
  case ParallelAxis::CoreId: return ParallelAxis::CoreDim;
  default: return std::nullopt;
  }
}

// Whether a top-level verbatim declaration needs a `;` after it: everything but preprocessor lines,
// text already ending in `;`, and brace-ended definitions other than struct/class/union/enum/typedef.
bool verbatimDeclNeedsSemicolon(const std::string &text) {
  std::string t = trim(text);
  if (t.empty() || t[0] == '#' || startsWith(t, "//") || t.back() == ';') return false;
  if (t.back() != '}') return t.back() != '/';  // `/* comment */` needs nothing
  std::string head = t;
  if (startsWith(head, "template")) {  // skip `template <...>`
    size_t depth = 0, i = head.find('<');
    for (; i != std::string::npos && i < head.size(); ++i) {
      if (head[i] == '<') ++depth;
      if (head[i] == '>' && --depth == 0) break;
    }
    head = i == std::string::npos || i >= head.size() ? "" : trim(head.substr(i + 1));
  }
  for (const char *kw : {"struct", "class", "union", "enum", "typedef"})
    if (startsWith(head, kw) && (head.size() == std::strlen(kw) || !isIdentChar(head[std::strlen(kw)]))) return true;
  return false;
}

}  // namespace

int binaryPrecedence(BinaryOp op) {
  switch (op) {
  case BinaryOp::Mul: case BinaryOp::Div: case BinaryOp::Mod: return kPrecMultiplicative;
  case BinaryOp::Add: case BinaryOp::Sub: return kPrecAdditive;
  case BinaryOp::Shl: case BinaryOp::Shr: return kPrecShift;
  case BinaryOp::LT: case BinaryOp::LE: case BinaryOp::GT: case BinaryOp::GE: return kPrecRelational;
  case BinaryOp::EQ: case BinaryOp::NE: return kPrecEquality;
  case BinaryOp::BitAnd: return kPrecBitAnd;
  case BinaryOp::BitXor: return kPrecBitXor;
  case BinaryOp::BitOr: return kPrecBitOr;
  case BinaryOp::LAnd: return kPrecLAnd;
  case BinaryOp::LOr: return kPrecLOr;
  case BinaryOp::Comma: return kPrecComma;
  }
  return kPrecLowest;
}

CFamilyPrinter::CFamilyPrinter(const Module &m, Dialect target)
    : module_(m), target_(target), dialectName_(dialectDisplayName(target)) {}

// ---------------------------------------------------------------------------------------------
// Diagnostics and output

void CFamilyPrinter::error(const SourceLoc &loc, const std::string &message) {
  errors_.push_back({loc.valid() ? loc : currentLoc_, message});
}

void CFamilyPrinter::unsupported(const SourceLoc &loc, const std::string &what) {
  std::string message = what + " cannot be expressed in " + dialectName_;
  error(loc, message);
  line("/* xpile: error: " + message + " */");
}

void CFamilyPrinter::line(const std::string &text) {
  if (!text.empty()) out_ += std::string(2 * indent_, ' ') + text;
  out_ += "\n";
}

bool CFamilyPrinter::hasInclude(const std::string &header) const {
  for (const auto &inc : module_.includes)
    if (inc.header == header) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------
// Types

void CFamilyPrinter::noteType(const TypePtr &t) {
  for (const Type *cur = t.get(); cur; cur = cur->element.get()) {
    if (cur->kind == Type::Kind::Scalar || cur->kind == Type::Kind::Vector) {
      usage_.f16 |= cur->scalar == ScalarType::F16;
      usage_.bf16 |= cur->scalar == ScalarType::BF16;
    }
    if (cur->kind == Type::Kind::Named && cur->name.find("wmma::") != std::string::npos) usage_.wmma = true;
  }
}

std::string CFamilyPrinter::scalarName(const Type &t) {
  // Half and bfloat16 always take the target's spelling: their names are dialect-specific.
  if (t.scalar == ScalarType::F16) return halfName();
  if (t.scalar == ScalarType::BF16) return bfloat16Name();
  if (!t.name.empty()) return t.name;  // size_t, int8_t, ... as the program wrote them
  switch (t.scalar) {
  case ScalarType::Void: return "void";
  case ScalarType::Bool: return cxx() ? "bool" : "_Bool";
  case ScalarType::Char: return "char";
  case ScalarType::I8: return "signed char";
  case ScalarType::U8: return "unsigned char";
  case ScalarType::I16: return "short";
  case ScalarType::U16: return "unsigned short";
  case ScalarType::I32: return "int";
  case ScalarType::U32: return "unsigned int";
  case ScalarType::I64: return "long long";
  case ScalarType::U64: return "unsigned long long";
  case ScalarType::F32: return "float";
  case ScalarType::F64: return "double";
  case ScalarType::F16: case ScalarType::BF16: break;
  }
  return "?";
}

std::optional<std::string> CFamilyPrinter::vectorName(ScalarType, int) const { return std::nullopt; }

std::string CFamilyPrinter::restrictKeyword() const { return cxx() ? "__restrict" : "restrict"; }

std::string CFamilyPrinter::baseTypeName(const Type &t) {
  std::string quals = std::string(t.isConst ? "const " : "") + (t.isVolatile ? "volatile " : "");
  switch (t.kind) {
  case Type::Kind::Scalar: return quals + scalarName(t);
  case Type::Kind::Named: return quals + t.name;
  case Type::Kind::Vector: {
    if (!t.name.empty()) return quals + t.name;
    if (auto name = vectorName(t.scalar, t.lanes)) return quals + *name;
    std::string neutral = std::string(scalarTypeName(t.scalar)) + "x" + std::to_string(t.lanes);
    error({}, "vector type " + neutral + " cannot be expressed in " + dialectName_);
    return quals + neutral;
  }
  default: return "?";
  }
}

// The classic inside-out declarator construction: pointers and references prefix the declarator,
// arrays suffix it, and a pointer to an array needs parentheses: `float (*p)[16]`.
std::string CFamilyPrinter::declarator(const TypePtr &t, std::string inner, bool withBase) {
  if (!t) return withBase ? (cxx() ? "auto" : "int") + (inner.empty() ? "" : " " + inner) : inner;
  switch (t->kind) {
  case Type::Kind::Pointer:
  case Type::Kind::Reference: {
    std::string d = t->kind == Type::Kind::Pointer ? "*" : "&";
    std::vector<std::string> quals;
    if (t->isConst) quals.push_back("const");
    if (t->isVolatile) quals.push_back("volatile");
    if (t->isRestrict) quals.push_back(restrictKeyword());
    for (size_t i = 0; i < quals.size(); ++i) d += (i ? " " : "") + quals[i];
    if (!quals.empty() && !inner.empty()) d += " ";
    d += inner;
    if (t->element && t->element->kind == Type::Kind::Array) d = "(" + d + ")";
    return declarator(t->element, d, withBase);
  }
  case Type::Kind::Array:
    return declarator(t->element, inner + "[" + (t->extent ? std::to_string(*t->extent) : "") + "]", withBase);
  default: {
    noteType(t);
    if (!withBase) return inner;
    std::string base = baseTypeName(*t);
    return inner.empty() ? base : base + " " + inner;
  }
  }
}

std::string CFamilyPrinter::declare(const TypePtr &t, const std::string &name) {
  noteType(t);
  return declarator(t, name, true);
}

// ---------------------------------------------------------------------------------------------
// Expressions

std::string CFamilyPrinter::withTemplateArgs(const std::string &name, const std::vector<std::string> &args) {
  if (args.empty()) return name;
  std::string s = name + "<";
  for (size_t i = 0; i < args.size(); ++i) s += (i ? ", " : "") + args[i];
  return s + ">";
}

std::string CFamilyPrinter::expr(const ExprPtr &e, int prec) {
  if (!e) {
    error({}, "missing expression");
    return "/* missing */ 0";
  }
  int own = kPrecPrimary;
  std::string s = exprNoParens(e, own);
  return own < prec ? "(" + s + ")" : s;
}

std::string CFamilyPrinter::exprList(const std::vector<ExprPtr> &es) {
  std::string s;
  for (size_t i = 0; i < es.size(); ++i) s += (i ? ", " : "") + expr(es[i], kPrecAssign);
  return s;
}

std::string CFamilyPrinter::literalSuffix(const TypePtr &t, bool isFloat) const {
  if (isFloat) return t && t->kind == Type::Kind::Scalar && t->scalar == ScalarType::F64 ? "" : (t ? "f" : "");
  if (!t || t->kind != Type::Kind::Scalar) return "";
  switch (t->scalar) {
  case ScalarType::U32: return "u";
  case ScalarType::I64: return "ll";
  case ScalarType::U64: return "ull";
  default: return "";
  }
}

std::string CFamilyPrinter::exprNoParens(const ExprPtr &e, int &own) {
  noteType(e->type);
  own = kPrecPrimary;
  switch (e->kind) {
  case ExprKind::IntLit: {
    auto &n = *e->as<IntLit>();
    if (!n.spelling.empty()) return n.spelling;
    if (n.value == std::numeric_limits<int64_t>::min()) return "(-9223372036854775807ll - 1)";
    if (n.value < 0) own = kPrecUnary;
    return std::to_string(n.value) + literalSuffix(e->type, false);
  }
  case ExprKind::FloatLit: {
    auto &n = *e->as<FloatLit>();
    if (!n.spelling.empty()) return n.spelling;
    // Single precision unless typed double; an untyped literal is a double, as in C.
    bool single = e->type && e->type->kind == Type::Kind::Scalar && e->type->scalar != ScalarType::F64;
    if (std::isnan(n.value)) return single ? "__builtin_nanf(\"\")" : "__builtin_nan(\"\")";
    std::string s;
    if (std::isinf(n.value)) s = single ? "__builtin_huge_valf()" : "__builtin_huge_val()";
    else s = shortestFloat(std::fabs(n.value), single) + literalSuffix(e->type, true);
    if (std::signbit(n.value)) {
      own = kPrecUnary;
      s = "-" + s;
    }
    return s;
  }
  case ExprKind::BoolLit: return e->as<BoolLit>()->value ? "true" : "false";
  case ExprKind::StringLit: return escapeString(e->as<StringLit>()->value);
  case ExprKind::Var: return e->as<Var>()->name;
  case ExprKind::Unary: {
    auto &n = *e->as<Unary>();
    const char *op = unaryOpSpelling(n.op);
    if (n.op == UnaryOp::PostInc || n.op == UnaryOp::PostDec) {
      own = kPrecPostfix;
      return expr(n.operand, kPrecPostfix) + op;
    }
    own = kPrecUnary;
    std::string operand = expr(n.operand, kPrecUnary);
    // `-(-x)`, `+(++x)`, `&(&x)`: never glue two operator characters into another token.
    if (!operand.empty() && (operand[0] == '-' || operand[0] == '+' || operand[0] == '&') &&
        (op[0] == '-' || op[0] == '+' || op[0] == '&'))
      operand = "(" + operand + ")";
    return op + operand;
  }
  case ExprKind::Binary: {
    auto &n = *e->as<Binary>();
    own = binaryPrecedence(n.op);
    // Left-associative: the right operand at the same precedence needs parentheses (a - (b - c)).
    auto operand = [&](const ExprPtr &child, int required) {
      return wantsClarityParens(n.op, child) ? "(" + expr(child) + ")" : expr(child, required);
    };
    std::string lhs = operand(n.lhs, own), rhs = operand(n.rhs, own + 1);
    return lhs + (n.op == BinaryOp::Comma ? ", " : std::string(" ") + binaryOpSpelling(n.op) + " ") + rhs;
  }
  case ExprKind::Assign: {
    auto &n = *e->as<AssignExpr>();
    own = kPrecAssign;
    return expr(n.target, kPrecUnary) + " " + (n.op ? binaryOpSpelling(*n.op) : "") + "= " +
           expr(n.value, kPrecAssign);
  }
  case ExprKind::Load: {
    auto &n = *e->as<Load>();
    own = kPrecPostfix;
    if (executing() && opts_.checkedAccesses && inDeviceCode_ && n.base->type && n.base->type->kind == Type::Kind::Pointer)
      return "XPILE_AT(" + expr(n.base, kPrecAssign) + ", " + expr(n.index, kPrecAssign) + ")";
    return expr(n.base, kPrecPostfix) + "[" + expr(n.index) + "]";
  }
  case ExprKind::Member: {
    auto &n = *e->as<Member>();
    own = kPrecPostfix;
    return expr(n.base, kPrecPostfix) + (n.arrow ? "->" : ".") + n.field;
  }
  case ExprKind::Call: {
    auto &n = *e->as<Call>();
    own = kPrecPostfix;
    if (startsWith(n.callee, "nvcuda::wmma::") || startsWith(n.callee, "wmma::")) usage_.wmma = true;
    std::string s = n.receiver ? expr(n.receiver, kPrecPostfix) + (n.arrow ? "->" : ".") + n.callee : n.callee;
    return withTemplateArgs(s, n.templateArgs) + "(" + exprList(n.args) + ")";
  }
  case ExprKind::Cast: {
    auto &n = *e->as<Cast>();
    if (n.style == CastStyle::Implicit || !e->type) return exprNoParens(n.operand, own);
    std::string type = typeName(e->type);
    CastStyle style = cxx() ? n.style : CastStyle::C;  // C has only the C-style cast
    bool simpleName = true;  // T(x) needs a one-word type name
    for (char c : type)
      if (!isIdentChar(c) && c != ':') simpleName = false;
    if (style == CastStyle::Functional && !simpleName) style = CastStyle::C;
    switch (style) {
    case CastStyle::Static: own = kPrecPostfix; return "static_cast<" + type + ">(" + expr(n.operand) + ")";
    case CastStyle::Reinterpret: own = kPrecPostfix; return "reinterpret_cast<" + type + ">(" + expr(n.operand) + ")";
    case CastStyle::Const: own = kPrecPostfix; return "const_cast<" + type + ">(" + expr(n.operand) + ")";
    case CastStyle::Functional: own = kPrecPostfix; return type + "(" + expr(n.operand) + ")";
    default: own = kPrecUnary; return "(" + type + ")" + expr(n.operand, kPrecUnary);
    }
  }
  case ExprKind::Select: {
    auto &n = *e->as<Select>();
    own = kPrecCond;
    return expr(n.cond, kPrecLOr) + " ? " + expr(n.thenValue, kPrecAssign) + " : " + expr(n.elseValue, kPrecCond);
  }
  case ExprKind::ParallelIndex: {
    auto &n = *e->as<ParallelIndex>();
    if (auto name = parallelIndexName(n.axis, n.dim)) return *name;
    std::string neutral = parallelAxisName(n.axis);
    error(n.loc, "parallel index '" + neutral + "' cannot be expressed in " + dialectName_);
    return neutral;
  }
  case ExprKind::SizeOf: {
    auto &n = *e->as<SizeOf>();
    own = kPrecUnary;
    return "sizeof(" + (n.operandType ? typeName(n.operandType) : expr(n.operand)) + ")";
  }
  case ExprKind::InitList: return "{" + exprList(e->as<InitList>()->elements) + "}";
  case ExprKind::Verbatim: {
    std::string text = trim(e->as<VerbatimExpr>()->text);
    own = verbatimPrecedence(text);
    return text;
  }
  }
  return "?";
}

// ---------------------------------------------------------------------------------------------
// Statements

std::string CFamilyPrinter::printStmt(const StmtPtr &s) {
  std::string saved;
  std::swap(saved, out_);
  stmt(s);
  std::swap(saved, out_);
  return saved;
}

std::string CFamilyPrinter::declText(const Decl &d) {
  std::string s = std::string(d.isStatic ? "static " : "") + (d.isConstexpr ? "constexpr " : "") + declare(d.type, d.name);
  if (d.init) s += " = " + expr(d.init, kPrecAssign);
  return s;
}

// A statement as it appears in a `for` header, without its `;`. Several declarations of the same
// base type share one declaration: `int i = 0, j = n`.
std::string CFamilyPrinter::inlineStmt(const StmtPtr &s) {
  if (!s) return "";
  switch (s->kind) {
  case StmtKind::Decl: return declText(*s->as<Decl>());
  case StmtKind::Seq: {
    std::string text;
    for (const auto &child : s->as<Seq>()->body) {
      auto *d = child ? child->as<Decl>() : nullptr;
      if (!d || text.empty()) {
        text += (text.empty() ? "" : ", ") + inlineStmt(child);
        continue;
      }
      text += ", " + declarator(d->type, d->name, false) + (d->init ? " = " + expr(d->init, kPrecAssign) : "");
    }
    return text;
  }
  case StmtKind::Assign: {
    auto &a = *s->as<AssignStmt>();
    return expr(a.target, kPrecUnary) + " " + (a.op ? binaryOpSpelling(*a.op) : "") + "= " + expr(a.value, kPrecAssign);
  }
  case StmtKind::Eval: return expr(s->as<Eval>()->value);
  case StmtKind::Verbatim: {
    std::string t = trim(s->as<VerbatimStmt>()->text);
    if (!t.empty() && t.back() == ';') t.pop_back();
    return t;
  }
  default: error(s->loc, "unsupported statement in a for-loop header"); return "";
  }
}

namespace {
// The statements a possibly unscoped sequence splices into its context.
void flatten(const StmtPtr &s, std::vector<StmtPtr> &out) {
  auto *seq = s ? s->as<Seq>() : nullptr;
  if (seq && !seq->scoped) {
    for (const auto &c : seq->body) flatten(c, out);
  } else if (s) {
    out.push_back(s);
  }
}
}  // namespace

// Bodies keep the programmer's choice (a block or a single statement) unless a single statement
// could not stand alone there: declarations, pragma-carrying loops, verbatim text (which may hold
// several statements), or several statements spliced together.
bool CFamilyPrinter::needsBraces(const StmtPtr &s) const {
  std::vector<StmtPtr> flat;
  flatten(s, flat);
  if (flat.size() != 1) return true;
  const StmtPtr &only = flat[0];
  switch (only->kind) {
  case StmtKind::Seq: return true;
  case StmtKind::Decl: case StmtKind::Alloc: case StmtKind::Verbatim: return true;
  case StmtKind::For: {
    auto &f = *only->as<For>();
    return f.forKind != ForKind::Serial || f.boundAxis.has_value();
  }
  case StmtKind::Loop: return only->as<Loop>()->unrollFactor >= 0;
  default: return false;
  }
}

void CFamilyPrinter::seqContents(const StmtPtr &s) {
  auto *seq = s ? s->as<Seq>() : nullptr;
  if (!seq) return stmt(s);
  for (const auto &c : seq->body) stmt(c);
}

// Prints the body of a control statement whose header line is already out (ending in `{` exactly
// when `braces`); the caller prints the closing brace.
void CFamilyPrinter::body(const StmtPtr &s, bool braces) {
  ++indent_;
  size_t before = out_.size();
  if (braces) {
    std::vector<StmtPtr> flat;
    flatten(s, flat);
    // A scoped block as the whole body is the braces themselves.
    if (flat.size() == 1 && flat[0]->kind == StmtKind::Seq) seqContents(flat[0]);
    else
      for (const auto &c : flat) stmt(c);
  } else {
    stmt(s);
    if (out_.size() == before) line(";");  // the statement printed as nothing in this dialect
  }
  --indent_;
}

void CFamilyPrinter::stmt(const StmtPtr &s) {
  if (!s) return;
  SourceLoc savedLoc = currentLoc_;
  if (s->loc.valid()) currentLoc_ = s->loc;
  // Executed programs point back at the user's source: compiler diagnostics, __LINE__ in the
  // executor's fault messages (bounds checks, barrier sites) name the original file and line.
  if (executing() && s->loc.valid() && s->kind != StmtKind::Seq) {
    std::string file;
    for (char c : s->loc.file) file += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
    out_ += "#line " + std::to_string(s->loc.line) + " \"" + file + "\"\n";
  }
  switch (s->kind) {
  case StmtKind::Seq: {
    auto &n = *s->as<Seq>();
    if (!n.scoped) {
      for (const auto &c : n.body) stmt(c);
      break;
    }
    line("{");
    body(s, true);
    line("}");
    break;
  }
  case StmtKind::Decl: line(declText(*s->as<Decl>()) + ";"); break;
  case StmtKind::Alloc: printAlloc(*s->as<Alloc>()); break;
  case StmtKind::Assign: line(inlineStmt(s) + ";"); break;
  case StmtKind::Eval: line(expr(s->as<Eval>()->value) + ";"); break;
  case StmtKind::If: printIf(*s->as<If>(), false); break;
  case StmtKind::Switch: printSwitch(*s->as<Switch>()); break;
  case StmtKind::For: printFor(*s->as<For>()); break;
  case StmtKind::Loop: printLoop(*s->as<Loop>()); break;
  case StmtKind::Break: line("break;"); break;
  case StmtKind::Continue: line("continue;"); break;
  case StmtKind::Return: {
    auto &n = *s->as<Return>();
    line(n.value ? "return " + expr(n.value) + ";" : "return;");
    break;
  }
  case StmtKind::Sync: printSync(*s->as<Sync>()); break;
  case StmtKind::Copy: printCopy(*s->as<Copy>()); break;
  case StmtKind::Launch: usage_.hostCode = true; printLaunch(*s->as<Launch>()); break;
  case StmtKind::HostAlloc: usage_.hostCode = true; printHostAlloc(*s->as<HostAlloc>()); break;
  case StmtKind::HostFree: usage_.hostCode = true; printHostFree(*s->as<HostFree>()); break;
  case StmtKind::HostCopy: usage_.hostCode = true; printHostCopy(*s->as<HostCopy>()); break;
  case StmtKind::HostSync: usage_.hostCode = true; printHostSync(*s->as<HostSync>()); break;
  case StmtKind::Verbatim: printVerbatim(s->as<VerbatimStmt>()->text, true); break;
  }
  currentLoc_ = savedLoc;
}

void CFamilyPrinter::printVerbatim(const std::string &text, bool isStatement) {
  std::string t = trim(text);
  bool semicolon = isStatement ? !t.empty() && t[0] != '#' && !startsWith(t, "//") && t.back() != ';' && t.back() != '}' &&
                                     t.back() != '/'
                               : verbatimDeclNeedsSemicolon(t);
  // Preprocessor lines must start a line; everything else is indented like its neighbours.
  if (!t.empty() && t[0] == '#') out_ += t + "\n";
  else line(t + (semicolon ? ";" : ""));
}

void CFamilyPrinter::printIf(const If &n, bool isElseIf) {
  // With an else branch, a then-branch that is itself an if (or ends in one) must be braced, or
  // the else would attach to the inner if.
  bool thenBraces = needsBraces(n.thenBody);
  if (n.elseBody && !thenBraces && n.thenBody)
    thenBraces = n.thenBody->kind == StmtKind::If || n.thenBody->kind == StmtKind::For ||
                 (n.thenBody->kind == StmtKind::Loop && n.thenBody->as<Loop>()->form != Loop::Form::DoWhile);
  std::string header = "if (" + expr(n.cond) + ")" + (thenBraces ? " {" : "");
  if (isElseIf) out_ += header + "\n";  // continues the `} else ` already printed
  else line(header);
  body(n.thenBody, thenBraces);
  if (!n.elseBody) {
    if (thenBraces) line("}");
    return;
  }
  std::string prefix = thenBraces ? "} else" : "else";
  if (auto *elseIf = n.elseBody->as<If>()) {
    out_ += std::string(2 * indent_, ' ') + prefix + " ";
    printIf(*elseIf, true);
    return;
  }
  bool elseBraces = needsBraces(n.elseBody);
  line(prefix + (elseBraces ? " {" : ""));
  body(n.elseBody, elseBraces);
  if (elseBraces) line("}");
}

void CFamilyPrinter::printSwitch(const Switch &n) {
  line("switch (" + expr(n.value) + ") {");
  for (const auto &c : n.cases) {
    line(c.label ? "case " + expr(c.label, kPrecCond) + ":" : "default:");
    ++indent_;
    for (const auto &s : c.body) stmt(s);
    --indent_;
  }
  line("}");
}

std::string CFamilyPrinter::unrollPragma(int factor) const {
  return factor > 0 ? "#pragma unroll " + std::to_string(factor) : "#pragma unroll";
}

std::vector<std::string> CFamilyPrinter::forPragmas(const For &f) {
  if (f.forKind == ForKind::Unrolled) return {unrollPragma(f.unrollFactor)};
  return {};
}

void CFamilyPrinter::printFor(const For &f) {
  for (const auto &p : forPragmas(f)) out_ += p + "\n";
  TypePtr varType = f.varType ? f.varType : Type::scalarOf(ScalarType::I32);
  std::string start = expr(f.start, kPrecAssign), cmp = binaryOpSpelling(f.cmp);
  std::string update = isLiteralOne(f.step) ? "++" + f.var : f.var + " += " + expr(f.step, kPrecAssign);

  // A loop bound to a parallel axis becomes an axis-strided loop: each index in [start, end) is
  // visited by exactly one thread/task, whatever the launch size.
  if (f.boundAxis && hasParallelAxes()) {
    auto idx = parallelIndexName(*f.boundAxis, f.boundDim);
    auto strideOf = strideAxis(*f.boundAxis);
    auto stride = strideOf ? parallelIndexName(*strideOf, f.boundDim) : std::nullopt;
    if (!idx || !stride) {
      error(f.loc, std::string("loop bound to axis '") + parallelAxisName(*f.boundAxis) + "' cannot be expressed in " +
                       dialectName_);
    } else {
      std::string scale = isLiteralOne(f.step) ? "" : " * " + expr(f.step, kPrecMultiplicative + 1);
      start = isLiteralZero(f.start) ? *idx + scale : expr(f.start, kPrecAdditive) + " + " + *idx + scale;
      update = f.var + " += " + *stride + scale;
      if (f.cmp == BinaryOp::NE) cmp = "<";  // a strided index can jump over the end
    }
  }
  bool braces = needsBraces(f.body);
  line("for (" + declare(varType, f.var) + " = " + start + "; " + f.var + " " + cmp + " " +
       expr(f.end, kPrecShift) + "; " + update + ")" + (braces ? " {" : ""));
  body(f.body, braces);
  if (braces) line("}");
}

void CFamilyPrinter::printLoop(const Loop &n) {
  if (n.unrollFactor >= 0) out_ += unrollPragma(n.unrollFactor) + "\n";
  std::string cond = n.cond ? expr(n.cond) : "";
  switch (n.form) {
  case Loop::Form::DoWhile:
    line("do {");
    body(n.body, true);
    line("} while (" + (n.cond ? cond : std::string(cxx() ? "true" : "1")) + ");");
    return;
  case Loop::Form::While: {
    bool braces = needsBraces(n.body);
    line("while (" + (n.cond ? cond : std::string(cxx() ? "true" : "1")) + ")" + (braces ? " {" : ""));
    body(n.body, braces);
    if (braces) line("}");
    return;
  }
  case Loop::Form::For: {
    bool braces = needsBraces(n.body);
    std::string header = "for (" + inlineStmt(n.init) + ";" + (n.cond ? " " + cond : "") + ";" +
                         (n.update ? " " + expr(n.update) : "") + ")";
    line(header + (braces ? " {" : ""));
    body(n.body, braces);
    if (braces) line("}");
    return;
  }
  }
}

void CFamilyPrinter::printAlloc(const Alloc &a) {
  if (executing())
    if (auto decl = executionDeclaration(a.name, a.type, a.space, a.init)) return line(*decl);
  if (executing() && a.isExtern && a.space == MemSpace::Shared) {
    // `extern __shared__ T s[];`: the executor hands each block its dynamic shared memory.
    TypePtr elem = a.type && a.type->kind == Type::Kind::Array ? a.type->element : a.type;
    std::string t = typeName(elem);
    line(declare(Type::pointerTo(elem), a.name) + " = static_cast<" + t + " *>(xpile::simt::dynamicShared());");
    return;
  }
  auto qual = memSpaceQualifier(a.space, false);
  if (!qual) {
    error(a.loc, std::string("memory space '") + memSpaceName(a.space) + "' cannot be expressed in " + dialectName_);
    qual = "";
  }
  std::string s = std::string(a.isExtern ? "extern " : "") + (a.isStatic ? "static " : "") + *qual + declare(a.type, a.name);
  if (a.alignment > 0) s += " __attribute__((aligned(" + std::to_string(a.alignment) + ")))";
  if (a.init) s += " = " + expr(a.init, kPrecAssign);
  line(s + ";");
}

// ---------------------------------------------------------------------------------------------
// Statements only some dialects have: inexpressible unless a dialect overrides them.

void CFamilyPrinter::printSync(const Sync &s) {
  std::string what = std::string("synchronization '") + syncScopeName(s.scope) + "'";
  if (!s.detail.empty()) what += " (" + s.detail + ")";
  unsupported(s.loc, what);
}
void CFamilyPrinter::printCopy(const Copy &s) { unsupported(s.loc, "a DMA copy (__memcpy)"); }
void CFamilyPrinter::printLaunch(const Launch &s) { unsupported(s.loc, "a kernel launch (" + s.kernel + ")"); }
void CFamilyPrinter::printHostAlloc(const HostAlloc &s) { unsupported(s.loc, "device memory allocation"); }
void CFamilyPrinter::printHostFree(const HostFree &s) { unsupported(s.loc, "device memory release"); }
void CFamilyPrinter::printHostCopy(const HostCopy &s) { unsupported(s.loc, "a host-device copy"); }
void CFamilyPrinter::printHostSync(const HostSync &s) { unsupported(s.loc, "device synchronization"); }

std::optional<std::string> CFamilyPrinter::parallelIndexName(ParallelAxis, int) const { return std::nullopt; }

std::optional<std::string> CFamilyPrinter::memSpaceQualifier(MemSpace space, bool) const {
  if (space == MemSpace::Default || space == MemSpace::Local) return std::string();
  return std::nullopt;
}

std::string CFamilyPrinter::functionSpecifiers(const Function &f) {
  std::string s;
  if (f.isExternC && cxx()) s += "extern \"C\" ";
  if (f.isStatic) s += "static ";
  if (f.isInline) s += "inline ";
  return s;
}

// ---------------------------------------------------------------------------------------------
// Top-level items

std::string CFamilyPrinter::signature(const Function &f, const std::string &nameWithArgs) {
  std::string params;
  for (size_t i = 0; i < f.params.size(); ++i) params += (i ? ", " : "") + declare(f.params[i].type, f.params[i].name);
  if (f.params.empty() && !cxx()) params = "void";
  TypePtr ret = f.returnType ? f.returnType : Type::scalarOf(ScalarType::Void);
  return declare(ret, functionAttributes(f) + nameWithArgs + "(" + params + ")");
}

std::string CFamilyPrinter::printFunction(const Function &f) {
  std::string saved;
  std::swap(saved, out_);
  printFunctionItem(f);
  std::swap(saved, out_);
  return saved;
}

// A template instance prints as an explicit specialization (`template <> ... f<256>(...)`) of a
// primary template declared once, just before its first instance, with the primary's own signature
// (TemplateInstance::primaryParams, dependent types as Named spellings: `T *p`).
// Without that signature the primary is declared with the instance's concrete signature, one
// declaration per distinct signature (overloads). That fallback is exact for non-type parameters
// and for type parameters the signature does not mention; for type parameters used in the signature
// it needs every call to name its template arguments explicitly (`f<float>(x)`, not `f(x)`).
void CFamilyPrinter::printFunctionItem(const Function &f) {
  currentLoc_ = f.loc;
  if (f.kind == FunctionKind::Host) usage_.hostCode = true;
  std::string header;
  if (f.templateInstance) {
    const auto &ti = *f.templateInstance;
    if (!cxx()) error(f.loc, "template instance '" + f.name + "' cannot be expressed in C");
    Function primary = f;
    primary.isExternC = false;  // templates cannot have C linkage
    if (ti.primaryReturnType || !ti.primaryParams.empty()) {
      if (ti.primaryReturnType) primary.returnType = ti.primaryReturnType;
      primary.params.clear();
      for (const auto &[name, type] : ti.primaryParams) primary.params.push_back({name, type});
    }
    std::string primarySig = signature(primary, f.name);
    if (declaredTemplates_.insert(primarySig).second)
      line("template <" + ti.parameterList + "> " + functionSpecifiers(primary) + primarySig + ";");
    Function spec = f;
    spec.isExternC = false;
    spec.isStatic = false;  // an explicit specialization takes the primary's storage class
    std::string args;
    for (size_t i = 0; i < ti.arguments.size(); ++i) args += (i ? ", " : "") + ti.arguments[i];
    header = "template <> " + functionSpecifiers(spec) + signature(spec, f.name + "<" + args + ">");
  } else {
    // Under a harness the program's own main() is kept, renamed, so the harness can own main().
    std::string name = executing() && opts_.renameMain && f.name == "main" ? "xpile_user_main" : f.name;
    header = functionSpecifiers(f) + signature(f, name);
  }
  if (!f.body) {
    line(header + ";");
    return;
  }
  line(header + " {");
  inDeviceCode_ = f.kind != FunctionKind::Host;
  body(f.body, true);
  inDeviceCode_ = false;
  line("}");
  if (executing() && f.kind == FunctionKind::Kernel) {
    line(kernelInfo(f));
    // Launches that deduce a template kernel's arguments name the kernel without them: give them
    // the first instance's information under the plain name.
    if (f.templateInstance && kernelInfoNames_.insert(f.name).second) {
      Function plain = f;
      plain.templateInstance.reset();
      line(kernelInfo(plain));
    }
  }
}

std::string CFamilyPrinter::kernelInfo(const Function &kernel) {
  KernelResources r = kernelResources(module_, kernel);
  auto bytes = [&](const std::vector<TypePtr> &types) {
    if (types.empty()) return std::string("0");
    std::string s;
    for (const auto &t : types) s += (s.empty() ? "" : " + ") + std::string("sizeof(") + typeName(t) + ")";
    return s;
  };
  std::vector<std::string> args = kernel.templateInstance ? kernel.templateInstance->arguments : std::vector<std::string>{};
  std::string name = withTemplateArgs(kernel.name, args);
  const LaunchBounds bounds = kernel.launchBounds.value_or(LaunchBounds{});
  // Per-thread arrays as a number: their element types may be local to the kernel.
  int64_t localBytes = 0;
  for (const auto &t : r.local) localBytes += t ? bufferBytes(*t) : 0;
  return "static const xpile::rt::KernelInfo " + kernelInfoName(kernel.name, args) + " = {\"" + name + "\", " +
         std::to_string(bounds.maxThreadsPerBlock) + ", " + std::to_string(bounds.minBlocksPerMultiprocessor) + ", " +
         bytes(r.shared) + ", " + bytes(r.nram) + ", " + bytes(r.wram) + ", " + bytes(r.sram) + ", " +
         std::to_string(localBytes) + "};";
}

void CFamilyPrinter::printGlobal(const GlobalVar &g) {
  currentLoc_ = g.loc;
  if (executing())
    if (auto decl = executionDeclaration(g.name, g.type, g.space, g.init)) return line(*decl);
  auto qual = memSpaceQualifier(g.space, true);
  if (!qual) {
    error(g.loc, std::string("memory space '") + memSpaceName(g.space) + "' cannot be expressed in " + dialectName_);
    qual = "";
  }
  std::string s = std::string(g.isExtern ? "extern " : "") + (g.isStatic ? "static " : "") +
                  (g.isConstexpr ? "constexpr " : "") + *qual + declare(g.type, g.name);
  if (g.init) s += " = " + expr(g.init, kPrecAssign);
  line(s + ";");
}

// The dialect's headers (what the code uses, plus the source's own headers of this dialect), then
// the source's other headers in source order. Headers of other dialects are dropped.
std::string CFamilyPrinter::includesBlock() const {
  if (executing()) {
    // The executor header stands in for the whole SDK; the program's other headers stay.
    std::string s = std::string("#include \"") + executorHeader(target_) + "\"\n";
    for (const auto &inc : module_.includes)
      if (!isDialectHeader(inc.header))
        s += "#include " + (inc.angled ? "<" + inc.header + ">" : "\"" + inc.header + "\"") + "\n";
    return s;
  }
  std::vector<Include> incs = dialectIncludes();
  auto add = [&](const Include &inc) {
    for (const auto &have : incs)
      if (have.header == inc.header) return;
    incs.push_back(inc);
  };
  for (const auto &inc : module_.includes)
    if (isHeaderOf(inc.header, target_)) add(inc);
  for (const auto &inc : module_.includes)
    if (!isDialectHeader(inc.header)) add(inc);
  std::string s;
  for (const auto &inc : incs)
    s += "#include " + (inc.angled ? "<" + inc.header + ">" : "\"" + inc.header + "\"") + "\n";
  return s;
}

PrintResult CFamilyPrinter::print() {
  out_.clear();
  errors_.clear();
  declaredTemplates_.clear();
  // Items are separated by a blank line, except runs of #define lines and runs of globals, which
  // read as one block (as programmers write them).
  auto group = [](const TopLevel &item) {
    if (std::holds_alternative<GlobalVar>(item)) return 1;
    if (auto *v = std::get_if<VerbatimDecl>(&item); v && !v->text.empty() && v->text[0] == '#') return 2;
    return 0;
  };
  // Namespaces: items carry their enclosing namespace; consecutive items share one block.
  auto split = [](const std::string &ns) {
    std::vector<std::string> parts;
    for (size_t start = 0; !ns.empty();) {
      size_t sep = ns.find("::", start);
      parts.push_back(ns.substr(start, sep == std::string::npos ? std::string::npos : sep - start));
      if (sep == std::string::npos) break;
      start = sep + 2;
    }
    return parts;
  };
  std::vector<std::string> openNs;
  auto enterNamespace = [&](const std::string &ns) {
    std::vector<std::string> want = split(ns);
    size_t common = 0;
    while (common < openNs.size() && common < want.size() && openNs[common] == want[common]) ++common;
    while (openNs.size() > common) {
      line(openNs.back() == "(anonymous)" ? "}  // namespace" : "}  // namespace " + openNs.back());
      openNs.pop_back();
    }
    for (size_t i = common; i < want.size(); ++i) {
      line(want[i] == "(anonymous)" ? "namespace {" : "namespace " + want[i] + " {");
      openNs.push_back(want[i]);
    }
  };
  const TopLevel *previous = nullptr;
  for (const auto &item : module_.items) {
    // #define lines stay wherever they are; they do not open or close namespaces.
    if (group(item) != 2) std::visit([&](const auto &i) { enterNamespace(i.ns); }, item);
    if (previous && (group(item) == 0 || group(item) != group(*previous))) line("");
    previous = &item;
    if (auto *f = std::get_if<Function>(&item)) printFunctionItem(*f);
    else if (auto *g = std::get_if<GlobalVar>(&item)) printGlobal(*g);
    else if (auto *v = std::get_if<VerbatimDecl>(&item)) {
      currentLoc_ = v->loc;
      printVerbatim(v->text, false);
    }
  }
  enterNamespace("");
  std::string includes = includesBlock();  // after printing: it depends on what was used
  PrintResult r;
  r.code = includes + (includes.empty() || out_.empty() ? "" : "\n") + out_;
  r.errors = errors_;
  return r;
}

// ---------------------------------------------------------------------------------------------
// Dialect headers

namespace {
struct DialectHeader {
  const char *header;
  Dialect dialect;
};
constexpr DialectHeader kDialectHeaders[] = {
    {"cuda_runtime.h", Dialect::CUDA},     {"cuda_runtime_api.h", Dialect::CUDA},
    {"cuda.h", Dialect::CUDA},             {"cuda_fp16.h", Dialect::CUDA},
    {"cuda_bf16.h", Dialect::CUDA},        {"mma.h", Dialect::CUDA},
    {"device_launch_parameters.h", Dialect::CUDA},
    {"hip/hip_runtime.h", Dialect::HIP},   {"hip/hip_runtime_api.h", Dialect::HIP},
    {"hip/hip_fp16.h", Dialect::HIP},      {"hip/hip_bf16.h", Dialect::HIP},
    {"bang.h", Dialect::BANG},             {"mlu.h", Dialect::BANG},
    {"cnrt.h", Dialect::BANG},             {"immintrin.h", Dialect::VNNI},
};
}  // namespace

bool isDialectHeader(const std::string &header) {
  for (const auto &h : kDialectHeaders)
    if (header == h.header) return true;
  return false;
}

bool isHeaderOf(const std::string &header, Dialect d) {
  for (const auto &h : kDialectHeaders)
    if (header == h.header) return h.dialect == d;
  return false;
}

std::unique_ptr<CFamilyPrinter> makePrinter(const Module &m, Dialect target) {
  switch (target) {
  case Dialect::CUDA: return makeCudaPrinter(m);
  case Dialect::HIP: return makeHipPrinter(m);
  case Dialect::BANG: return makeBangPrinter(m);
  case Dialect::VNNI: return makeVnniPrinter(m);
  case Dialect::C: return makeCPrinter(m);
  }
  return makeCPrinter(m);
}

}  // namespace xpile::backends
