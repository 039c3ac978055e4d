// portability-launch-bounds: the second argument of __launch_bounds__ means "minimum resident
// blocks per multiprocessor" in CUDA but "minimum waves per execution unit" in HIP. The same
// number asks for a different occupancy after the move.
#include "checks/check_registry.h"

#include <clang/AST/Attr.h>
#include <clang/AST/Decl.h>

namespace xpile::checks {

namespace {

using namespace clang::ast_matchers;

class LaunchBoundsCheck : public Check {
public:
  using Check::Check;

  void registerMatchers(MatchFinder &finder) override {
    finder.addMatcher(functionDecl(hasAttr(clang::attr::CUDALaunchBounds), isDefinition()).bind("kernel"), this);
  }

  void run(const MatchFinder::MatchResult &result) override {
    const auto *kernel = result.Nodes.getNodeAs<clang::FunctionDecl>("kernel");
    if (!kernel) return;
    const auto *bounds = kernel->getAttr<clang::CUDALaunchBoundsAttr>();
    if (!bounds || !bounds->getMinBlocks()) return;
    const clang::SourceManager &sm = *result.SourceManager;
    const bool toHip = context().target.dialect == ast::Dialect::HIP;
    const char *from = toHip ? "minimum resident blocks per multiprocessor" : "minimum waves per execution unit";
    const char *to = toHip ? "minimum waves per execution unit" : "minimum resident blocks per multiprocessor";
    CheckDiagnostic &d = diag(sm, bounds->getMinBlocks()->getBeginLoc(),
                              std::string("the second __launch_bounds__ argument of '") + kernel->getNameAsString() +
                                  "' is the " + from + " in " + ast::dialectName(context().source) + " but the " + to +
                                  " in " + ast::dialectName(context().target.dialect),
                              bounds->getMinBlocks()->getSourceRange());
    if (toHip)
      note(sm, d, kernel->getLocation(), "on gfx90a a compute unit has 4 SIMDs of up to 8 waves each; a block of N "
                                         "threads is ceil(N/64) waves");
  }
};

}  // namespace

CheckInfo launchBoundsCheck() {
  return {"portability-launch-bounds",
          "__launch_bounds__ minimum-occupancy argument, which CUDA and HIP count in different units",
          [](ast::Dialect source, const TargetLimits &target) {
            return (source == ast::Dialect::CUDA && target.dialect == ast::Dialect::HIP) ||
                   (source == ast::Dialect::HIP && target.dialect == ast::Dialect::CUDA);
          },
          [](CheckContext &c) { return std::make_unique<LaunchBoundsCheck>("portability-launch-bounds", c); }};
}

}  // namespace xpile::checks
