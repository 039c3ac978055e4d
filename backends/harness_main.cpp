#include "backends/harness_main.h"

#include "backends/c_family_printer.h"
#include "backends/printer.h"

namespace xpile::backends {

namespace {

std::string joined(const std::vector<std::string> &parts) {
  std::string s;
  for (const auto &p : parts) s += (s.empty() ? "" : ", ") + p;
  return s;
}

// "k<16, float>" -> ("k", {"16", "float"}).
std::pair<std::string, std::vector<std::string>> splitTemplateName(const std::string &name) {
  auto open = name.find('<');
  if (open == std::string::npos || name.back() != '>') return {name, {}};
  std::vector<std::string> args;
  std::string inner = name.substr(open + 1, name.size() - open - 2), cur;
  int depth = 0;
  for (char c : inner) {
    if (c == '<') ++depth;
    if (c == '>') --depth;
    if (c == ',' && depth == 0) {
      args.push_back(cur);
      cur.clear();
      continue;
    }
    if (c != ' ' || !cur.empty()) cur += c;
  }
  args.push_back(cur);
  for (auto &a : args)
    while (!a.empty() && a.back() == ' ') a.pop_back();
  return {name.substr(0, open), args};
}

}  // namespace

std::string qualifiedName(const ast::Function &f) {
  // Unnamed namespaces are reachable without a qualifier from the same file.
  std::string q;
  for (size_t start = 0; !f.ns.empty();) {
    size_t sep = f.ns.find("::", start);
    std::string part = f.ns.substr(start, sep == std::string::npos ? std::string::npos : sep - start);
    if (part != "(anonymous)") q += part + "::";
    if (sep == std::string::npos) break;
    start = sep + 2;
  }
  return q + f.name;
}

const ast::Function *findTarget(const ast::Module &m, const HarnessRequest &request, std::string &error) {
  auto [name, args] = splitTemplateName(request.name);
  std::vector<const ast::Function *> candidates;
  for (const auto &item : m.items)
    if (auto *f = std::get_if<ast::Function>(&item); f && (f->name == name || qualifiedName(*f) == name) && f->body) {
      if (!args.empty() && (!f->templateInstance || f->templateInstance->arguments != args)) continue;
      candidates.push_back(f);
    }
  std::string what = request.mode == HarnessRequest::Mode::Kernel ? "kernel" : "function";
  if (candidates.empty()) {
    error = "no " + what + " named '" + request.name + "' with a body in this file";
    return nullptr;
  }
  if (candidates.size() > 1) {
    error = "'" + request.name + "' names " + std::to_string(candidates.size()) +
            " template instances; name one with its arguments, e.g. '" + name + "<" +
            joined(candidates.front()->templateInstance ? candidates.front()->templateInstance->arguments
                                                        : std::vector<std::string>{}) +
            ">'";
    return nullptr;
  }
  const ast::Function *f = candidates.front();
  bool isKernel = f->kind == ast::FunctionKind::Kernel;
  if (request.mode == HarnessRequest::Mode::Kernel && !isKernel) {
    error = "'" + request.name + "' is not a kernel; use --entry to call a host function";
    return nullptr;
  }
  if (request.mode == HarnessRequest::Mode::Entry && isKernel) {
    error = "'" + request.name + "' is a kernel; use --kernel with a launch configuration";
    return nullptr;
  }
  return f;
}

std::string cFunctionDeclaration(const ast::Module &m, const ast::Function &f) {
  ast::Module asCxx;  // only the language matters to the printer's spelling of types
  asCxx.dialect = m.dialect;
  asCxx.isCxx = true;
  auto printer = makePrinter(asCxx, m.dialect);
  std::vector<std::string> params;
  for (const auto &p : f.params) params.push_back(printer->declare(p.type, p.name));
  return printer->declare(f.returnType, "") + " " + f.name + "(" + joined(params) + ")";
}

HarnessMain deviceHarnessMain(const ast::Module &m, const HarnessRequest &request) {
  HarnessMain out;
  if (m.dialect != ast::Dialect::CUDA) {
    out.error = "running on a GPU is available for CUDA programs only";
    return out;
  }
  out.target = findTarget(m, request, out.error);
  if (!out.target) return out;
  const ast::Function &f = *out.target;
  auto printer = makePrinter(m, m.dialect);
  std::string setup, args, copyBack, release;
  for (size_t k = 0; k < f.params.size(); ++k) {
    const ast::TypePtr &t = f.params[k].type;
    std::string K = std::to_string(k);
    if (t && (t->kind == ast::Type::Kind::Pointer || t->kind == ast::Type::Kind::Array)) {
      auto elem = std::make_shared<ast::Type>(*t->element);
      elem->isConst = false;
      std::string T = printer->declare(elem, "");
      setup += "  " + T + " *h" + K + " = job.buffer<" + T + ">(" + K + ");\n  " + T + " *d" + K +
               " = nullptr;\n  XPILE_CUDA_CHECK(cudaMalloc(&d" + K + ", job.bytes(" + K + ")));\n"
               "  XPILE_CUDA_CHECK(cudaMemcpy(d" + K + ", h" + K + ", job.bytes(" + K + "), cudaMemcpyHostToDevice));\n";
      args += (args.empty() ? "" : ", ") + std::string("d") + K;
      copyBack += "  XPILE_CUDA_CHECK(cudaMemcpy(h" + K + ", d" + K + ", job.bytes(" + K + "), cudaMemcpyDeviceToHost));\n";
      release += "  cudaFree(d" + K + ");\n";
    } else if (t && t->kind == ast::Type::Kind::Scalar) {
      auto scalar = std::make_shared<ast::Type>(*t);
      scalar->isConst = false;
      args += (args.empty() ? "" : ", ") + std::string("job.scalar<") + printer->declare(scalar, "") + ">(" + K + ")";
    } else {
      out.error = "parameter " + K + " of '" + request.name + "' cannot be supplied from --arg";
      return out;
    }
  }
  std::vector<std::string> templateArgs = f.templateInstance ? f.templateInstance->arguments : std::vector<std::string>{};
  std::string callee = qualifiedName(f) + (templateArgs.empty() ? "" : "<" + joined(templateArgs) + ">");
  std::string call = request.mode == HarnessRequest::Mode::Entry
                         ? callee + "(" + args + ");"
                         : callee + "<<<dim3(job.grid().x, job.grid().y, job.grid().z), dim3(job.block().x, "
                                    "job.block().y, job.block().z), job.sharedBytes()>>>(" + args + ");\n"
                                    "  XPILE_CUDA_CHECK(cudaGetLastError());";
  out.code = "\n// Generated by xpile: runs '" + request.name + "' on the GPU with the arguments of the harness job.\n"
             "#include \"xpile_harness.h\"\n"
             "#define XPILE_CUDA_CHECK(call) do { cudaError_t e_ = (call); if (e_ != cudaSuccess) { "
             "fprintf(stderr, \"xpile-harness: %s: %s\\n\", #call, cudaGetErrorString(e_)); return 3; } } while (0)\n"
             "int main() {\n"
             "  xpile::harness::Job &job = xpile::harness::job();\n" + setup + "  " + call + "\n"
             "  XPILE_CUDA_CHECK(cudaDeviceSynchronize());\n" + copyBack + release +
             "  job.finish();\n"
             "  return 0;\n"
             "}\n";
  return out;
}

HarnessMain harnessMain(const ast::Module &m, const HarnessRequest &request) {
  HarnessMain out;
  out.target = findTarget(m, request, out.error);
  if (!out.target) return out;
  const ast::Function &f = *out.target;
  auto printer = makePrinter(m, m.dialect);

  // Each parameter from the job: pointers are buffers of their element type, scalars are scalars.
  std::vector<std::string> args;
  for (size_t k = 0; k < f.params.size(); ++k) {
    const ast::TypePtr &t = f.params[k].type;
    if (!t) {
      out.error = "parameter " + std::to_string(k) + " of '" + request.name + "' has no known type";
      return out;
    }
    if (t->kind == ast::Type::Kind::Pointer || (t->kind == ast::Type::Kind::Array)) {
      auto elem = std::make_shared<ast::Type>(*t->element);
      elem->isConst = false;
      elem->isVolatile = false;
      args.push_back("job.buffer<" + printer->declare(elem, "") + ">(" + std::to_string(k) + ")");
    } else if (t->kind == ast::Type::Kind::Scalar) {
      auto scalar = std::make_shared<ast::Type>(*t);
      scalar->isConst = false;
      args.push_back("job.scalar<" + printer->declare(scalar, "") + ">(" + std::to_string(k) + ")");
    } else {
      out.error = "parameter " + std::to_string(k) + " ('" + f.params[k].name + "') of '" + request.name + "' has type " +
                  printer->declare(t, "") + ", which --arg cannot supply (buffers and scalars only)";
      return out;
    }
  }

  std::vector<std::string> templateArgs = f.templateInstance ? f.templateInstance->arguments : std::vector<std::string>{};
  std::string callee = qualifiedName(f);
  std::string info = kernelInfoName(callee, templateArgs);
  if (!templateArgs.empty()) callee += "<" + joined(templateArgs) + ">";
  std::string call;
  if (request.mode == HarnessRequest::Mode::Entry) {
    call = callee + "(" + joined(args) + ");";
  } else if (m.dialect == ast::Dialect::BANG) {
    // cnrtFuncTypeUnionN == 4 * N in CNRT 6; Block is 1.
    call = "xpile::bang::launch(" + info + ", " + callee +
           ", cnrtDim3_t{job.taskDimensions().x, job.taskDimensions().y, job.taskDimensions().z}, "
           "job.taskTypeUnion() == 0 ? cnrtFuncTypeBlock : (cnrtFunctionType_t)(4 * job.taskTypeUnion()), nullptr" +
           (args.empty() ? "" : ", " + joined(args)) + ");";
  } else {
    call = "xpile::simt::launch(" + info + ", " + callee +
           ", dim3(job.grid().x, job.grid().y, job.grid().z), dim3(job.block().x, job.block().y, job.block().z), "
           "job.sharedBytes(), nullptr" +
           (args.empty() ? "" : ", " + joined(args)) + ");";
  }
  out.code = "\n// Generated by xpile: runs '" + request.name + "' with the arguments of the harness job.\n"
             "#include \"xpile_harness.h\"\n"
             "int main() {\n"
             "  xpile::harness::Job &job = xpile::harness::job();\n"
             "  " + call + "\n"
             "  job.finish();\n"
             "  return 0;\n"
             "}\n";
  return out;
}

}  // namespace xpile::backends
