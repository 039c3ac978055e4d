// The `main` that runs one kernel or one host entry function of a program under xpile's executors,
// with its arguments supplied by xpile's harness (backends/runtime/xpile_harness.h): buffers and
// scalars in parameter order, the launch configuration, and the dump of every buffer afterwards.
#pragma once

#include "ast/module.h"

#include <string>

namespace xpile::backends {

struct HarnessRequest {
  enum class Mode { Kernel, Entry } mode = Mode::Kernel;
  // The kernel or function name; a template instance may be named with its arguments ("k<16>").
  std::string name;
};

struct HarnessMain {
  std::string code;                 // empty on error
  std::string error;                // why the request cannot be served
  const ast::Function *target = nullptr;
};

// The function `request` names in `m` (for template kernels: the instance whose arguments match, or
// the only instance).
const ast::Function *findTarget(const ast::Module &m, const HarnessRequest &request, std::string &error);

HarnessMain harnessMain(const ast::Module &m, const HarnessRequest &request);

// The same for a real NVIDIA GPU (`xpile run --device gpu`): the job's buffers are copied to device
// memory with the CUDA runtime, the kernel is launched with <<<...>>>, and the results are copied
// back before they are dumped. CUDA modules only.
HarnessMain deviceHarnessMain(const ast::Module &m, const HarnessRequest &request);

// `ns::name` as code outside the function's namespace names it.
std::string qualifiedName(const ast::Function &f);

// `f`'s declaration as C++ spells it (`void f(float *__restrict a, int n)`), for calling a C
// program's function from a C++ harness.
std::string cFunctionDeclaration(const ast::Module &m, const ast::Function &f);

}  // namespace xpile::backends
