// The xpile program on bad input: a clear `file:line:col: error: ...` (or `xpile: error:` when
// there is no file), a non-zero exit status, and nothing written.
#include "tests/e2e/process.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace fs = std::filesystem;
using xpile::test::run;
using xpile::test::shellQuote;

namespace {

const std::string kXpile = XPILE_BINARY;

class BadInput : public testing::Test {
protected:
  void SetUp() override { dir_ = xpile::test::makeTempDir(); }
  void TearDown() override { fs::remove_all(dir_); }
  std::string file(const std::string &name, const std::string &contents) {
    std::string path = dir_ + "/" + name;
    xpile::test::writeFile(path, contents);
    return path;
  }
  std::string dir_;
};

}  // namespace

TEST_F(BadInput, UnparsableCodeReportsClangDiagnosticsAndWritesNothing) {
  std::string in = file("broken.cu", "__global__ void k(float *a) {\n  a[0] = 1.0f\n}\n");
  std::string out = dir_ + "/out.cu";
  auto r = run(kXpile + " translate " + shellQuote(in) + " --to cuda -o " + shellQuote(out));
  EXPECT_NE(r.exitCode, 0);
  EXPECT_NE(r.err.find("broken.cu:2:14: error: expected ';'"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
  EXPECT_TRUE(r.out.empty());
}

TEST_F(BadInput, MissingFile) {
  auto r = run(kXpile + " dump " + shellQuote(dir_ + "/nope.cu"));
  EXPECT_NE(r.exitCode, 0);
  EXPECT_NE(r.err.find("error: no such file or directory"), std::string::npos) << r.err;
}

TEST_F(BadInput, UnknownDialects) {
  std::string in = file("k.cu", "__global__ void k() {}\n");
  auto to = run(kXpile + " translate " + shellQuote(in) + " --to fortran");
  EXPECT_NE(to.exitCode, 0);
  EXPECT_NE(to.err.find("unknown target dialect 'fortran'"), std::string::npos) << to.err;
  auto from = run(kXpile + " dump --from=opencl " + shellQuote(in));
  EXPECT_NE(from.exitCode, 0);
  EXPECT_NE(from.err.find("unknown dialect 'opencl'"), std::string::npos) << from.err;
  std::string txt = file("notes.txt", "hello\n");
  auto undetected = run(kXpile + " dump " + shellQuote(txt));
  EXPECT_NE(undetected.exitCode, 0);
  EXPECT_NE(undetected.err.find("notes.txt:1:1: error: cannot tell the dialect"), std::string::npos) << undetected.err;
}

TEST_F(BadInput, UnsupportedDirectionIsRefusedNotFaked) {
  std::string in = file("k.cu", "__global__ void k(float *a) { a[threadIdx.x] = 0; }\n");
  std::string out = dir_ + "/k.mlu";
  auto r = run(kXpile + " translate " + shellQuote(in) + " --to bang -o " + shellQuote(out));
  EXPECT_NE(r.exitCode, 0);
  EXPECT_NE(r.err.find("k.cu:1:1: error: translation to bang is not implemented yet"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(BadInput, NeverOverwritesTheInput) {
  std::string source = "__global__ void k(float *a) { a[threadIdx.x] = 0; }\n";
  std::string in = file("k.cu", source);
  auto r = run(kXpile + " translate " + shellQuote(in) + " --to cuda -o " + shellQuote(in));
  EXPECT_NE(r.exitCode, 0);
  EXPECT_NE(r.err.find("refusing to overwrite the input file"), std::string::npos) << r.err;
  EXPECT_EQ(xpile::test::readFile(in), source);
}

TEST_F(BadInput, BinaryGarbageDoesNotCrash) {
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage += static_cast<char>((i * 7919) % 256);
  std::string in = file("garbage.cu", garbage);
  auto r = run(kXpile + " dump " + shellQuote(in));
  EXPECT_EQ(r.exitCode, 1) << r.err;  // diagnosed, not crashed (a crash exits with a signal status)
  EXPECT_NE(r.err.find("error:"), std::string::npos);
}

TEST(Cli, VersionAndHelp) {
  auto v = run(kXpile + " --version");
  EXPECT_EQ(v.exitCode, 0);
  EXPECT_NE(v.out.find("xpile "), std::string::npos);
  for (const char *sub : {"", " translate", " dump"}) {
    auto h = run(kXpile + sub + " --help");
    EXPECT_EQ(h.exitCode, 0) << sub;
    EXPECT_NE(h.out.find("USAGE"), std::string::npos) << sub << h.out;
  }
  auto t = run(kXpile + " translate --help");
  EXPECT_NE(t.out.find("--to"), std::string::npos);
}

TEST(Cli, TranslateIdentityWritesTheFileAndAReport) {
  std::string dir = xpile::test::makeTempDir();
  std::string in = dir + "/k.cu", out = dir + "/out.cu", report = dir + "/r.json";
  xpile::test::writeFile(in, "struct P { int n; };\n__global__ void k(P p, float *a) { a[threadIdx.x] = p.n; }\n");
  auto r = run(kXpile + " translate " + shellQuote(in) + " --to cuda -o " + shellQuote(out) + " --report " +
               shellQuote(report));
  EXPECT_EQ(r.exitCode, 0) << r.err;
  std::string printed = xpile::test::readFile(out);
  EXPECT_NE(printed.find("__global__ void k(P p, float *a)"), std::string::npos) << printed;
  EXPECT_NE(r.err.find("k.cu:1:1: note: carried unchanged (CXXRecord declaration)"), std::string::npos) << r.err;
  std::string json = xpile::test::readFile(report);
  EXPECT_NE(json.find("\"carried_spans\""), std::string::npos);
  EXPECT_NE(json.find("CXXRecord declaration"), std::string::npos);
  fs::remove_all(dir);
}
