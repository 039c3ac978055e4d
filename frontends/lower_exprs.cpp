// Clang expressions -> shared-AST expressions. Implicit conversions and parentheses disappear (the
// printer re-derives parentheses from precedence); built-in variables become ParallelIndex; the
// few C++ forms the model has no node for are carried verbatim.
#include "frontends/call_classification.h"
#include "frontends/lowerer.h"

#include <clang/AST/DeclTemplate.h>
#include <clang/AST/ExprCXX.h>
#include <clang/AST/OperationKinds.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Lex/Lexer.h>

namespace xpile::frontends {

namespace {

std::optional<ast::ParallelAxis> simtAxis(llvm::StringRef name) {
  if (name == "threadIdx") return ast::ParallelAxis::ThreadIdx;
  if (name == "blockIdx") return ast::ParallelAxis::BlockIdx;
  if (name == "blockDim") return ast::ParallelAxis::BlockDim;
  if (name == "gridDim") return ast::ParallelAxis::GridDim;
  return std::nullopt;
}

std::optional<ast::ParallelAxis> scalarAxis(llvm::StringRef name) {
  static const std::pair<const char *, ast::ParallelAxis> kAxes[] = {
      {"warpSize", ast::ParallelAxis::WarpSize},   {"taskId", ast::ParallelAxis::TaskId},
      {"taskIdX", ast::ParallelAxis::TaskIdX},     {"taskIdY", ast::ParallelAxis::TaskIdY},
      {"taskIdZ", ast::ParallelAxis::TaskIdZ},     {"taskDim", ast::ParallelAxis::TaskDim},
      {"taskDimX", ast::ParallelAxis::TaskDimX},   {"taskDimY", ast::ParallelAxis::TaskDimY},
      {"taskDimZ", ast::ParallelAxis::TaskDimZ},   {"clusterId", ast::ParallelAxis::ClusterId},
      {"clusterDim", ast::ParallelAxis::ClusterDim}, {"coreId", ast::ParallelAxis::CoreId},
      {"coreDim", ast::ParallelAxis::CoreDim}};
  for (auto &[n, axis] : kAxes)
    if (name == n) return axis;
  return std::nullopt;
}

std::optional<ast::BinaryOp> binaryOp(clang::BinaryOperatorKind k) {
  using B = clang::BinaryOperatorKind;
  switch (k) {
  case B::BO_Add: case B::BO_AddAssign: return ast::BinaryOp::Add;
  case B::BO_Sub: case B::BO_SubAssign: return ast::BinaryOp::Sub;
  case B::BO_Mul: case B::BO_MulAssign: return ast::BinaryOp::Mul;
  case B::BO_Div: case B::BO_DivAssign: return ast::BinaryOp::Div;
  case B::BO_Rem: case B::BO_RemAssign: return ast::BinaryOp::Mod;
  case B::BO_Shl: case B::BO_ShlAssign: return ast::BinaryOp::Shl;
  case B::BO_Shr: case B::BO_ShrAssign: return ast::BinaryOp::Shr;
  case B::BO_And: case B::BO_AndAssign: return ast::BinaryOp::BitAnd;
  case B::BO_Or: case B::BO_OrAssign: return ast::BinaryOp::BitOr;
  case B::BO_Xor: case B::BO_XorAssign: return ast::BinaryOp::BitXor;
  case B::BO_LT: return ast::BinaryOp::LT;
  case B::BO_LE: return ast::BinaryOp::LE;
  case B::BO_GT: return ast::BinaryOp::GT;
  case B::BO_GE: return ast::BinaryOp::GE;
  case B::BO_EQ: return ast::BinaryOp::EQ;
  case B::BO_NE: return ast::BinaryOp::NE;
  case B::BO_LAnd: return ast::BinaryOp::LAnd;
  case B::BO_LOr: return ast::BinaryOp::LOr;
  case B::BO_Comma: return ast::BinaryOp::Comma;
  default: return std::nullopt;
  }
}

std::optional<ast::UnaryOp> unaryOp(clang::UnaryOperatorKind k) {
  using U = clang::UnaryOperatorKind;
  switch (k) {
  case U::UO_Minus: return ast::UnaryOp::Neg;
  case U::UO_Plus: return ast::UnaryOp::Plus;
  case U::UO_LNot: return ast::UnaryOp::Not;
  case U::UO_Not: return ast::UnaryOp::BitNot;
  case U::UO_AddrOf: return ast::UnaryOp::AddrOf;
  case U::UO_Deref: return ast::UnaryOp::Deref;
  case U::UO_PreInc: return ast::UnaryOp::PreInc;
  case U::UO_PreDec: return ast::UnaryOp::PreDec;
  case U::UO_PostInc: return ast::UnaryOp::PostInc;
  case U::UO_PostDec: return ast::UnaryOp::PostDec;
  default: return std::nullopt;
  }
}

}  // namespace

// The literal's token exactly as written (even when it comes from a macro body).
// A literal synthesised by Clang (a substituted template argument) points at some other token; only
// a token that looks like a literal is kept.
static std::string literalSpelling(const clang::Expr *e, const clang::SourceManager &sm, const clang::LangOptions &lo) {
  clang::SourceLocation spelling = sm.getSpellingLoc(e->getBeginLoc());
  std::string text = clang::Lexer::getSourceText(clang::CharSourceRange::getTokenRange(spelling, spelling), sm, lo).str();
  bool looksLikeLiteral = !text.empty() && (std::isdigit(static_cast<unsigned char>(text[0])) || text[0] == '\'' ||
                                            text[0] == '.' || (text.size() > 1 && text[1] == '\''));
  return looksLikeLiteral ? text : "";
}

ast::ExprPtr Lowerer::expr(const clang::Expr *e) {
  if (!e) return nullptr;
  // Nodes that only carry semantics Clang needs (conversions, temporaries, parentheses).
  if (auto *ice = llvm::dyn_cast<clang::ImplicitCastExpr>(e)) return expr(ice->getSubExpr());
  if (auto *pe = llvm::dyn_cast<clang::ParenExpr>(e)) return expr(pe->getSubExpr());
  if (auto *fe = llvm::dyn_cast<clang::FullExpr>(e)) return expr(fe->getSubExpr());
  if (auto *mt = llvm::dyn_cast<clang::MaterializeTemporaryExpr>(e)) return expr(mt->getSubExpr());
  if (auto *bt = llvm::dyn_cast<clang::CXXBindTemporaryExpr>(e)) return expr(bt->getSubExpr());
  if (auto *st = llvm::dyn_cast<clang::SubstNonTypeTemplateParmExpr>(e)) {
    // A template argument inside an instantiation: its value (the source location still points at
    // the parameter's name, so the literal's spelling cannot be used).
    if (auto v = st->getIntegerConstantExpr(ctx)) {
      if (st->getType()->isBooleanType()) {
        auto b = makeExpr<ast::BoolLit>(e);
        b->value = v->getBoolValue();
        return b;
      }
      auto n = makeExpr<ast::IntLit>(e);
      n->value = v->getExtValue();
      return n;
    }
    // A scoped-enum argument: the enumerator with that value, fully qualified.
    clang::Expr::EvalResult value;
    if (auto *enumType = st->getType()->getAs<clang::EnumType>(); enumType && st->EvaluateAsInt(value, ctx)) {
      for (const clang::EnumConstantDecl *ec : enumType->getDecl()->enumerators())
        if (llvm::APSInt::isSameValue(ec->getInitVal(), value.Val.getInt())) {
          auto n = makeExpr<ast::Var>(e);
          n->name = ec->getQualifiedNameAsString();
          return n;
        }
    }
    return expr(st->getReplacement());
  }
  if (auto *da = llvm::dyn_cast<clang::CXXDefaultArgExpr>(e)) return expr(da->getExpr());

  if (auto *il = llvm::dyn_cast<clang::IntegerLiteral>(e)) {
    auto n = makeExpr<ast::IntLit>(e);
    n->value = static_cast<int64_t>(il->getValue().getZExtValue());
    n->spelling = literalSpelling(e, sm, ctx.getLangOpts());
    return n;
  }
  if (auto *cl = llvm::dyn_cast<clang::CharacterLiteral>(e)) {
    auto n = makeExpr<ast::IntLit>(e);
    n->value = cl->getValue();
    n->spelling = literalSpelling(e, sm, ctx.getLangOpts());
    return n;
  }
  if (auto *fl = llvm::dyn_cast<clang::FloatingLiteral>(e)) {
    auto n = makeExpr<ast::FloatLit>(e);
    n->value = fl->getValueAsApproximateDouble();
    n->spelling = literalSpelling(e, sm, ctx.getLangOpts());
    return n;
  }
  if (auto *bl = llvm::dyn_cast<clang::CXXBoolLiteralExpr>(e)) {
    auto n = makeExpr<ast::BoolLit>(e);
    n->value = bl->getValue();
    return n;
  }
  if (auto *sl = llvm::dyn_cast<clang::StringLiteral>(e)) {
    auto n = makeExpr<ast::StringLit>(e);
    n->value = sl->getBytes().str();
    return n;
  }
  if (llvm::isa<clang::CXXNullPtrLiteralExpr>(e) || llvm::isa<clang::GNUNullExpr>(e)) {
    auto n = makeExpr<ast::Var>(e);
    n->name = llvm::isa<clang::GNUNullExpr>(e) ? "NULL" : "nullptr";
    return n;
  }

  if (auto *dre = llvm::dyn_cast<clang::DeclRefExpr>(e)) {
    const clang::ValueDecl *d = dre->getDecl();
    if (isFromPrelude(d)) {
      if (auto axis = scalarAxis(d->getName())) {
        auto n = makeExpr<ast::ParallelIndex>(e);
        n->axis = *axis;
        return n;
      }
    }
    // Non-type template parameters inside an instantiation are substituted above; enumerators and
    // variables keep the qualifier the program wrote (nvcuda::wmma::mem_row_major).
    auto n = makeExpr<ast::Var>(e);
    n->name = qualifierOf(dre) + d->getNameAsString();
    return n;
  }

  if (auto *me = llvm::dyn_cast<clang::MemberExpr>(e)) {
    const clang::Expr *base = me->getBase()->IgnoreParenImpCasts();
    if (auto *bref = llvm::dyn_cast<clang::DeclRefExpr>(base); bref && isFromPrelude(bref->getDecl())) {
      if (auto axis = simtAxis(bref->getDecl()->getName())) {
        llvm::StringRef field = me->getMemberDecl()->getName();
        auto n = makeExpr<ast::ParallelIndex>(e);
        n->axis = *axis;
        n->dim = field == "x" ? 0 : field == "y" ? 1 : 2;
        return n;
      }
    }
    if (me->isImplicitAccess()) return verbatimExpr(e, "implicit member access");
    auto n = makeExpr<ast::Member>(e);
    n->base = expr(me->getBase());
    n->field = me->getMemberDecl()->getNameAsString();
    n->arrow = me->isArrow();
    if (n->field.empty()) return verbatimExpr(e, "anonymous member");
    return n;
  }

  if (auto *ase = llvm::dyn_cast<clang::ArraySubscriptExpr>(e)) {
    auto n = makeExpr<ast::Load>(e);
    n->base = expr(ase->getBase());
    n->index = expr(ase->getIdx());
    return n;
  }

  if (auto *uo = llvm::dyn_cast<clang::UnaryOperator>(e)) {
    auto op = unaryOp(uo->getOpcode());
    if (!op) return verbatimExpr(e, "unary operator");
    auto n = makeExpr<ast::Unary>(e);
    n->op = *op;
    n->operand = expr(uo->getSubExpr());
    return n;
  }

  if (auto *bo = llvm::dyn_cast<clang::BinaryOperator>(e)) {
    if (bo->isAssignmentOp()) {
      auto n = makeExpr<ast::AssignExpr>(e);
      if (bo->isCompoundAssignmentOp()) n->op = binaryOp(bo->getOpcode());
      n->target = expr(bo->getLHS());
      n->value = expr(bo->getRHS());
      return n;
    }
    auto op = binaryOp(bo->getOpcode());
    if (!op) return verbatimExpr(e, "pointer-to-member operator");
    auto n = makeExpr<ast::Binary>(e);
    n->op = *op;
    n->lhs = expr(bo->getLHS());
    n->rhs = expr(bo->getRHS());
    return n;
  }

  if (auto *co = llvm::dyn_cast<clang::ConditionalOperator>(e)) {
    auto n = makeExpr<ast::Select>(e);
    n->cond = expr(co->getCond());
    n->thenValue = expr(co->getTrueExpr());
    n->elseValue = expr(co->getFalseExpr());
    return n;
  }

  if (auto *kc = llvm::dyn_cast<clang::CUDAKernelCallExpr>(e)) return verbatimExpr(kc, "kernel launch used as a value");
  if (auto *op = llvm::dyn_cast<clang::CXXOperatorCallExpr>(e)) return overloadedOperator(op);
  if (auto *mc = llvm::dyn_cast<clang::CXXMemberCallExpr>(e)) return memberCall(mc);
  if (auto *ce = llvm::dyn_cast<clang::CallExpr>(e)) return call(ce);

  if (auto *cast = llvm::dyn_cast<clang::ExplicitCastExpr>(e)) {
    auto n = makeExpr<ast::Cast>(e);
    n->operand = expr(cast->getSubExpr());
    if (llvm::isa<clang::CStyleCastExpr>(e)) n->style = ast::CastStyle::C;
    else if (llvm::isa<clang::CXXStaticCastExpr>(e)) n->style = ast::CastStyle::Static;
    else if (llvm::isa<clang::CXXReinterpretCastExpr>(e)) n->style = ast::CastStyle::Reinterpret;
    else if (llvm::isa<clang::CXXConstCastExpr>(e)) n->style = ast::CastStyle::Const;
    else if (auto *fc = llvm::dyn_cast<clang::CXXFunctionalCastExpr>(e)) {
      if (fc->isListInitialization()) return verbatimExpr(e, "braced functional cast");
      n->style = ast::CastStyle::Functional;
    } else return verbatimExpr(e, "cast");
    // A functional cast wrapping a constructor call (`dim3(x)`) is the constructor call.
    if (n->style == ast::CastStyle::Functional && n->operand && n->operand->kind == ast::ExprKind::Call) return n->operand;
    return n;
  }

  if (auto *ce = llvm::dyn_cast<clang::CXXConstructExpr>(e)) return construct(ce);

  if (auto *ile = llvm::dyn_cast<clang::InitListExpr>(e)) {
    const clang::InitListExpr *syntactic = ile->isSemanticForm() && ile->getSyntacticForm() ? ile->getSyntacticForm() : ile;
    auto n = makeExpr<ast::InitList>(e);
    for (const clang::Expr *init : syntactic->inits()) n->elements.push_back(expr(init));
    return n;
  }

  if (auto *ute = llvm::dyn_cast<clang::UnaryExprOrTypeTraitExpr>(e)) {
    if (ute->getKind() != clang::UETT_SizeOf) return verbatimExpr(e, "alignof/type trait");
    auto n = makeExpr<ast::SizeOf>(e);
    if (ute->isArgumentType()) n->operandType = type(ute->getArgumentType());
    else n->operand = expr(ute->getArgumentExpr());
    return n;
  }

  if (llvm::isa<clang::LambdaExpr>(e)) return verbatimExpr(e, "lambda expression");
  if (llvm::isa<clang::CXXNewExpr>(e) || llvm::isa<clang::CXXDeleteExpr>(e)) return verbatimExpr(e, "new/delete");
  if (llvm::isa<clang::CXXThisExpr>(e)) return verbatimExpr(e, "this");
  if (llvm::isa<clang::StmtExpr>(e)) return verbatimExpr(e, "statement expression");
  if (llvm::isa<clang::CXXThrowExpr>(e)) return verbatimExpr(e, "throw");
  return verbatimExpr(e, std::string("unmodelled expression (") + e->getStmtClassName() + ")");
}

std::string Lowerer::calleeName(const clang::CallExpr *call) const {
  const clang::Expr *callee = call->getCallee()->IgnoreParenImpCasts();
  if (auto *dre = llvm::dyn_cast<clang::DeclRefExpr>(callee)) return qualifierOf(dre) + dre->getNameInfo().getAsString();
  if (auto *fd = call->getDirectCallee()) return fd->getNameAsString();
  return "";
}

std::string Lowerer::qualifierOf(const clang::DeclRefExpr *dre) const {
  // Printed from the AST, not read from the source: the reference may sit inside a macro body.
  const clang::NestedNameSpecifier *qualifier = dre->getQualifier();
  if (!qualifier) return "";
  std::string s;
  llvm::raw_string_ostream os(s);
  qualifier->print(os, ctx.getPrintingPolicy());
  return os.str();
}

std::vector<std::string> Lowerer::explicitTemplateArgs(const clang::Expr *callee) const {
  std::vector<std::string> out;
  auto *dre = llvm::dyn_cast<clang::DeclRefExpr>(callee->IgnoreParenImpCasts());
  if (!dre || !dre->hasExplicitTemplateArgs()) return out;
  // The arguments as deduced for this instantiation (inside a template instance, `f<TILE>` must
  // print as `f<16>`), as many as the program wrote explicitly.
  auto *fd = llvm::dyn_cast<clang::FunctionDecl>(dre->getDecl());
  const clang::TemplateArgumentList *args = fd ? fd->getTemplateSpecializationArgs() : nullptr;
  unsigned written = dre->getNumTemplateArgs();
  for (unsigned i = 0; i < written; ++i) {
    if (args && i < args->size()) {
      std::string s;
      llvm::raw_string_ostream os(s);
      args->get(i).print(ctx.getPrintingPolicy(), os, /*IncludeType=*/false);
      out.push_back(os.str());
    } else {
      out.push_back(text(dre->template_arguments()[i].getSourceRange()));
    }
  }
  return out;
}

ast::ExprPtr Lowerer::call(const clang::CallExpr *ce) {
  const clang::FunctionDecl *fd = ce->getDirectCallee();
  std::string name = calleeName(ce);
  if (!fd || name.empty()) return verbatimExpr(ce, "indirect call");
  auto n = makeExpr<ast::Call>(ce);
  n->callee = name;
  n->templateArgs = explicitTemplateArgs(ce->getCallee());
  DeclOrigin origin = isFromPrelude(fd) ? DeclOrigin::Prelude
                      : isFromSystemHeader(fd) || fd->getBuiltinID() ? DeclOrigin::SystemHeader
                                                                      : DeclOrigin::User;
  n->callKind = classifyCall(name, origin);
  for (const clang::Expr *arg : ce->arguments()) {
    if (llvm::isa<clang::CXXDefaultArgExpr>(arg)) break;  // defaulted trailing arguments were not written
    n->args.push_back(expr(arg));
  }
  return n;
}

// `object.method(args)`: a call whose receiver is the object; calls through member pointers and
// implicit `this` are carried verbatim.
ast::ExprPtr Lowerer::memberCall(const clang::CXXMemberCallExpr *mc) {
  auto *callee = llvm::dyn_cast<clang::MemberExpr>(mc->getCallee()->IgnoreParens());
  const clang::CXXMethodDecl *method = mc->getMethodDecl();
  if (!callee || !method || callee->isImplicitAccess() || !method->getIdentifier())
    return verbatimExpr(mc, "member function call");
  auto n = makeExpr<ast::Call>(mc);
  n->callee = method->getNameAsString();
  n->receiver = expr(callee->getBase());
  n->arrow = callee->isArrow();
  n->callKind = ast::CallKind::Builtin;
  if (callee->hasExplicitTemplateArgs())
    for (const clang::TemplateArgumentLoc &arg : callee->template_arguments()) n->templateArgs.push_back(text(arg.getSourceRange()));
  for (const clang::Expr *arg : mc->arguments()) {
    if (llvm::isa<clang::CXXDefaultArgExpr>(arg)) break;
    n->args.push_back(expr(arg));
  }
  if (!isFromPrelude(method) && !isFromSystemHeader(method)) n->callKind = ast::CallKind::User;
  return n;
}

ast::ExprPtr Lowerer::overloadedOperator(const clang::CXXOperatorCallExpr *op) {
  using O = clang::OverloadedOperatorKind;
  static const std::pair<O, ast::BinaryOp> kBinary[] = {
      {clang::OO_Plus, ast::BinaryOp::Add},   {clang::OO_Minus, ast::BinaryOp::Sub},
      {clang::OO_Star, ast::BinaryOp::Mul},   {clang::OO_Slash, ast::BinaryOp::Div},
      {clang::OO_Percent, ast::BinaryOp::Mod}, {clang::OO_Less, ast::BinaryOp::LT},
      {clang::OO_LessEqual, ast::BinaryOp::LE}, {clang::OO_Greater, ast::BinaryOp::GT},
      {clang::OO_GreaterEqual, ast::BinaryOp::GE}, {clang::OO_EqualEqual, ast::BinaryOp::EQ},
      {clang::OO_ExclaimEqual, ast::BinaryOp::NE}, {clang::OO_Amp, ast::BinaryOp::BitAnd},
      {clang::OO_Pipe, ast::BinaryOp::BitOr}, {clang::OO_Caret, ast::BinaryOp::BitXor},
      {clang::OO_LessLess, ast::BinaryOp::Shl}, {clang::OO_GreaterGreater, ast::BinaryOp::Shr},
      {clang::OO_AmpAmp, ast::BinaryOp::LAnd}, {clang::OO_PipePipe, ast::BinaryOp::LOr}};
  static const std::pair<O, ast::BinaryOp> kCompound[] = {
      {clang::OO_PlusEqual, ast::BinaryOp::Add}, {clang::OO_MinusEqual, ast::BinaryOp::Sub},
      {clang::OO_StarEqual, ast::BinaryOp::Mul}, {clang::OO_SlashEqual, ast::BinaryOp::Div}};
  O kind = op->getOperator();
  unsigned nargs = op->getNumArgs();
  if (nargs == 2) {
    for (auto &[k, b] : kBinary)
      if (k == kind) {
        auto n = makeExpr<ast::Binary>(op);
        n->op = b;
        n->lhs = expr(op->getArg(0));
        n->rhs = expr(op->getArg(1));
        return n;
      }
    if (kind == clang::OO_Equal || std::any_of(std::begin(kCompound), std::end(kCompound), [&](auto &p) { return p.first == kind; })) {
      auto n = makeExpr<ast::AssignExpr>(op);
      for (auto &[k, b] : kCompound)
        if (k == kind) n->op = b;
      n->target = expr(op->getArg(0));
      n->value = expr(op->getArg(1));
      return n;
    }
    if (kind == clang::OO_Subscript) {
      auto n = makeExpr<ast::Load>(op);
      n->base = expr(op->getArg(0));
      n->index = expr(op->getArg(1));
      return n;
    }
  }
  if (nargs == 1 && (kind == clang::OO_Minus || kind == clang::OO_Exclaim || kind == clang::OO_Plus)) {
    auto n = makeExpr<ast::Unary>(op);
    n->op = kind == clang::OO_Minus ? ast::UnaryOp::Neg : kind == clang::OO_Plus ? ast::UnaryOp::Plus : ast::UnaryOp::Not;
    n->operand = expr(op->getArg(0));
    return n;
  }
  return verbatimExpr(op, "overloaded operator");
}

ast::ExprPtr Lowerer::construct(const clang::CXXConstructExpr *ce) {
  unsigned written = 0;
  for (const clang::Expr *arg : ce->arguments()) written += !llvm::isa<clang::CXXDefaultArgExpr>(arg);
  // Copies and implicit conversions through a constructor (`int` -> `dim3` at a launch, with no
  // parentheses written) are the value itself.
  bool implicitConversion = written == 1 && ce->getParenOrBraceRange().isInvalid();
  if (!llvm::isa<clang::CXXTemporaryObjectExpr>(ce) &&
      (implicitConversion || (ce->getNumArgs() == 1 && (ce->getConstructor()->isCopyOrMoveConstructor() ||
                                                        ce->isElidable()))))
    return expr(ce->getArg(0));
  if (ce->isListInitialization() && !llvm::isa<clang::CXXTemporaryObjectExpr>(ce)) {
    auto n = makeExpr<ast::InitList>(ce);
    for (const clang::Expr *arg : ce->arguments()) n->elements.push_back(expr(arg));
    return n;
  }
  if (ce->isListInitialization()) return verbatimExpr(ce, "braced temporary");
  // `dim3(16, 16)` and `dim3 block(16, 16)`: a call to the type's constructor.
  auto n = makeExpr<ast::Call>(ce);
  clang::PrintingPolicy policy = ctx.getPrintingPolicy();
  policy.SuppressTagKeyword = true;
  n->callee = ce->getType().getUnqualifiedType().getAsString(policy);
  n->callKind = ast::CallKind::Builtin;
  for (const clang::Expr *arg : ce->arguments()) {
    if (llvm::isa<clang::CXXDefaultArgExpr>(arg)) break;
    n->args.push_back(expr(arg));
  }
  return n;
}

}  // namespace xpile::frontends
