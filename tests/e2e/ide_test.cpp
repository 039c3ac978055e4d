// The IDE tasks of docs/ide.md, run as VS Code would run them: the tasks.json is read from the
// document itself, VS Code's variables are substituted, each task's command runs on real files, and
// the regular expression of VS Code's built-in `$gcc` problem matcher is applied to what xpile
// prints. A problem the matcher cannot see would be invisible in the IDE, so every error must match
// with the right file, line, column and severity.
#include "tests/e2e/process.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <regex>
#include <sstream>

namespace fs = std::filesystem;
using xpile::test::run;
using xpile::test::shellQuote;

namespace {

const std::string kXpile = XPILE_BINARY;
const std::string kSource = XPILE_SOURCE_DIR;

// The pattern of VS Code's built-in `$gcc` problem matcher (problemMatcher.ts, pattern 'gcc'):
// file, line, column, severity, message.
const std::regex kGccPattern(R"(^(.*?):(\d+):(\d*):?\s+(?:fatal\s+)?(warning|error):\s+(.*)$)");

struct Problem {
  std::string file, severity, message;
  int line = 0, column = 0;
};

std::vector<Problem> problemsIn(const std::string &output) {
  std::vector<Problem> problems;
  std::istringstream lines(output);
  std::string line;
  std::smatch m;
  while (std::getline(lines, line))
    if (std::regex_match(line, m, kGccPattern))
      problems.push_back({m[1], m[4], m[5], std::stoi(m[2]), m[3].length() ? std::stoi(m[3]) : 0});
  return problems;
}

nlohmann::json tasksJsonFromDocs() {
  std::string doc = xpile::test::readFile(kSource + "/docs/ide.md");
  size_t start = doc.find("```json\n");
  size_t end = start == std::string::npos ? start : doc.find("```", start + 8);
  if (end == std::string::npos) return nullptr;
  return nlohmann::json::parse(doc.substr(start + 8, end - start - 8));
}

std::string replaceAll(std::string s, const std::string &from, const std::string &to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
  return s;
}

// The command line VS Code runs for `task` on `file`, with `target` picked from the input.
std::string commandFor(const nlohmann::json &task, const std::string &file, const std::string &target) {
  fs::path p(file);
  std::string command = task["command"] == "xpile" ? kXpile : task["command"].get<std::string>();
  for (const auto &arg : task["args"]) {
    std::string a = arg.get<std::string>();
    a = replaceAll(a, "${fileDirname}", p.parent_path().string());
    a = replaceAll(a, "${fileBasenameNoExtension}", p.stem().string());
    a = replaceAll(a, "${file}", file);
    a = replaceAll(a, "${input:xpileTarget}", target);
    command += " " + shellQuote(a);
  }
  return command;
}

const nlohmann::json &taskLabelled(const nlohmann::json &tasks, const std::string &label) {
  for (const auto &t : tasks["tasks"])
    if (t["label"] == label) return t;
  static const nlohmann::json none;
  return none;
}

class IdeTasks : public testing::Test {
protected:
  void SetUp() override {
    dir_ = xpile::test::makeTempDir();
    tasks_ = tasksJsonFromDocs();
    ASSERT_TRUE(tasks_.is_object()) << "docs/ide.md has no ```json block";
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }
  std::string dir_;
  nlohmann::json tasks_;
};

}  // namespace

TEST_F(IdeTasks, EveryTaskRunsXpileWithTheGccMatcher) {
  ASSERT_EQ(tasks_["version"], "2.0.0");
  ASSERT_GE(tasks_["tasks"].size(), 6u);
  for (const auto &t : tasks_["tasks"]) {
    EXPECT_EQ(t["problemMatcher"], "$gcc") << t["label"];
    EXPECT_EQ(t["command"], "xpile") << t["label"];
    EXPECT_EQ(t["type"], "process") << t["label"];
  }
}

// A type error in the current file: every task reports it at its line and column, and fails.
TEST_F(IdeTasks, AClangErrorLandsAtItsLineAndColumnInEveryTask) {
  std::string file = dir_ + "/broken.cu";
  xpile::test::writeFile(file, "__global__ void k(float *a) {\n"
                               "  int i = threadIdx.x;\n"
                               "  a[i] = undeclared_thing;\n"
                               "}\n");
  for (const auto &task : tasks_["tasks"]) {
    auto r = run(commandFor(task, file, "hip"));
    EXPECT_NE(r.exitCode, 0) << task["label"];
    // The terminal shows both streams (check prints diagnostics on stdout, like clang-tidy).
    auto problems = problemsIn(r.out + r.err);
    ASSERT_FALSE(problems.empty()) << task["label"] << ": nothing the $gcc matcher sees in:\n" << r.out << r.err;
    EXPECT_EQ(problems[0].file, file);
    EXPECT_EQ(problems[0].line, 3);
    EXPECT_EQ(problems[0].column, 10);
    EXPECT_EQ(problems[0].severity, "error");
    EXPECT_EQ(problems[0].message, "use of undeclared identifier 'undeclared_thing'");
    EXPECT_TRUE(r.out.empty() || task["label"] == "xpile: check current file") << task["label"] << ": " << r.out;
  }
}

// A kernel file without a launch translates, but cannot be verified: the file is written and the
// Problems panel shows why, at line 1; the exit status says it was not a success.
TEST_F(IdeTasks, AnUnverifiedTranslationIsAnErrorInTheProblemsPanel) {
  std::string file = dir_ + "/scale.cu";
  xpile::test::writeFile(file, "__global__ void scale(float *a, int n) {\n"
                               "  int i = blockIdx.x * blockDim.x + threadIdx.x;\n"
                               "  if (i < n) a[i] = 2.0f * a[i];\n"
                               "}\n");
  auto r = run(commandFor(taskLabelled(tasks_, "xpile: translate current file to HIP"), file, "hip"));
  EXPECT_EQ(r.exitCode, 1) << r.err;
  EXPECT_TRUE(fs::exists(dir_ + "/scale.hip"));
  auto problems = problemsIn(r.err);
  ASSERT_EQ(problems.size(), 1u) << r.err;
  EXPECT_EQ(problems[0].file, file);
  EXPECT_EQ(problems[0].line, 1);
  EXPECT_EQ(problems[0].severity, "error");
  EXPECT_EQ(problems[0].message.rfind("output not verified: ", 0), 0u) << problems[0].message;
}

// The diff task prints `diff -u` from the input to the translation on stdout and writes nothing.
TEST_F(IdeTasks, TheDiffTaskPrintsAUnifiedDiffAndWritesNothing) {
  std::string file = dir_ + "/scale.cu";
  xpile::test::writeFile(file, "#include <cuda_runtime.h>\n"
                               "__global__ void scale(float *a, int n) {\n"
                               "  int i = blockIdx.x * blockDim.x + threadIdx.x;\n"
                               "  if (i < n) a[i] = 2.0f * a[i];\n"
                               "}\n");
  std::string command = commandFor(taskLabelled(tasks_, "xpile: show translation as a diff"), file, "hip");
  auto r = run(command + " --kernel scale --launch 'grid=2,1,1;block=64,1,1' --arg f32[128]:rand --arg i32:100");
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_TRUE(problemsIn(r.err).empty()) << r.err;
  EXPECT_EQ(r.out.rfind("--- " + file + "\n+++ scale.hip\n@@ ", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("\n-#include <cuda_runtime.h>\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n+#include <hip/hip_runtime.h>\n"), std::string::npos) << r.out;
  std::vector<std::string> files;
  for (const auto &e : fs::directory_iterator(dir_)) files.push_back(e.path().filename());
  EXPECT_EQ(files, std::vector<std::string>{"scale.cu"});
}

// `-o -` puts the translation on stdout and only diagnostics on stderr.
TEST_F(IdeTasks, DashOWritesTheTranslationToStdout) {
  std::string file = dir_ + "/scale.cu";
  xpile::test::writeFile(file, "__global__ void scale(float *a, int n) {\n"
                               "  int i = blockIdx.x * blockDim.x + threadIdx.x;\n"
                               "  if (i < n) a[i] = 2.0f * a[i];\n"
                               "}\n");
  auto r = run(kXpile + " translate " + shellQuote(file) + " --to hip -o - --kernel scale " +
               "--launch 'grid=2,1,1;block=64,1,1' --arg f32[128]:rand --arg i32:100");
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_NE(r.out.find("__global__ void scale(float *a, int n)"), std::string::npos) << r.out;
  EXPECT_EQ(r.err.find("__global__"), std::string::npos) << r.err;
}
