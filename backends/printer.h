// The back end's entry point: print a shared-AST Module as idiomatic source of one dialect, and
// format C-family source with clang-format. One printer per dialect lives under backends/<dialect>/;
// they share the C-family printer (c_family_printer.h) and differ only in its hooks.
#pragma once

#include "ast/module.h"

#include <string>
#include <vector>

namespace xpile::backends {

// An error: a construct the target dialect cannot express (a kernel launch in plain C, a BANG DMA
// copy in CUDA, ...). The printed code still contains a placeholder comment at that point.
struct PrintDiagnostic {
  ast::SourceLoc loc;
  std::string message;
};

struct PrintResult {
  std::string code;
  std::vector<PrintDiagnostic> errors;
  bool ok() const { return errors.empty(); }
};

struct PrintOptions {
  bool format = true;  // run clang-format (formatSource) over the printed code
  // Print the program for xpile's CPU executors (docs/executors.md): the executor header instead
  // of the SDK's, a KernelInfo after each kernel, launches through the executor, dynamic shared
  // memory from the executor, and the program's `main` renamed to `xpile_user_main` when a harness
  // supplies its own.
  bool forExecution = false;
  bool checkedAccesses = false;  // with forExecution: bounds-check subscripts of pointers in device code
  bool renameMain = false;       // with forExecution
};

// The executor header a dialect's programs include when printed for execution ("xpile_cuda.h").
const char *executorHeader(ast::Dialect d);

// The name of the KernelInfo constant the execution printing emits for a kernel (or one template
// instance of it): `xpile_kernel_info_k`, `xpile_kernel_info_k_16_float`.
std::string kernelInfoName(const std::string &kernel, const std::vector<std::string> &templateArgs);

PrintResult printModule(const ast::Module &m, ast::Dialect target, const PrintOptions &opts = {});

// clang-format with the project's style (LLVM based, 100 columns, 2-space indent, includes kept in
// the order printed). Returns `code` unchanged if formatting fails.
std::string formatSource(const std::string &code, bool isCxx);

}  // namespace xpile::backends
