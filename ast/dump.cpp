#include "ast/dump.h"

#include <sstream>

namespace xpile::ast {

namespace {

std::string typeStr(const TypePtr &t) { return t ? describe(*t) : std::string("?"); }

std::string firstLine(const std::string &text) {
  auto nl = text.find('\n');
  return nl == std::string::npos ? text : text.substr(0, nl) + " ...";
}

}  // namespace

std::string dumpExpr(const ExprPtr &e) {
  if (!e) return "<null>";
  switch (e->kind) {
  case ExprKind::IntLit: {
    auto &n = *e->as<IntLit>();
    return n.spelling.empty() ? std::to_string(n.value) : n.spelling;
  }
  case ExprKind::FloatLit: {
    auto &n = *e->as<FloatLit>();
    if (!n.spelling.empty()) return n.spelling;
    std::ostringstream os;
    os << n.value;
    return os.str();
  }
  case ExprKind::BoolLit: return e->as<BoolLit>()->value ? "true" : "false";
  case ExprKind::StringLit: return "\"" + e->as<StringLit>()->value + "\"";
  case ExprKind::Var: return e->as<Var>()->name;
  case ExprKind::Unary: {
    auto &n = *e->as<Unary>();
    if (n.op == UnaryOp::PostInc || n.op == UnaryOp::PostDec)
      return "(" + dumpExpr(n.operand) + unaryOpSpelling(n.op) + ")";
    return std::string("(") + unaryOpSpelling(n.op) + dumpExpr(n.operand) + ")";
  }
  case ExprKind::Binary: {
    auto &n = *e->as<Binary>();
    return "(" + dumpExpr(n.lhs) + " " + binaryOpSpelling(n.op) + " " + dumpExpr(n.rhs) + ")";
  }
  case ExprKind::Assign: {
    auto &n = *e->as<AssignExpr>();
    return "(" + dumpExpr(n.target) + " " + (n.op ? binaryOpSpelling(*n.op) : "") + "= " + dumpExpr(n.value) + ")";
  }
  case ExprKind::Load: {
    auto &n = *e->as<Load>();
    return dumpExpr(n.base) + "[" + dumpExpr(n.index) + "]";
  }
  case ExprKind::Member: {
    auto &n = *e->as<Member>();
    return dumpExpr(n.base) + (n.arrow ? "->" : ".") + n.field;
  }
  case ExprKind::Call: {
    auto &n = *e->as<Call>();
    std::string s = n.receiver ? dumpExpr(n.receiver) + (n.arrow ? "->" : ".") + n.callee : n.callee;
    if (!n.templateArgs.empty()) {
      s += "<";
      for (size_t i = 0; i < n.templateArgs.size(); ++i) s += (i ? ", " : "") + n.templateArgs[i];
      s += ">";
    }
    s += "(";
    for (size_t i = 0; i < n.args.size(); ++i) s += (i ? ", " : "") + dumpExpr(n.args[i]);
    return s + ")";
  }
  case ExprKind::Cast: return "cast<" + typeStr(e->type) + ">(" + dumpExpr(e->as<Cast>()->operand) + ")";
  case ExprKind::Select: {
    auto &n = *e->as<Select>();
    return "(" + dumpExpr(n.cond) + " ? " + dumpExpr(n.thenValue) + " : " + dumpExpr(n.elseValue) + ")";
  }
  case ExprKind::ParallelIndex: {
    auto &n = *e->as<ParallelIndex>();
    std::string s = parallelAxisName(n.axis);
    switch (n.axis) {
    case ParallelAxis::ThreadIdx: case ParallelAxis::BlockIdx: case ParallelAxis::BlockDim: case ParallelAxis::GridDim:
      return s + "." + "xyz"[n.dim];
    default: return s;
    }
  }
  case ExprKind::SizeOf: {
    auto &n = *e->as<SizeOf>();
    return "sizeof(" + (n.operandType ? describe(*n.operandType) : dumpExpr(n.operand)) + ")";
  }
  case ExprKind::InitList: {
    auto &n = *e->as<InitList>();
    std::string s = "{";
    for (size_t i = 0; i < n.elements.size(); ++i) s += (i ? ", " : "") + dumpExpr(n.elements[i]);
    return s + "}";
  }
  case ExprKind::Verbatim: return "verbatim`" + firstLine(e->as<VerbatimExpr>()->text) + "`";
  }
  return "?";
}

namespace {

class TextDumper {
public:
  std::ostringstream out;

  void line(int depth, const std::string &text) { out << std::string(2 * depth, ' ') << text << "\n"; }

  void stmt(const StmtPtr &s, int d) {
    if (!s) return;
    switch (s->kind) {
    case StmtKind::Seq: {
      auto &n = *s->as<Seq>();
      line(d, n.scoped ? "seq" : "seq (unscoped)");
      for (auto &c : n.body) stmt(c, d + 1);
      break;
    }
    case StmtKind::Decl: {
      auto &n = *s->as<Decl>();
      line(d, std::string("decl ") + (n.isStatic ? "static " : "") + n.name + ": " + typeStr(n.type) +
                  (n.init ? " = " + dumpExpr(n.init) : ""));
      break;
    }
    case StmtKind::Alloc: {
      auto &n = *s->as<Alloc>();
      line(d, std::string("alloc ") + memSpaceName(n.space) + (n.isExtern ? " extern" : "") + " " + n.name + ": " +
                  typeStr(n.type) + (n.init ? " = " + dumpExpr(n.init) : ""));
      break;
    }
    case StmtKind::Assign: {
      auto &n = *s->as<AssignStmt>();
      line(d, "assign " + dumpExpr(n.target) + " " + (n.op ? binaryOpSpelling(*n.op) : "") + "= " + dumpExpr(n.value));
      break;
    }
    case StmtKind::Eval: line(d, "eval " + dumpExpr(s->as<Eval>()->value)); break;
    case StmtKind::If: {
      auto &n = *s->as<If>();
      line(d, "if " + dumpExpr(n.cond));
      stmt(n.thenBody, d + 1);
      if (n.elseBody) {
        line(d, "else");
        stmt(n.elseBody, d + 1);
      }
      break;
    }
    case StmtKind::Switch: {
      auto &n = *s->as<Switch>();
      line(d, "switch " + dumpExpr(n.value));
      for (auto &c : n.cases) {
        line(d + 1, c.label ? "case " + dumpExpr(c.label) : std::string("default"));
        for (auto &b : c.body) stmt(b, d + 2);
      }
      break;
    }
    case StmtKind::For: {
      auto &n = *s->as<For>();
      std::string head = std::string("for[") + forKindName(n.forKind);
      if (n.forKind == ForKind::Unrolled && n.unrollFactor) head += " " + std::to_string(n.unrollFactor);
      if (!n.parallelClauses.empty()) head += " " + n.parallelClauses;
      head += "] " + n.var + ": " + typeStr(n.varType) + " = " + dumpExpr(n.start) + "; " + n.var + " " +
              binaryOpSpelling(n.cmp) + " " + dumpExpr(n.end) + "; += " + dumpExpr(n.step);
      line(d, head);
      stmt(n.body, d + 1);
      break;
    }
    case StmtKind::Loop: {
      auto &n = *s->as<Loop>();
      const char *form = n.form == Loop::Form::While ? "while" : n.form == Loop::Form::DoWhile ? "do-while" : "for";
      line(d, std::string("loop ") + form + " cond=" + (n.cond ? dumpExpr(n.cond) : "forever") +
                  (n.update ? " update=" + dumpExpr(n.update) : ""));
      if (n.init) {
        line(d + 1, "init");
        stmt(n.init, d + 2);
      }
      stmt(n.body, d + 1);
      break;
    }
    case StmtKind::Break: line(d, "break"); break;
    case StmtKind::Continue: line(d, "continue"); break;
    case StmtKind::Return: {
      auto &n = *s->as<Return>();
      line(d, "return" + (n.value ? " " + dumpExpr(n.value) : ""));
      break;
    }
    case StmtKind::Sync: {
      auto &n = *s->as<Sync>();
      std::string args;
      for (auto &a : n.args) args += " " + dumpExpr(a);
      line(d, std::string("sync ") + syncScopeName(n.scope) + (n.detail.empty() ? "" : " " + n.detail) + args);
      break;
    }
    case StmtKind::Copy: {
      auto &n = *s->as<Copy>();
      std::string t = std::string("copy") + (n.async ? " async " : " ") + n.direction + " " + dumpExpr(n.dst) +
                      " <- " + dumpExpr(n.src) + " bytes=" + dumpExpr(n.bytes);
      if (n.segnum)
        t += " dst_stride=" + dumpExpr(n.dstStride) + " src_stride=" + dumpExpr(n.srcStride) +
             " segnum=" + dumpExpr(n.segnum);
      for (auto &e : n.extraArgs) t += " " + dumpExpr(e);
      line(d, t);
      break;
    }
    case StmtKind::Launch: {
      auto &n = *s->as<Launch>();
      std::string t = "launch " + n.kernel;
      auto &c = n.config;
      if (c.isBang())
        t += " task_dim=" + dumpExpr(c.taskDim) + " task_type=" + dumpExpr(c.taskType) + " queue=" + dumpExpr(c.queue);
      else {
        t += " grid=" + dumpExpr(c.grid) + " block=" + dumpExpr(c.block);
        if (c.sharedBytes) t += " shared=" + dumpExpr(c.sharedBytes);
        if (c.stream) t += " stream=" + dumpExpr(c.stream);
      }
      t += " args(";
      for (size_t i = 0; i < n.args.size(); ++i) t += (i ? ", " : "") + dumpExpr(n.args[i]);
      line(d, t + ")");
      break;
    }
    case StmtKind::HostAlloc: {
      auto &n = *s->as<HostAlloc>();
      line(d, "host_alloc " + dumpExpr(n.pointer) + " bytes=" + dumpExpr(n.bytes));
      break;
    }
    case StmtKind::HostFree: line(d, "host_free " + dumpExpr(s->as<HostFree>()->pointer)); break;
    case StmtKind::HostCopy: {
      auto &n = *s->as<HostCopy>();
      line(d, std::string("host_copy") + (n.async ? " async " : " ") + copyDirectionName(n.direction) + " " +
                  dumpExpr(n.dst) + " <- " + dumpExpr(n.src) + " bytes=" + dumpExpr(n.bytes) +
                  (n.stream ? " stream=" + dumpExpr(n.stream) : ""));
      break;
    }
    case StmtKind::HostSync: {
      auto &n = *s->as<HostSync>();
      line(d, "host_sync" + (n.stream ? " " + dumpExpr(n.stream) : std::string(" device")));
      break;
    }
    case StmtKind::Verbatim: {
      auto &n = *s->as<VerbatimStmt>();
      line(d, "verbatim (" + n.reason + ") `" + firstLine(n.text) + "`");
      break;
    }
    }
  }
};

}  // namespace

std::string dumpText(const Module &m) {
  TextDumper t;
  t.line(0, std::string("module ") + dialectName(m.dialect) + " \"" + m.sourceFile + "\"");
  for (auto &inc : m.includes) t.line(1, "include " + (inc.angled ? "<" + inc.header + ">" : "\"" + inc.header + "\""));
  for (auto &item : m.items) {
    if (auto *f = std::get_if<Function>(&item)) {
      std::string head = std::string(functionKindName(f->kind)) + " " + f->name;
      if (f->templateInstance) {
        head += "<";
        for (size_t i = 0; i < f->templateInstance->arguments.size(); ++i)
          head += (i ? ", " : "") + f->templateInstance->arguments[i];
        head += ">";
      }
      head += "(";
      for (size_t i = 0; i < f->params.size(); ++i)
        head += (i ? ", " : "") + f->params[i].name + ": " + typeStr(f->params[i].type);
      head += ") -> " + typeStr(f->returnType);
      if (f->launchBounds) head += " launch_bounds(" + std::to_string(f->launchBounds->maxThreadsPerBlock) + ")";
      if (!f->body) head += " (declaration)";
      t.line(1, head);
      t.stmt(f->body, 2);
    } else if (auto *g = std::get_if<GlobalVar>(&item)) {
      t.line(1, std::string("global ") + memSpaceName(g->space) + " " + g->name + ": " + typeStr(g->type) +
                    (g->init ? " = " + dumpExpr(g->init) : ""));
    } else if (auto *v = std::get_if<VerbatimDecl>(&item)) {
      t.line(1, "verbatim (" + v->reason + ") `" + firstLine(v->text) + "`");
    }
  }
  return t.out.str();
}

}  // namespace xpile::ast
