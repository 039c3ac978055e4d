// portability-inline-asm: inline assembly in device code. PTX (CUDA) and GCN/CDNA assembly (HIP)
// belong to one vendor's instruction set; nothing translates them, the code must be rewritten
// with intrinsics of the target.
#include "checks/check_registry.h"
#include "checks/device_code_matchers.h"

#include <clang/AST/Stmt.h>

namespace xpile::checks {

namespace {

using namespace clang::ast_matchers;

const char *assemblyOf(ast::Dialect d) {
  switch (d) {
  case ast::Dialect::CUDA: return "PTX";
  case ast::Dialect::HIP: return "AMDGPU assembly";
  case ast::Dialect::BANG: return "MLU assembly";
  default: return "x86 assembly";
  }
}

class InlineAsmCheck : public Check {
public:
  using Check::Check;

  void registerMatchers(MatchFinder &finder) override {
    finder.addMatcher(asmStmt(inDeviceCode()).bind("asm"), this);
  }

  void run(const MatchFinder::MatchResult &result) override {
    const auto *statement = result.Nodes.getNodeAs<clang::AsmStmt>("asm");
    if (!statement) return;
    const clang::SourceManager &sm = *result.SourceManager;
    CheckDiagnostic &d = diag(sm, statement->getAsmLoc(),
                              std::string("inline ") + assemblyOf(context().source) + " has no equivalent on " +
                                  context().target.architecture + " (" + ast::dialectName(context().target.dialect) + ")",
                              statement->getAsmLoc());
    if (const auto *gcc = llvm::dyn_cast<clang::GCCAsmStmt>(statement))
      note(sm, d, gcc->getAsmString()->getBeginLoc(),
           "the instructions '" + gcc->getAsmString()->getString().str() + "' must be rewritten with " +
               ast::dialectName(context().target.dialect) + " intrinsics");
  }
};

}  // namespace

CheckInfo inlineAsmCheck() {
  return {"portability-inline-asm", "inline assembly (PTX, AMDGPU) in device code, which no other target accepts",
          [](ast::Dialect source, const TargetLimits &target) { return source != target.dialect; },
          [](CheckContext &c) { return std::make_unique<InlineAsmCheck>("portability-inline-asm", c); }};
}

}  // namespace xpile::checks
