// Which family a called function belongs to (math library, target intrinsic, atomic, warp
// operation, host runtime, compiler/library builtin, or the program's own), decided from the name
// and from where the function is declared.
#pragma once

#include "ast/expr.h"

#include <string>

namespace xpile::frontends {

enum class DeclOrigin { Prelude, SystemHeader, User };

ast::CallKind classifyCall(const std::string &qualifiedName, DeclOrigin origin);

}  // namespace xpile::frontends
