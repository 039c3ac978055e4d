// portability-shared-memory-capacity: a kernel whose static shared memory (its own __shared__
// arrays, those of the device functions it calls, the file-scope ones it uses) exceeds what the
// target gives a block: 64 KiB of LDS on gfx90a, 48 KiB of static shared memory on sm_90. The
// bytes are the executors' own count (backends::kernelResources over the shared AST).
#include "checks/check_registry.h"
#include "checks/kernel_memory.h"
#include "checks/on_chip_memory_diagnostics.h"

#include <clang/AST/Attr.h>

namespace xpile::checks {

namespace {

class SharedMemoryCapacityCheck : public Check {
public:
  using Check::Check;
  bool needsModule() const override { return true; }

  void onEndOfTranslationUnit(clang::ASTContext &ctx) override {
    const ast::Module *module = context().module;
    if (!module) return;
    const TargetLimits &target = context().target;
    const clang::SourceManager &sm = ctx.getSourceManager();
    for (const auto &item : module->items) {
      const auto *kernel = std::get_if<ast::Function>(&item);
      if (!kernel || kernel->kind != ast::FunctionKind::Kernel || !kernel->body) continue;
      const int64_t bytes = kernelMemory(*module, *kernel).shared;
      if (bytes <= static_cast<int64_t>(target.staticSharedBytes)) continue;
      const clang::FunctionDecl *decl = findKernelDefinition(ctx, kernel->name);
      if (!decl) continue;
      const bool hip = target.dialect == ast::Dialect::HIP;
      CheckDiagnostic &d = diag(sm, decl->getLocation(),
                                "kernel '" + kernel->name + "' uses " + std::to_string(bytes) +
                                    " bytes of static shared memory; " + target.architecture + " allows " +
                                    std::to_string(target.staticSharedBytes) +
                                    (hip ? " (64 KiB of LDS per workgroup)" : " (48 KiB statically per block)"),
                                decl->getLocation());
      for (const clang::VarDecl *v : buffersDeclaredIn(*decl, [](const clang::VarDecl &v) {
             return v.hasAttr<clang::CUDASharedAttr>() && !v.hasExternalStorage();
           }))
        note(sm, d, v->getLocation(),
             "'" + v->getNameAsString() + "' takes " + std::to_string(ctx.getTypeSizeInChars(v->getType()).getQuantity()) +
                 " bytes",
             v->getLocation());
      if (!hip && bytes <= static_cast<int64_t>(target.optInSharedBytes))
        d.notes.push_back([&] {
          CheckDiagnostic n = d;
          n.level = CheckDiagnostic::Level::Note;
          n.notes.clear();
          n.message = "up to " + std::to_string(target.optInSharedBytes) +
                      " bytes are available as dynamic shared memory after cudaFuncSetAttribute("
                      "cudaFuncAttributeMaxDynamicSharedMemorySize)";
          return n;
        }());
    }
  }
};

}  // namespace

CheckInfo sharedMemoryCapacityCheck() {
  return {"portability-shared-memory-capacity",
          "kernels whose static shared memory exceeds the target's per-block capacity (64 KiB gfx90a, 48 KiB sm_90)",
          [](ast::Dialect source, const TargetLimits &target) {
            return targetLimits(source).warpSize > 0 && target.staticSharedBytes > 0;
          },
          [](CheckContext &c) { return std::make_unique<SharedMemoryCapacityCheck>("portability-shared-memory-capacity", c); }};
}

}  // namespace xpile::checks
