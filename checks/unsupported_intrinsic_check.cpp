// hip-unsupported-intrinsic: CUDA device intrinsics that HIP does not provide on AMD GPUs (the
// hardware has no such instruction, or HIP exposes none): warp match and warp reduce (sm_70/sm_80
// instructions), the asynchronous-copy pipeline primitives, address-space predicates and
// conversions, profiler triggers. Each entry says what to use instead.
#include "checks/check_registry.h"
#include "checks/device_code_matchers.h"

#include <clang/AST/Decl.h>
#include <clang/AST/Expr.h>

#include <map>

namespace xpile::checks {

namespace {

using namespace clang::ast_matchers;

const std::map<std::string, std::string> &unsupportedIntrinsics() {
  static const std::map<std::string, std::string> table = {
      {"__match_any_sync", "compare values across lanes with __shfl or a shared-memory table"},
      {"__match_all_sync", "compare with __shfl of lane 0 and vote with __all"},
      {"__reduce_add_sync", "reduce with a __shfl_xor butterfly"},
      {"__reduce_min_sync", "reduce with a __shfl_xor butterfly"},
      {"__reduce_max_sync", "reduce with a __shfl_xor butterfly"},
      {"__reduce_and_sync", "reduce with a __shfl_xor butterfly"},
      {"__reduce_or_sync", "reduce with a __shfl_xor butterfly"},
      {"__reduce_xor_sync", "reduce with a __shfl_xor butterfly"},
      {"__nanosleep", "use __builtin_amdgcn_s_sleep, whose unit is 64 clock cycles, not nanoseconds"},
      {"__prof_trigger", "AMD GPUs have no profiler trigger counters; use rocprof markers on the host"},
      {"__pipeline_memcpy_async", "copy through registers; gfx90a has no asynchronous global-to-LDS copy"},
      {"__pipeline_commit", "copy through registers; gfx90a has no asynchronous global-to-LDS copy"},
      {"__pipeline_wait_prior", "copy through registers; gfx90a has no asynchronous global-to-LDS copy"},
      {"__isGlobal", "AMD's generic address space has no such query in HIP"},
      {"__isShared", "AMD's generic address space has no such query in HIP"},
      {"__cvta_generic_to_shared", "HIP exposes no shared-window address conversion"},
      {"__fns", "find the n-th set bit with __popcll and __ffsll"},
  };
  return table;
}

class UnsupportedIntrinsicCheck : public Check {
public:
  using Check::Check;

  void registerMatchers(MatchFinder &finder) override {
    std::vector<llvm::StringRef> names;
    for (const auto &[name, instead] : unsupportedIntrinsics()) names.push_back(name);
    finder.addMatcher(
        callExpr(callee(functionDecl(hasAnyName(llvm::ArrayRef<llvm::StringRef>(names))).bind("function")), inDeviceCode()).bind("call"), this);
  }

  void run(const MatchFinder::MatchResult &result) override {
    const auto *call = result.Nodes.getNodeAs<clang::CallExpr>("call");
    const auto *function = result.Nodes.getNodeAs<clang::FunctionDecl>("function");
    if (!call || !function) return;
    const clang::SourceManager &sm = *result.SourceManager;
    const std::string name = function->getNameAsString();
    clang::SourceLocation at = call->getCallee()->getBeginLoc();
    CheckDiagnostic &d = diag(sm, at, "'" + name + "' has no HIP equivalent on " + context().target.architecture,
                              call->getCallee()->getSourceRange());
    note(sm, d, at, unsupportedIntrinsics().at(name));
  }
};

}  // namespace

CheckInfo unsupportedIntrinsicCheck() {
  return {"hip-unsupported-intrinsic", "CUDA device intrinsics HIP does not provide on AMD GPUs (warp match/reduce, "
                                       "async-copy pipeline, address-space queries, ...)",
          [](ast::Dialect source, const TargetLimits &target) {
            return source == ast::Dialect::CUDA && target.dialect == ast::Dialect::HIP;
          },
          [](CheckContext &c) { return std::make_unique<UnsupportedIntrinsicCheck>("hip-unsupported-intrinsic", c); }};
}

}  // namespace xpile::checks
