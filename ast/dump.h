// Readable forms of the shared AST: an indented text tree (`xpile dump`) and JSON (`xpile dump --json`).
#pragma once

#include "ast/module.h"

#include <nlohmann/json.hpp>
#include <string>

namespace xpile::ast {

std::string dumpText(const Module &m);
std::string dumpExpr(const ExprPtr &e);  // one line, C-like and dialect-neutral
nlohmann::json toJson(const Module &m);
nlohmann::json toJson(const Type &t);

}  // namespace xpile::ast
