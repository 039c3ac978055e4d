// The printer every dialect shares: C-family statements, expressions (with the fewest parentheses
// C's precedence and associativity allow), types and declarators, literals, loops with their
// pragmas, functions, templates, globals and includes. What a dialect spells differently is a
// virtual hook; each dialect printer (backends/<dialect>/) is a small subclass that overrides them.
//
// The printer never fails half-way: a construct the target cannot express becomes an error
// diagnostic plus a `/* xpile: error: ... */` placeholder in the output, and printing goes on.
#pragma once

#include "ast/module.h"
#include "backends/printer.h"

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace xpile::backends {

// C operator precedence, loosest first. An expression is parenthesized when its own precedence is
// looser than what its context requires.
enum Prec : int {
  kPrecLowest = 0,
  kPrecComma = 1,
  kPrecAssign = 2,
  kPrecCond = 3,
  kPrecLOr = 4,
  kPrecLAnd = 5,
  kPrecBitOr = 6,
  kPrecBitXor = 7,
  kPrecBitAnd = 8,
  kPrecEquality = 9,
  kPrecRelational = 10,
  kPrecShift = 11,
  kPrecAdditive = 12,
  kPrecMultiplicative = 13,
  kPrecUnary = 14,    // prefix operators, C-style casts, sizeof
  kPrecPostfix = 15,  // a[i], f(x), a.b, a->b, x++, static_cast<T>(x)
  kPrecPrimary = 16,  // literals, names
};

int binaryPrecedence(ast::BinaryOp op);

class CFamilyPrinter {
public:
  CFamilyPrinter(const ast::Module &m, ast::Dialect target);
  virtual ~CFamilyPrinter() = default;

  // The whole module, unformatted.
  PrintResult print();

  // Pieces, for tests and for tools that print a fragment (unformatted; errors accumulate).
  std::string printExpr(const ast::ExprPtr &e) { return expr(e); }
  std::string printStmt(const ast::StmtPtr &s);
  std::string printFunction(const ast::Function &f);
  // `t` declaring `name`: declare(float[4][8], "a") == "float a[4][8]"; an empty name gives the
  // abstract type ("float (*)[8]") used by casts and sizeof.
  std::string declare(const ast::TypePtr &t, const std::string &name);
  const std::vector<PrintDiagnostic> &errors() const { return errors_; }
  void setOptions(const PrintOptions &opts) { opts_ = opts; }

protected:
  // ---- Hooks: what each dialect spells differently --------------------------------------------

  // Scalar spellings that differ between dialects (half, bfloat16). Type::name wins for the others.
  virtual std::string halfName() const = 0;
  virtual std::string bfloat16Name() const = 0;
  // float4, half2, ...; nullopt when the dialect has no such vector type.
  virtual std::optional<std::string> vectorName(ast::ScalarType s, int lanes) const;
  virtual std::string restrictKeyword() const;

  // Specifiers before the return type (`__global__`, `static inline`, `extern "C"`) and attributes
  // between return type and name (`__launch_bounds__(256)`), each ending in a space when non-empty.
  virtual std::string functionSpecifiers(const ast::Function &f);
  virtual std::string functionAttributes(const ast::Function &f) { return ""; }
  // The qualifier a variable in `space` carries (`__shared__ `, `__nram__ `, ""); `atFileScope`
  // distinguishes globals from locals. nullopt: the dialect has no such memory space.
  virtual std::optional<std::string> memSpaceQualifier(ast::MemSpace space, bool atFileScope) const;
  // Execution printing: a declaration the executor needs in another form than the dialect's
  // (BANG's per-cluster SRAM variables); nullopt prints the usual declaration.
  virtual std::optional<std::string> executionDeclaration(const std::string &name, const ast::TypePtr &type,
                                                          ast::MemSpace space, const ast::ExprPtr &init) {
    return std::nullopt;
  }

  // threadIdx.x, taskId, ...; nullopt: not an axis of this dialect.
  virtual std::optional<std::string> parallelIndexName(ast::ParallelAxis axis, int dim) const;
  // Whether loops bound to a parallel axis (For::boundAxis) print as axis-strided loops. CPU
  // dialects print them with OpenMP pragmas instead.
  virtual bool hasParallelAxes() const { return true; }
  // Lines printed before a canonical loop (`#pragma unroll 4`, `#pragma omp parallel for`).
  virtual std::vector<std::string> forPragmas(const ast::For &f);
  virtual std::string unrollPragma(int factor) const;

  // Statements only some dialects have. The defaults report the construct as inexpressible.
  virtual void printSync(const ast::Sync &s);
  virtual void printCopy(const ast::Copy &s);
  virtual void printLaunch(const ast::Launch &s);
  virtual void printHostAlloc(const ast::HostAlloc &s);
  virtual void printHostFree(const ast::HostFree &s);
  virtual void printHostCopy(const ast::HostCopy &s);
  virtual void printHostSync(const ast::HostSync &s);

  // The dialect's own headers, in the order to emit them, given what the printed code used.
  virtual std::vector<ast::Include> dialectIncludes() const = 0;

  // ---- Helpers for dialect printers ---------------------------------------------------------

  // What the printed code used, gathered while printing (drives dialectIncludes).
  struct Usage {
    bool f16 = false, bf16 = false;
    bool wmma = false;          // nvcuda::wmma calls or fragment types
    bool hostCode = false;      // host functions or host runtime statements
    bool malloc = false, memcpy = false;  // C's allocation/copy calls
  };

  std::string expr(const ast::ExprPtr &e, int prec = kPrecLowest);
  // An argument inside `<<<...>>>`: comparisons and shifts are parenthesized so `>` never meets
  // the closing `>>>` (which would also confuse clang-format).
  std::string launchArg(const ast::ExprPtr &e) { return expr(e, kPrecAdditive); }
  // `name` or `name<a, b>`.
  static std::string withTemplateArgs(const std::string &name, const std::vector<std::string> &args);
  std::string exprList(const std::vector<ast::ExprPtr> &es);  // "a, b, c" (each at assignment level)
  std::string typeName(const ast::TypePtr &t) { return declare(t, ""); }
  void line(const std::string &text);  // one line at the current indentation
  // Reports an error and leaves a placeholder comment in the output.
  void unsupported(const ast::SourceLoc &loc, const std::string &what);
  void error(const ast::SourceLoc &loc, const std::string &message);
  bool cxx() const { return module_.isCxx; }
  bool executing() const { return opts_.forExecution; }  // printing for xpile's CPU executors
  const std::string &dialect() const { return dialectName_; }
  bool hasInclude(const std::string &header) const;  // among the module's own includes
  std::string nullPointer() const { return cxx() ? "nullptr" : "NULL"; }

  const ast::Module &module_;
  const ast::Dialect target_;
  Usage usage_;
  PrintOptions opts_;

private:
  std::string exprNoParens(const ast::ExprPtr &e, int &ownPrec);
  std::string literalSuffix(const ast::TypePtr &t, bool isFloat) const;
  std::string scalarName(const ast::Type &t);
  std::string baseTypeName(const ast::Type &t);
  std::string declarator(const ast::TypePtr &t, std::string inner, bool withBase);
  void noteType(const ast::TypePtr &t);

  void stmt(const ast::StmtPtr &s);
  // The statement under if/for/while; `braces`: the header ended in `{` (the caller closes it).
  void body(const ast::StmtPtr &s, bool braces);
  void seqContents(const ast::StmtPtr &s);                        // a block's statements
  bool needsBraces(const ast::StmtPtr &s) const;
  std::string inlineStmt(const ast::StmtPtr &s);                  // for-init: "int i = 0"
  std::string declText(const ast::Decl &d);
  void printIf(const ast::If &s, bool isElseIf);
  void printSwitch(const ast::Switch &s);
  void printFor(const ast::For &s);
  void printLoop(const ast::Loop &s);
  void printAlloc(const ast::Alloc &s);
  void printVerbatim(const std::string &text, bool isStatement);

  void printFunctionItem(const ast::Function &f);
  void printGlobal(const ast::GlobalVar &g);
  std::string signature(const ast::Function &f, const std::string &nameWithArgs);
  std::string includesBlock() const;
  std::string kernelInfo(const ast::Function &kernel);  // the KernelInfo constant (execution printing)

  bool inDeviceCode_ = false;  // printing a kernel or device function body
  std::set<std::string> kernelInfoNames_;  // template kernels given a plain-name KernelInfo

  std::string out_;
  int indent_ = 0;
  ast::SourceLoc currentLoc_;  // the innermost statement or item being printed, for diagnostics
  std::vector<PrintDiagnostic> errors_;
  std::set<std::string> declaredTemplates_;  // primary templates already declared (name + signature)
  std::string dialectName_;
};

// One factory per dialect printer (backends/<dialect>/<dialect>_printer.cpp).
std::unique_ptr<CFamilyPrinter> makeCudaPrinter(const ast::Module &m);
std::unique_ptr<CFamilyPrinter> makeHipPrinter(const ast::Module &m);
std::unique_ptr<CFamilyPrinter> makeBangPrinter(const ast::Module &m);
std::unique_ptr<CFamilyPrinter> makeVnniPrinter(const ast::Module &m);
std::unique_ptr<CFamilyPrinter> makeCPrinter(const ast::Module &m);
std::unique_ptr<CFamilyPrinter> makePrinter(const ast::Module &m, ast::Dialect target);

// The headers that belong to each dialect (never copied from a source of another dialect).
bool isDialectHeader(const std::string &header);
bool isHeaderOf(const std::string &header, ast::Dialect d);

}  // namespace xpile::backends
