// The translation planner: which passes, in which order, take a module of one dialect to another.
//
// Every direction has a correct-by-construction route through plain C (design.md section 4): lower
// the source to sequential C (loop recovery, host lowering, detensorize), then rebuild it for the
// target (loop bind, tensorize). CUDA <-> HIP also has a direct route that keeps the kernels as
// written (API mapping, warp-size hazards, matrix cores); the translator tries it first and falls
// back to the route through C when a hazard cannot be mapped directly.
#pragma once

#include "passes/pass_manager.h"

#include <map>
#include <string>
#include <vector>

namespace xpile::passes {

enum class Route {
  Direct,  // keep the program's parallel structure (CUDA <-> HIP); for other pairs the same as ViaC
  ViaC,    // lower to sequential C, then rebuild for the target
};

const char *routeName(Route r);  // "direct", "via-c"

struct TranslationPlan {
  std::vector<PassStep> steps;  // empty for the identity direction
  Route route = Route::ViaC;
  std::string error;  // non-empty: no route between these dialects
};

// What the user tells the planner beyond the two dialects.
struct PlanOptions {
  // Element counts of buffer parameters the analysis cannot size (loop bind's givenExtents):
  // function -> parameter -> count over the function's scalar parameters.
  std::map<std::string, std::map<std::string, ast::ExprPtr>> givenExtents;
};

TranslationPlan planTranslation(ast::Dialect from, ast::Dialect to, Route route, const PlanOptions &options = {});

// Whether a direct route exists that differs from the route through C.
bool hasDirectRoute(ast::Dialect from, ast::Dialect to);

}  // namespace xpile::passes
