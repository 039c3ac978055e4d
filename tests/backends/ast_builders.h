// Concise builders for hand-written shared-AST trees in tests: var("i"), lit(1), add(a, b),
// load(a, i), forLoop("i", lit(0), var("n"), body), ... Each returns the shared pointer the AST uses.
#pragma once

#include "ast/module.h"

#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

namespace xpile::testing {

using namespace xpile::ast;

// Builds a node of type T and lets `init` fill its fields.
template <typename T> std::shared_ptr<const T> node(const std::function<void(T &)> &init) {
  auto n = std::make_shared<T>();
  init(*n);
  return n;
}

// ---- Types ----
inline TypePtr scalar(ScalarType s, bool isConst = false) { return Type::scalarOf(s, isConst); }
inline TypePtr f16() { return scalar(ScalarType::F16); }
inline TypePtr bf16() { return scalar(ScalarType::BF16); }
inline TypePtr f32() { return scalar(ScalarType::F32); }
inline TypePtr f64() { return scalar(ScalarType::F64); }
inline TypePtr i32() { return scalar(ScalarType::I32); }
inline TypePtr u32() { return scalar(ScalarType::U32); }
inline TypePtr i64() { return scalar(ScalarType::I64); }
inline TypePtr voidT() { return scalar(ScalarType::Void); }
inline TypePtr named(const std::string &spelling) { return Type::named(spelling); }
inline TypePtr ptr(TypePtr t, bool isRestrict = false) { return Type::pointerTo(std::move(t), false, isRestrict); }
inline TypePtr constOf(TypePtr t) {
  auto c = std::make_shared<Type>(*t);
  c->isConst = true;
  return c;
}
inline TypePtr arr(TypePtr t, std::optional<int64_t> n) { return Type::arrayOf(std::move(t), n); }
inline TypePtr withName(TypePtr t, const std::string &name) {
  auto c = std::make_shared<Type>(*t);
  c->name = name;
  return c;
}

// ---- Expressions ----
inline ExprPtr var(const std::string &name, TypePtr t = nullptr) {
  return node<Var>([&](Var &v) { v.name = name; v.type = t; });
}
inline ExprPtr lit(int64_t value, TypePtr t = nullptr, const std::string &spelling = "") {
  return node<IntLit>([&](IntLit &l) { l.value = value; l.type = t; l.spelling = spelling; });
}
inline ExprPtr flit(double value, TypePtr t = f32(), const std::string &spelling = "") {
  return node<FloatLit>([&](FloatLit &l) { l.value = value; l.type = t; l.spelling = spelling; });
}
inline ExprPtr boolLit(bool v) { return node<BoolLit>([&](BoolLit &l) { l.value = v; }); }
inline ExprPtr str(const std::string &s) { return node<StringLit>([&](StringLit &l) { l.value = s; }); }
inline ExprPtr bin(BinaryOp op, ExprPtr a, ExprPtr b) {
  return node<Binary>([&](Binary &n) { n.op = op; n.lhs = a; n.rhs = b; });
}
inline ExprPtr add(ExprPtr a, ExprPtr b) { return bin(BinaryOp::Add, a, b); }
inline ExprPtr sub(ExprPtr a, ExprPtr b) { return bin(BinaryOp::Sub, a, b); }
inline ExprPtr mul(ExprPtr a, ExprPtr b) { return bin(BinaryOp::Mul, a, b); }
inline ExprPtr div(ExprPtr a, ExprPtr b) { return bin(BinaryOp::Div, a, b); }
inline ExprPtr lt(ExprPtr a, ExprPtr b) { return bin(BinaryOp::LT, a, b); }
inline ExprPtr un(UnaryOp op, ExprPtr a) {
  return node<Unary>([&](Unary &n) { n.op = op; n.operand = a; });
}
inline ExprPtr neg(ExprPtr a) { return un(UnaryOp::Neg, a); }
inline ExprPtr deref(ExprPtr a) { return un(UnaryOp::Deref, a); }
inline ExprPtr addrOf(ExprPtr a) { return un(UnaryOp::AddrOf, a); }
inline ExprPtr postInc(ExprPtr a) { return un(UnaryOp::PostInc, a); }
inline ExprPtr assignExpr(ExprPtr t, ExprPtr v, std::optional<BinaryOp> op = std::nullopt) {
  return node<AssignExpr>([&](AssignExpr &n) { n.target = t; n.value = v; n.op = op; });
}
inline ExprPtr load(ExprPtr base, ExprPtr index) {
  return node<Load>([&](Load &n) { n.base = base; n.index = index; });
}
inline ExprPtr member(ExprPtr base, const std::string &field, bool arrow = false) {
  return node<Member>([&](Member &n) { n.base = base; n.field = field; n.arrow = arrow; });
}
inline ExprPtr call(const std::string &callee, std::vector<ExprPtr> args = {}, CallKind k = CallKind::User,
                    std::vector<std::string> templateArgs = {}) {
  return node<Call>([&](Call &n) { n.callee = callee; n.args = args; n.callKind = k; n.templateArgs = templateArgs; });
}
inline ExprPtr cast(TypePtr t, ExprPtr e, CastStyle style = CastStyle::C) {
  return node<Cast>([&](Cast &n) { n.type = t; n.operand = e; n.style = style; });
}
inline ExprPtr select(ExprPtr c, ExprPtr a, ExprPtr b) {
  return node<Select>([&](Select &n) { n.cond = c; n.thenValue = a; n.elseValue = b; });
}
inline ExprPtr pidx(ParallelAxis axis, int dim = 0) {
  return node<ParallelIndex>([&](ParallelIndex &n) { n.axis = axis; n.dim = dim; n.type = u32(); });
}
inline ExprPtr tid(int dim = 0) { return pidx(ParallelAxis::ThreadIdx, dim); }
inline ExprPtr sizeOf(TypePtr t) { return node<SizeOf>([&](SizeOf &n) { n.operandType = t; }); }
inline ExprPtr initList(std::vector<ExprPtr> es) { return node<InitList>([&](InitList &n) { n.elements = es; }); }
inline ExprPtr verbatimExpr(const std::string &text) {
  return node<VerbatimExpr>([&](VerbatimExpr &n) { n.text = text; });
}

// ---- Statements ----
inline StmtPtr seq(std::vector<StmtPtr> body, bool scoped = true) {
  return node<Seq>([&](Seq &n) { n.body = body; n.scoped = scoped; });
}
inline StmtPtr decl(const std::string &name, TypePtr t, ExprPtr init = nullptr) {
  return node<Decl>([&](Decl &n) { n.name = name; n.type = t; n.init = init; });
}
inline StmtPtr alloc(const std::string &name, TypePtr t, MemSpace space, bool isExtern = false) {
  return node<Alloc>([&](Alloc &n) { n.name = name; n.type = t; n.space = space; n.isExtern = isExtern; });
}
inline StmtPtr assign(ExprPtr t, ExprPtr v, std::optional<BinaryOp> op = std::nullopt) {
  return node<AssignStmt>([&](AssignStmt &n) { n.target = t; n.value = v; n.op = op; });
}
inline StmtPtr eval(ExprPtr e) { return node<Eval>([&](Eval &n) { n.value = e; }); }
inline StmtPtr ifs(ExprPtr c, StmtPtr t, StmtPtr e = nullptr) {
  return node<If>([&](If &n) { n.cond = c; n.thenBody = t; n.elseBody = e; });
}
inline StmtPtr forLoop(const std::string &v, ExprPtr start, ExprPtr end, StmtPtr body,
                       ForKind kind = ForKind::Serial, ExprPtr step = nullptr) {
  return node<For>([&](For &n) {
    n.var = v; n.varType = i32(); n.start = start; n.end = end; n.body = body; n.forKind = kind; n.step = step;
  });
}
inline StmtPtr ret(ExprPtr v = nullptr) { return node<Return>([&](Return &n) { n.value = v; }); }
inline StmtPtr brk() { return std::make_shared<Break>(); }
inline StmtPtr sync(SyncScope scope, const std::string &detail = "", std::vector<ExprPtr> args = {}) {
  return node<Sync>([&](Sync &n) { n.scope = scope; n.detail = detail; n.args = args; });
}
inline StmtPtr verbatimStmt(const std::string &text) {
  return node<VerbatimStmt>([&](VerbatimStmt &n) { n.text = text; });
}
inline StmtPtr launch(const std::string &kernel, ExprPtr grid, ExprPtr block, std::vector<ExprPtr> args,
                      ExprPtr shmem = nullptr, ExprPtr stream = nullptr) {
  return node<Launch>([&](Launch &n) {
    n.kernel = kernel; n.config.grid = grid; n.config.block = block; n.config.sharedBytes = shmem;
    n.config.stream = stream; n.args = args;
  });
}
// Gives a node a source location (diagnostics tests).
template <typename T> std::shared_ptr<const T> at(std::shared_ptr<const T> n, unsigned line, unsigned col = 1) {
  auto copy = std::const_pointer_cast<T>(n);
  copy->loc = SourceLoc{"input.cu", line, col};
  return n;
}

// ---- Functions and modules ----
inline Function function(const std::string &name, FunctionKind kind, std::vector<Param> params, StmtPtr body,
                         TypePtr ret = voidT()) {
  Function f;
  f.name = name;
  f.kind = kind;
  f.params = std::move(params);
  f.body = std::move(body);
  f.returnType = std::move(ret);
  return f;
}
inline Module module(Dialect d, std::vector<TopLevel> items, std::vector<Include> includes = {}, bool isCxx = true) {
  Module m;
  m.dialect = d;
  m.items = std::move(items);
  m.includes = std::move(includes);
  m.isCxx = isCxx;
  return m;
}

}  // namespace xpile::testing
