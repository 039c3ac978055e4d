// C lowering: a C++ module (CUDA/HIP host code after host lowering, or VNNI after detensorize)
// becomes C11: template instances and overloads get distinct plain names, references become
// pointers, C++ casts and nullptr/std:: functions/headers get their C forms, namespaces are
// flattened, integer constants become enumerators (usable as array extents in C).
#pragma once

#include "passes/pass.h"

namespace xpile::passes {

struct CLoweringOptions {};

// Postcondition on success: m.isCxx == false, m.dialect == C, and the module prints as C11 that
// `gcc -std=c11 -Wall -c` accepts. Constructs with no C equivalent (classes with methods,
// lambdas, exceptions, used verbatim C++) are errors at their location; the module is then left
// unchanged and the function returns false. Records ctx.stats["c_lowering.*"].
bool lowerCxxToC(ast::Module &m, const CLoweringOptions &o, PassContext &ctx);

}  // namespace xpile::passes
