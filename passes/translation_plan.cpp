#include "passes/translation_plan.h"

#include "passes/c_lowering.h"
#include "passes/detensorize.h"
#include "passes/host_lowering.h"
#include "passes/loop_bind.h"
#include "passes/loop_recovery.h"
#include "passes/matrix_core_mapping.h"
#include "passes/runtime_api_mapping.h"
#include "passes/tensorize.h"
#include "passes/warp_size_portability.h"

namespace xpile::passes {

namespace {

using ast::Dialect;

bool isGpu(Dialect d) { return d == Dialect::CUDA || d == Dialect::HIP; }

// Each step binds a pass's entry function to the options this direction needs.
PassStep loopRecovery() {
  return {"loop-recovery", [](ast::Module &m, PassContext &ctx) { return recoverLoops(m, LoopRecoveryOptions{}, ctx); }};
}
PassStep hostLowering(Dialect target) {
  return {"host-lowering", [target](ast::Module &m, PassContext &ctx) {
            HostLoweringOptions o;
            o.target = target;
            return lowerHostCode(m, o, ctx);
          }};
}
PassStep cLowering() {
  return {"c-lowering", [](ast::Module &m, PassContext &ctx) { return lowerCxxToC(m, CLoweringOptions{}, ctx); }};
}
PassStep detensorizeStep() {
  return {"detensorize", [](ast::Module &m, PassContext &ctx) { return detensorize(m, DetensorizeOptions{}, ctx); }};
}
PassStep loopBind(Dialect target, const PlanOptions &options) {
  return {"loop-bind", [target, extents = options.givenExtents](ast::Module &m, PassContext &ctx) {
            LoopBindOptions o;
            o.target = target;
            o.givenExtents = extents;
            return bindLoops(m, o, ctx);
          }};
}
PassStep tensorizeStep() {
  return {"tensorize", [](ast::Module &m, PassContext &ctx) { return tensorize(m, TensorizeOptions{}, ctx); }};
}
PassStep runtimeApiMapping(Dialect target) {
  return {"runtime-api-mapping", [target](ast::Module &m, PassContext &ctx) {
            RuntimeApiMappingOptions o;
            o.target = target;
            return mapRuntimeApi(m, o, ctx);
          }};
}
PassStep warpSize() {
  return {"warp-size", [](ast::Module &m, PassContext &ctx) { return adaptWarpSize(m, WarpSizeOptions{}, ctx); }};
}
PassStep matrixCores(Dialect target) {
  return {"matrix-cores", [target](ast::Module &m, PassContext &ctx) {
            MatrixCoreOptions o;
            o.target = target;
            return mapMatrixCores(m, o, ctx);
          }};
}

// Source -> sequential C (kernels and host code), which every target is rebuilt from.
void lowerToSequential(Dialect from, std::vector<PassStep> &steps) {
  if (isGpu(from)) {
    steps.push_back(loopRecovery());
    steps.push_back(hostLowering(Dialect::C));
  } else if (from == Dialect::VNNI) {
    steps.push_back(loopRecovery());  // OpenMP loops -> sequential loops known independent
    steps.push_back(detensorizeStep());
  }
  if (from != Dialect::C) steps.push_back(cLowering());
}

}  // namespace

const char *routeName(Route r) { return r == Route::Direct ? "direct" : "via-c"; }

bool hasDirectRoute(Dialect from, Dialect to) { return from != to && isGpu(from) && isGpu(to); }

TranslationPlan planTranslation(Dialect from, Dialect to, Route route, const PlanOptions &options) {
  TranslationPlan plan;
  plan.route = hasDirectRoute(from, to) ? route : Route::ViaC;
  if (from == to) return plan;
  if (from == Dialect::BANG || to == Dialect::BANG) {
    plan.error = std::string("translation ") + (from == Dialect::BANG ? "from" : "to") +
                 " bang is not implemented yet (cuda, hip, vnni and c translate among themselves)";
    return plan;
  }
  std::vector<PassStep> &steps = plan.steps;
  if (plan.route == Route::Direct) {
    // Hazards first, while the module is still the source dialect; the API mapping switches it.
    steps = {warpSize(), matrixCores(to), runtimeApiMapping(to)};
    return plan;
  }
  switch (to) {
  case Dialect::C:
    lowerToSequential(from, steps);
    break;
  case Dialect::VNNI:
    lowerToSequential(from, steps);
    steps.push_back(loopBind(Dialect::VNNI, options));
    steps.push_back(tensorizeStep());
    break;
  case Dialect::CUDA:
  case Dialect::HIP:
    lowerToSequential(from, steps);
    steps.push_back(loopBind(to, options));
    break;
  case Dialect::BANG: break;
  }
  return plan;
}

}  // namespace xpile::passes
