#include "checks/on_chip_memory_diagnostics.h"

#include <clang/AST/Attr.h>
#include <clang/AST/DeclTemplate.h>

namespace xpile::checks {

const clang::FunctionDecl *findKernelDefinition(clang::ASTContext &ctx, const std::string &name) {
  for (const clang::Decl *d : ctx.getTranslationUnitDecl()->decls()) {
    const clang::FunctionDecl *f = llvm::dyn_cast<clang::FunctionDecl>(d);
    if (const auto *t = llvm::dyn_cast<clang::FunctionTemplateDecl>(d)) f = t->getTemplatedDecl();
    if (f && f->hasAttr<clang::CUDAGlobalAttr>() && f->isThisDeclarationADefinition() && f->getNameAsString() == name)
      return f;
  }
  return nullptr;
}

}  // namespace xpile::checks
