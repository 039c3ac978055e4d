// hip-api-rename: every edit of the CUDA->HIP source rewrite (porting::rewriteCudaToHip, the same
// edits `xpile port` and `xpile translate --to hip` apply) as a warning with its fix-it: runtime
// and library names, types, enumerators, macros, #include lines, kernels rewritten through the
// pass pipeline. Applying every fix-it of this check reproduces the rewrite exactly.
#include "checks/check_registry.h"
#include "checks/nolint.h"
#include "checks/rewrite_diagnostics.h"

namespace xpile::checks {

namespace {

std::string shortened(std::string text) {
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  for (char &c : text)
    if (c == '\n' || c == '\t') c = ' ';
  return text;
}

class HipApiRenameCheck : public Check {
public:
  using Check::Check;
  bool needsRewrite() const override { return true; }

  void onRewrite(const porting::FileRewrite &rewrite) override {
    for (const auto &[file, replacements] : rewrite.replacements) {
      const std::string contents = fileContents(context(), file);
      const bool isMain = absolutePath(file) == absolutePath(context().mainFile);
      for (const clang::tooling::Replacement &r : replacements) {
        unsigned line = 0, column = 0;
        lineAndColumn(contents, r.getOffset(), line, column);
        CheckDiagnostic &d = diag(isMain ? context().mainFile : file, r.getOffset(), line, column,
                                  describe(rewrite, file, line, column, contents, r));
        d.length = r.getLength();
        d.fixes.push_back(r);
      }
    }
  }

private:
  static std::string describe(const porting::FileRewrite &rewrite, const std::string &file, unsigned line,
                              unsigned column, const std::string &contents, const clang::tooling::Replacement &r) {
    const std::string path = absolutePath(file);
    for (const auto &c : rewrite.converted)
      if (c.line == line && c.column == column && absolutePath(c.file) == path) {
        if (c.kind == "include") return "'#include " + c.from + "' becomes '#include " + c.to + "' in HIP";
        return "the CUDA " + (c.library == "runtime" ? std::string() : c.library + " ") + c.kind + " '" + c.from +
               "' is '" + c.to + "' in HIP";
      }
    for (const auto &k : rewrite.kernels)
      if (k.line == line && absolutePath(k.file) == path)
        return "kernel '" + k.name + "' is rewritten for HIP" + (k.why.empty() ? std::string() : " (" + k.why + ")") +
               (k.verified ? "; verified on the executors" : "");
    const std::string before = contents.substr(std::min<size_t>(r.getOffset(), contents.size()), r.getLength());
    return "'" + shortened(before) + "' becomes '" + shortened(r.getReplacementText().str()) + "' in HIP";
  }
};

// The rewriter's own diagnostics (APIs without an exact HIP equivalent, kept spans, hazards),
// under the check names it gives them; this one for those it leaves unnamed.
class HipApiWithoutEquivalentCheck : public Check {
public:
  using Check::Check;
  bool needsRewrite() const override { return true; }

  void onRewrite(const porting::FileRewrite &rewrite) override {
    for (const auto &d : rewrite.diagnostics)
      if (d.check.empty() || d.check == name()) {
        CheckDiagnostic converted = fromRewriterDiagnostic(d, name());
        if (absolutePath(converted.file) == absolutePath(context().mainFile)) converted.file = context().mainFile;
        context().diagnostics.push_back(std::move(converted));
      }
  }
};

}  // namespace

CheckInfo hipApiRenameCheck() {
  return {"hip-api-rename",
          "CUDA runtime/library names, types, macros and includes with their HIP spelling (the rewrite of xpile port)",
          [](ast::Dialect source, const TargetLimits &target) {
            return source == ast::Dialect::CUDA && target.dialect == ast::Dialect::HIP;
          },
          [](CheckContext &c) { return std::make_unique<HipApiRenameCheck>("hip-api-rename", c); }};
}

CheckInfo hipApiWithoutEquivalentCheck() {
  return {"hip-api-without-equivalent", "CUDA APIs the HIP rewrite cannot map exactly (reported by the rewriter)",
          [](ast::Dialect source, const TargetLimits &target) {
            return source == ast::Dialect::CUDA && target.dialect == ast::Dialect::HIP;
          },
          [](CheckContext &c) {
            return std::make_unique<HipApiWithoutEquivalentCheck>("hip-api-without-equivalent", c);
          }};
}

}  // namespace xpile::checks
