// portability-full-warp-mask: the warp-synchronous intrinsics called with the 32-bit full mask
// 0xffffffff. On a 64-lane wavefront that mask names lanes 0-31 only: lanes 32-63 are left out
// of the shuffle, vote or barrier (HIP's *_sync functions take a 64-bit mask).
#include "checks/check_registry.h"
#include "checks/device_code_matchers.h"

#include <clang/AST/Decl.h>
#include <clang/AST/Expr.h>

namespace xpile::checks {

namespace {

using namespace clang::ast_matchers;

class FullWarpMaskCheck : public Check {
public:
  using Check::Check;

  void registerMatchers(MatchFinder &finder) override {
    auto fullMask = integerLiteral(equals(0xffffffffu)).bind("mask");
    auto maskArgument = ignoringParenImpCasts(
        anyOf(fullMask, declRefExpr(to(varDecl(hasInitializer(ignoringParenImpCasts(fullMask))).bind("maskVariable")))));
    finder.addMatcher(callExpr(callee(functionDecl(hasAnyName("__shfl_sync", "__shfl_up_sync", "__shfl_down_sync",
                                                              "__shfl_xor_sync", "__ballot_sync", "__any_sync",
                                                              "__all_sync", "__uni_sync", "__syncwarp",
                                                              "__match_any_sync", "__match_all_sync"))
                                          .bind("function")),
                               hasArgument(0, maskArgument), inDeviceCode())
                          .bind("call"),
                      this);
  }

  void run(const MatchFinder::MatchResult &result) override {
    const auto *call = result.Nodes.getNodeAs<clang::CallExpr>("call");
    const auto *mask = result.Nodes.getNodeAs<clang::IntegerLiteral>("mask");
    const auto *function = result.Nodes.getNodeAs<clang::FunctionDecl>("function");
    const auto *variable = result.Nodes.getNodeAs<clang::VarDecl>("maskVariable");
    const clang::SourceManager &sm = *result.SourceManager;
    if (!call || !mask || !function || mask->getBeginLoc().isMacroID()) return;
    const int lanes = context().target.warpSize;
    const std::string name = function->getNameAsString();
    clang::SourceLocation at = variable ? call->getArg(0)->getBeginLoc() : mask->getBeginLoc();
    CheckDiagnostic &d = diag(sm, at,
                              "full-warp mask 0xffffffff passed to '" + name + "' names lanes 0-31 only; a wavefront on " +
                                  context().target.architecture + " has " + std::to_string(lanes) + " lanes",
                              variable ? call->getArg(0)->getSourceRange() : mask->getSourceRange());
    if (variable)
      note(sm, d, mask->getBeginLoc(), "mask '" + variable->getNameAsString() + "' is initialised here",
           mask->getSourceRange());
    note(sm, d, call->getBeginLoc(), "lanes " + std::to_string(32) + "-" + std::to_string(lanes - 1) +
                                         " do not take part in this call; HIP's '" + name + "' takes a 64-bit mask");
    // All lanes of a 64-lane wavefront: the same meaning the 32-bit mask had on a 32-lane warp.
    fix(sm, d, clang::CharSourceRange::getTokenRange(mask->getSourceRange()), "0xffffffffffffffffull");
  }
};

}  // namespace

CheckInfo fullWarpMaskCheck() {
  return {"portability-full-warp-mask",
          "warp-synchronous intrinsics called with the 32-lane full mask 0xffffffff on a 64-lane target",
          [](ast::Dialect source, const TargetLimits &target) {
            return targetLimits(source).warpSize == 32 && target.warpSize == 64;
          },
          [](CheckContext &c) { return std::make_unique<FullWarpMaskCheck>("portability-full-warp-mask", c); }};
}

}  // namespace xpile::checks
