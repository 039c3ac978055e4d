// Small constructors for the AST nodes loop bind and its analyses create (the AST has plain structs
// with no builders). Nodes come out immutable and shared, with the source location they stand for.
#pragma once

#include "ast/stmt.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace xpile::passes::build {

inline ast::TypePtr i32() { return ast::Type::scalarOf(ast::ScalarType::I32); }

inline ast::ExprPtr intLit(int64_t v, ast::TypePtr t = i32()) {
  auto e = std::make_shared<ast::IntLit>();
  e->value = v;
  e->type = std::move(t);
  return e;
}

inline ast::ExprPtr var(const std::string &name, ast::TypePtr t = nullptr, ast::SourceLoc loc = {}) {
  auto e = std::make_shared<ast::Var>();
  e->name = name;
  e->type = std::move(t);
  e->loc = std::move(loc);
  return e;
}

inline ast::ExprPtr binary(ast::BinaryOp op, ast::ExprPtr a, ast::ExprPtr b, ast::TypePtr t = nullptr) {
  auto e = std::make_shared<ast::Binary>();
  e->op = op;
  e->type = t ? t : (op >= ast::BinaryOp::LT && op <= ast::BinaryOp::LOr ? ast::Type::scalarOf(ast::ScalarType::Bool)
                                                                           : a->type);
  e->lhs = std::move(a);
  e->rhs = std::move(b);
  return e;
}

inline ast::ExprPtr unary(ast::UnaryOp op, ast::ExprPtr a) {
  auto e = std::make_shared<ast::Unary>();
  e->op = op;
  e->type = a->type;
  e->operand = std::move(a);
  return e;
}

inline ast::ExprPtr cast(ast::TypePtr t, ast::ExprPtr a) {
  auto e = std::make_shared<ast::Cast>();
  e->type = std::move(t);
  e->operand = std::move(a);
  return e;
}

inline ast::ExprPtr call(const std::string &callee, std::vector<ast::ExprPtr> args, ast::CallKind k,
                         ast::TypePtr t = nullptr) {
  auto e = std::make_shared<ast::Call>();
  e->callee = callee;
  e->args = std::move(args);
  e->callKind = k;
  e->type = std::move(t);
  return e;
}

inline ast::ExprPtr parallelIndex(ast::ParallelAxis axis, int dim) {
  auto e = std::make_shared<ast::ParallelIndex>();
  e->axis = axis;
  e->dim = dim;
  e->type = ast::Type::scalarOf(ast::ScalarType::U32);
  return e;
}

inline ast::ExprPtr sizeOf(ast::TypePtr t) {
  auto e = std::make_shared<ast::SizeOf>();
  e->operandType = std::move(t);
  e->type = ast::Type::scalarOf(ast::ScalarType::U64);
  return e;
}

inline ast::StmtPtr decl(const std::string &name, ast::TypePtr t, ast::ExprPtr init, ast::SourceLoc loc = {}) {
  auto s = std::make_shared<ast::Decl>();
  s->name = name;
  s->type = std::move(t);
  s->init = std::move(init);
  s->loc = std::move(loc);
  return s;
}

inline ast::StmtPtr seq(std::vector<ast::StmtPtr> body, bool scoped = true, ast::SourceLoc loc = {}) {
  auto s = std::make_shared<ast::Seq>();
  s->body = std::move(body);
  s->scoped = scoped;
  s->loc = std::move(loc);
  return s;
}

inline ast::StmtPtr ifThen(ast::ExprPtr cond, ast::StmtPtr then, ast::SourceLoc loc = {}) {
  auto s = std::make_shared<ast::If>();
  s->cond = std::move(cond);
  s->thenBody = std::move(then);
  s->loc = std::move(loc);
  return s;
}

}  // namespace xpile::passes::build
