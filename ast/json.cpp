// The JSON form of the shared AST: every node is an object whose "node" field names its kind, with
// its children as nested objects. Stable enough for tools to consume (`xpile dump --json`).
#include "ast/dump.h"

namespace xpile::ast {

using nlohmann::json;

json toJson(const Type &t) {
  json j;
  switch (t.kind) {
  case Type::Kind::Scalar: j = {{"kind", "scalar"}, {"scalar", scalarTypeName(t.scalar)}}; break;
  case Type::Kind::Vector: j = {{"kind", "vector"}, {"scalar", scalarTypeName(t.scalar)}, {"lanes", t.lanes}}; break;
  case Type::Kind::Pointer: j = {{"kind", "pointer"}, {"element", toJson(*t.element)}}; break;
  case Type::Kind::Reference: j = {{"kind", "reference"}, {"element", toJson(*t.element)}}; break;
  case Type::Kind::Array:
    j = {{"kind", "array"}, {"element", toJson(*t.element)}};
    j["extent"] = t.extent ? json(*t.extent) : json(nullptr);
    break;
  case Type::Kind::Named: j = {{"kind", "named"}, {"name", t.name}}; break;
  }
  if (t.isConst) j["const"] = true;
  if (t.isVolatile) j["volatile"] = true;
  if (t.isRestrict) j["restrict"] = true;
  return j;
}

namespace {

json loc(const SourceLoc &l) {
  if (!l.valid()) return nullptr;
  return {{"file", l.file}, {"line", l.line}, {"column", l.column}};
}
json type(const TypePtr &t) { return t ? toJson(*t) : json(nullptr); }

json expr(const ExprPtr &e);
json stmt(const StmtPtr &s);

json exprs(const std::vector<ExprPtr> &v) {
  json a = json::array();
  for (auto &e : v) a.push_back(expr(e));
  return a;
}
json stmts(const std::vector<StmtPtr> &v) {
  json a = json::array();
  for (auto &s : v) a.push_back(stmt(s));
  return a;
}

json expr(const ExprPtr &e) {
  if (!e) return nullptr;
  json j;
  switch (e->kind) {
  case ExprKind::IntLit: j = {{"node", "int"}, {"value", e->as<IntLit>()->value}}; break;
  case ExprKind::FloatLit:
    j = {{"node", "float"}, {"value", e->as<FloatLit>()->value}, {"spelling", e->as<FloatLit>()->spelling}};
    break;
  case ExprKind::BoolLit: j = {{"node", "bool"}, {"value", e->as<BoolLit>()->value}}; break;
  case ExprKind::StringLit: j = {{"node", "string"}, {"value", e->as<StringLit>()->value}}; break;
  case ExprKind::Var: j = {{"node", "var"}, {"name", e->as<Var>()->name}}; break;
  case ExprKind::Unary: {
    auto &n = *e->as<Unary>();
    bool post = n.op == UnaryOp::PostInc || n.op == UnaryOp::PostDec;
    j = {{"node", "unary"}, {"op", unaryOpSpelling(n.op)}, {"postfix", post}, {"operand", expr(n.operand)}};
    break;
  }
  case ExprKind::Binary: {
    auto &n = *e->as<Binary>();
    j = {{"node", "binary"}, {"op", binaryOpSpelling(n.op)}, {"lhs", expr(n.lhs)}, {"rhs", expr(n.rhs)}};
    break;
  }
  case ExprKind::Assign: {
    auto &n = *e->as<AssignExpr>();
    j = {{"node", "assign_expr"}, {"op", n.op ? binaryOpSpelling(*n.op) : ""}, {"target", expr(n.target)},
         {"value", expr(n.value)}};
    break;
  }
  case ExprKind::Load: j = {{"node", "load"}, {"base", expr(e->as<Load>()->base)}, {"index", expr(e->as<Load>()->index)}}; break;
  case ExprKind::Member: {
    auto &n = *e->as<Member>();
    j = {{"node", "member"}, {"base", expr(n.base)}, {"field", n.field}, {"arrow", n.arrow}};
    break;
  }
  case ExprKind::Call: {
    auto &n = *e->as<Call>();
    j = {{"node", "call"}, {"callee", n.callee}, {"call_kind", callKindName(n.callKind)}, {"args", exprs(n.args)}};
    if (n.receiver) j["receiver"] = {{"object", expr(n.receiver)}, {"arrow", n.arrow}};
    if (!n.templateArgs.empty()) j["template_args"] = n.templateArgs;
    break;
  }
  case ExprKind::Cast: j = {{"node", "cast"}, {"operand", expr(e->as<Cast>()->operand)}}; break;
  case ExprKind::Select: {
    auto &n = *e->as<Select>();
    j = {{"node", "select"}, {"cond", expr(n.cond)}, {"then", expr(n.thenValue)}, {"else", expr(n.elseValue)}};
    break;
  }
  case ExprKind::ParallelIndex: {
    auto &n = *e->as<ParallelIndex>();
    j = {{"node", "parallel_index"}, {"axis", parallelAxisName(n.axis)}, {"dim", n.dim}};
    break;
  }
  case ExprKind::SizeOf: {
    auto &n = *e->as<SizeOf>();
    j = {{"node", "sizeof"}, {"operand_type", type(n.operandType)}, {"operand", expr(n.operand)}};
    break;
  }
  case ExprKind::InitList: j = {{"node", "init_list"}, {"elements", exprs(e->as<InitList>()->elements)}}; break;
  case ExprKind::Verbatim:
    j = {{"node", "verbatim"}, {"text", e->as<VerbatimExpr>()->text}, {"reason", e->as<VerbatimExpr>()->reason}};
    break;
  }
  j["type"] = type(e->type);
  if (e->loc.valid()) j["loc"] = loc(e->loc);
  return j;
}

json config(const LaunchConfig &c) {
  if (c.isBang()) return {{"task_dim", expr(c.taskDim)}, {"task_type", expr(c.taskType)}, {"queue", expr(c.queue)}};
  return {{"grid", expr(c.grid)}, {"block", expr(c.block)}, {"shared_bytes", expr(c.sharedBytes)}, {"stream", expr(c.stream)}};
}

json stmt(const StmtPtr &s) {
  if (!s) return nullptr;
  json j;
  switch (s->kind) {
  case StmtKind::Seq: j = {{"node", "seq"}, {"scoped", s->as<Seq>()->scoped}, {"body", stmts(s->as<Seq>()->body)}}; break;
  case StmtKind::Decl: {
    auto &n = *s->as<Decl>();
    j = {{"node", "decl"}, {"name", n.name}, {"type", type(n.type)}, {"init", expr(n.init)}, {"static", n.isStatic}};
    break;
  }
  case StmtKind::Alloc: {
    auto &n = *s->as<Alloc>();
    j = {{"node", "alloc"}, {"name", n.name}, {"type", type(n.type)}, {"space", memSpaceName(n.space)},
         {"extern", n.isExtern}, {"init", expr(n.init)}};
    break;
  }
  case StmtKind::Assign: {
    auto &n = *s->as<AssignStmt>();
    j = {{"node", "assign"}, {"op", n.op ? binaryOpSpelling(*n.op) : ""}, {"target", expr(n.target)},
         {"value", expr(n.value)}};
    break;
  }
  case StmtKind::Eval: j = {{"node", "eval"}, {"value", expr(s->as<Eval>()->value)}}; break;
  case StmtKind::If: {
    auto &n = *s->as<If>();
    j = {{"node", "if"}, {"cond", expr(n.cond)}, {"then", stmt(n.thenBody)}, {"else", stmt(n.elseBody)}};
    break;
  }
  case StmtKind::Switch: {
    auto &n = *s->as<Switch>();
    json cases = json::array();
    for (auto &c : n.cases) cases.push_back({{"label", expr(c.label)}, {"body", stmts(c.body)}});
    j = {{"node", "switch"}, {"value", expr(n.value)}, {"cases", cases}};
    break;
  }
  case StmtKind::For: {
    auto &n = *s->as<For>();
    j = {{"node", "for"}, {"var", n.var}, {"var_type", type(n.varType)}, {"start", expr(n.start)},
         {"end", expr(n.end)}, {"step", expr(n.step)}, {"cmp", binaryOpSpelling(n.cmp)},
         {"kind", forKindName(n.forKind)}, {"body", stmt(n.body)}};
    if (n.forKind == ForKind::Unrolled) j["unroll_factor"] = n.unrollFactor;
    if (!n.parallelClauses.empty()) j["clauses"] = n.parallelClauses;
    break;
  }
  case StmtKind::Loop: {
    auto &n = *s->as<Loop>();
    const char *form = n.form == Loop::Form::While ? "while" : n.form == Loop::Form::DoWhile ? "do_while" : "for";
    j = {{"node", "loop"}, {"form", form}, {"init", stmt(n.init)}, {"cond", expr(n.cond)},
         {"update", expr(n.update)}, {"body", stmt(n.body)}};
    break;
  }
  case StmtKind::Break: j = {{"node", "break"}}; break;
  case StmtKind::Continue: j = {{"node", "continue"}}; break;
  case StmtKind::Return: j = {{"node", "return"}, {"value", expr(s->as<Return>()->value)}}; break;
  case StmtKind::Sync: {
    auto &n = *s->as<Sync>();
    j = {{"node", "sync"}, {"scope", syncScopeName(n.scope)}, {"detail", n.detail}, {"args", exprs(n.args)}};
    break;
  }
  case StmtKind::Copy: {
    auto &n = *s->as<Copy>();
    j = {{"node", "copy"}, {"direction", n.direction}, {"async", n.async}, {"dst", expr(n.dst)},
         {"src", expr(n.src)}, {"bytes", expr(n.bytes)}, {"dst_space", memSpaceName(n.dstSpace)},
         {"src_space", memSpaceName(n.srcSpace)}, {"dst_stride", expr(n.dstStride)},
         {"src_stride", expr(n.srcStride)}, {"segnum", expr(n.segnum)}, {"extra_args", exprs(n.extraArgs)}};
    break;
  }
  case StmtKind::Launch: {
    auto &n = *s->as<Launch>();
    j = {{"node", "launch"}, {"kernel", n.kernel}, {"config", config(n.config)}, {"args", exprs(n.args)},
         {"via_macro", n.viaMacro}};
    if (!n.templateArgs.empty()) j["template_args"] = n.templateArgs;
    break;
  }
  case StmtKind::HostAlloc: {
    auto &n = *s->as<HostAlloc>();
    const char *mem[] = {"device", "managed", "pinned_host"};
    j = {{"node", "host_alloc"}, {"memory", mem[int(n.memory)]}, {"pointer", expr(n.pointer)}, {"bytes", expr(n.bytes)}};
    break;
  }
  case StmtKind::HostFree: j = {{"node", "host_free"}, {"pointer", expr(s->as<HostFree>()->pointer)}}; break;
  case StmtKind::HostCopy: {
    auto &n = *s->as<HostCopy>();
    j = {{"node", "host_copy"}, {"direction", copyDirectionName(n.direction)}, {"async", n.async},
         {"dst", expr(n.dst)}, {"src", expr(n.src)}, {"bytes", expr(n.bytes)}, {"stream", expr(n.stream)}};
    break;
  }
  case StmtKind::HostSync: j = {{"node", "host_sync"}, {"stream", expr(s->as<HostSync>()->stream)}}; break;
  case StmtKind::Verbatim:
    j = {{"node", "verbatim"}, {"text", s->as<VerbatimStmt>()->text}, {"reason", s->as<VerbatimStmt>()->reason}};
    break;
  }
  if (s->loc.valid()) j["loc"] = loc(s->loc);
  return j;
}

}  // namespace

json toJson(const Module &m) {
  json items = json::array();
  for (auto &item : m.items) {
    if (auto *f = std::get_if<Function>(&item)) {
      json params = json::array();
      for (auto &p : f->params) params.push_back({{"name", p.name}, {"type", type(p.type)}});
      json jf = {{"node", "function"}, {"name", f->name}, {"kind", functionKindName(f->kind)}, {"return_type", type(f->returnType)},
                 {"params", params}, {"body", stmt(f->body)}, {"loc", loc(f->loc)}};
      if (f->launchBounds)
        jf["launch_bounds"] = {{"max_threads", f->launchBounds->maxThreadsPerBlock},
                               {"min_blocks", f->launchBounds->minBlocksPerMultiprocessor}};
      if (f->templateInstance)
        jf["template"] = {{"parameters", f->templateInstance->parameterList},
                          {"arguments", f->templateInstance->arguments}};
      items.push_back(jf);
    } else if (auto *g = std::get_if<GlobalVar>(&item)) {
      items.push_back({{"node", "global"}, {"name", g->name}, {"type", type(g->type)}, {"space", memSpaceName(g->space)},
                       {"init", expr(g->init)}, {"loc", loc(g->loc)}});
    } else if (auto *v = std::get_if<VerbatimDecl>(&item)) {
      items.push_back({{"node", "verbatim"}, {"text", v->text}, {"reason", v->reason}, {"loc", loc(v->loc)}});
    }
  }
  json includes = json::array();
  for (auto &inc : m.includes) includes.push_back({{"header", inc.header}, {"angled", inc.angled}});
  json carried = json::array();
  for (auto &span : m.carriedSpans()) carried.push_back({{"loc", loc(span.loc)}, {"reason", span.reason}});
  return {{"dialect", dialectName(m.dialect)}, {"source", m.sourceFile}, {"includes", includes},
          {"items", items}, {"carried_spans", carried}};
}

}  // namespace xpile::ast
