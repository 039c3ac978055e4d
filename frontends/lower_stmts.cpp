// Clang statements -> shared-AST statements: structured control flow, canonical counted loops,
// local buffers in their memory scopes, barriers, BANG DMA copies, and the host runtime's
// allocation / copy / synchronization / launch calls as structured nodes.
#include "frontends/lowerer.h"

#include <clang/AST/Attr.h>
#include <clang/AST/ExprCXX.h>
#include <clang/AST/OpenMPClause.h>
#include <clang/AST/RecursiveASTVisitor.h>
#include <clang/AST/StmtOpenMP.h>
#include <clang/Lex/Lexer.h>

#include <map>

namespace xpile::frontends {

namespace {

const clang::Expr *strip(const clang::Expr *e) { return e ? e->IgnoreParenImpCasts() : nullptr; }

// The variable a reference names, looking through parentheses and conversions.
const clang::VarDecl *referencedVar(const clang::Expr *e) {
  if (auto *dre = llvm::dyn_cast_or_null<clang::DeclRefExpr>(strip(e))) return llvm::dyn_cast<clang::VarDecl>(dre->getDecl());
  return nullptr;
}

// Whether `body` may write `var` (assignment, increment, or taking its address).
class WritesVar : public clang::RecursiveASTVisitor<WritesVar> {
public:
  explicit WritesVar(const clang::VarDecl *v) : var_(v) {}
  bool found = false;
  bool VisitBinaryOperator(clang::BinaryOperator *bo) {
    if (bo->isAssignmentOp() && referencedVar(bo->getLHS()) == var_) found = true;
    return true;
  }
  bool VisitUnaryOperator(clang::UnaryOperator *uo) {
    if ((uo->isIncrementDecrementOp() || uo->getOpcode() == clang::UO_AddrOf) && referencedVar(uo->getSubExpr()) == var_)
      found = true;
    return true;
  }

private:
  const clang::VarDecl *var_;
};

struct SyncName {
  const char *name;
  ast::SyncScope scope;
  const char *detail;
};
constexpr SyncName kSyncs[] = {
    {"__syncthreads", ast::SyncScope::Block, ""},        {"__syncwarp", ast::SyncScope::Warp, ""},
    {"__threadfence", ast::SyncScope::ThreadFence, ""},  {"__threadfence_block", ast::SyncScope::ThreadFence, "block"},
    {"__threadfence_system", ast::SyncScope::ThreadFence, "system"},
    {"__sync_cluster", ast::SyncScope::Cluster, ""},     {"__sync_all", ast::SyncScope::All, ""},
    {"__sync_all_ipu", ast::SyncScope::AllIpu, ""},      {"__sync_all_mpu", ast::SyncScope::AllMpu, ""},
};

std::optional<ast::CopyDirection> copyDirection(llvm::StringRef enumerator) {
  static const std::map<std::string, ast::CopyDirection> kDirections = {
      {"cudaMemcpyHostToDevice", ast::CopyDirection::HostToDevice},
      {"cudaMemcpyDeviceToHost", ast::CopyDirection::DeviceToHost},
      {"cudaMemcpyDeviceToDevice", ast::CopyDirection::DeviceToDevice},
      {"cudaMemcpyHostToHost", ast::CopyDirection::HostToHost},
      {"cudaMemcpyDefault", ast::CopyDirection::Default},
      {"hipMemcpyHostToDevice", ast::CopyDirection::HostToDevice},
      {"hipMemcpyDeviceToHost", ast::CopyDirection::DeviceToHost},
      {"hipMemcpyDeviceToDevice", ast::CopyDirection::DeviceToDevice},
      {"hipMemcpyHostToHost", ast::CopyDirection::HostToHost},
      {"hipMemcpyDefault", ast::CopyDirection::Default},
      {"cnrtMemcpyHostToDev", ast::CopyDirection::HostToDevice},
      {"cnrtMemcpyDevToHost", ast::CopyDirection::DeviceToHost},
      {"cnrtMemcpyDevToDev", ast::CopyDirection::DeviceToDevice},
      {"cnrtMemcpyHostToHost", ast::CopyDirection::HostToHost},
      {"CNRT_MEM_TRANS_DIR_HOST2DEV", ast::CopyDirection::HostToDevice},
      {"CNRT_MEM_TRANS_DIR_DEV2HOST", ast::CopyDirection::DeviceToHost},
      {"CNRT_MEM_TRANS_DIR_DEV2DEV", ast::CopyDirection::DeviceToDevice},
      {"CNRT_MEM_TRANS_DIR_HOST2HOST", ast::CopyDirection::HostToHost}};
  auto it = kDirections.find(enumerator.str());
  if (it == kDirections.end()) return std::nullopt;
  return it->second;
}

ast::MemSpace bangSpace(llvm::StringRef name) {
  if (name == "GDRAM") return ast::MemSpace::Global;
  if (name == "NRAM") return ast::MemSpace::NRAM;
  if (name == "WRAM") return ast::MemSpace::WRAM;
  if (name == "SRAM") return ast::MemSpace::SRAM;
  if (name == "LDRAM") return ast::MemSpace::LDRAM;
  return ast::MemSpace::Default;
}

ast::StmtPtr seqOf(std::vector<ast::StmtPtr> body, bool scoped) {
  if (body.size() == 1 && !scoped) return body.front();
  auto s = std::make_shared<ast::Seq>();
  s->body = std::move(body);
  s->scoped = scoped;
  return s;
}

}  // namespace

ast::StmtPtr Lowerer::stmt(const clang::Stmt *s) {
  if (!s) return nullptr;
  if (auto *cs = llvm::dyn_cast<clang::CompoundStmt>(s)) {
    auto n = make<ast::Seq>(s->getBeginLoc());
    for (const clang::Stmt *child : cs->body())
      if (auto lowered = stmt(child)) n->body.push_back(lowered);
    return n;
  }
  if (llvm::isa<clang::NullStmt>(s)) return make<ast::Seq>(s->getBeginLoc());
  if (auto *ds = llvm::dyn_cast<clang::DeclStmt>(s)) return declStmt(ds);
  if (auto *rs = llvm::dyn_cast<clang::ReturnStmt>(s)) {
    auto n = make<ast::Return>(s->getBeginLoc());
    n->value = expr(rs->getRetValue());
    return n;
  }
  if (llvm::isa<clang::BreakStmt>(s)) return make<ast::Break>(s->getBeginLoc());
  if (llvm::isa<clang::ContinueStmt>(s)) return make<ast::Continue>(s->getBeginLoc());
  if (auto *is = llvm::dyn_cast<clang::IfStmt>(s)) {
    if (is->getInit() || is->getConditionVariable() || is->isConstexpr() || is->isConsteval())
      return verbatimStmt(s, "if with initializer, condition variable or constexpr");
    auto n = make<ast::If>(s->getBeginLoc());
    n->cond = expr(is->getCond());
    n->thenBody = stmt(is->getThen());
    n->elseBody = stmt(is->getElse());
    return n;
  }
  if (auto *fs = llvm::dyn_cast<clang::ForStmt>(s)) return forStmt(fs, -1, false);
  if (auto *ws = llvm::dyn_cast<clang::WhileStmt>(s)) {
    if (ws->getConditionVariable()) return verbatimStmt(s, "while with condition variable");
    auto n = make<ast::Loop>(s->getBeginLoc());
    n->form = ast::Loop::Form::While;
    n->cond = expr(ws->getCond());
    n->body = stmt(ws->getBody());
    return n;
  }
  if (auto *dos = llvm::dyn_cast<clang::DoStmt>(s)) {
    auto n = make<ast::Loop>(s->getBeginLoc());
    n->form = ast::Loop::Form::DoWhile;
    n->cond = expr(dos->getCond());
    n->body = stmt(dos->getBody());
    return n;
  }
  if (auto *ss = llvm::dyn_cast<clang::SwitchStmt>(s)) return switchStmt(ss);
  if (auto *as = llvm::dyn_cast<clang::AttributedStmt>(s)) return attributed(as);
  if (auto *omp = llvm::dyn_cast<clang::OMPExecutableDirective>(s)) return ompDirective(omp);
  if (auto *e = llvm::dyn_cast<clang::Expr>(s)) return exprStmt(e);
  if (llvm::isa<clang::GCCAsmStmt>(s) || llvm::isa<clang::MSAsmStmt>(s)) return verbatimStmt(s, "inline assembly");
  if (llvm::isa<clang::LabelStmt>(s) || llvm::isa<clang::GotoStmt>(s)) return verbatimStmt(s, "goto/label");
  if (llvm::isa<clang::CXXTryStmt>(s)) return verbatimStmt(s, "try/catch");
  if (llvm::isa<clang::CXXForRangeStmt>(s)) return verbatimStmt(s, "range-based for");
  return verbatimStmt(s, std::string("unmodelled statement (") + s->getStmtClassName() + ")");
}

ast::StmtPtr Lowerer::declStmt(const clang::DeclStmt *ds) {
  std::vector<ast::StmtPtr> out;
  for (const clang::Decl *d : ds->decls()) {
    if (auto *vd = llvm::dyn_cast<clang::VarDecl>(d)) out.push_back(localVar(vd));
    else return verbatimStmt(ds, std::string("local ") + d->getDeclKindName() + " declaration");
  }
  return seqOf(std::move(out), false);
}

ast::StmtPtr Lowerer::localVar(const clang::VarDecl *vd) {
  ast::MemSpace space = memSpaceOf(vd);
  clang::QualType qt = vd->getType();
  bool isArray = qt->isArrayType();
  ast::ExprPtr init;
  if (vd->hasInit()) {
    const clang::Expr *e = vd->getInit();
    // `T x;` with a default constructor has an implicit construct expression: no initializer.
    auto *ce = llvm::dyn_cast<clang::CXXConstructExpr>(e->IgnoreImplicit());
    bool implicitDefault = ce && ce->getNumArgs() == 0 && !ce->isListInitialization() &&
                           !llvm::isa<clang::CXXTemporaryObjectExpr>(ce);
    if (!implicitDefault && !llvm::isa<clang::ImplicitValueInitExpr>(e)) init = expr(e);
  }
  if (isArray || space != ast::MemSpace::Default) {
    auto n = make<ast::Alloc>(vd->getLocation());
    n->name = vd->getNameAsString();
    n->type = type(qt);
    n->space = space == ast::MemSpace::Default ? ast::MemSpace::Local : space;
    n->init = init;
    n->isExtern = vd->hasExternalStorage();
    // On-chip buffers are static by nature (Clang marks __shared__ locals static implicitly); the
    // flag records only a plain `static` array.
    n->isStatic = n->space == ast::MemSpace::Local && vd->getStorageClass() == clang::SC_Static;
    if (auto *aligned = vd->getAttr<clang::AlignedAttr>(); aligned && !aligned->isAlignmentDependent())
      n->alignment = static_cast<int>(aligned->getAlignment(ctx) / 8);
    return n;
  }
  auto n = make<ast::Decl>(vd->getLocation());
  n->name = vd->getNameAsString();
  n->type = type(qt);
  n->init = init;
  n->isStatic = vd->getStorageClass() == clang::SC_Static;
  n->isConstexpr = vd->isConstexpr();
  return n;
}

ast::StmtPtr Lowerer::forStmt(const clang::ForStmt *fs, int unrollFactor, bool unrollPragma) {
  // Canonical: `for (T v = start; v < end (or <=, !=); v++ / ++v / v += step)`, v not written in the body.
  auto canonical = [&]() -> ast::StmtPtr {
    auto *init = llvm::dyn_cast_or_null<clang::DeclStmt>(fs->getInit());
    if (!init || !init->isSingleDecl()) return nullptr;
    auto *var = llvm::dyn_cast<clang::VarDecl>(init->getSingleDecl());
    if (!var || !var->hasInit() || !var->getType()->isIntegerType()) return nullptr;
    auto *cond = llvm::dyn_cast_or_null<clang::BinaryOperator>(strip(fs->getCond()));
    if (!cond || referencedVar(cond->getLHS()) != var) return nullptr;
    ast::BinaryOp cmp;
    switch (cond->getOpcode()) {
    case clang::BO_LT: cmp = ast::BinaryOp::LT; break;
    case clang::BO_LE: cmp = ast::BinaryOp::LE; break;
    case clang::BO_NE: cmp = ast::BinaryOp::NE; break;
    default: return nullptr;
    }
    ast::ExprPtr step;
    const clang::Expr *inc = strip(fs->getInc());
    if (auto *uo = llvm::dyn_cast_or_null<clang::UnaryOperator>(inc)) {
      if (!uo->isIncrementOp() || referencedVar(uo->getSubExpr()) != var) return nullptr;
      auto one = std::make_shared<ast::IntLit>();
      one->value = 1;
      one->type = type(var->getType());
      step = one;
    } else if (auto *ca = llvm::dyn_cast_or_null<clang::CompoundAssignOperator>(inc)) {
      if (ca->getOpcode() != clang::BO_AddAssign || referencedVar(ca->getLHS()) != var) return nullptr;
      step = expr(ca->getRHS());
    } else {
      return nullptr;
    }
    WritesVar writes(var);
    writes.TraverseStmt(const_cast<clang::Stmt *>(fs->getBody()));
    if (writes.found) return nullptr;
    auto n = make<ast::For>(fs->getBeginLoc());
    n->var = var->getNameAsString();
    n->varType = type(var->getType());
    n->start = expr(var->getInit());
    n->end = expr(cond->getRHS());
    n->cmp = cmp;
    n->step = step;
    n->body = stmt(fs->getBody());
    if (unrollPragma) {
      n->forKind = ast::ForKind::Unrolled;
      n->unrollFactor = std::max(unrollFactor, 0);
    }
    return n;
  };
  if (auto c = canonical()) return c;
  auto n = make<ast::Loop>(fs->getBeginLoc());
  n->form = ast::Loop::Form::For;
  n->init = stmt(fs->getInit());
  n->cond = expr(fs->getCond());
  n->update = expr(fs->getInc());
  n->body = stmt(fs->getBody());
  if (unrollPragma) n->unrollFactor = std::max(unrollFactor, 0);
  return n;
}

ast::StmtPtr Lowerer::attributed(const clang::AttributedStmt *as) {
  const clang::Stmt *sub = as->getSubStmt();
  for (const clang::Attr *a : as->getAttrs()) {
    auto *hint = llvm::dyn_cast<clang::LoopHintAttr>(a);
    if (!hint) continue;
    int factor = 0;
    if (hint->getOption() == clang::LoopHintAttr::UnrollCount && hint->getValue()) {
      if (auto v = hint->getValue()->getIntegerConstantExpr(ctx)) factor = static_cast<int>(v->getExtValue());
    } else if (hint->getOption() != clang::LoopHintAttr::Unroll) {
      return verbatimStmt(as, "loop hint pragma");
    }
    if (auto *fs = llvm::dyn_cast<clang::ForStmt>(sub)) return forStmt(fs, factor, true);
    ast::StmtPtr loop = stmt(sub);
    if (auto *l = loop ? loop->as<ast::Loop>() : nullptr) {
      auto copy = std::make_shared<ast::Loop>(*l);
      copy->unrollFactor = factor;
      return copy;
    }
    return loop;
  }
  return stmt(sub);
}

ast::StmtPtr Lowerer::ompDirective(const clang::OMPExecutableDirective *d) {
  bool parallelFor = llvm::isa<clang::OMPParallelForDirective>(d);
  bool simd = llvm::isa<clang::OMPSimdDirective>(d);
  if ((!parallelFor && !simd) || !d->hasAssociatedStmt()) {
    // Any other directive: the pragma line carried as written, then its structured block lowered
    // like any other statement (`#pragma omp parallel { ... #pragma omp for ... }`).
    auto pragma = make<ast::VerbatimStmt>(d->getBeginLoc());
    pragma->text = text(d->getSourceRange());  // `#pragma omp ...` up to the end of the line
    pragma->reason = "OpenMP directive";
    if (!d->hasAssociatedStmt()) return pragma;
    // A loop directive's block is its loop; the structured block of others is their statement.
    const clang::Stmt *block = llvm::isa<clang::OMPLoopBasedDirective>(d)
                                   ? d->getInnermostCapturedStmt()->getCapturedStmt()
                                   : d->getStructuredBlock();
    auto n = make<ast::Seq>(d->getBeginLoc());
    n->scoped = false;
    n->body = {pragma, stmt(block)};
    return n;
  }
  // The pragma's clauses exactly as written, after "parallel for" / "simd".
  std::string clauses;
  for (const clang::OMPClause *c : d->clauses()) {
    if (!clauses.empty()) clauses += " ";
    clauses += text(clang::SourceRange(c->getBeginLoc(), c->getEndLoc()));
  }
  const clang::Stmt *loop = d->getInnermostCapturedStmt()->getCapturedStmt();
  if (auto *as = llvm::dyn_cast<clang::AttributedStmt>(loop)) loop = as->getSubStmt();
  auto *fs = llvm::dyn_cast<clang::ForStmt>(loop);
  if (!fs) return verbatimStmt(d, "OpenMP directive");
  ast::StmtPtr lowered = forStmt(fs, -1, false);
  auto *f = lowered->as<ast::For>();
  if (!f) return verbatimStmt(d, "OpenMP loop that is not a canonical counted loop");
  auto n = std::make_shared<ast::For>(*f);
  n->forKind = parallelFor ? ast::ForKind::Parallel : ast::ForKind::Vectorized;
  n->parallelClauses = clauses;
  return n;
}

ast::StmtPtr Lowerer::switchStmt(const clang::SwitchStmt *ss) {
  if (ss->getInit() || ss->getConditionVariable()) return verbatimStmt(ss, "switch with initializer");
  auto *body = llvm::dyn_cast_or_null<clang::CompoundStmt>(ss->getBody());
  if (!body) return verbatimStmt(ss, "switch without a braced body");
  auto n = make<ast::Switch>(ss->getBeginLoc());
  n->value = expr(ss->getCond());
  for (const clang::Stmt *child : body->body()) {
    // `case A: case B: stmt` nests; each label opens a case of its own.
    const clang::Stmt *cur = child;
    while (auto *sc = llvm::dyn_cast<clang::SwitchCase>(cur)) {
      ast::Switch::Case c;
      if (auto *cs = llvm::dyn_cast<clang::CaseStmt>(sc)) {
        if (cs->caseStmtIsGNURange()) return verbatimStmt(ss, "case range");
        c.label = expr(cs->getLHS());
      }
      n->cases.push_back(std::move(c));
      cur = sc->getSubStmt();
    }
    if (n->cases.empty()) return verbatimStmt(ss, "statement before the first case label");
    if (auto lowered = stmt(cur)) n->cases.back().body.push_back(lowered);
  }
  return n;
}

ast::StmtPtr Lowerer::exprStmt(const clang::Expr *e) {
  const clang::Expr *inner = e->IgnoreImplicit();
  if (auto *fe = llvm::dyn_cast<clang::FullExpr>(inner)) inner = fe->getSubExpr()->IgnoreImplicit();
  if (auto *bo = llvm::dyn_cast<clang::BinaryOperator>(inner); bo && bo->isAssignmentOp()) {
    auto n = make<ast::AssignStmt>(e->getBeginLoc());
    n->target = expr(bo->getLHS());
    if (bo->isCompoundAssignmentOp()) {
      static const std::pair<clang::BinaryOperatorKind, ast::BinaryOp> kOps[] = {
          {clang::BO_AddAssign, ast::BinaryOp::Add}, {clang::BO_SubAssign, ast::BinaryOp::Sub},
          {clang::BO_MulAssign, ast::BinaryOp::Mul}, {clang::BO_DivAssign, ast::BinaryOp::Div},
          {clang::BO_RemAssign, ast::BinaryOp::Mod}, {clang::BO_ShlAssign, ast::BinaryOp::Shl},
          {clang::BO_ShrAssign, ast::BinaryOp::Shr}, {clang::BO_AndAssign, ast::BinaryOp::BitAnd},
          {clang::BO_OrAssign, ast::BinaryOp::BitOr}, {clang::BO_XorAssign, ast::BinaryOp::BitXor}};
      for (auto &[k, op] : kOps)
        if (k == bo->getOpcode()) n->op = op;
    }
    n->value = expr(bo->getRHS());
    return n;
  }
  if (auto *kc = llvm::dyn_cast<clang::CUDAKernelCallExpr>(inner)) return launch(kc);
  if (auto *ce = llvm::dyn_cast<clang::CallExpr>(inner); ce && !llvm::isa<clang::CXXOperatorCallExpr>(ce) &&
                                                         !llvm::isa<clang::CXXMemberCallExpr>(ce)) {
    if (auto *fd = ce->getDirectCallee(); fd && isFromPrelude(fd)) {
      std::string name = fd->getNameAsString();
      if (auto special = runtimeCall(ce, name)) return special;
    }
  }
  ast::ExprPtr value = expr(e);
  // An overloaded assignment at statement level is still an assignment statement.
  if (auto *a = value->as<ast::AssignExpr>()) {
    auto n = make<ast::AssignStmt>(e->getBeginLoc());
    n->target = a->target;
    n->op = a->op;
    n->value = a->value;
    return n;
  }
  auto n = make<ast::Eval>(e->getBeginLoc());
  n->value = value;
  return n;
}

// Statement-level calls of the dialects' own APIs that the model represents structurally.
ast::StmtPtr Lowerer::runtimeCall(const clang::CallExpr *ce, const std::string &name) {
  unsigned nargs = ce->getNumArgs();
  auto arg = [&](unsigned i) -> ast::ExprPtr {
    if (i >= nargs || llvm::isa<clang::CXXDefaultArgExpr>(ce->getArg(i))) return nullptr;
    return expr(ce->getArg(i));
  };
  for (const SyncName &sn : kSyncs) {
    if (name != sn.name) continue;
    auto n = make<ast::Sync>(ce->getBeginLoc());
    n->scope = sn.scope;
    n->detail = sn.detail;
    for (unsigned i = 0; i < nargs; ++i)
      if (auto a = arg(i)) n->args.push_back(a);
    return n;
  }
  if (dialect == ast::Dialect::BANG && llvm::StringRef(name).startswith("__sync")) {
    // Per-core pipeline syncs: __sync(), __sync_compute(), __sync_copy_dram_to_nram(), __sync_io() ...
    auto n = make<ast::Sync>(ce->getBeginLoc());
    n->scope = ast::SyncScope::Core;
    n->detail = name == "__sync" ? "" : name.substr(7);
    for (unsigned i = 0; i < nargs; ++i)
      if (auto a = arg(i)) n->args.push_back(a);
    return n;
  }
  if ((name == "__memcpy" || name == "__memcpy_async") && nargs >= 4) {
    const clang::DeclRefExpr *dir = llvm::dyn_cast<clang::DeclRefExpr>(strip(ce->getArg(3)));
    if (!dir || !llvm::isa<clang::EnumConstantDecl>(dir->getDecl())) return nullptr;
    llvm::StringRef direction = dir->getDecl()->getName();
    auto two = direction.find('2');
    if (two == llvm::StringRef::npos) return nullptr;
    auto n = make<ast::Copy>(ce->getBeginLoc());
    n->async = name == "__memcpy_async";
    n->dst = arg(0);
    n->src = arg(1);
    n->bytes = arg(2);
    n->direction = direction.str();
    n->srcSpace = bangSpace(direction.substr(0, two));
    n->dstSpace = bangSpace(direction.substr(two + 1));
    if (nargs == 5) {
      n->extraArgs.push_back(arg(4));  // SRAM2SRAM cross-cluster destination
    } else if (nargs >= 7) {
      n->dstStride = arg(4);
      n->srcStride = arg(5);
      n->segnum = arg(6);
      for (unsigned i = 7; i < nargs; ++i)
        if (auto a = arg(i)) n->extraArgs.push_back(a);
    }
    return n;
  }

  // Host runtime. The pointer receiving an allocation is written `&p` or `(void **)&p`.
  auto pointee = [&](unsigned i) -> ast::ExprPtr {
    if (i >= nargs) return nullptr;
    const clang::Expr *a = ce->getArg(i)->IgnoreParenCasts();
    auto *uo = llvm::dyn_cast<clang::UnaryOperator>(a);
    if (!uo || uo->getOpcode() != clang::UO_AddrOf) return nullptr;
    return expr(uo->getSubExpr());
  };
  static const std::pair<const char *, ast::HostAlloc::Memory> kAllocs[] = {
      {"cudaMalloc", ast::HostAlloc::Memory::Device},       {"hipMalloc", ast::HostAlloc::Memory::Device},
      {"cnrtMalloc", ast::HostAlloc::Memory::Device},       {"cudaMallocManaged", ast::HostAlloc::Memory::Managed},
      {"hipMallocManaged", ast::HostAlloc::Memory::Managed}, {"cudaMallocHost", ast::HostAlloc::Memory::PinnedHost},
      {"hipHostMalloc", ast::HostAlloc::Memory::PinnedHost}};
  for (auto &[fn, memory] : kAllocs) {
    // Managed/pinned allocations with explicit flags keep their call form.
    if (name != fn || nargs < 2 || (nargs > 2 && arg(2))) continue;
    auto p = pointee(0);
    if (!p) return nullptr;
    auto n = make<ast::HostAlloc>(ce->getBeginLoc());
    n->memory = memory;
    n->pointer = p;
    n->bytes = arg(1);
    return n;
  }
  static const std::pair<const char *, ast::HostAlloc::Memory> kFrees[] = {
      {"cudaFree", ast::HostAlloc::Memory::Device}, {"hipFree", ast::HostAlloc::Memory::Device},
      {"cnrtFree", ast::HostAlloc::Memory::Device}, {"cudaFreeHost", ast::HostAlloc::Memory::PinnedHost},
      {"hipHostFree", ast::HostAlloc::Memory::PinnedHost}};
  for (auto &[fn, memory] : kFrees) {
    if (name != fn || nargs != 1) continue;
    auto n = make<ast::HostFree>(ce->getBeginLoc());
    n->memory = memory;
    n->pointer = arg(0);
    return n;
  }
  bool isCopy = name == "cudaMemcpy" || name == "hipMemcpy" || name == "cnrtMemcpy";
  bool isAsyncCopy = name == "cudaMemcpyAsync" || name == "hipMemcpyAsync" || name == "cnrtMemcpyAsync";
  if ((isCopy && nargs == 4) || (isAsyncCopy && nargs >= 4)) {
    // CUDA/HIP: (dst, src, bytes, kind[, stream]); CNRT async: (dst, src, bytes, queue, dir).
    bool cnrtAsync = name == "cnrtMemcpyAsync";
    unsigned kindArg = cnrtAsync ? 4 : 3;
    if (kindArg >= nargs) return nullptr;
    auto *kind = llvm::dyn_cast<clang::DeclRefExpr>(strip(ce->getArg(kindArg)));
    auto direction = kind ? copyDirection(kind->getDecl()->getName()) : std::nullopt;
    if (!direction) return nullptr;
    auto n = make<ast::HostCopy>(ce->getBeginLoc());
    n->dst = arg(0);
    n->src = arg(1);
    n->bytes = arg(2);
    n->direction = *direction;
    n->async = isAsyncCopy;
    if (isAsyncCopy) n->stream = arg(cnrtAsync ? 3 : 4);
    return n;
  }
  bool toSymbol = name == "cudaMemcpyToSymbol" || name == "hipMemcpyToSymbol";
  bool fromSymbol = name == "cudaMemcpyFromSymbol" || name == "hipMemcpyFromSymbol";
  if ((toSymbol || fromSymbol) && nargs >= 3 && !(nargs > 3 && arg(3))) {
    auto n = make<ast::HostCopy>(ce->getBeginLoc());
    n->dst = arg(0);
    n->src = arg(1);
    n->bytes = arg(2);
    n->toSymbol = toSymbol;
    n->fromSymbol = fromSymbol;
    n->direction = toSymbol ? ast::CopyDirection::HostToDevice : ast::CopyDirection::DeviceToHost;
    return n;
  }
  if ((name == "cudaDeviceSynchronize" || name == "hipDeviceSynchronize") && nargs == 0)
    return make<ast::HostSync>(ce->getBeginLoc());
  if ((name == "cudaStreamSynchronize" || name == "hipStreamSynchronize" || name == "cnrtQueueSync" ||
       name == "cnrtSyncQueue") &&
      nargs == 1) {
    auto n = make<ast::HostSync>(ce->getBeginLoc());
    n->stream = arg(0);
    return n;
  }
  return nullptr;
}

ast::StmtPtr Lowerer::launch(const clang::CUDAKernelCallExpr *kc) {
  const clang::FunctionDecl *kernel = kc->getDirectCallee();
  const clang::CallExpr *config = kc->getConfig();
  if (!kernel || !config) return verbatimStmt(kc, "indirect kernel launch");
  auto n = make<ast::Launch>(kc->getBeginLoc());
  auto *ref = llvm::dyn_cast<clang::DeclRefExpr>(kc->getCallee()->IgnoreParenImpCasts());
  n->kernel = (ref ? qualifierOf(ref) : std::string()) + kernel->getNameAsString();
  n->templateArgs = explicitTemplateArgs(kc->getCallee());
  n->viaMacro = kc->getBeginLoc().isMacroID() &&
                clang::Lexer::getImmediateMacroName(kc->getBeginLoc(), sm, ctx.getLangOpts()) == "hipLaunchKernelGGL";
  auto configArg = [&](unsigned i) -> ast::ExprPtr {
    if (i >= config->getNumArgs() || llvm::isa<clang::CXXDefaultArgExpr>(config->getArg(i))) return nullptr;
    return expr(config->getArg(i));
  };
  if (dialect == ast::Dialect::BANG) {
    n->config.taskDim = configArg(0);
    n->config.taskType = configArg(1);
    n->config.queue = configArg(2);
  } else {
    n->config.grid = configArg(0);
    n->config.block = configArg(1);
    n->config.sharedBytes = configArg(2);
    n->config.stream = configArg(3);
  }
  for (const clang::Expr *a : kc->arguments()) {
    if (llvm::isa<clang::CXXDefaultArgExpr>(a)) break;
    n->args.push_back(expr(a));
  }
  return n;
}

}  // namespace xpile::frontends
