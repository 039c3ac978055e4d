// portability-ballot-width: the result of a warp vote (__ballot_sync, __ballot, __activemask) kept
// in a 32-bit integer. On a 64-lane wavefront the vote has 64 bits: the upper 32 lanes are lost.
#include "checks/check_registry.h"
#include "checks/device_code_matchers.h"

#include <clang/AST/ASTContext.h>
#include <clang/AST/Decl.h>
#include <clang/AST/Expr.h>

namespace xpile::checks {

namespace {

using namespace clang::ast_matchers;

class BallotWidthCheck : public Check {
public:
  using Check::Check;

  void registerMatchers(MatchFinder &finder) override {
    auto vote = ignoringParenImpCasts(
        callExpr(callee(functionDecl(hasAnyName("__ballot_sync", "__ballot", "__activemask")).bind("function")))
            .bind("vote"));
    finder.addMatcher(varDecl(hasInitializer(vote), inDeviceCode()).bind("variable"), this);
    finder.addMatcher(binaryOperator(isAssignmentOperator(), hasRHS(vote), inDeviceCode()).bind("assignment"), this);
  }

  void run(const MatchFinder::MatchResult &result) override {
    const auto *vote = result.Nodes.getNodeAs<clang::CallExpr>("vote");
    const auto *function = result.Nodes.getNodeAs<clang::FunctionDecl>("function");
    const clang::SourceManager &sm = *result.SourceManager;
    clang::ASTContext &ctx = *result.Context;
    if (!vote || !function) return;
    const std::string name = function->getNameAsString();
    const unsigned lanes = static_cast<unsigned>(context().target.warpSize);
    auto narrow = [&](clang::QualType t) { return t->isIntegerType() && ctx.getTypeSize(t) < lanes; };
    const std::string message = "'" + name + "' returns a " + std::to_string(lanes) + "-bit lane mask on " +
                                context().target.architecture + "; ";

    if (const auto *variable = result.Nodes.getNodeAs<clang::VarDecl>("variable")) {
      clang::TypeSourceInfo *written = variable->getTypeSourceInfo();
      if (!written || !narrow(variable->getType()) || variable->getType()->getContainedAutoType()) return;
      CheckDiagnostic &d = diag(sm, variable->getLocation(),
                                message + "'" + variable->getNameAsString() + "' keeps only " +
                                    std::to_string(ctx.getTypeSize(variable->getType())) + " bits of it",
                                variable->getLocation());
      note(sm, d, vote->getBeginLoc(), "the vote is taken here", vote->getSourceRange());
      // The variable's type as written becomes 64-bit: exact, the vote fits and every use of a
      // 32-bit mask widens without loss. Only when the type is spelled by itself (not `unsigned a, b`).
      clang::SourceRange typeRange = written->getTypeLoc().getSourceRange();
      if (typeRange.isValid() && !typeRange.getBegin().isMacroID() && variable->getType().getLocalQualifiers().empty())
        fix(sm, d, clang::CharSourceRange::getTokenRange(typeRange), "unsigned long long");
      return;
    }
    if (const auto *assignment = result.Nodes.getNodeAs<clang::BinaryOperator>("assignment")) {
      clang::QualType target = assignment->getLHS()->getType();
      if (!narrow(target)) return;
      CheckDiagnostic &d = diag(sm, assignment->getOperatorLoc(),
                                message + "assigning it to a " + std::to_string(ctx.getTypeSize(target)) +
                                    "-bit '" + target.getAsString() + "' drops the upper lanes");
      note(sm, d, vote->getBeginLoc(), "the vote is taken here", vote->getSourceRange());
    }
  }
};

}  // namespace

CheckInfo ballotWidthCheck() {
  return {"portability-ballot-width", "warp vote results (__ballot_sync, __activemask) kept in 32 bits on a 64-lane target",
          [](ast::Dialect source, const TargetLimits &target) {
            return targetLimits(source).warpSize == 32 && target.warpSize == 64;
          },
          [](CheckContext &c) { return std::make_unique<BallotWidthCheck>("portability-ballot-width", c); }};
}

}  // namespace xpile::checks
