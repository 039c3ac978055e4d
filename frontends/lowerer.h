// The state shared by the lowering of types, expressions, statements and declarations (one
// translation unit at a time). Internal to frontends/.
#pragma once

#include "ast/module.h"

#include <clang/AST/ASTContext.h>
#include <clang/AST/Decl.h>
#include <clang/AST/Expr.h>
#include <clang/AST/Stmt.h>

#include <string>

namespace xpile::frontends {

class Lowerer {
public:
  Lowerer(clang::ASTContext &ctx, ast::Dialect dialect, bool isCxx);

  ast::TypePtr type(clang::QualType qt);
  ast::ExprPtr expr(const clang::Expr *e);
  ast::StmtPtr stmt(const clang::Stmt *s);
  ast::Function function(const clang::FunctionDecl *fd);
  ast::GlobalVar globalVar(const clang::VarDecl *vd);

  // Source facts.
  ast::SourceLoc loc(clang::SourceLocation l) const;
  std::string text(clang::SourceRange range) const;  // the source as written (macro invocations kept)
  bool isFromPrelude(const clang::Decl *d) const;
  bool isInMainFile(clang::SourceLocation l) const;
  bool isFromSystemHeader(const clang::Decl *d) const;
  ast::MemSpace memSpaceOf(const clang::VarDecl *vd) const;
  std::string annotation(const clang::Decl *d) const;  // the "xpile:..." marker of BANG qualifiers, if any

  clang::ASTContext &ctx;
  const clang::SourceManager &sm;
  const ast::Dialect dialect;
  const bool isCxx;

private:
  ast::ExprPtr verbatimExpr(const clang::Expr *e, const std::string &reason);
  ast::StmtPtr verbatimStmt(const clang::Stmt *s, const std::string &reason);
  ast::ExprPtr call(const clang::CallExpr *call);
  ast::ExprPtr overloadedOperator(const clang::CXXOperatorCallExpr *op);
  ast::ExprPtr memberCall(const clang::CXXMemberCallExpr *mc);
  ast::ExprPtr construct(const clang::CXXConstructExpr *ce);
  ast::StmtPtr declStmt(const clang::DeclStmt *ds);
  ast::StmtPtr localVar(const clang::VarDecl *vd);
  ast::StmtPtr forStmt(const clang::ForStmt *fs, int unrollFactor, bool unrollPragma);
  ast::StmtPtr switchStmt(const clang::SwitchStmt *ss);
  ast::StmtPtr exprStmt(const clang::Expr *e);
  ast::StmtPtr runtimeCall(const clang::CallExpr *call, const std::string &name);
  ast::StmtPtr launch(const clang::CUDAKernelCallExpr *kc);
  ast::StmtPtr ompDirective(const clang::OMPExecutableDirective *d);
  ast::StmtPtr attributed(const clang::AttributedStmt *as);
  std::string calleeName(const clang::CallExpr *call) const;
  std::vector<std::string> explicitTemplateArgs(const clang::Expr *callee) const;
  std::string qualifierOf(const clang::DeclRefExpr *dre) const;
  template <typename Node> std::shared_ptr<Node> make(clang::SourceLocation l) const;
  template <typename Node> std::shared_ptr<Node> makeExpr(const clang::Expr *e);
};

template <typename Node> std::shared_ptr<Node> Lowerer::make(clang::SourceLocation l) const {
  auto n = std::make_shared<Node>();
  n->loc = loc(l);
  return n;
}

template <typename Node> std::shared_ptr<Node> Lowerer::makeExpr(const clang::Expr *e) {
  auto n = make<Node>(e->getBeginLoc());
  n->type = type(e->getType());
  return n;
}

}  // namespace xpile::frontends
