#include "backends/kernel_resources.h"

#include "ast/visitor.h"

#include <set>

namespace xpile::backends {

namespace {

// Walks a kernel and the user functions it calls, collecting local buffers by memory space and the
// names it references (to find the file-scope buffers it uses).
class ResourceCollector : public ast::IRVisitor {
public:
  explicit ResourceCollector(const ast::Module &m) : module_(m) {}

  void function(const ast::Function &f) {
    if (!visited_.insert(&f).second) return;
    visit(f);
  }

  void add(ast::MemSpace space, const ast::TypePtr &type) {
    switch (space) {
    case ast::MemSpace::Shared: out.shared.push_back(type); break;
    case ast::MemSpace::NRAM: out.nram.push_back(type); break;
    case ast::MemSpace::WRAM: out.wram.push_back(type); break;
    case ast::MemSpace::SRAM: out.sram.push_back(type); break;
    default: break;
    }
  }

  KernelResources out;
  std::set<std::string> names;

protected:
  void visitAlloc(const ast::Alloc &n) override {
    if (n.space == ast::MemSpace::Local || n.space == ast::MemSpace::Default) {
      if (!n.isStatic) out.local.push_back(n.type);
    } else if (!n.isExtern) {
      add(n.space, n.type);  // dynamic shared memory is sized by the launch
    }
    ast::IRVisitor::visitAlloc(n);
  }
  void visitVar(const ast::Var &n) override { names.insert(n.name); }
  void visitCall(const ast::Call &n) override {
    if (n.callKind == ast::CallKind::User && !n.receiver)
      for (const auto &item : module_.items)
        if (auto *f = std::get_if<ast::Function>(&item); f && f->name == n.callee && f->body) function(*f);
    ast::IRVisitor::visitCall(n);
  }

private:
  const ast::Module &module_;
  std::set<const ast::Function *> visited_;
};

}  // namespace

int64_t bufferBytes(const ast::Type &type) {
  switch (type.kind) {
  case ast::Type::Kind::Scalar: return ast::scalarTypeBytes(type.scalar);
  case ast::Type::Kind::Vector: return int64_t(ast::scalarTypeBytes(type.scalar)) * type.lanes;
  case ast::Type::Kind::Array: return type.extent && type.element ? *type.extent * bufferBytes(*type.element) : 0;
  case ast::Type::Kind::Pointer: return 8;
  default: return 0;
  }
}

KernelResources kernelResources(const ast::Module &m, const ast::Function &kernel) {
  ResourceCollector collector(m);
  collector.function(kernel);
  for (const auto &item : m.items)
    if (auto *g = std::get_if<ast::GlobalVar>(&item); g && !g->isExtern && collector.names.count(g->name))
      collector.add(g->space, g->type);
  return collector.out;
}

}  // namespace xpile::backends
