// portability-warp-size-literal: lane and warp arithmetic written with the source platform's warp
// width as a literal (`threadIdx.x % 32`, `tid / 32`, `tid & 31`, `tid >> 5` for CUDA; 64, 63, 6
// for HIP), which computes wrong lane and warp numbers on a target whose warp is another width.
#include "checks/check_registry.h"
#include "checks/device_code_matchers.h"

#include <clang/AST/Expr.h>

namespace xpile::checks {

namespace {

using namespace clang::ast_matchers;

int sourceWarpSize(ast::Dialect source) { return targetLimits(source).warpSize; }

int log2Of(int n) {
  int k = 0;
  while ((1 << k) < n) ++k;
  return k;
}

class WarpSizeLiteralCheck : public Check {
public:
  using Check::Check;

  void registerMatchers(MatchFinder &finder) override {
    const int warp = sourceWarpSize(context().source);
    auto literalOperand = [&](const char *op, int value) {
      return binaryOperator(hasOperatorName(op), hasLHS(derivedFromThreadIndex()),
                            hasRHS(ignoringParenImpCasts(integerLiteral(equals(value)).bind("literal"))), inDeviceCode())
          .bind("operation");
    };
    finder.addMatcher(literalOperand("%", warp), this);
    finder.addMatcher(literalOperand("/", warp), this);
    finder.addMatcher(literalOperand("&", warp - 1), this);
    finder.addMatcher(literalOperand(">>", log2Of(warp)), this);
  }

  void run(const MatchFinder::MatchResult &result) override {
    const auto *operation = result.Nodes.getNodeAs<clang::BinaryOperator>("operation");
    const auto *literal = result.Nodes.getNodeAs<clang::IntegerLiteral>("literal");
    const clang::SourceManager &sm = *result.SourceManager;
    if (!operation || !literal || literal->getBeginLoc().isMacroID()) return;
    const int from = sourceWarpSize(context().source), to = context().target.warpSize;
    const std::string op = operation->getOpcodeStr().str();
    const std::string value = std::to_string(literal->getValue().getZExtValue());
    std::string meaning = op == "%" || op == "&" ? "a lane index" : "a warp index";
    CheckDiagnostic &d = diag(sm, literal->getBeginLoc(),
                              "'" + op + " " + value + "' computes " + meaning + " for a warp of " + std::to_string(from) +
                                  " threads; a " + (to == 64 ? "wavefront" : "warp") + " on " +
                                  context().target.architecture + " has " + std::to_string(to),
                              literal->getSourceRange());
    note(sm, d, operation->getBeginLoc(), "in this " + meaning.substr(2) + " computation", operation->getSourceRange());
    // `% W` and `/ W` mean "lane" and "warp" on every platform once written with warpSize; `& (W-1)`
    // is `% W` for unsigned values only, and `>> log2(W)` has no single-token spelling: no fix-it.
    if (op == "%" || op == "/")
      fix(sm, d, clang::CharSourceRange::getTokenRange(literal->getSourceRange()), "warpSize");
  }
};

}  // namespace

CheckInfo warpSizeLiteralCheck() {
  return {"portability-warp-size-literal",
          "lane/warp arithmetic with the source warp width as a literal (% 32, / 32, & 31, >> 5)",
          [](ast::Dialect source, const TargetLimits &target) {
            int from = targetLimits(source).warpSize;
            return from > 0 && target.warpSize > 0 && from != target.warpSize;
          },
          [](CheckContext &c) { return std::make_unique<WarpSizeLiteralCheck>("portability-warp-size-literal", c); }};
}

}  // namespace xpile::checks
