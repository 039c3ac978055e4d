// `--extent [FUNCTION:]PARAM=EXPR`: the element count of a buffer parameter, for entries whose
// accesses the buffer-extent analysis cannot bound (gathers, data-dependent indices). EXPR is a C
// expression over the function's scalar parameters, parsed by Clang (not by text matching).
#pragma once

#include "ast/module.h"
#include "passes/translation_plan.h"

#include <string>
#include <vector>

namespace xpile::tools {

// Adds each spec to `out.givenExtents`. Without `FUNCTION:`, the spec applies to every function
// of the module with a pointer parameter of that name. Errors name
// the spec: an unknown function or parameter, a parameter that is not a pointer, an expression
// Clang rejects (its diagnostic is included).
bool addGivenExtents(const std::vector<std::string> &specs, const ast::Module &module, passes::PlanOptions &out,
                     std::string &error);

}  // namespace xpile::tools
