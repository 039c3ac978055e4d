// Top-level declarations -> the shared AST's module: functions (kernels, device helpers, host code;
// template instances one by one), global variables in their memory spaces, and everything else
// carried verbatim in source order with the main file's #define lines.
#include "frontends/lowerer.h"
#include "frontends/lowering.h"

#include <clang/AST/Attr.h>
#include <clang/AST/DeclCXX.h>
#include <clang/AST/DeclTemplate.h>
#include <clang/Lex/Lexer.h>

#include <algorithm>

namespace xpile::frontends {

namespace {

ast::FunctionKind functionKind(const clang::FunctionDecl *fd) {
  if (fd->hasAttr<clang::CUDAGlobalAttr>()) return ast::FunctionKind::Kernel;
  bool device = fd->hasAttr<clang::CUDADeviceAttr>();
  bool host = fd->hasAttr<clang::CUDAHostAttr>();
  if (device && host) return ast::FunctionKind::HostDevice;
  if (device) return ast::FunctionKind::Device;
  return ast::FunctionKind::Host;
}

std::optional<int64_t> constantInt(const clang::Expr *e, clang::ASTContext &ctx) {
  if (!e) return std::nullopt;
  if (auto v = e->getIntegerConstantExpr(ctx)) return v->getExtValue();
  return std::nullopt;
}

}  // namespace

ast::Function Lowerer::function(const clang::FunctionDecl *fd) {
  ast::Function f;
  f.name = fd->getNameAsString();
  f.kind = functionKind(fd);
  f.loc = loc(fd->getLocation());
  f.returnType = type(fd->getReturnType());
  // The type as declared (`float in[3][4]`), not as adjusted (`float (*)[4]`).
  for (const clang::ParmVarDecl *p : fd->parameters())
    f.params.push_back({p->getNameAsString(), type(p->getOriginalType())});
  f.isStatic = fd->getStorageClass() == clang::SC_Static;
  f.isInline = fd->isInlineSpecified();
  f.forceInline = fd->hasAttr<clang::AlwaysInlineAttr>();
  f.isExternC = fd->isExternC() && isCxx;
  if (auto *lb = fd->getAttr<clang::CUDALaunchBoundsAttr>()) {
    ast::LaunchBounds bounds;
    bounds.maxThreadsPerBlock = constantInt(lb->getMaxThreads(), ctx).value_or(0);
    bounds.minBlocksPerMultiprocessor = constantInt(lb->getMinBlocks(), ctx).value_or(0);
    f.launchBounds = bounds;
  }
  if (fd->doesThisDeclarationHaveABody()) f.body = stmt(fd->getBody());
  return f;
}

ast::GlobalVar Lowerer::globalVar(const clang::VarDecl *vd) {
  ast::GlobalVar g;
  g.name = vd->getNameAsString();
  g.type = type(vd->getType());
  g.space = memSpaceOf(vd);
  g.isStatic = vd->getStorageClass() == clang::SC_Static;
  g.isExtern = vd->hasExternalStorage();
  g.isConstexpr = vd->isConstexpr();
  g.loc = loc(vd->getLocation());
  if (vd->hasInit() && !llvm::isa<clang::ImplicitValueInitExpr>(vd->getInit())) g.init = expr(vd->getInit());
  return g;
}

namespace {

// Builds the module's items in source order.
class ModuleBuilder {
public:
  ModuleBuilder(Lowerer &l) : lower_(l), sm_(l.sm) {}

  void add(const clang::Decl *d, bool externC) {
    if (d->isImplicit()) return;
    clang::SourceLocation begin = sm_.getExpansionLoc(d->getBeginLoc());
    if (!lower_.isInMainFile(begin)) return;
    if (auto *nd = llvm::dyn_cast<clang::NamespaceDecl>(d)) {
      // Namespaces are walked into; each item remembers its namespace and printers reopen it.
      std::string saved = ns_;
      ns_ = (ns_.empty() ? "" : ns_ + "::") + (nd->isAnonymousNamespace() ? "(anonymous)" : nd->getNameAsString());
      for (const clang::Decl *inner : nd->decls()) add(inner, externC);
      ns_ = saved;
      return;
    }
    if (auto *ls = llvm::dyn_cast<clang::LinkageSpecDecl>(d)) {
      if (ls->getLanguage() == clang::LinkageSpecDecl::lang_c)
        for (const clang::Decl *inner : ls->decls()) add(inner, true);
      else verbatim(d, "extern \"C++\" block");
      return;
    }
    if (auto *ftd = llvm::dyn_cast<clang::FunctionTemplateDecl>(d)) return functionTemplate(ftd);
    if (auto *fd = llvm::dyn_cast<clang::FunctionDecl>(d)) {
      if (llvm::isa<clang::CXXMethodDecl>(fd)) return verbatim(d, "member function definition");
      if (fd->isFunctionTemplateSpecialization() &&
          fd->getTemplateSpecializationKind() == clang::TSK_ExplicitSpecialization)
        return functionInstance(fd, fd->getPrimaryTemplate(), begin);
      ast::Function f = lower_.function(fd);
      f.isExternC = f.isExternC || (externC && lower_.isCxx);
      push(begin, std::move(f));
      return;
    }
    if (auto *vd = llvm::dyn_cast<clang::VarDecl>(d)) {
      if (llvm::isa<clang::VarTemplateSpecializationDecl>(vd)) return;
      push(begin, lower_.globalVar(vd));
      return;
    }
    if (llvm::isa<clang::EmptyDecl>(d)) return;
    if (auto *tag = llvm::dyn_cast<clang::TagDecl>(d); tag && !tag->isThisDeclarationADefinition() && !tag->isFirstDecl())
      return;
    // `typedef union { ... } T;`, `typedef struct S { ... } T;`: the tag defined inside the typedef
    // is carried as part of the typedef's text, not a second time on its own.
    if (auto *tag = llvm::dyn_cast<clang::TagDecl>(d); tag && !tag->isFreeStanding())
      if (auto *td = llvm::dyn_cast_or_null<clang::TypedefNameDecl>(tag->getNextDeclInContext()))
        if (const clang::TagDecl *under = td->getUnderlyingType()->getAsTagDecl();
            under && under->getCanonicalDecl() == tag->getCanonicalDecl())
          return;
    verbatim(d, std::string(d->getDeclKindName()) + " declaration");
  }

  void addDirectives(const MainFileDirectives &dirs) {
    for (const auto &m : dirs.macros) {
      ast::VerbatimDecl v;
      v.text = m.text;
      v.reason = "preprocessor directive";
      v.loc = m.loc;
      items_.push_back({m.offset, v});
    }
  }

  std::vector<ast::TopLevel> finish() {
    std::stable_sort(items_.begin(), items_.end(), [](auto &a, auto &b) { return a.first < b.first; });
    std::vector<ast::TopLevel> out;
    for (auto &[offset, item] : items_) out.push_back(std::move(item));
    return out;
  }

private:
  void push(clang::SourceLocation begin, ast::TopLevel item) {
    std::visit([&](auto &i) { i.ns = ns_; }, item);
    items_.push_back({sm_.getFileOffset(begin), std::move(item)});
  }

  void verbatim(const clang::Decl *d, const std::string &reason) {
    ast::VerbatimDecl v;
    clang::SourceRange range = d->getSourceRange();
    bool endsWithBody = llvm::isa<clang::NamespaceDecl>(d) || llvm::isa<clang::LinkageSpecDecl>(d) ||
                        (llvm::isa<clang::FunctionDecl>(d) && llvm::cast<clang::FunctionDecl>(d)->hasBody()) ||
                        (llvm::isa<clang::FunctionTemplateDecl>(d) &&
                         llvm::cast<clang::FunctionTemplateDecl>(d)->getTemplatedDecl()->hasBody());
    if (!endsWithBody) {
      // A declaration's range stops before trailing attributes (`typedef float v4
      // __attribute__((ext_vector_type(4)))`) and its `;`: extend it through the `;`.
      clang::SourceLocation end = sm_.getExpansionLoc(range.getEnd());
      for (int i = 0; i < 256; ++i) {
        auto next = clang::Lexer::findNextToken(end, sm_, lower_.ctx.getLangOpts());
        if (!next || next->is(clang::tok::eof)) break;
        end = next->getLocation();
        if (next->is(clang::tok::semi)) {
          range.setEnd(end);
          break;
        }
      }
    }
    v.text = lower_.text(range);
    v.reason = reason;
    v.loc = lower_.loc(d->getBeginLoc());
    push(sm_.getExpansionLoc(d->getBeginLoc()), v);
  }

  void functionTemplate(const clang::FunctionTemplateDecl *ftd) {
    std::vector<const clang::FunctionDecl *> instances;
    for (const clang::FunctionDecl *spec : ftd->specializations())
      if (spec->getTemplateSpecializationKind() == clang::TSK_ImplicitInstantiation && spec->hasBody())
        instances.push_back(spec);
    const clang::FunctionDecl *pattern = ftd->getTemplatedDecl();
    bool explicitlySpecialized = false;
    for (const clang::FunctionDecl *spec : ftd->specializations())
      explicitlySpecialized |= spec->getTemplateSpecializationKind() == clang::TSK_ExplicitSpecialization;
    // A bodiless primary template followed by explicit specializations (xpile's own printed form):
    // the printer declares the primary template again before the specializations.
    if (!pattern->doesThisDeclarationHaveABody() && explicitlySpecialized) return;
    if (instances.empty() || !pattern->doesThisDeclarationHaveABody()) {
      verbatim(ftd, instances.empty() ? "template without instantiations" : "template declaration");
      return;
    }
    clang::SourceLocation begin = sm_.getExpansionLoc(ftd->getBeginLoc());
    for (const clang::FunctionDecl *inst : instances) functionInstance(inst, ftd, begin);
  }

  void functionInstance(const clang::FunctionDecl *fd, const clang::FunctionTemplateDecl *ftd, clang::SourceLocation at) {
    ast::Function f = lower_.function(fd);
    ast::TemplateInstance ti;
    const clang::TemplateParameterList *params = ftd->getTemplateParameters();
    std::string list = lower_.text(params->getSourceRange());
    // "template <int BS, typename T>" -> "int BS, typename T"
    auto open = list.find('<');
    auto close = list.rfind('>');
    ti.parameterList = open != std::string::npos && close != std::string::npos ? list.substr(open + 1, close - open - 1) : list;
    clang::PrintingPolicy policy = lower_.ctx.getPrintingPolicy();
    if (auto *args = fd->getTemplateSpecializationArgs())
      for (const clang::TemplateArgument &arg : args->asArray()) {
        std::string s;
        llvm::raw_string_ostream os(s);
        arg.print(policy, os, /*IncludeType=*/false);
        ti.arguments.push_back(os.str());
      }
    const clang::FunctionDecl *pattern = ftd->getTemplatedDecl();
    ti.primaryReturnType = lower_.type(pattern->getReturnType());
    for (const clang::ParmVarDecl *p : pattern->parameters())
      ti.primaryParams.push_back({p->getNameAsString(), lower_.type(p->getOriginalType())});
    f.templateInstance = ti;
    push(at, std::move(f));
  }

  Lowerer &lower_;
  const clang::SourceManager &sm_;
  std::vector<std::pair<unsigned, ast::TopLevel>> items_;
  ast::NamespacePath ns_;  // of the declarations being added
};

}  // namespace

ast::Module lowerTranslationUnit(clang::ASTContext &ctx, const MainFileDirectives &directives, ast::Dialect dialect,
                                 bool isCxx) {
  Lowerer lower(ctx, dialect, isCxx);
  ast::Module m;
  m.dialect = dialect;
  m.isCxx = isCxx;
  m.includes = directives.includes;
  ModuleBuilder builder(lower);
  for (const clang::Decl *d : ctx.getTranslationUnitDecl()->decls()) builder.add(d, false);
  builder.addDirectives(directives);
  m.items = builder.finish();
  return m;
}

}  // namespace xpile::frontends
