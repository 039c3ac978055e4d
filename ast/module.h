// A translation unit in the shared AST: includes, global variables, functions (kernels, device
// helpers, host code), and the top-level source the model carries verbatim (structs, typedefs,
// macros, uninstantiated templates), all in source order.
#pragma once

#include "ast/stmt.h"

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace xpile::ast {

enum class Dialect { CUDA, HIP, BANG, VNNI, C };

const char *dialectName(Dialect d);  // "cuda", "hip", "bang", "vnni", "c"
std::optional<Dialect> dialectFromName(const std::string &name);
// The extension a source file of the dialect is written with: ".cu", ".hip", ".mlu", and for C
// and VNNI ".c" or ".cpp" by language.
const char *sourceExtension(Dialect d, bool isCxx);

enum class FunctionKind {
  Kernel,      // __global__, __mlu_global__ / __mlu_entry__
  Device,      // __device__, __mlu_func__ / __mlu_device__
  Host,        // plain or __host__ functions (all functions of C/VNNI)
  HostDevice,  // __host__ __device__
};

const char *functionKindName(FunctionKind k);  // "kernel", "device", "host", "host_device"

struct Param {
  std::string name;
  TypePtr type;
};

struct LaunchBounds {
  int64_t maxThreadsPerBlock = 0;
  int64_t minBlocksPerMultiprocessor = 0;  // 0 = not given
};

// A template the function was instantiated from: `template <int BS, typename T>` with the
// arguments of this instantiation ("256", "float").
struct TemplateInstance {
  std::string parameterList;  // "int BS, typename T"
  std::vector<std::string> arguments;
  // The primary template's own signature, with dependent types carried as Named spellings ("T *"),
  // so a printer can declare the primary template before printing instances as specializations.
  TypePtr primaryReturnType;
  std::vector<std::pair<std::string, TypePtr>> primaryParams;
};

// The namespace enclosing a top-level item: "" for the global namespace, "a::b" for nested ones,
// with "(anonymous)" for an unnamed namespace.
using NamespacePath = std::string;

struct Function {
  std::string name;
  NamespacePath ns;
  FunctionKind kind = FunctionKind::Host;
  TypePtr returnType;
  std::vector<Param> params;
  StmtPtr body;  // null for a declaration
  bool isStatic = false;
  bool isInline = false;
  bool forceInline = false;  // __forceinline__ / BANG __mlu_func__
  bool isExternC = false;
  std::optional<LaunchBounds> launchBounds;
  std::optional<TemplateInstance> templateInstance;
  SourceLoc loc;
};

struct GlobalVar {
  std::string name;
  NamespacePath ns;
  TypePtr type;
  MemSpace space = MemSpace::Default;
  ExprPtr init;
  bool isStatic = false;
  bool isExtern = false;
  bool isConstexpr = false;
  SourceLoc loc;
};

// Top-level source carried unchanged (struct definitions, typedefs, using-declarations, #define
// lines, uninstantiated templates, ...).
struct VerbatimDecl {
  std::string text;
  std::string reason;
  SourceLoc loc;
  NamespacePath ns;
};

struct Include {
  std::string header;  // as written between the delimiters: "cuda_runtime.h", "common.cuh"
  bool angled = false;
  SourceLoc loc;
};

using TopLevel = std::variant<Function, GlobalVar, VerbatimDecl>;

// A source span the model carries unchanged, for the report.
struct CarriedSpan {
  SourceLoc loc;
  std::string reason;
  std::string text;
};

struct Module {
  Dialect dialect = Dialect::C;
  std::string sourceFile;
  bool isCxx = true;  // false for C sources (.c)
  std::vector<Include> includes;
  std::vector<TopLevel> items;

  // Everything the lowering could not model, in source order; printing keeps it verbatim.
  std::vector<CarriedSpan> carriedSpans() const;
  const Function *findFunction(const std::string &name) const;
};

}  // namespace xpile::ast
