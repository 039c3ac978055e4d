// bang-nram-capacity: a BANG kernel whose __nram__ buffers (its own, those of the __mlu_func__
// functions it calls, the file-scope ones it uses) exceed the NRAM of one MLU core (768 KiB on
// MLU370, of which cncc keeps 128 KiB for the stack). Bytes counted by backends::kernelResources.
#include "checks/check_registry.h"
#include "checks/kernel_memory.h"
#include "checks/on_chip_memory_diagnostics.h"

#include <clang/AST/Attr.h>

namespace xpile::checks {

namespace {

// cncc reserves this much of NRAM for the stack (bang-c.md §1.1: REM_FOR_STACK).
constexpr int64_t kNramStackReserve = 128 * 1024;

bool isNram(const clang::VarDecl &v) {
  for (const auto *a : v.specific_attrs<clang::AnnotateAttr>())
    if (a->getAnnotation() == "xpile:nram") return true;  // the prelude's __nram__
  return false;
}

class NramCapacityCheck : public Check {
public:
  using Check::Check;
  bool needsModule() const override { return true; }

  void onEndOfTranslationUnit(clang::ASTContext &ctx) override {
    const ast::Module *module = context().module;
    if (!module) return;
    const TargetLimits &target = context().target;
    const int64_t usable = static_cast<int64_t>(target.nramBytes) - kNramStackReserve;
    const clang::SourceManager &sm = ctx.getSourceManager();
    for (const auto &item : module->items) {
      const auto *kernel = std::get_if<ast::Function>(&item);
      if (!kernel || kernel->kind != ast::FunctionKind::Kernel || !kernel->body) continue;
      const int64_t bytes = kernelMemory(*module, *kernel).nram;
      if (bytes <= usable) continue;
      const clang::FunctionDecl *decl = findKernelDefinition(ctx, kernel->name);
      if (!decl) continue;
      CheckDiagnostic &d = diag(sm, decl->getLocation(),
                                "kernel '" + kernel->name + "' uses " + std::to_string(bytes) + " bytes of NRAM; " +
                                    target.architecture + " has " + std::to_string(target.nramBytes) +
                                    " per core, of which " + std::to_string(usable) + " are left after cncc's stack",
                                decl->getLocation());
      for (const clang::VarDecl *v : buffersDeclaredIn(*decl, isNram))
        note(sm, d, v->getLocation(),
             "'" + v->getNameAsString() + "' takes " + std::to_string(ctx.getTypeSizeInChars(v->getType()).getQuantity()) +
                 " bytes",
             v->getLocation());
    }
  }
};

}  // namespace

CheckInfo nramCapacityCheck() {
  return {"bang-nram-capacity", "BANG kernels whose __nram__ buffers exceed one MLU core's NRAM (less cncc's stack)",
          [](ast::Dialect source, const TargetLimits &target) {
            return source == ast::Dialect::BANG && target.nramBytes > 0;
          },
          [](CheckContext &c) { return std::make_unique<NramCapacityCheck>("bang-nram-capacity", c); }};
}

}  // namespace xpile::checks
