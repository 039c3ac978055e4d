// Tests of the dialect printers (backends/). Wiring in tests/CMakeLists.txt:
//   add_executable(printer_test backends/printer_test.cpp)   # tests/backends/printer_test.cpp
//   target_link_libraries(printer_test xpile_backends GTest::gtest_main)
// The compile tests run nvcc (/usr/local/cuda/bin/nvcc), hipcc and g++ when present and skip
// otherwise.
#include "backends/c_family_printer.h"
#include "backends/printer.h"
#include "tests/backends/ast_builders.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace xpile;
using namespace xpile::testing;
using backends::makePrinter;
using backends::printModule;
using backends::PrintOptions;

namespace {

std::string exprIn(Dialect d, const ExprPtr &e, bool isCxx = true) {
  Module m = module(d, {}, {}, isCxx);
  return makePrinter(m, d)->printExpr(e);
}
std::string exprC(const ExprPtr &e) { return exprIn(Dialect::CUDA, e); }

std::string stmtIn(Dialect d, const StmtPtr &s, bool isCxx = true) {
  Module m = module(d, {}, {}, isCxx);
  return makePrinter(m, d)->printStmt(s);
}

std::string declIn(Dialect d, const TypePtr &t, const std::string &name, bool isCxx = true) {
  Module m = module(d, {}, {}, isCxx);
  return makePrinter(m, d)->declare(t, name);
}

// The #include lines at the top of printed code.
std::string headerBlock(const std::string &code) {
  size_t end = code.find("\n\n");
  return end == std::string::npos ? code : code.substr(0, end + 1);
}

std::vector<std::string> errorsOf(Dialect d, const StmtPtr &s) {
  Module m = module(d, {function("f", FunctionKind::Kernel, {}, seq({s}))});
  auto r = printModule(m, d, PrintOptions{false});
  std::vector<std::string> messages;
  for (auto &e : r.errors) messages.push_back(e.message);
  return messages;
}

TemplateInstance instance(const std::string &params, std::vector<std::string> args,
                          std::vector<std::pair<std::string, TypePtr>> primaryParams = {}, TypePtr primaryRet = nullptr) {
  TemplateInstance ti;
  ti.parameterList = params;
  ti.arguments = std::move(args);
  ti.primaryParams = std::move(primaryParams);
  ti.primaryReturnType = std::move(primaryRet);
  return ti;
}

// a, b, c, ... as int variables.
ExprPtr a = var("a"), b = var("b"), c = var("c"), d = var("d"), x = var("x"), p = var("p"), i = var("i"), n = var("n");

}  // namespace

// =============================================================================================
// Expressions and precedence

TEST(PrinterExpr, MinimalParentheses) {
  EXPECT_EQ(exprC(mul(add(a, b), c)), "(a + b) * c");
  EXPECT_EQ(exprC(add(a, mul(b, c))), "a + b * c");
  EXPECT_EQ(exprC(sub(a, sub(b, c))), "a - (b - c)");
  EXPECT_EQ(exprC(sub(sub(a, b), c)), "a - b - c");
  EXPECT_EQ(exprC(div(a, mul(b, c))), "a / (b * c)");
  EXPECT_EQ(exprC(mul(a, div(b, c))), "a * (b / c)");
  EXPECT_EQ(exprC(add(a, add(b, c))), "a + (b + c)");  // kept: integer/floating addition is not reassociable in general
  EXPECT_EQ(exprC(lt(add(a, b), mul(c, d))), "a + b < c * d");
  EXPECT_EQ(exprC(bin(BinaryOp::EQ, lt(a, b), c)), "a < b == c");
  EXPECT_EQ(exprC(bin(BinaryOp::LAnd, lt(a, b), lt(c, d))), "a < b && c < d");
  EXPECT_EQ(exprC(bin(BinaryOp::Comma, a, b)), "a, b");
}

TEST(PrinterExpr, ClarityParenthesesForOperatorsPeopleConfuse) {
  EXPECT_EQ(exprC(bin(BinaryOp::LOr, a, bin(BinaryOp::LAnd, b, c))), "a || (b && c)");
  EXPECT_EQ(exprC(bin(BinaryOp::Shl, a, add(b, c))), "a << (b + c)");
  EXPECT_EQ(exprC(bin(BinaryOp::BitAnd, a, bin(BinaryOp::EQ, b, c))), "a & (b == c)");
  EXPECT_EQ(exprC(bin(BinaryOp::BitOr, bin(BinaryOp::BitAnd, a, b), c)), "(a & b) | c");
  EXPECT_EQ(exprC(bin(BinaryOp::EQ, bin(BinaryOp::BitAnd, a, b), c)), "(a & b) == c");  // needed
}

TEST(PrinterExpr, UnaryPostfixAndMembers) {
  EXPECT_EQ(exprC(neg(add(a, b))), "-(a + b)");
  EXPECT_EQ(exprC(neg(neg(x))), "-(-x)");
  EXPECT_EQ(exprC(neg(lit(-3))), "-(-3)");
  EXPECT_EQ(exprC(sub(a, lit(-1))), "a - -1");
  EXPECT_EQ(exprC(deref(postInc(p))), "*p++");
  EXPECT_EQ(exprC(postInc(deref(p))), "(*p)++");
  EXPECT_EQ(exprC(addrOf(load(p, add(i, lit(1))))), "&p[i + 1]");
  EXPECT_EQ(exprC(load(add(p, i), lit(0))), "(p + i)[0]");
  EXPECT_EQ(exprC(load(load(var("t"), i), var("j"))), "t[i][j]");
  EXPECT_EQ(exprC(member(deref(p), "x")), "(*p).x");
  EXPECT_EQ(exprC(member(p, "x", true)), "p->x");
  EXPECT_EQ(exprC(un(UnaryOp::Not, lt(a, b))), "!(a < b)");
  EXPECT_EQ(exprC(un(UnaryOp::BitNot, a)), "~a");
}

TEST(PrinterExpr, AssignSelectAndComma) {
  EXPECT_EQ(exprC(assignExpr(a, assignExpr(b, lit(0)))), "a = b = 0");
  EXPECT_EQ(exprC(assignExpr(a, b, BinaryOp::Add)), "a += b");
  EXPECT_EQ(exprC(lt(assignExpr(a, b), c)), "(a = b) < c");
  EXPECT_EQ(exprC(select(lt(a, b), a, b)), "a < b ? a : b");
  EXPECT_EQ(exprC(select(a, b, select(c, d, x))), "a ? b : c ? d : x");
  EXPECT_EQ(exprC(select(select(a, b, c), d, x)), "(a ? b : c) ? d : x");
  EXPECT_EQ(exprC(add(select(a, b, c), lit(1))), "(a ? b : c) + 1");
  EXPECT_EQ(exprC(call("f", {bin(BinaryOp::Comma, a, b), c})), "f((a, b), c)");
  EXPECT_EQ(exprC(call("std::max", {a, b}, CallKind::Builtin, {"int"})), "std::max<int>(a, b)");
}

TEST(PrinterExpr, Literals) {
  EXPECT_EQ(exprC(lit(5)), "5");
  EXPECT_EQ(exprC(lit(5, u32())), "5u");
  EXPECT_EQ(exprC(lit(5, i64())), "5ll");
  EXPECT_EQ(exprC(lit(5, scalar(ScalarType::U64))), "5ull");
  EXPECT_EQ(exprC(lit(255, u32(), "0xffu")), "0xffu");
  EXPECT_EQ(exprC(flit(1.5)), "1.5f");
  EXPECT_EQ(exprC(flit(2.0)), "2.0f");
  EXPECT_EQ(exprC(flit(0.1, f64())), "0.1");
  EXPECT_EQ(exprC(flit(0.1)), "0.1f");
  EXPECT_EQ(exprC(flit(1e-10)), "1e-10f");
  EXPECT_EQ(exprC(flit(1.0, f32(), "1.F")), "1.F");
  EXPECT_EQ(exprC(mul(a, flit(-2.5))), "a * -2.5f");
  EXPECT_EQ(exprC(boolLit(true)), "true");
  EXPECT_EQ(exprC(str("a\"b\\\n\x01")), "\"a\\\"b\\\\\\n\\001\"");
}

TEST(PrinterExpr, Casts) {
  EXPECT_EQ(exprC(cast(f32(), add(a, b))), "(float)(a + b)");
  EXPECT_EQ(exprC(add(cast(f32(), a), b)), "(float)a + b");
  EXPECT_EQ(exprC(cast(i32(), x, CastStyle::Static)), "static_cast<int>(x)");
  EXPECT_EQ(exprC(cast(ptr(f32()), p, CastStyle::Reinterpret)), "reinterpret_cast<float *>(p)");
  EXPECT_EQ(exprC(cast(f32(), x, CastStyle::Functional)), "float(x)");
  EXPECT_EQ(exprC(cast(u32(), x, CastStyle::Functional)), "(unsigned int)x");
  EXPECT_EQ(exprC(mul(cast(f32(), add(a, b), CastStyle::Implicit), c)), "(a + b) * c");
  EXPECT_EQ(exprIn(Dialect::C, cast(i32(), x, CastStyle::Static), /*isCxx=*/false), "(int)x");
  EXPECT_EQ(exprC(sizeOf(f32())), "sizeof(float)");
  EXPECT_EQ(exprC(mul(n, sizeOf(f32()))), "n * sizeof(float)");
}

TEST(PrinterExpr, VerbatimExpressionsKeepTheirTextAndGetParenthesesOnlyWhenNeeded) {
  EXPECT_EQ(exprC(verbatimExpr("[](int v) { return v; }")), "[](int v) { return v; }");
  EXPECT_EQ(exprC(mul(verbatimExpr("x + y"), lit(2))), "(x + y) * 2");
  EXPECT_EQ(exprC(mul(verbatimExpr("foo(1, 2)"), lit(2))), "foo(1, 2) * 2");
  EXPECT_EQ(exprC(call("g", {verbatimExpr("x + y")})), "g(x + y)");
  EXPECT_EQ(exprC(call("g", {verbatimExpr("x, y")})), "g((x, y))");
}

TEST(PrinterExpr, ParallelIndices) {
  EXPECT_EQ(exprIn(Dialect::CUDA, tid(0)), "threadIdx.x");
  EXPECT_EQ(exprIn(Dialect::HIP, pidx(ParallelAxis::BlockIdx, 1)), "blockIdx.y");
  EXPECT_EQ(exprIn(Dialect::CUDA, pidx(ParallelAxis::BlockDim, 2)), "blockDim.z");
  EXPECT_EQ(exprIn(Dialect::CUDA, pidx(ParallelAxis::GridDim, 0)), "gridDim.x");
  EXPECT_EQ(exprIn(Dialect::CUDA, pidx(ParallelAxis::WarpSize)), "warpSize");
  EXPECT_EQ(exprIn(Dialect::BANG, pidx(ParallelAxis::TaskId)), "taskId");
  EXPECT_EQ(exprIn(Dialect::BANG, pidx(ParallelAxis::TaskIdX)), "taskIdX");
  EXPECT_EQ(exprIn(Dialect::BANG, pidx(ParallelAxis::ClusterId)), "clusterId");
  EXPECT_EQ(exprIn(Dialect::BANG, pidx(ParallelAxis::CoreDim)), "coreDim");
  EXPECT_EQ(exprC(add(mul(pidx(ParallelAxis::BlockIdx), pidx(ParallelAxis::BlockDim)), tid())),
            "blockIdx.x * blockDim.x + threadIdx.x");
}

// =============================================================================================
// Types and declarators

TEST(PrinterTypes, Declarators) {
  EXPECT_EQ(declIn(Dialect::CUDA, arr(arr(f32(), 8), 4), "a"), "float a[4][8]");
  EXPECT_EQ(declIn(Dialect::CUDA, ptr(arr(f32(), 16)), "p"), "float (*p)[16]");
  EXPECT_EQ(declIn(Dialect::CUDA, arr(ptr(f32()), 4), "a"), "float *a[4]");
  EXPECT_EQ(declIn(Dialect::CUDA, ptr(ptr(i32())), "pp"), "int **pp");
  EXPECT_EQ(declIn(Dialect::CUDA, ptr(constOf(f32()), true), "in"), "const float *__restrict__ in");
  EXPECT_EQ(declIn(Dialect::CUDA, Type::pointerTo(f32(), true), "p"), "float *const p");
  EXPECT_EQ(declIn(Dialect::CUDA, Type::referenceTo(f32()), "r"), "float &r");
  EXPECT_EQ(declIn(Dialect::CUDA, arr(f32(), std::nullopt), "dyn"), "float dyn[]");
  EXPECT_EQ(declIn(Dialect::CUDA, ptr(arr(f32(), 16)), ""), "float (*)[16]");
  EXPECT_EQ(declIn(Dialect::CUDA, ptr(f32()), ""), "float *");
  EXPECT_EQ(declIn(Dialect::C, ptr(f32(), true), "p", /*isCxx=*/false), "float *restrict p");
  EXPECT_EQ(declIn(Dialect::C, ptr(f32(), true), "p", /*isCxx=*/true), "float *__restrict p");
  EXPECT_EQ(declIn(Dialect::HIP, ptr(f32(), true), "p"), "float *__restrict__ p");
  EXPECT_EQ(declIn(Dialect::CUDA, named("dim3"), "grid"), "dim3 grid");
}

TEST(PrinterTypes, ScalarSpellings) {
  EXPECT_EQ(declIn(Dialect::CUDA, f16(), "h"), "half h");
  EXPECT_EQ(declIn(Dialect::HIP, f16(), "h"), "half h");
  EXPECT_EQ(declIn(Dialect::BANG, f16(), "h"), "half h");
  EXPECT_EQ(declIn(Dialect::C, f16(), "h"), "_Float16 h");
  EXPECT_EQ(declIn(Dialect::VNNI, f16(), "h"), "_Float16 h");
  EXPECT_EQ(declIn(Dialect::CUDA, bf16(), "h"), "__nv_bfloat16 h");
  EXPECT_EQ(declIn(Dialect::HIP, bf16(), "h"), "__hip_bfloat16 h");
  EXPECT_EQ(declIn(Dialect::BANG, bf16(), "h"), "bfloat16_t h");
  EXPECT_EQ(declIn(Dialect::VNNI, bf16(), "h"), "__bf16 h");
  EXPECT_EQ(declIn(Dialect::HIP, withName(f16(), "__half"), "h"), "half h");  // half is the target's
  EXPECT_EQ(declIn(Dialect::C, scalar(ScalarType::I8), "v"), "signed char v");
  EXPECT_EQ(declIn(Dialect::C, withName(scalar(ScalarType::I8), "int8_t"), "v"), "int8_t v");
  EXPECT_EQ(declIn(Dialect::C, withName(scalar(ScalarType::U64), "size_t"), "v"), "size_t v");
  EXPECT_EQ(declIn(Dialect::C, scalar(ScalarType::Char), "v"), "char v");
  EXPECT_EQ(declIn(Dialect::C, scalar(ScalarType::U8), "v"), "unsigned char v");
  EXPECT_EQ(declIn(Dialect::C, u32(), "v"), "unsigned int v");
  EXPECT_EQ(declIn(Dialect::C, i64(), "v"), "long long v");
  EXPECT_EQ(declIn(Dialect::C, scalar(ScalarType::U64), "v"), "unsigned long long v");
  EXPECT_EQ(declIn(Dialect::C, scalar(ScalarType::Bool), "v", /*isCxx=*/false), "_Bool v");
  EXPECT_EQ(declIn(Dialect::CUDA, scalar(ScalarType::Bool), "v"), "bool v");
  EXPECT_EQ(declIn(Dialect::CUDA, constOf(f64()), "v"), "const double v");
}

TEST(PrinterTypes, VectorTypes) {
  EXPECT_EQ(declIn(Dialect::CUDA, Type::vectorOf(ScalarType::F32, 4), "v"), "float4 v");
  EXPECT_EQ(declIn(Dialect::CUDA, Type::vectorOf(ScalarType::F16, 2), "v"), "half2 v");
  EXPECT_EQ(declIn(Dialect::HIP, Type::vectorOf(ScalarType::I32, 2), "v"), "int2 v");
  EXPECT_EQ(declIn(Dialect::CUDA, Type::vectorOf(ScalarType::U8, 4), "v"), "uchar4 v");
  EXPECT_EQ(declIn(Dialect::CUDA, Type::vectorOf(ScalarType::BF16, 2), "v"), "__nv_bfloat162 v");
  EXPECT_EQ(declIn(Dialect::HIP, Type::vectorOf(ScalarType::BF16, 2), "v"), "__hip_bfloat162 v");

  Module m = module(Dialect::C, {});
  auto printer = makePrinter(m, Dialect::C);
  EXPECT_EQ(printer->declare(Type::vectorOf(ScalarType::F32, 4), "v"), "f32x4 v");
  ASSERT_EQ(printer->errors().size(), 1u);
  EXPECT_EQ(printer->errors()[0].message, "vector type f32x4 cannot be expressed in C");
}

// =============================================================================================
// Statements

TEST(PrinterStmt, DeclsAssignsAndBlocks) {
  EXPECT_EQ(stmtIn(Dialect::CUDA, decl("x", f32(), flit(0))), "float x = 0.0f;\n");
  EXPECT_EQ(stmtIn(Dialect::CUDA, decl("v", arr(i32(), 3), initList({lit(1), lit(2), lit(3)}))),
            "int v[3] = {1, 2, 3};\n");
  EXPECT_EQ(stmtIn(Dialect::CUDA, node<Decl>([](Decl &d) {
              d.name = "k"; d.type = constOf(i32()); d.init = lit(4); d.isStatic = true; d.isConstexpr = true;
            })),
            "static constexpr const int k = 4;\n");
  EXPECT_EQ(stmtIn(Dialect::CUDA, assign(load(p, i), add(load(p, i), lit(1)))), "p[i] = p[i] + 1;\n");
  EXPECT_EQ(stmtIn(Dialect::CUDA, assign(deref(p), x, BinaryOp::Mul)), "*p *= x;\n");
  EXPECT_EQ(stmtIn(Dialect::CUDA, eval(postInc(i))), "i++;\n");
  EXPECT_EQ(stmtIn(Dialect::CUDA, seq({eval(call("f")), seq({eval(call("g"))})})), "{\n  f();\n  {\n    g();\n  }\n}\n");
  EXPECT_EQ(stmtIn(Dialect::CUDA, seq({eval(call("f")), eval(call("g"))}, false)), "f();\ng();\n");
  EXPECT_EQ(stmtIn(Dialect::CUDA, ret()), "return;\n");
  EXPECT_EQ(stmtIn(Dialect::CUDA, ret(add(a, b))), "return a + b;\n");
}

TEST(PrinterStmt, IfElseChainsAndDanglingElse) {
  EXPECT_EQ(stmtIn(Dialect::C, ifs(lt(a, b), eval(call("f")))), "if (a < b)\n  f();\n");
  EXPECT_EQ(stmtIn(Dialect::C, ifs(a, seq({eval(call("f"))}), seq({eval(call("g"))}))),
            "if (a) {\n  f();\n} else {\n  g();\n}\n");
  EXPECT_EQ(stmtIn(Dialect::C, ifs(a, seq({eval(call("f"))}), ifs(b, seq({eval(call("g"))}), seq({ret()})))),
            "if (a) {\n  f();\n} else if (b) {\n  g();\n} else {\n  return;\n}\n");
  // The inner if has no else: the outer else must not attach to it.
  EXPECT_EQ(stmtIn(Dialect::C, ifs(a, ifs(b, eval(call("f"))), eval(call("g")))),
            "if (a) {\n  if (b)\n    f();\n} else\n  g();\n");
  // A declaration cannot be a lone sub-statement.
  EXPECT_EQ(stmtIn(Dialect::C, ifs(a, decl("t", i32(), lit(0)))), "if (a) {\n  int t = 0;\n}\n");
}

TEST(PrinterStmt, SwitchKeepsFallThrough) {
  auto sw = node<Switch>([](Switch &s) {
    s.value = var("k");
    s.cases.push_back({lit(1), {eval(call("one"))}});
    s.cases.push_back({lit(2), {eval(call("two")), brk()}});
    s.cases.push_back({nullptr, {eval(call("other")), brk()}});
  });
  EXPECT_EQ(stmtIn(Dialect::CUDA, sw),
            "switch (k) {\ncase 1:\n  one();\ncase 2:\n  two();\n  break;\ndefault:\n  other();\n  break;\n}\n");
}

TEST(PrinterStmt, ForKinds) {
  auto body = seq({assign(load(var("y"), i), load(var("x"), i))});
  EXPECT_EQ(stmtIn(Dialect::C, forLoop("i", lit(0), n, body)), "for (int i = 0; i < n; ++i) {\n  y[i] = x[i];\n}\n");
  EXPECT_EQ(stmtIn(Dialect::C, forLoop("i", lit(0), sub(n, lit(1)), body, ForKind::Serial, lit(2))),
            "for (int i = 0; i < n - 1; i += 2) {\n  y[i] = x[i];\n}\n");
  EXPECT_EQ(stmtIn(Dialect::CUDA, forLoop("i", lit(0), lit(4), body, ForKind::Unrolled)),
            "#pragma unroll\nfor (int i = 0; i < 4; ++i) {\n  y[i] = x[i];\n}\n");
  auto unroll4 = node<For>([&](For &f) {
    f.var = "i"; f.start = lit(0); f.end = n; f.body = body; f.forKind = ForKind::Unrolled; f.unrollFactor = 4;
    f.cmp = BinaryOp::LE;
  });
  EXPECT_EQ(stmtIn(Dialect::BANG, unroll4), "#pragma unroll 4\nfor (int i = 0; i <= n; ++i) {\n  y[i] = x[i];\n}\n");
  auto parallel = node<For>([&](For &f) {
    f.var = "i"; f.varType = i64(); f.start = lit(0); f.end = n; f.body = body; f.forKind = ForKind::Parallel;
    f.parallelClauses = "schedule(static)";
  });
  EXPECT_EQ(stmtIn(Dialect::VNNI, parallel),
            "#pragma omp parallel for schedule(static)\nfor (long long i = 0; i < n; ++i) {\n  y[i] = x[i];\n}\n");
  EXPECT_EQ(stmtIn(Dialect::C, forLoop("i", lit(0), n, body, ForKind::Vectorized)),
            "#pragma omp simd\nfor (int i = 0; i < n; ++i) {\n  y[i] = x[i];\n}\n");
  // A pragma-carrying loop under an if is braced so the pragma stays with its loop.
  EXPECT_EQ(stmtIn(Dialect::C, ifs(a, forLoop("i", lit(0), n, body, ForKind::Vectorized))),
            "if (a) {\n#pragma omp simd\n  for (int i = 0; i < n; ++i) {\n    y[i] = x[i];\n  }\n}\n");
}

TEST(PrinterStmt, LoopsBoundToParallelAxesAreStrided) {
  auto body = seq({assign(load(var("y"), i), lit(0))});
  auto bound = [&](ParallelAxis axis, ExprPtr start, ExprPtr step) {
    return node<For>([&](For &f) {
      f.var = "i"; f.start = start; f.end = n; f.body = body; f.forKind = ForKind::Parallel; f.boundAxis = axis;
      f.step = step;
    });
  };
  EXPECT_EQ(stmtIn(Dialect::CUDA, bound(ParallelAxis::ThreadIdx, lit(0), nullptr)),
            "for (int i = threadIdx.x; i < n; i += blockDim.x) {\n  y[i] = 0;\n}\n");
  EXPECT_EQ(stmtIn(Dialect::BANG, bound(ParallelAxis::TaskId, var("s"), lit(2))),
            "for (int i = s + taskId * 2; i < n; i += taskDim * 2) {\n  y[i] = 0;\n}\n");
  // CPU dialects run parallel loops with OpenMP whatever axis they were bound to.
  EXPECT_EQ(stmtIn(Dialect::C, bound(ParallelAxis::ThreadIdx, lit(0), nullptr)),
            "#pragma omp parallel for\nfor (int i = 0; i < n; ++i) {\n  y[i] = 0;\n}\n");
}

TEST(PrinterStmt, GeneralLoops) {
  auto w = node<Loop>([&](Loop &l) { l.form = Loop::Form::While; l.cond = lt(i, n); l.body = seq({eval(postInc(i))}); });
  EXPECT_EQ(stmtIn(Dialect::C, w), "while (i < n) {\n  i++;\n}\n");
  auto dw = node<Loop>([&](Loop &l) { l.form = Loop::Form::DoWhile; l.cond = lt(i, n); l.body = eval(postInc(i)); });
  EXPECT_EQ(stmtIn(Dialect::C, dw), "do {\n  i++;\n} while (i < n);\n");
  auto fl = node<Loop>([&](Loop &l) {
    l.form = Loop::Form::For;
    l.init = seq({decl("i", i32(), sub(n, lit(1))), decl("j", i32(), lit(0))}, false);
    l.cond = bin(BinaryOp::GE, i, lit(0));
    l.update = bin(BinaryOp::Comma, un(UnaryOp::PostDec, i), postInc(var("j")));
    l.body = seq({eval(call("f", {i, var("j")}))});
    l.unrollFactor = 2;
  });
  EXPECT_EQ(stmtIn(Dialect::CUDA, fl), "#pragma unroll 2\nfor (int i = n - 1, j = 0; i >= 0; i--, j++) {\n  f(i, j);\n}\n");
  auto assignInit = node<Loop>([&](Loop &l) {
    l.form = Loop::Form::For; l.init = assign(i, lit(0)); l.cond = lt(i, n);
    l.update = assignExpr(i, lit(2), BinaryOp::Mul); l.body = eval(call("f", {i}));
  });
  EXPECT_EQ(stmtIn(Dialect::C, assignInit), "for (i = 0; i < n; i *= 2)\n  f(i);\n");
  auto forever = node<Loop>([&](Loop &l) { l.form = Loop::Form::For; l.body = seq({brk()}); });
  EXPECT_EQ(stmtIn(Dialect::C, forever), "for (;;) {\n  break;\n}\n");
  auto whileTrue = node<Loop>([&](Loop &l) { l.body = seq({brk()}); });
  EXPECT_EQ(stmtIn(Dialect::C, whileTrue, /*isCxx=*/false), "while (1) {\n  break;\n}\n");
}

TEST(PrinterStmt, VerbatimStatementsKeepTheirText) {
  EXPECT_EQ(stmtIn(Dialect::CUDA, verbatimStmt("asm volatile(\"bar.sync 0;\");")), "asm volatile(\"bar.sync 0;\");\n");
  EXPECT_EQ(stmtIn(Dialect::CUDA, verbatimStmt("goto done")), "goto done;\n");
  EXPECT_EQ(stmtIn(Dialect::CUDA, verbatimStmt("#pragma nounroll")), "#pragma nounroll\n");
}

TEST(PrinterStmt, Allocations) {
  EXPECT_EQ(stmtIn(Dialect::CUDA, alloc("tile", arr(arr(f32(), 16), 16), MemSpace::Shared)),
            "__shared__ float tile[16][16];\n");
  EXPECT_EQ(stmtIn(Dialect::HIP, alloc("dyn", arr(f32(), std::nullopt), MemSpace::Shared, true)),
            "extern __shared__ float dyn[];\n");
  EXPECT_EQ(stmtIn(Dialect::CUDA, alloc("acc", arr(f32(), 4), MemSpace::Local)), "float acc[4];\n");
  EXPECT_EQ(stmtIn(Dialect::BANG, alloc("buf", arr(f16(), 1024), MemSpace::NRAM)), "__nram__ half buf[1024];\n");
  EXPECT_EQ(stmtIn(Dialect::BANG, alloc("w", arr(scalar(ScalarType::I8), 64), MemSpace::WRAM)),
            "__wram__ signed char w[64];\n");
  EXPECT_EQ(stmtIn(Dialect::BANG, alloc("s", arr(f32(), 64), MemSpace::SRAM)), "__mlu_shared__ float s[64];\n");
  auto aligned = node<Alloc>([](Alloc &al) {
    al.name = "v"; al.type = arr(f32(), 8); al.space = MemSpace::Local; al.alignment = 32;
    al.init = initList({flit(1)});
  });
  EXPECT_EQ(stmtIn(Dialect::C, aligned), "float v[8] __attribute__((aligned(32))) = {1.0f};\n");
}

TEST(PrinterStmt, SyncsPerDialect) {
  EXPECT_EQ(stmtIn(Dialect::CUDA, sync(SyncScope::Block)), "__syncthreads();\n");
  EXPECT_EQ(stmtIn(Dialect::HIP, sync(SyncScope::Block)), "__syncthreads();\n");
  EXPECT_EQ(stmtIn(Dialect::CUDA, sync(SyncScope::Warp, "", {lit(0xffffffff, u32(), "0xffffffffu")})),
            "__syncwarp(0xffffffffu);\n");
  EXPECT_EQ(stmtIn(Dialect::CUDA, sync(SyncScope::ThreadFence)), "__threadfence();\n");
  EXPECT_EQ(stmtIn(Dialect::CUDA, sync(SyncScope::ThreadFence, "block")), "__threadfence_block();\n");
  EXPECT_EQ(stmtIn(Dialect::HIP, sync(SyncScope::ThreadFence, "system")), "__threadfence_system();\n");
  EXPECT_EQ(stmtIn(Dialect::BANG, sync(SyncScope::Cluster)), "__sync_cluster();\n");
  EXPECT_EQ(stmtIn(Dialect::BANG, sync(SyncScope::All)), "__sync_all();\n");
  EXPECT_EQ(stmtIn(Dialect::BANG, sync(SyncScope::AllIpu)), "__sync_all_ipu();\n");
  EXPECT_EQ(stmtIn(Dialect::BANG, sync(SyncScope::AllMpu)), "__sync_all_mpu();\n");
  EXPECT_EQ(stmtIn(Dialect::BANG, sync(SyncScope::Core)), "__sync();\n");
  EXPECT_EQ(stmtIn(Dialect::BANG, sync(SyncScope::Core, "compute")), "__sync_compute();\n");
  EXPECT_EQ(stmtIn(Dialect::BANG, sync(SyncScope::Core, "copy_dram_to_nram")), "__sync_copy_dram_to_nram();\n");
}

TEST(PrinterStmt, BangCopies) {
  auto copy1d = node<Copy>([](Copy &c) {
    c.dst = var("buf"); c.src = add(var("in"), var("off")); c.bytes = mul(n, sizeOf(f32()));
    c.direction = "GDRAM2NRAM"; c.dstSpace = MemSpace::NRAM; c.srcSpace = MemSpace::Global;
  });
  EXPECT_EQ(stmtIn(Dialect::BANG, copy1d), "__memcpy(buf, in + off, n * sizeof(float), GDRAM2NRAM);\n");
  auto copy2d = node<Copy>([](Copy &c) {
    c.dst = var("out"); c.src = var("buf"); c.bytes = lit(64); c.dstSpace = MemSpace::Global;
    c.srcSpace = MemSpace::NRAM; c.dstStride = lit(256); c.srcStride = lit(64); c.segnum = lit(3); c.async = true;
  });
  EXPECT_EQ(stmtIn(Dialect::BANG, copy2d), "__memcpy_async(out, buf, 64, NRAM2GDRAM, 256, 64, 3);\n");
}

// =============================================================================================
// Host code

namespace {
StmtPtr hostAlloc(HostAlloc::Memory mem) {
  return node<HostAlloc>([&](HostAlloc &h) { h.pointer = var("d_a", ptr(f32())); h.bytes = var("bytes"); h.memory = mem; });
}
StmtPtr hostFree(HostAlloc::Memory mem) {
  return node<HostFree>([&](HostFree &h) { h.pointer = var("d_a"); h.memory = mem; });
}
StmtPtr hostCopy(CopyDirection dir, bool async = false, ExprPtr stream = nullptr, bool to = false, bool from = false) {
  return node<HostCopy>([&](HostCopy &h) {
    h.dst = var(from ? "h_a" : "d_a"); h.src = var(to ? "h_a" : (from ? "sym" : "h_a"));
    if (to) h.dst = var("sym");
    h.bytes = var("bytes"); h.direction = dir; h.async = async; h.stream = stream; h.toSymbol = to; h.fromSymbol = from;
  });
}
StmtPtr hostSync(ExprPtr stream = nullptr) { return node<HostSync>([&](HostSync &h) { h.stream = stream; }); }
}  // namespace

TEST(PrinterHost, Cuda) {
  auto D = Dialect::CUDA;
  EXPECT_EQ(stmtIn(D, hostAlloc(HostAlloc::Memory::Device)), "cudaMalloc(&d_a, bytes);\n");
  EXPECT_EQ(stmtIn(D, hostAlloc(HostAlloc::Memory::Managed)), "cudaMallocManaged(&d_a, bytes);\n");
  EXPECT_EQ(stmtIn(D, hostAlloc(HostAlloc::Memory::PinnedHost)), "cudaMallocHost(&d_a, bytes);\n");
  EXPECT_EQ(stmtIn(D, hostFree(HostAlloc::Memory::Device)), "cudaFree(d_a);\n");
  EXPECT_EQ(stmtIn(D, hostFree(HostAlloc::Memory::PinnedHost)), "cudaFreeHost(d_a);\n");
  EXPECT_EQ(stmtIn(D, hostCopy(CopyDirection::HostToDevice)), "cudaMemcpy(d_a, h_a, bytes, cudaMemcpyHostToDevice);\n");
  EXPECT_EQ(stmtIn(D, hostCopy(CopyDirection::Default)), "cudaMemcpy(d_a, h_a, bytes, cudaMemcpyDefault);\n");
  EXPECT_EQ(stmtIn(D, hostCopy(CopyDirection::DeviceToDevice, true, var("s"))),
            "cudaMemcpyAsync(d_a, h_a, bytes, cudaMemcpyDeviceToDevice, s);\n");
  EXPECT_EQ(stmtIn(D, hostCopy(CopyDirection::HostToDevice, false, nullptr, true)),
            "cudaMemcpyToSymbol(sym, h_a, bytes);\n");
  EXPECT_EQ(stmtIn(D, hostCopy(CopyDirection::Default, false, nullptr, false, true)),
            "cudaMemcpyFromSymbol(h_a, sym, bytes);\n");
  EXPECT_EQ(stmtIn(D, hostCopy(CopyDirection::HostToDevice, true, var("s"), true)),
            "cudaMemcpyToSymbolAsync(sym, h_a, bytes, 0, cudaMemcpyHostToDevice, s);\n");
  EXPECT_EQ(stmtIn(D, hostSync()), "cudaDeviceSynchronize();\n");
  EXPECT_EQ(stmtIn(D, hostSync(var("s"))), "cudaStreamSynchronize(s);\n");
  EXPECT_EQ(stmtIn(D, launch("k", var("grid"), lit(256), {var("d_a"), n})), "k<<<grid, 256>>>(d_a, n);\n");
  EXPECT_EQ(stmtIn(D, launch("k", var("grid"), var("block"), {var("d_a")}, var("shm"))),
            "k<<<grid, block, shm>>>(d_a);\n");
  EXPECT_EQ(stmtIn(D, launch("k", div(add(n, lit(255)), lit(256)), lit(256), {}, nullptr, var("s"))),
            "k<<<(n + 255) / 256, 256, 0, s>>>();\n");
  // A comparison inside the chevrons is parenthesized, so its `>` cannot meet `>>>`.
  EXPECT_EQ(stmtIn(D, launch("k", select(bin(BinaryOp::GT, n, lit(0)), n, lit(1)), lit(256), {})),
            "k<<<(n > 0 ? n : 1), 256>>>();\n");
  auto tmpl = node<Launch>([](Launch &l) {
    l.kernel = "k"; l.templateArgs = {"256", "float"}; l.config.grid = var("g"); l.config.block = lit(256);
    l.args = {var("p")};
  });
  EXPECT_EQ(stmtIn(D, tmpl), "k<256, float><<<g, 256>>>(p);\n");
}

TEST(PrinterHost, Hip) {
  auto D = Dialect::HIP;
  EXPECT_EQ(stmtIn(D, hostAlloc(HostAlloc::Memory::Device)), "hipMalloc(&d_a, bytes);\n");
  EXPECT_EQ(stmtIn(D, hostAlloc(HostAlloc::Memory::Managed)), "hipMallocManaged(&d_a, bytes);\n");
  EXPECT_EQ(stmtIn(D, hostAlloc(HostAlloc::Memory::PinnedHost)), "hipHostMalloc(&d_a, bytes);\n");
  EXPECT_EQ(stmtIn(D, hostFree(HostAlloc::Memory::Device)), "hipFree(d_a);\n");
  EXPECT_EQ(stmtIn(D, hostFree(HostAlloc::Memory::PinnedHost)), "hipHostFree(d_a);\n");
  EXPECT_EQ(stmtIn(D, hostCopy(CopyDirection::DeviceToHost)), "hipMemcpy(d_a, h_a, bytes, hipMemcpyDeviceToHost);\n");
  EXPECT_EQ(stmtIn(D, hostCopy(CopyDirection::HostToDevice, true, var("s"))),
            "hipMemcpyAsync(d_a, h_a, bytes, hipMemcpyHostToDevice, s);\n");
  EXPECT_EQ(stmtIn(D, hostCopy(CopyDirection::HostToDevice, false, nullptr, true)),
            "hipMemcpyToSymbol(HIP_SYMBOL(sym), h_a, bytes);\n");
  EXPECT_EQ(stmtIn(D, hostCopy(CopyDirection::DeviceToHost, false, nullptr, false, true)),
            "hipMemcpyFromSymbol(h_a, HIP_SYMBOL(sym), bytes);\n");
  EXPECT_EQ(stmtIn(D, hostSync()), "hipDeviceSynchronize();\n");
  EXPECT_EQ(stmtIn(D, hostSync(var("s"))), "hipStreamSynchronize(s);\n");
  EXPECT_EQ(stmtIn(D, launch("k", var("grid"), lit(256), {var("d_a"), n})), "k<<<grid, 256>>>(d_a, n);\n");
  auto viaMacro = node<Launch>([](Launch &l) {
    l.kernel = "k"; l.config.grid = var("g"); l.config.block = var("b"); l.args = {var("p"), var("n")};
    l.viaMacro = true;
  });
  EXPECT_EQ(stmtIn(D, viaMacro), "hipLaunchKernelGGL(k, g, b, 0, 0, p, n);\n");
  auto viaMacroTmpl = node<Launch>([](Launch &l) {
    l.kernel = "k"; l.templateArgs = {"128", "float"}; l.config.grid = var("g"); l.config.block = lit(128);
    l.config.sharedBytes = var("shm"); l.config.stream = var("s"); l.viaMacro = true;
  });
  EXPECT_EQ(stmtIn(D, viaMacroTmpl), "hipLaunchKernelGGL(HIP_KERNEL_NAME(k<128, float>), g, 128, shm, s);\n");
}

TEST(PrinterHost, Bang) {
  auto D = Dialect::BANG;
  EXPECT_EQ(stmtIn(D, hostAlloc(HostAlloc::Memory::Device)), "cnrtMalloc((void **)&d_a, bytes);\n");
  EXPECT_EQ(stmtIn(D, hostFree(HostAlloc::Memory::Device)), "cnrtFree(d_a);\n");
  EXPECT_EQ(stmtIn(D, hostCopy(CopyDirection::HostToDevice)), "cnrtMemcpy(d_a, h_a, bytes, cnrtMemcpyHostToDev);\n");
  EXPECT_EQ(stmtIn(D, hostCopy(CopyDirection::DeviceToHost)), "cnrtMemcpy(d_a, h_a, bytes, cnrtMemcpyDevToHost);\n");
  EXPECT_EQ(stmtIn(D, hostCopy(CopyDirection::DeviceToDevice)), "cnrtMemcpy(d_a, h_a, bytes, cnrtMemcpyDevToDev);\n");
  EXPECT_EQ(stmtIn(D, hostCopy(CopyDirection::HostToHost)), "cnrtMemcpy(d_a, h_a, bytes, cnrtMemcpyHostToHost);\n");
  EXPECT_EQ(stmtIn(D, hostCopy(CopyDirection::HostToDevice, true, var("q"))),
            "cnrtMemcpyAsync(d_a, h_a, bytes, q, cnrtMemcpyHostToDev);\n");
  EXPECT_EQ(stmtIn(D, hostSync(var("q"))), "cnrtQueueSync(q);\n");
  auto bangLaunch = node<Launch>([](Launch &l) {
    l.kernel = "k"; l.config.taskDim = var("dim"); l.config.taskType = var("cnrtFuncTypeUnion1");
    l.config.queue = var("q"); l.args = {var("d_a"), n};
  });
  EXPECT_EQ(stmtIn(D, bangLaunch), "k<<<dim, cnrtFuncTypeUnion1, q>>>(d_a, n);\n");
}

TEST(PrinterHost, CAndVnni) {
  for (auto D : {Dialect::C, Dialect::VNNI}) {
    EXPECT_EQ(stmtIn(D, hostAlloc(HostAlloc::Memory::Device)), "d_a = (float *)malloc(bytes);\n");
    EXPECT_EQ(stmtIn(D, hostFree(HostAlloc::Memory::Device)), "free(d_a);\n");
    EXPECT_EQ(stmtIn(D, hostCopy(CopyDirection::HostToDevice)), "memcpy(d_a, h_a, bytes);\n");
    EXPECT_EQ(stmtIn(D, hostCopy(CopyDirection::HostToDevice, false, nullptr, true)), "memcpy(&sym, h_a, bytes);\n");
    EXPECT_EQ(stmtIn(D, hostSync()), "");
    EXPECT_EQ(stmtIn(D, hostSync(var("s"))), "");
  }
  // Without the pointer's type: decltype in C++, the implicit conversion from void * in C.
  auto untyped = node<HostAlloc>([](HostAlloc &h) { h.pointer = var("q"); h.bytes = lit(64); });
  EXPECT_EQ(stmtIn(Dialect::C, untyped), "q = (decltype(q))malloc(64);\n");
  EXPECT_EQ(stmtIn(Dialect::C, untyped, /*isCxx=*/false), "q = malloc(64);\n");
  // A statement that prints as nothing still leaves a valid body.
  EXPECT_EQ(stmtIn(Dialect::C, ifs(a, hostSync())), "if (a)\n  ;\n");
}

// =============================================================================================
// Diagnostics for what a dialect cannot express

TEST(PrinterErrors, InexpressibleConstructs) {
  EXPECT_EQ(errorsOf(Dialect::C, launch("k", lit(1), lit(1), {})),
            std::vector<std::string>{"a kernel launch (k) cannot be expressed in C"});
  EXPECT_EQ(errorsOf(Dialect::VNNI, launch("k", lit(1), lit(1), {})),
            std::vector<std::string>{"a kernel launch (k) cannot be expressed in C with VNNI"});
  EXPECT_EQ(errorsOf(Dialect::C, eval(call("f", {tid()}))),
            std::vector<std::string>{"parallel index 'threadIdx' cannot be expressed in C"});
  EXPECT_EQ(errorsOf(Dialect::CUDA, eval(pidx(ParallelAxis::TaskId))),
            std::vector<std::string>{"parallel index 'taskId' cannot be expressed in CUDA"});
  EXPECT_EQ(errorsOf(Dialect::BANG, eval(tid())),
            std::vector<std::string>{"parallel index 'threadIdx' cannot be expressed in BANG C"});
  auto copy = node<Copy>([](Copy &c) { c.dst = a; c.src = b; c.bytes = lit(4); c.direction = "GDRAM2NRAM"; });
  EXPECT_EQ(errorsOf(Dialect::CUDA, copy), std::vector<std::string>{"a DMA copy (__memcpy) cannot be expressed in CUDA"});
  EXPECT_EQ(errorsOf(Dialect::BANG, sync(SyncScope::Block)),
            std::vector<std::string>{"synchronization 'block' cannot be expressed in BANG C"});
  EXPECT_EQ(errorsOf(Dialect::CUDA, sync(SyncScope::Core, "compute")),
            std::vector<std::string>{"synchronization 'core' (compute) cannot be expressed in CUDA"});
  EXPECT_EQ(errorsOf(Dialect::C, sync(SyncScope::Block)),
            std::vector<std::string>{"synchronization 'block' cannot be expressed in C"});
  EXPECT_EQ(errorsOf(Dialect::BANG, hostSync()),
            std::vector<std::string>{"device-wide synchronization without a queue cannot be expressed in BANG C"});
  EXPECT_EQ(errorsOf(Dialect::CUDA, alloc("buf", arr(f32(), 4), MemSpace::NRAM)),
            std::vector<std::string>{"memory space 'nram' cannot be expressed in CUDA"});
  EXPECT_EQ(errorsOf(Dialect::BANG, alloc("buf", arr(f32(), 4), MemSpace::Shared)),
            std::vector<std::string>{"memory space 'shared' cannot be expressed in BANG C"});
  EXPECT_TRUE(errorsOf(Dialect::CUDA, sync(SyncScope::Block)).empty());
}

TEST(PrinterErrors, DiagnosticsCarryTheLocationAndLeaveAPlaceholder) {
  auto s = at(launch("k", lit(1), lit(1), {}), 12, 3);
  Function f = function("host", FunctionKind::Host, {}, seq({s}));
  f.loc = {"input.cu", 10, 1};
  auto r = printModule(module(Dialect::CUDA, {f}), Dialect::C, PrintOptions{false});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.errors[0].loc.str(), "input.cu:12:3");
  EXPECT_NE(r.code.find("/* xpile: error: a kernel launch (k) cannot be expressed in C */"), std::string::npos);

  // Expressions without a location report the enclosing statement's.
  auto e = at(eval(tid()), 20, 5);
  r = printModule(module(Dialect::CUDA, {function("g", FunctionKind::Host, {}, seq({e}))}), Dialect::C, {false});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].loc.line, 20u);
}

// =============================================================================================
// Functions, globals, templates, includes (whole modules, formatted)

namespace {
Function saxpyKernel() {
  auto idx = add(mul(pidx(ParallelAxis::BlockIdx), pidx(ParallelAxis::BlockDim)), tid());
  return function("saxpy", FunctionKind::Kernel,
                  {{"n", i32()}, {"alpha", f32()}, {"x", ptr(constOf(f32()), true)}, {"y", ptr(f32(), true)}},
                  seq({decl("i", i32(), idx),
                       ifs(lt(var("i"), n), seq({assign(load(var("y"), var("i")),
                                                        add(mul(var("alpha"), load(var("x"), var("i"))),
                                                            load(var("y"), var("i"))))}))}));
}
}  // namespace

TEST(PrinterModule, CudaKernelFormatted) {
  auto r = printModule(module(Dialect::CUDA, {saxpyKernel()}), Dialect::CUDA);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.code, R"(#include <cuda_runtime.h>

__global__ void saxpy(int n, float alpha, const float *__restrict__ x, float *__restrict__ y) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) {
    y[i] = alpha * x[i] + y[i];
  }
}
)");
}

TEST(PrinterModule, FunctionQualifiersPerDialect) {
  Function dev = function("sq", FunctionKind::Device, {{"v", f32()}}, seq({ret(mul(var("v"), var("v")))}), f32());
  dev.forceInline = true;
  Function hd = function("twice", FunctionKind::HostDevice, {{"v", i32()}}, seq({ret(mul(var("v"), lit(2)))}), i32());
  Function k = function("k", FunctionKind::Kernel, {{"p", ptr(f32())}}, seq({}));
  k.launchBounds = LaunchBounds{256, 2};
  Function ext = function("run", FunctionKind::Host, {}, seq({}));
  ext.isExternC = true;
  Function st = function("helper", FunctionKind::Host, {}, seq({}), i32());
  st.isStatic = true;
  st.isInline = true;
  st.body = seq({ret(lit(0))});
  Module m = module(Dialect::CUDA, {dev, hd, k, ext, st});

  auto cuda = printModule(m, Dialect::CUDA);
  EXPECT_EQ(cuda.code, R"(#include <cuda_runtime.h>

__device__ __forceinline__ float sq(float v) { return v * v; }

__host__ __device__ int twice(int v) { return v * 2; }

__global__ void __launch_bounds__(256, 2) k(float *p) {}

extern "C" void run() {}

static inline int helper() { return 0; }
)");
  auto bang = printModule(m, Dialect::BANG);
  EXPECT_EQ(bang.code, R"(#include <bang.h>
#include <cnrt.h>

__mlu_func__ float sq(float v) { return v * v; }

__mlu_func__ int twice(int v) { return v * 2; }

__mlu_global__ void k(float *p) {}

extern "C" void run() {}

static inline int helper() { return 0; }
)");
  auto c = printModule(m, Dialect::C);
  EXPECT_EQ(c.code, R"(inline float sq(float v) { return v * v; }

int twice(int v) { return v * 2; }

void k(float *p) {}

extern "C" void run() {}

static inline int helper() { return 0; }
)");
  Module cm = module(Dialect::C, {dev}, {}, /*isCxx=*/false);
  EXPECT_EQ(printModule(cm, Dialect::C).code, "static inline float sq(float v) { return v * v; }\n");
}

TEST(PrinterModule, GlobalsAndVerbatimDecls) {
  GlobalVar coeffs;
  coeffs.name = "coeffs";
  coeffs.type = arr(f32(), 4);
  coeffs.space = MemSpace::Constant;
  GlobalVar counter;
  counter.name = "counter";
  counter.type = i32();
  counter.space = MemSpace::Global;
  counter.init = lit(0);
  GlobalVar dyn;
  dyn.name = "smem";
  dyn.type = arr(f32(), std::nullopt);
  dyn.space = MemSpace::Shared;
  dyn.isExtern = true;
  VerbatimDecl st{"struct Pair { int a, b; }", "struct", {}, {}};
  VerbatimDecl def{"#define TILE 16", "macro", {}, {}};
  Module m = module(Dialect::CUDA, {def, st, coeffs, counter, dyn});
  EXPECT_EQ(printModule(m, Dialect::CUDA).code, R"(#include <cuda_runtime.h>

#define TILE 16

struct Pair {
  int a, b;
};

__constant__ float coeffs[4];
__device__ int counter = 0;
extern __shared__ float smem[];
)");
  Module bm = module(Dialect::BANG, {coeffs, counter});
  EXPECT_EQ(printModule(bm, Dialect::BANG).code, R"(#include <bang.h>

__mlu_const__ float coeffs[4];
__mlu_device__ int counter = 0;
)");
  auto c = printModule(bm, Dialect::C);
  EXPECT_TRUE(c.ok());
  EXPECT_EQ(c.code, "float coeffs[4];\nint counter = 0;\n");
}

TEST(PrinterModule, TemplateInstancesBecomeExplicitSpecializations) {
  auto body = seq({assign(load(var("p"), tid()), lit(0))});
  Function k256 = function("fill", FunctionKind::Kernel, {{"p", ptr(f32())}}, body);
  k256.templateInstance = instance("int BS", {"256"});
  Function k128 = k256;
  k128.templateInstance = instance("int BS", {"128"});
  Function kd = function("fill", FunctionKind::Kernel, {{"p", ptr(f64())}}, body);
  kd.templateInstance = instance("int BS", {"64"});
  auto r = printModule(module(Dialect::CUDA, {k256, k128, kd}), Dialect::CUDA);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.code, R"(#include <cuda_runtime.h>

template <int BS> __global__ void fill(float *p);
template <> __global__ void fill<256>(float *p) { p[threadIdx.x] = 0; }

template <> __global__ void fill<128>(float *p) { p[threadIdx.x] = 0; }

template <int BS> __global__ void fill(double *p);
template <> __global__ void fill<64>(double *p) { p[threadIdx.x] = 0; }
)");
}

TEST(PrinterModule, TemplatesWithThePrimarySignatureShareOneDeclaration) {
  auto body = seq({assign(load(var("p"), tid()), var("v"))});
  std::vector<std::pair<std::string, TypePtr>> generic = {{"p", ptr(named("T"))}, {"v", named("T")}};
  Function ff = function("fill", FunctionKind::Kernel, {{"p", ptr(f32())}, {"v", f32()}}, body);
  ff.templateInstance = instance("typename T", {"float"}, generic, voidT());
  Function fd = function("fill", FunctionKind::Kernel, {{"p", ptr(f64())}, {"v", f64()}}, body);
  fd.templateInstance = instance("typename T", {"double"}, generic, voidT());
  auto r = printModule(module(Dialect::CUDA, {ff, fd}), Dialect::HIP);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.code, R"(#include <hip/hip_runtime.h>

template <typename T> __global__ void fill(T *p, T v);
template <> __global__ void fill<float>(float *p, float v) { p[threadIdx.x] = v; }

template <> __global__ void fill<double>(double *p, double v) { p[threadIdx.x] = v; }
)");
}

TEST(PrinterModule, StaticTemplatesKeepStorageClassOnThePrimaryOnly) {
  Function f = function("pick", FunctionKind::Host, {{"p", ptr(f32())}}, seq({ret(load(var("p"), var("N")))}), f32());
  f.templateInstance = instance("int N", {"1"});
  f.isStatic = true;
  f.isExternC = true;  // templates cannot have C linkage: dropped
  EXPECT_EQ(printModule(module(Dialect::C, {f}), Dialect::C).code,
            "template <int N> static float pick(float *p);\ntemplate <> float pick<1>(float *p) { return p[N]; }\n");
}

TEST(PrinterModule, IncludesFollowUsageAndKeepTheSourcesOwn) {
  std::vector<Include> incs = {{"cuda_runtime.h", true, {}}, {"stdio.h", true, {}},   {"cuda_fp16.h", true, {}},
                               {"common.cuh", false, {}},   {"omp.h", true, {}},     {"immintrin.h", true, {}}};
  Function k = function("k", FunctionKind::Kernel, {{"p", ptr(f32())}}, seq({}));
  Module m = module(Dialect::CUDA, {k}, incs);
  // CUDA: the runtime, the source's own fp16 header (same dialect), then the rest in source order.
  EXPECT_EQ(headerBlock(printModule(m, Dialect::CUDA, {false}).code),
            "#include <cuda_runtime.h>\n#include <cuda_fp16.h>\n#include <stdio.h>\n#include \"common.cuh\"\n"
            "#include <omp.h>\n");
  // HIP: CUDA's headers are dropped, HIP's added.
  EXPECT_EQ(headerBlock(printModule(m, Dialect::HIP, {false}).code),
            "#include <hip/hip_runtime.h>\n#include <stdio.h>\n#include \"common.cuh\"\n#include <omp.h>\n");
  // VNNI keeps immintrin.h (its own) and omp.h (the source's).
  EXPECT_EQ(headerBlock(printModule(m, Dialect::VNNI, {false}).code),
            "#include <immintrin.h>\n#include <stdio.h>\n#include \"common.cuh\"\n#include <omp.h>\n");
  // Usage adds headers: half -> cuda_fp16.h / hip_fp16.h, bf16 -> cuda_bf16.h, wmma -> mma.h.
  Function h = function("h", FunctionKind::Kernel, {{"p", ptr(f16())}, {"q", ptr(bf16())}},
                        seq({eval(call("nvcuda::wmma::fill_fragment", {var("f"), flit(0)}, CallKind::Intrinsic))}));
  Module hm = module(Dialect::CUDA, {h});
  EXPECT_EQ(headerBlock(printModule(hm, Dialect::CUDA, {false}).code),
            "#include <cuda_runtime.h>\n#include <cuda_fp16.h>\n#include <cuda_bf16.h>\n#include <mma.h>\n");
  EXPECT_EQ(headerBlock(printModule(hm, Dialect::HIP, {false}).code),
            "#include <hip/hip_runtime.h>\n#include <hip/hip_fp16.h>\n#include <hip/hip_bf16.h>\n");
  // BANG adds cnrt.h only with host code; C adds stdlib.h/string.h for what host code calls.
  EXPECT_EQ(headerBlock(printModule(module(Dialect::BANG, {k}), Dialect::BANG, {false}).code), "#include <bang.h>\n");
  Function host = function("main", FunctionKind::Host, {}, seq({hostAlloc(HostAlloc::Memory::Device),
                                                              hostCopy(CopyDirection::HostToDevice)}), i32());
  EXPECT_EQ(headerBlock(printModule(module(Dialect::CUDA, {host}), Dialect::BANG, {false}).code),
            "#include <bang.h>\n#include <cnrt.h>\n");
  EXPECT_EQ(headerBlock(printModule(module(Dialect::CUDA, {host}), Dialect::C, {false}).code),
            "#include <stdlib.h>\n#include <string.h>\n");
  EXPECT_EQ(printModule(module(Dialect::C, {k}), Dialect::C, {false}).code, "void k(float *p) {\n}\n");
}

TEST(PrinterFormat, ClangFormatStyle) {
  std::string messy = "#include <a.h>\n#include <0.h>\nint f(int a,int b){\nint s=0;\n#pragma unroll 4\nfor(int i=0;i<a;++i){s+=b;}\nreturn s;}\n";
  EXPECT_EQ(backends::formatSource(messy, true), R"(#include <a.h>
#include <0.h>
int f(int a, int b) {
  int s = 0;
#pragma unroll 4
  for (int i = 0; i < a; ++i) {
    s += b;
  }
  return s;
}
)");
  // Launch chevrons and the 100-column limit.
  std::string launchCode = "void h(){k<<<g,b,0,s>>>(aaaaaaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbbbbbbbbbb, cccccccccccccccccccccccc, ddddddddddddddd);}\n";
  EXPECT_EQ(backends::formatSource(launchCode, true),
            "void h() {\n  k<<<g, b, 0, s>>>(aaaaaaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbbbbbbbbbb, cccccccccccccccccccccccc,\n"
            "                    ddddddddddddddd);\n}\n");
}

// =============================================================================================
// Compile checks with the real toolchains (skipped where a toolchain is absent)

namespace {

bool haveTool(const std::string &path) { return std::system(("command -v " + path + " > /dev/null 2>&1").c_str()) == 0; }

// Writes `code` to a temporary file with `ext` and runs `compiler <flags> <file>`; returns the
// compiler's output on failure, empty on success.
std::string compile(const std::string &code, const std::string &ext, const std::string &compiler) {
  if (std::getenv("XPILE_DUMP_PRINTED")) std::printf("----- %s\n%s", compiler.c_str(), code.c_str());
  auto dir = std::filesystem::temp_directory_path() / ("xpile_printer_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto src = dir / ("out" + ext), log = dir / "log.txt", obj = dir / "out.o";
  std::ofstream(src) << code;
  std::string cmd = compiler + " " + src.string() + " -o " + obj.string() + " > " + log.string() + " 2>&1";
  int rc = std::system(cmd.c_str());
  std::stringstream out;
  out << std::ifstream(log).rdbuf();
  std::filesystem::remove_all(dir);
  return rc == 0 ? "" : "command: " + cmd + "\n" + out.str() + "\ncode:\n" + code;
}

// A CUDA program with everything a kernel file usually has: a templated kernel with static and
// dynamic shared memory and barriers, a device helper, a constant, and host code that allocates,
// copies, launches (plain and templated, with a stream) and synchronizes.
Module gpuProgram() {
  auto tile = alloc("tile", arr(f32(), 256), MemSpace::Shared);
  auto dyn = alloc("dyn", arr(f32(), std::nullopt), MemSpace::Shared, true);
  auto gidx = add(mul(pidx(ParallelAxis::BlockIdx), pidx(ParallelAxis::BlockDim)), tid());
  Function helper = function("scale", FunctionKind::Device, {{"v", f32()}}, seq({ret(mul(var("v"), load(var("coeff"), lit(0))))}), f32());
  helper.forceInline = true;
  auto kernelBody = seq({
      tile, dyn, decl("g", i32(), gidx),
      assign(load(var("tile"), tid()), select(lt(var("g"), n), load(var("in"), var("g")), flit(0))),
      sync(SyncScope::Block),
      forLoop("s", lit(1), lit(256), seq({
          ifs(bin(BinaryOp::EQ, bin(BinaryOp::Mod, tid(), mul(lit(2), var("s"))), lit(0)),
              assign(load(var("tile"), tid()), load(var("tile"), add(tid(), var("s"))), BinaryOp::Add)),
          sync(SyncScope::Block)}), ForKind::Unrolled, nullptr),
      assign(load(var("dyn"), tid()), call("scale", {load(var("tile"), tid())})),
      ifs(bin(BinaryOp::EQ, tid(), lit(0)), assign(load(var("out"), pidx(ParallelAxis::BlockIdx)), load(var("dyn"), lit(0)))),
  });
  // The loop above steps s *= 2 in real code; here it is unrolled with a unit step, which is enough to compile.
  Function reduce = function("reduce", FunctionKind::Kernel,
                             {{"in", ptr(constOf(f32()), true)}, {"out", ptr(f32(), true)}, {"n", i32()}}, kernelBody);
  reduce.templateInstance = instance("int BS", {"256"});
  reduce.launchBounds = LaunchBounds{256, 0};
  Function reduce128 = reduce;
  reduce128.templateInstance = instance("int BS", {"128"});

  // A type-parameter template with the primary's signature (one declaration), and one without it
  // (`reduce` above: the instance's signature, one declaration per distinct signature).
  auto fillBody = seq({assign(load(var("p"), tid()), var("v"))});
  std::vector<std::pair<std::string, TypePtr>> generic = {{"p", ptr(named("T"))}, {"v", named("T")}};
  Function fillF = function("fill", FunctionKind::Kernel, {{"p", ptr(f32())}, {"v", f32()}}, fillBody);
  fillF.templateInstance = instance("typename T", {"float"}, generic, voidT());
  Function fillD = function("fill", FunctionKind::Kernel, {{"p", ptr(f64())}, {"v", f64()}}, fillBody);
  fillD.templateInstance = instance("typename T", {"double"}, generic, voidT());

  Function saxpy = saxpyKernel();
  GlobalVar coeff;
  coeff.name = "coeff";
  coeff.type = arr(f32(), 1);
  coeff.space = MemSpace::Constant;

  auto dIn = var("d_in", ptr(f32())), dOut = var("d_out", ptr(f32()));
  auto bytes = mul(var("n"), sizeOf(f32()));
  auto hostBody = seq({
      decl("n", i32(), lit(1024)),
      decl("h", ptr(f32()), cast(ptr(f32()), call("malloc", {bytes}, CallKind::Builtin))),
      decl("d_in", ptr(f32()), verbatimExpr("nullptr")), decl("d_out", ptr(f32()), verbatimExpr("nullptr")),
      decl("one", f32(), flit(1)),
      hostCopy(CopyDirection::HostToDevice, false, nullptr, true),
      node<HostAlloc>([&](HostAlloc &h) { h.pointer = dIn; h.bytes = bytes; }),
      node<HostAlloc>([&](HostAlloc &h) { h.pointer = dOut; h.bytes = bytes; h.memory = HostAlloc::Memory::Managed; }),
      node<HostCopy>([&](HostCopy &h) { h.dst = dIn; h.src = var("h"); h.bytes = bytes; h.direction = CopyDirection::HostToDevice; }),
      decl("stream", named(std::string("cudaStream_t"))),
      eval(call("cudaStreamCreate", {addrOf(var("stream"))}, CallKind::Runtime)),
      node<Launch>([&](Launch &l) {
        l.kernel = "reduce"; l.templateArgs = {"256"}; l.config.grid = lit(4); l.config.block = lit(256);
        l.config.sharedBytes = mul(lit(256), sizeOf(f32())); l.config.stream = var("stream"); l.args = {dIn, dOut, var("n")};
      }),
      launch("saxpy", div(add(var("n"), lit(255)), lit(256)), lit(256), {var("n"), flit(2), dIn, dOut}),
      node<Launch>([&](Launch &l) {
        l.kernel = "fill"; l.templateArgs = {"float"}; l.config.grid = lit(1); l.config.block = lit(32);
        l.args = {dIn, var("one")};
      }),
      decl("d_dbl", ptr(f64()), verbatimExpr("nullptr")),
      node<Launch>([&](Launch &l) {
        l.kernel = "fill"; l.config.grid = lit(1); l.config.block = lit(32);  // T deduced
        l.args = {var("d_dbl"), flit(2, f64())};
      }),
      hostSync(var("stream")), hostSync(),
      node<HostCopy>([&](HostCopy &h) {
        h.dst = var("h"); h.src = dOut; h.bytes = bytes; h.direction = CopyDirection::DeviceToHost; h.async = true;
        h.stream = var("stream");
      }),
      node<HostFree>([&](HostFree &h) { h.pointer = dIn; }), node<HostFree>([&](HostFree &h) { h.pointer = dOut; }),
      eval(call("free", {var("h")}, CallKind::Builtin)),
      ret(lit(0)),
  });
  // `hostCopy(..., true)` above copies h_a into the symbol `sym`: declare both.
  GlobalVar sym;
  sym.name = "sym";
  sym.type = arr(f32(), 4);
  sym.space = MemSpace::Constant;
  Function host = function("run", FunctionKind::Host, {{"h_a", ptr(f32())}, {"bytes", withName(scalar(ScalarType::U64), "size_t")}}, hostBody, i32());
  return module(Dialect::CUDA, {coeff, sym, helper, reduce, reduce128, fillF, fillD, saxpy, host}, {{"cstdlib", true, {}}});
}

}  // namespace

TEST(PrinterCompile, CudaOutputCompilesWithNvcc) {
  const std::string nvcc = "/usr/local/cuda/bin/nvcc";
  if (!haveTool(nvcc)) GTEST_SKIP() << "nvcc not found";
  auto r = printModule(gpuProgram(), Dialect::CUDA);
  ASSERT_TRUE(r.ok()) << r.errors[0].message;
  EXPECT_EQ(compile(r.code, ".cu", nvcc + " -c -arch=sm_80 -x cu"), "");
}

TEST(PrinterCompile, HipOutputCompilesWithHipcc) {
  if (!haveTool("hipcc")) GTEST_SKIP() << "hipcc not found";
  // The same program, with the stream type renamed as the runtime-mapping pass would.
  Module m = gpuProgram();
  auto &host = std::get<Function>(m.items.back());
  auto hostSeq = std::make_shared<Seq>(*host.body->as<Seq>());
  for (auto &s : hostSeq->body) {
    if (auto *dcl = s->as<Decl>(); dcl && dcl->name == "stream") s = decl("stream", named("hipStream_t"));
    if (auto *ev = s->as<Eval>(); ev && ev->value->as<Call>() && ev->value->as<Call>()->callee == "cudaStreamCreate")
      s = eval(call("hipStreamCreate", {addrOf(var("stream"))}, CallKind::Runtime));
  }
  host.body = hostSeq;
  // And one launch through the macro.
  hostSeq->body.insert(hostSeq->body.end() - 1, node<Launch>([](Launch &l) {
    l.kernel = "reduce"; l.templateArgs = {"128"}; l.config.grid = lit(1); l.config.block = lit(128);
    l.config.sharedBytes = lit(512); l.args = {var("d_in"), var("d_out"), var("n")}; l.viaMacro = true;
  }));
  auto r = printModule(m, Dialect::HIP);
  ASSERT_TRUE(r.ok()) << r.errors[0].message;
  EXPECT_EQ(compile(r.code, ".hip", "hipcc --offload-arch=gfx90a -c"), "");
}

TEST(PrinterCompile, CAndVnniOutputCompilesWithGcc) {
  if (!haveTool("g++") || !haveTool("gcc")) GTEST_SKIP() << "gcc/g++ not found";
  auto body = seq({assign(load(var("y"), var("i")), add(mul(var("alpha"), load(var("x"), var("i"))), load(var("y"), var("i"))))});
  auto loop = node<For>([&](For &f) {
    f.var = "i"; f.varType = i32(); f.start = lit(0); f.end = var("n"); f.body = body; f.forKind = ForKind::Parallel;
    f.parallelClauses = "schedule(static)";
  });
  auto simd = forLoop("j", lit(0), lit(16), seq({assign(load(var("y"), var("j")), flit(0), BinaryOp::Add)}), ForKind::Vectorized);
  Function saxpy = function("saxpy", FunctionKind::Host,
                            {{"n", i32()}, {"alpha", f32()}, {"x", ptr(constOf(f32()), true)}, {"y", ptr(f32(), true)}},
                            seq({loop, simd}));
  auto dot = seq({decl("acc", named("__m512i"), call("_mm512_setzero_si512", {}, CallKind::Intrinsic)),
                  assign(var("acc"), call("_mm512_dpbusd_epi32", {var("acc"), var("a"), var("b")}, CallKind::Intrinsic)),
                  ret(call("_mm512_reduce_add_epi32", {var("acc")}, CallKind::Intrinsic))});
  Function vnniDot = function("dot", FunctionKind::Host, {{"a", named("__m512i")}, {"b", named("__m512i")}}, dot, i32());
  vnniDot.isStatic = true;
  vnniDot.isInline = true;
  auto hostBody = seq({decl("p", ptr(f32())), hostAlloc(HostAlloc::Memory::Device),
                       node<HostAlloc>([](HostAlloc &h) { h.pointer = var("p", ptr(f32())); h.bytes = lit(64); }),
                       node<HostCopy>([](HostCopy &h) { h.dst = var("p"); h.src = var("d_a"); h.bytes = lit(64); }),
                       hostSync(), node<HostFree>([](HostFree &h) { h.pointer = var("p"); }),
                       hostFree(HostAlloc::Memory::Device)});
  Function host = function("host", FunctionKind::Host, {{"d_a", ptr(f32())}, {"bytes", withName(scalar(ScalarType::U64), "size_t")}}, hostBody);

  Module cxx = module(Dialect::C, {saxpy, host});
  auto c = printModule(cxx, Dialect::C);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(compile(c.code, ".cpp", "g++ -std=c++17 -Wall -Wextra -Werror -Wno-uninitialized -fopenmp -c"), "");
  Module plainC = module(Dialect::C, {saxpy, host}, {}, /*isCxx=*/false);
  auto pc = printModule(plainC, Dialect::C);
  ASSERT_TRUE(pc.ok());
  EXPECT_EQ(compile(pc.code, ".c", "gcc -std=c11 -Wall -Wextra -Werror -Wno-uninitialized -fopenmp -c"), "");
  Module vnni = module(Dialect::VNNI, {vnniDot, saxpy, host}, {{"omp.h", true, {}}});
  auto v = printModule(vnni, Dialect::VNNI);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(compile(v.code, ".cpp", "g++ -std=c++17 -Wall -Wextra -Werror -Wno-uninitialized -fopenmp -mavx512f -mavx512vnni -c"), "");
}
