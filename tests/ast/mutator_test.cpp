#include "ast/dump.h"
#include "ast/visitor.h"

#include <gtest/gtest.h>

using namespace xpile::ast;

namespace {

ExprPtr var(const std::string &name) {
  auto v = std::make_shared<Var>();
  v->name = name;
  return v;
}
ExprPtr lit(int64_t value) {
  auto l = std::make_shared<IntLit>();
  l->value = value;
  return l;
}
ExprPtr bin(BinaryOp op, ExprPtr a, ExprPtr b) {
  auto n = std::make_shared<Binary>();
  n->op = op;
  n->lhs = std::move(a);
  n->rhs = std::move(b);
  return n;
}

// Renames one variable everywhere: the kind of rewrite passes are made of.
class Rename : public IRMutator {
public:
  Rename(std::string from, std::string to) : from_(std::move(from)), to_(std::move(to)) {}

protected:
  ExprPtr visitVar(const Var &v, const ExprPtr &self) override { return v.name == from_ ? var(to_) : self; }

private:
  std::string from_, to_;
};

class CountLoads : public IRVisitor {
public:
  int loads = 0;

protected:
  void visitLoad(const Load &n) override {
    ++loads;
    IRVisitor::visitLoad(n);
  }
};

}  // namespace

TEST(IRMutator, RebuildsOnlyWhatChanges) {
  ExprPtr untouched = bin(BinaryOp::Mul, var("a"), lit(2));
  ExprPtr e = bin(BinaryOp::Add, untouched, var("i"));
  ExprPtr out = Rename("i", "j").mutate(e);
  EXPECT_NE(out, e);
  EXPECT_EQ(dumpExpr(out), "((a * 2) + j)");
  // The unchanged subtree is shared, not copied.
  EXPECT_EQ(out->as<Binary>()->lhs, untouched);
  // No change at all returns the very same node.
  EXPECT_EQ(Rename("zz", "j").mutate(e), e);
}

TEST(IRMutator, DescendsIntoStatements) {
  auto store = std::make_shared<AssignStmt>();
  auto load = std::make_shared<Load>();
  load->base = var("out");
  load->index = var("i");
  store->target = load;
  store->value = var("i");
  auto loop = std::make_shared<For>();
  loop->var = "i";
  loop->start = lit(0);
  loop->end = var("n");
  loop->step = lit(1);
  loop->body = store;
  StmtPtr out = Rename("i", "k").mutate(StmtPtr(loop));
  auto *f = out->as<For>();
  ASSERT_NE(f, nullptr);
  auto *body = f->body->as<AssignStmt>();
  ASSERT_NE(body, nullptr);
  EXPECT_EQ(dumpExpr(body->target), "out[k]");
  EXPECT_EQ(dumpExpr(body->value), "k");
  EXPECT_EQ(f->end, loop->end);  // untouched children shared
}

TEST(IRVisitor, VisitsNestedExpressions) {
  auto inner = std::make_shared<Load>();
  inner->base = var("a");
  inner->index = var("i");
  auto outer = std::make_shared<Load>();
  outer->base = inner;
  outer->index = var("j");
  CountLoads counter;
  counter.visit(ExprPtr(bin(BinaryOp::Add, outer, lit(1))));
  EXPECT_EQ(counter.loads, 2);
}
