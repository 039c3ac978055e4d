// The pass manager against passes whose effect is known: a pass that changes nothing observable
// verifies, a pass that changes the computation is caught by verification, a pass that fails stops
// the pipeline, and the trace holds the program after every pass.
#include "ast/visitor.h"
#include "passes/pass_manager.h"
#include "tests/passes/pass_test_util.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace xpile::passes {
namespace {

const char *kScale = "void scale(const float *x, float *y, int n) {\n"
                     "  for (int i = 0; i < n; ++i) y[i] = 2.0f * x[i];\n"
                     "}\n";

// Replaces every floating-point literal by `value` (a wrong "optimisation" when value != 2).
class ReplaceFloats : public ast::IRMutator {
public:
  explicit ReplaceFloats(double value) : value_(value) {}

protected:
  ast::ExprPtr visitFloatLit(const ast::FloatLit &node, const ast::ExprPtr &) override {
    auto copy = std::make_shared<ast::FloatLit>(node);
    copy->value = value_;
    copy->spelling.clear();
    return copy;
  }

private:
  double value_;
};

PassStep replaceFloats(double value) {
  return {"replace-floats", [value](ast::Module &m, PassContext &ctx) {
            m = ReplaceFloats(value).mutate(m);
            ctx.params["value"] = value;
            return true;
          }};
}

VerificationPlan planFor(const std::string &workDir) {
  VerificationPlan plan;
  plan.requestFor = [](const ast::Module &) -> std::optional<exec::RunRequest> {
    exec::RunRequest r;
    r.mode = exec::RunRequest::Mode::Entry;
    r.name = "scale";
    for (const char *a : {"f32[100]:rand", "f32[100]:zeros", "i32:100"}) r.args.push_back(*exec::parseArgSpec(a, nullptr));
    return r;
  };
  plan.workDir = workDir;
  plan.what = "entry scale";
  return plan;
}

std::string tempDir(const std::string &name) {
  std::string dir = std::filesystem::temp_directory_path().string() + "/xpile-pm-test-" + name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

TEST(PassManager, EquivalentPassVerifiesAndIsRecorded) {
  ast::Module m = test::parse("scale.c", kScale);
  PipelineOptions options;
  options.verification = planFor(tempDir("ok"));
  PipelineResult r = runPipeline(m, ast::Dialect::C, {replaceFloats(2.0)}, options);
  ASSERT_EQ(r.passes.size(), 1u);
  EXPECT_TRUE(r.ok) << r.passes[0].verdict;
  EXPECT_EQ(r.passes[0].verification, VerifyStatus::Passed) << r.passes[0].verdict;
  EXPECT_EQ(r.verification, VerifyStatus::Passed) << r.verdict;
  EXPECT_EQ(r.passes[0].params["value"], 2.0);
  EXPECT_EQ(toJson(r.passes[0])["verification"], "passed");
}

TEST(PassManager, WrongPassIsCaughtByVerification) {
  ast::Module m = test::parse("scale.c", kScale);
  PipelineOptions options;
  options.verification = planFor(tempDir("wrong"));
  PipelineResult r = runPipeline(m, ast::Dialect::C, {replaceFloats(3.0), replaceFloats(2.0)}, options);
  EXPECT_FALSE(r.ok);
  ASSERT_EQ(r.passes.size(), 1u) << "the pipeline stops at the failing pass";
  EXPECT_EQ(r.passes[0].verification, VerifyStatus::Failed);
  EXPECT_NE(r.passes[0].verdict.find("'y'"), std::string::npos) << r.passes[0].verdict;
}

TEST(PassManager, FailingPassStopsAndTraceHasEveryStep) {
  ast::Module m = test::parse("scale.c", kScale);
  PipelineOptions options;
  options.traceDir = tempDir("trace");
  PassStep refuse{"refuse", [](ast::Module &, PassContext &ctx) {
                    ctx.error({"scale.c", 2, 3}, "cannot do this");
                    return false;
                  }};
  PipelineResult r = runPipeline(m, ast::Dialect::C, {replaceFloats(2.0), refuse, replaceFloats(2.0)}, options);
  EXPECT_FALSE(r.ok);
  ASSERT_EQ(r.passes.size(), 2u);
  EXPECT_TRUE(r.passes[0].applied);
  EXPECT_FALSE(r.passes[1].applied);
  EXPECT_EQ(toJson(r.passes[1])["diagnostics"][0]["location"], "scale.c:2:3");
  EXPECT_TRUE(std::filesystem::exists(options.traceDir + "/00-input.c"));
  EXPECT_TRUE(std::filesystem::exists(options.traceDir + "/01-replace-floats.c"));
  EXPECT_FALSE(std::filesystem::exists(options.traceDir + "/02-refuse.c"));
  std::ifstream log(options.traceDir + "/log.json");
  nlohmann::json j = nlohmann::json::parse(log);
  EXPECT_EQ(j["passes"].size(), 2u);
  EXPECT_EQ(j["passes"][1]["name"], "refuse");
}

}  // namespace
}  // namespace xpile::passes
