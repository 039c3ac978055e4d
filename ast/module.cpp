#include "ast/visitor.h"

namespace xpile::ast {

namespace {
// Collects every verbatim statement and expression inside function bodies.
class CarriedSpanCollector : public IRVisitor {
public:
  std::vector<CarriedSpan> spans;

protected:
  void visitVerbatimStmt(const VerbatimStmt &n) override { spans.push_back({n.loc, n.reason, n.text}); }
  void visitVerbatimExpr(const VerbatimExpr &n) override { spans.push_back({n.loc, n.reason, n.text}); }
};
}  // namespace

std::vector<CarriedSpan> Module::carriedSpans() const {
  CarriedSpanCollector collector;
  for (const auto &item : items) {
    if (auto *v = std::get_if<VerbatimDecl>(&item)) collector.spans.push_back({v->loc, v->reason, v->text});
    else if (auto *f = std::get_if<Function>(&item)) collector.visit(*f);
    else if (auto *g = std::get_if<GlobalVar>(&item)) collector.visit(g->init);
  }
  return collector.spans;
}

const Function *Module::findFunction(const std::string &name) const {
  for (const auto &item : items)
    if (auto *f = std::get_if<Function>(&item); f && f->name == name && f->body) return f;
  return nullptr;
}

}  // namespace xpile::ast
