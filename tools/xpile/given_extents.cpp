#include "tools/xpile/given_extents.h"

#include "ast/visitor.h"
#include "frontends/frontend.h"

namespace xpile::tools {
namespace {

bool hasPointerParam(const ast::Function &f, const std::string &name) {
  for (auto &p : f.params)
    if (p.name == name) return p.type && p.type->kind == ast::Type::Kind::Pointer;
  return false;
}

// EXPR as a shared-AST expression over `f`'s integer parameters: Clang parses it as the return
// value of a function taking exactly those parameters, so any other name is an error.
ast::ExprPtr parseCount(const ast::Function &f, const std::string &text, std::string &error) {
  std::string params;
  for (auto &p : f.params)
    if (p.type && p.type->isInteger()) params += (params.empty() ? "" : ", ") + std::string("long long ") + p.name;
  std::string source = "long long xpile_extent(" + (params.empty() ? std::string("void") : params) +
                       ") {\n  return " + text + ";\n}\n";
  frontends::ParseOptions opts;
  opts.dialect = ast::Dialect::C;
  frontends::ParseResult r = frontends::parseSource("<extent of " + f.name + ">.c", source, opts);
  const ast::Function *fn = r.module ? r.module->findFunction("xpile_extent") : nullptr;
  const ast::Return *ret = nullptr;
  if (fn && fn->body) {
    struct Finder : ast::IRVisitor {
      const ast::Return *found = nullptr;
      void visitReturn(const ast::Return &n) override { found = &n; }
    } finder;
    finder.visit(fn->body);
    ret = finder.found;
  }
  if (!ret || !ret->value || r.errorCount) {
    error = "'" + text + "' is not an integer expression over the integer parameters of '" + f.name + "'" +
            (r.diagnostics.empty() ? "" : ":\n" + r.diagnostics);
    return nullptr;
  }
  return ret->value;
}

}  // namespace

bool addGivenExtents(const std::vector<std::string> &specs, const ast::Module &module, passes::PlanOptions &out,
                     std::string &error) {
  for (const std::string &spec : specs) {
    size_t eq = spec.find('=');
    std::string target = spec.substr(0, eq), text = eq == std::string::npos ? "" : spec.substr(eq + 1);
    size_t colon = target.find(':');
    std::string function = colon == std::string::npos ? "" : target.substr(0, colon);
    std::string param = colon == std::string::npos ? target : target.substr(colon + 1);
    if (eq == std::string::npos || param.empty() || text.empty()) {
      error = "--extent '" + spec + "': expected [FUNCTION:]PARAM=EXPR";
      return false;
    }
    std::vector<const ast::Function *> functions;
    for (auto &item : module.items)
      if (auto *f = std::get_if<ast::Function>(&item); f && f->body && (function.empty() || f->name == function) &&
                                                        hasPointerParam(*f, param))
        functions.push_back(f);
    if (functions.empty()) {
      error = "--extent '" + spec + "': no pointer parameter '" + param + "'" +
              (function.empty() ? std::string(" in any function") : " in '" + function + "'");
      return false;
    }
    for (const ast::Function *f : functions) {
      std::string why;
      ast::ExprPtr count = parseCount(*f, text, why);
      if (!count) {
        error = "--extent '" + spec + "': " + why;
        return false;
      }
      out.givenExtents[f->name][param] = count;
    }
  }
  return true;
}

}  // namespace xpile::tools
