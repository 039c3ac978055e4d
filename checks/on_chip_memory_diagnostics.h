// Shared by the capacity checks: find a kernel of the shared AST in Clang's AST, and list the
// buffers declared in it for notes.
#pragma once

#include <clang/AST/ASTContext.h>
#include <clang/AST/Decl.h>

#include <string>
#include <vector>

namespace xpile::checks {

// The definition of the kernel `name` (a __global__ / __mlu_global__ function), or null.
const clang::FunctionDecl *findKernelDefinition(clang::ASTContext &ctx, const std::string &name);

// Variables declared in `kernel`'s body that satisfy `inSpace` (for notes: "'tile' takes N bytes").
template <typename Predicate>
std::vector<const clang::VarDecl *> buffersDeclaredIn(const clang::FunctionDecl &kernel, Predicate inSpace) {
  std::vector<const clang::VarDecl *> out;
  // Local declarations live in the function's DeclContext (blocks do not open new DeclContexts).
  for (const clang::Decl *d : kernel.decls())
    if (const auto *v = llvm::dyn_cast<clang::VarDecl>(d); v && !llvm::isa<clang::ParmVarDecl>(v) && inSpace(*v))
      out.push_back(v);
  return out;
}

}  // namespace xpile::checks
